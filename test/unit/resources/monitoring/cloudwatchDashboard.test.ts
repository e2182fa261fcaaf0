import { CloudWatchClient, DeleteDashboardsCommand, GetDashboardCommand, PutDashboardCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudwatchDashboardHandler } from '../../../../src/resources/monitoring/cloudwatchDashboard.js';
import { awsError, call, makeCtx, reports } from '../shared/handlerHarness.js';

const cw = mockClient(CloudWatchClient);
const ctx = makeCtx();
const body = { widgets: [{ type: 'text', x: 0, y: 0, width: 24, height: 1, properties: { markdown: '## Load balancer' } }] };
const inputs = { name: 'morpheus-ws-demo', body };
const ARN = 'arn:aws:cloudwatch::123456789012:dashboard/morpheus-ws-demo';

beforeEach(() => cw.reset());

describe('cloudwatch.dashboard', () => {
  it('puts the body as JSON, reports validation warnings and reads it back', async () => {
    cw.on(PutDashboardCommand).resolves({ DashboardValidationMessages: [{ DataPath: '/widgets/0', Message: 'no data' }] });
    cw.on(GetDashboardCommand).resolves({ DashboardName: inputs.name, DashboardArn: ARN, DashboardBody: JSON.stringify(body) });
    const actual = await cloudwatchDashboardHandler.create(ctx, { ...call(), inputs, token: 't', tags: {} });
    expect(cw.commandCalls(PutDashboardCommand)[0].args[0].input).toEqual({ DashboardName: inputs.name, DashboardBody: JSON.stringify(body) });
    expect(reports.some((r) => r.includes('no data'))).toBe(true);
    expect(actual).toEqual({ id: inputs.name, inputs, outputs: { name: inputs.name, arn: ARN } });
  });

  it('reads a missing dashboard as gone', async () => {
    cw.on(GetDashboardCommand).rejects(awsError('ResourceNotFound'));
    expect((await cloudwatchDashboardHandler.read(ctx, [{ address: 'a', id: 'x', inputs: {}, outputs: {} }])).size).toBe(0);
    expect(await cloudwatchDashboardHandler.find(ctx, { address: 'a', token: 't', inputs, tags: {} })).toBeUndefined();
  });

  it('deletes, treating an unknown dashboard as gone', async () => {
    cw.on(DeleteDashboardsCommand).rejects(awsError('ResourceNotFound'));
    cw.on(GetDashboardCommand).rejects(awsError('ResourceNotFound'));
    await cloudwatchDashboardHandler.delete(ctx, { ...call(), id: inputs.name, inputs, outputs: {} });
  });

  it('compares bodies whatever their key order', () => {
    expect(cloudwatchDashboardHandler.equal!('body', { a: 1, b: [1] }, { b: [1], a: 1 })).toBe(true);
  });
});
