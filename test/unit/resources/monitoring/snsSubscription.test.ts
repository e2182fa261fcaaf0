import { ListSubscriptionsByTopicCommand, SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { snsSubscriptionHandler } from '../../../../src/resources/monitoring/snsSubscription.js';
import { awsError, call, makeCtx } from '../shared/handlerHarness.js';

const sns = mockClient(SNSClient);
const ctx = makeCtx();
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:morpheus-ws-demo-alarms';
const SUB = `${TOPIC}:0f1e2d3c`;
const inputs = { topicArn: TOPIC, protocol: 'email', endpoint: 'ops@example.com' };

beforeEach(() => sns.reset());

describe('sns.subscription', () => {
  it('subscribes asking for the real ARN, even while confirmation is pending', async () => {
    sns.on(SubscribeCommand).resolves({ SubscriptionArn: SUB });
    const actual = await snsSubscriptionHandler.create(ctx, { ...call(), inputs, token: 't', tags: {} });
    expect(sns.commandCalls(SubscribeCommand)[0].args[0].input).toEqual({ TopicArn: TOPIC, Protocol: 'email', Endpoint: 'ops@example.com', ReturnSubscriptionArn: true });
    expect(actual).toEqual({ id: SUB, inputs, outputs: { arn: SUB, pendingConfirmation: true } });
  });

  it('reads all subscriptions of a topic with one paginated list, matching pending ones by endpoint', async () => {
    sns.on(ListSubscriptionsByTopicCommand)
      .resolvesOnce({ Subscriptions: [{ SubscriptionArn: SUB, TopicArn: TOPIC, Protocol: 'email', Endpoint: 'ops@example.com' }], NextToken: 'n' })
      .resolves({ Subscriptions: [{ SubscriptionArn: 'PendingConfirmation', TopicArn: TOPIC, Protocol: 'email', Endpoint: 'oncall@example.com' }] });
    const result = await snsSubscriptionHandler.read(ctx, [
      { address: 'a', id: SUB, inputs, outputs: {} },
      { address: 'b', id: `${TOPIC}:pending`, inputs: { ...inputs, endpoint: 'oncall@example.com' }, outputs: {} },
      { address: 'c', id: `${TOPIC}:gone`, inputs: { ...inputs, endpoint: 'left@example.com' }, outputs: {} },
    ]);
    expect(sns.commandCalls(ListSubscriptionsByTopicCommand)).toHaveLength(2);
    expect([...result.keys()].sort()).toEqual(['a', 'b']);
    expect(result.get('b')?.outputs.pendingConfirmation).toBe(true);
  });

  it('reads nothing when the topic is gone', async () => {
    sns.on(ListSubscriptionsByTopicCommand).rejects(awsError('NotFound'));
    expect((await snsSubscriptionHandler.read(ctx, [{ address: 'a', id: SUB, inputs, outputs: {} }])).size).toBe(0);
  });

  it('unsubscribes, treating an unknown or expired subscription as gone', async () => {
    sns.on(UnsubscribeCommand).rejects(awsError('InvalidParameter'));
    await snsSubscriptionHandler.delete(ctx, { ...call(), id: SUB, inputs, outputs: {} });
    sns.on(UnsubscribeCommand).rejects(awsError('AuthorizationError'));
    await expect(snsSubscriptionHandler.delete(ctx, { ...call(), id: SUB, inputs, outputs: {} })).rejects.toThrow('AuthorizationError');
  });

  it('every field forces a new subscription', () => {
    expect(snsSubscriptionHandler.forceNew).toEqual(['topicArn', 'protocol', 'endpoint']);
    expect(snsSubscriptionHandler.update).toBeUndefined();
  });
});
