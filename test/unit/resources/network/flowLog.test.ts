import { CreateFlowLogsCommand, DeleteFlowLogsCommand, DescribeFlowLogsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { flowLogHandler } from '../../../../src/resources/network/flowLog.js';
import { call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const ec2 = mockClient(EC2Client);
const ctx = makeCtx();
const inputs = {
  vpcId: 'vpc-1', logGroupName: '/morpheus-ws/demo/vpc-flow-logs', deliveryRoleArn: 'arn:aws:iam::123456789012:role/fl',
  trafficType: 'ALL', maxAggregationInterval: 600,
};
const described = {
  FlowLogId: 'fl-1', ResourceId: 'vpc-1', LogGroupName: inputs.logGroupName, DeliverLogsPermissionArn: inputs.deliveryRoleArn,
  TrafficType: 'ALL' as const, MaxAggregationInterval: 600, LogDestinationType: 'cloud-watch-logs' as const,
};

beforeEach(() => ec2.reset());

describe('ec2.flowLog', () => {
  it('creates VPC flow logs to CloudWatch Logs with the token and tags', async () => {
    ec2.on(CreateFlowLogsCommand).resolves({ FlowLogIds: ['fl-1'] });
    ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [described] });
    const actual = await flowLogHandler.create(ctx, { ...call(), inputs, token: 'tok', tags: tagsFor('network.flowLogs') });
    expect(ec2.commandCalls(CreateFlowLogsCommand)[0].args[0].input).toMatchObject({
      ResourceType: 'VPC', ResourceIds: ['vpc-1'], TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs',
      LogGroupName: inputs.logGroupName, DeliverLogsPermissionArn: inputs.deliveryRoleArn, ClientToken: 'tok', MaxAggregationInterval: 600,
    });
    expect(actual).toEqual({ id: 'fl-1', inputs, outputs: { flowLogId: 'fl-1' } });
  });

  it('retries while the fresh delivery role is not usable yet, then fails on other rejections', async () => {
    ec2.on(CreateFlowLogsCommand)
      .resolvesOnce({ Unsuccessful: [{ Error: { Code: '400', Message: 'Unable to assume given IAM role.' } }] })
      .resolves({ FlowLogIds: ['fl-1'] });
    ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [described] });
    await withFakeTime(() => flowLogHandler.create(ctx, { ...call(), inputs, token: 'tok', tags: tagsFor('f') }));
    expect(ec2.commandCalls(CreateFlowLogsCommand)).toHaveLength(2);

    ec2.reset();
    ec2.on(CreateFlowLogsCommand).resolves({ Unsuccessful: [{ Error: { Code: 'FlowLogAlreadyExists', Message: 'exists' } }] });
    await expect(flowLogHandler.create(ctx, { ...call(), inputs, token: 'tok', tags: tagsFor('f') })).rejects.toThrow('FlowLogAlreadyExists');
  });

  it('reads with one filtered call', async () => {
    ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [described] });
    const result = await flowLogHandler.read(ctx, [{ address: 'a', id: 'fl-1', inputs: {}, outputs: {} }, { address: 'b', id: 'fl-2', inputs: {}, outputs: {} }]);
    expect(ec2.commandCalls(DescribeFlowLogsCommand)).toHaveLength(1);
    expect(result.get('a')?.inputs).toEqual(inputs);
    expect(result.has('b')).toBe(false);
  });

  it('deletes, treating an unknown flow log as gone', async () => {
    ec2.on(DeleteFlowLogsCommand).resolves({ Unsuccessful: [{ ResourceId: 'fl-1', Error: { Code: 'InvalidFlowLogId.NotFound', Message: 'x' } }] });
    await flowLogHandler.delete(ctx, { ...call(), id: 'fl-1', inputs, outputs: {} });
  });
});

describe('ec2.flowLog delete of an unknown id reported as an error', () => {
  it('is treated as gone', async () => {
    ec2.reset();
    const { awsError } = await import('../shared/handlerHarness.js');
    ec2.on(DeleteFlowLogsCommand).rejects(awsError('InvalidFlowLogId.NotFound'));
    await flowLogHandler.delete(ctx, { ...call(), id: 'fl-1', inputs, outputs: {} });
  });
});
