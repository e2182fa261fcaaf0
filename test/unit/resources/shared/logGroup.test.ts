import {
  AssociateKmsKeyCommand, CloudWatchLogsClient, CreateLogGroupCommand, DeleteLogGroupCommand, DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { logGroupHandler } from '../../../../src/resources/shared/logGroup.js';
import { awsError, call, makeCtx, tagsFor } from './handlerHarness.js';

const logs = mockClient(CloudWatchLogsClient);
const ctx = makeCtx();
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/k1';
const NAME = '/morpheus-ws/demo/vpc-flow-logs';
const described = (name: string, extra = {}) => ({
  logGroupName: name, retentionInDays: 90, kmsKeyId: KEY,
  arn: `arn:aws:logs:us-east-1:123456789012:log-group:${name}:*`, logGroupArn: `arn:aws:logs:us-east-1:123456789012:log-group:${name}`, ...extra,
});

beforeEach(() => logs.reset());

describe('logs.logGroup', () => {
  it('creates with its key and tags, then sets the retention', async () => {
    logs.on(CreateLogGroupCommand).resolves({});
    logs.on(PutRetentionPolicyCommand).resolves({});
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [described(NAME)] });
    const actual = await logGroupHandler.create(ctx, { ...call(), inputs: { name: NAME, retentionDays: 90, kmsKeyArn: KEY }, token: 't', tags: tagsFor('x') });
    expect(logs.commandCalls(CreateLogGroupCommand)[0].args[0].input).toMatchObject({ logGroupName: NAME, kmsKeyId: KEY });
    expect(logs.commandCalls(CreateLogGroupCommand)[0].args[0].input.tags).toMatchObject({ 'morpheus-ws:address': 'x' });
    expect(logs.commandCalls(PutRetentionPolicyCommand)[0].args[0].input).toEqual({ logGroupName: NAME, retentionInDays: 90 });
    expect(actual).toEqual({
      id: NAME, inputs: { name: NAME, retentionDays: 90, kmsKeyArn: KEY },
      outputs: { name: NAME, arn: `arn:aws:logs:us-east-1:123456789012:log-group:${NAME}` },
    });
  });

  it('reads the groups of one workspace with one prefix query, and strips `:*` from the ARN when needed', async () => {
    const other = '/morpheus-ws/demo/app';
    logs.on(DescribeLogGroupsCommand).resolves({
      logGroups: [described(other, { logGroupArn: undefined, kmsKeyId: undefined }), described(NAME), described('/morpheus-ws/demo/app-old')],
    });
    const result = await logGroupHandler.read(ctx, [
      { address: 'a', id: NAME, inputs: {}, outputs: {} },
      { address: 'b', id: other, inputs: {}, outputs: {} },
      { address: 'c', id: '/morpheus-ws/demo/gone', inputs: {}, outputs: {} },
    ]);
    expect(logs.commandCalls(DescribeLogGroupsCommand)).toHaveLength(1);
    expect(logs.commandCalls(DescribeLogGroupsCommand)[0].args[0].input.logGroupNamePrefix).toBe('/morpheus-ws/demo/');
    expect(result.get('b')).toEqual({
      id: other, inputs: { name: other, retentionDays: 90 },
      outputs: { name: other, arn: `arn:aws:logs:us-east-1:123456789012:log-group:${other}` },
    });
    expect(result.has('a')).toBe(true);
    expect(result.has('c')).toBe(false);
  });

  it('reports a group without retention as a difference from the desired retention', async () => {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [described(NAME, { retentionInDays: undefined })] });
    const result = await logGroupHandler.read(ctx, [{ address: 'a', id: NAME, inputs: {}, outputs: {} }]);
    expect(result.get('a')?.inputs.retentionDays).toBeNull();
  });

  it('finds by its deterministic name', async () => {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [described(NAME)] });
    const found = await logGroupHandler.find(ctx, { address: 'x', token: 't', inputs: { name: NAME, retentionDays: 90 }, tags: {} });
    expect(found?.id).toBe(NAME);
  });

  it('updates the key with AssociateKmsKey and the retention with PutRetentionPolicy', async () => {
    logs.on(AssociateKmsKeyCommand).resolves({});
    logs.on(PutRetentionPolicyCommand).resolves({});
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [described(NAME, { retentionInDays: 30 })] });
    await logGroupHandler.update!(ctx, {
      ...call(), id: NAME, inputs: { name: NAME, retentionDays: 30, kmsKeyArn: KEY }, changed: ['retentionDays', 'kmsKeyArn'], tags: {},
      previous: { id: NAME, inputs: {}, outputs: {} },
    });
    expect(logs.commandCalls(AssociateKmsKeyCommand)[0].args[0].input).toEqual({ logGroupName: NAME, kmsKeyId: KEY });
    expect(logs.commandCalls(PutRetentionPolicyCommand)[0].args[0].input).toEqual({ logGroupName: NAME, retentionInDays: 30 });
  });

  it('treats a missing group as deleted', async () => {
    logs.on(DeleteLogGroupCommand).rejects(awsError('ResourceNotFoundException'));
    await logGroupHandler.delete(ctx, { ...call(), id: NAME, inputs: {}, outputs: {} });
  });
});
