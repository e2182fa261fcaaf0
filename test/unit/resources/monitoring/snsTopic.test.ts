import { CreateTopicCommand, DeleteTopicCommand, GetTopicAttributesCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { snsTopicHandler } from '../../../../src/resources/monitoring/snsTopic.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const sns = mockClient(SNSClient);
const ctx = makeCtx();
const ARN = 'arn:aws:sns:us-east-1:123456789012:morpheus-ws-demo-alarms';
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/k1';
const policy = { Version: '2012-10-17', Statement: [{ Sid: 'CloudWatchAlarmsPublish', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: ARN }] };
const inputs = { name: 'morpheus-ws-demo-alarms', displayName: 'demo alarms', kmsMasterKeyId: KEY, policy };
const attributes = { TopicArn: ARN, DisplayName: 'demo alarms', KmsMasterKeyId: KEY, Policy: JSON.stringify(policy) };

beforeEach(() => sns.reset());

describe('sns.topic', () => {
  it('creates the topic encrypted, with its policy and tags, and reads it back', async () => {
    sns.on(CreateTopicCommand).resolves({ TopicArn: ARN });
    sns.on(GetTopicAttributesCommand).resolves({ Attributes: attributes });
    const actual = await snsTopicHandler.create(ctx, { ...call(), inputs, token: 't', tags: tagsFor('monitoring.topic') });
    const input = sns.commandCalls(CreateTopicCommand)[0].args[0].input;
    expect(input.Attributes).toEqual({ DisplayName: 'demo alarms', KmsMasterKeyId: KEY, Policy: JSON.stringify(policy) });
    expect(input.Tags).toContainEqual({ Key: 'morpheus-ws:address', Value: 'monitoring.topic' });
    expect(actual).toEqual({ id: ARN, inputs, outputs: { arn: ARN, name: inputs.name } });
  });

  it('reads a deleted topic as gone and finds one by its computed ARN', async () => {
    sns.on(GetTopicAttributesCommand, { TopicArn: ARN }).resolves({ Attributes: attributes });
    sns.on(GetTopicAttributesCommand, { TopicArn: `${ARN}-old` }).rejects(awsError('NotFound'));
    const result = await snsTopicHandler.read(ctx, [
      { address: 'a', id: ARN, inputs: {}, outputs: {} }, { address: 'b', id: `${ARN}-old`, inputs: {}, outputs: {} },
    ]);
    expect([...result.keys()]).toEqual(['a']);
    const found = await snsTopicHandler.find(ctx, { address: 'a', token: 't', inputs, tags: {} });
    expect(found?.id).toBe(ARN);
  });

  it('updates only the changed attributes', async () => {
    sns.on(SetTopicAttributesCommand).resolves({});
    sns.on(GetTopicAttributesCommand).resolves({ Attributes: attributes });
    await snsTopicHandler.update!(ctx, { ...call(), id: ARN, inputs, changed: ['policy'], tags: {}, previous: { id: ARN, inputs: {}, outputs: {} } });
    expect(sns.commandCalls(SetTopicAttributesCommand).map((c) => c.args[0].input)).toEqual([
      { TopicArn: ARN, AttributeName: 'Policy', AttributeValue: JSON.stringify(policy) },
    ]);
  });

  it('deletes and waits until the topic is gone', async () => {
    sns.on(DeleteTopicCommand).resolves({});
    sns.on(GetTopicAttributesCommand).resolvesOnce({ Attributes: attributes }).rejects(awsError('NotFound'));
    await withFakeTime(() => snsTopicHandler.delete(ctx, { ...call(), id: ARN, inputs, outputs: {} }));
    expect(sns.commandCalls(GetTopicAttributesCommand)).toHaveLength(2);
  });
});
