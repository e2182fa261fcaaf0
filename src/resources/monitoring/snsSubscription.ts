/**
 * `sns.subscription`: an email (or other) endpoint subscribed to the alarm topic. An email subscription stays
 * "pending confirmation" until its owner clicks the link; that is a normal state, not a failure. Subscriptions
 * cannot be changed in place: any change is a new subscription.
 */
import { ListSubscriptionsByTopicCommand, SNSClient, SubscribeCommand, UnsubscribeCommand, type Subscription } from '@aws-sdk/client-sns';
import { hasCode } from '../../aws/errors.js';
import type { Actual, ReadItem } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';

export interface SnsSubscriptionInputs {
  topicArn: string;
  protocol: string;
  endpoint: string;
}

/** What ListSubscriptionsByTopic shows instead of an ARN while an email subscription awaits confirmation. */
const PENDING = 'PendingConfirmation';

const sns = (ctx: ResourceCtx) => ctx.aws.get(SNSClient);
// Unsubscribing a subscription that no longer exists (or expired unconfirmed) is reported as one of these.
const gone = (e: unknown) => hasCode(e, 'NotFound', 'NotFoundException', 'InvalidParameter');

async function subscriptionsOf(ctx: ResourceCtx, topicArn: string): Promise<Subscription[]> {
  const all: Subscription[] = [];
  let NextToken: string | undefined;
  try {
    do {
      const page = await sns(ctx).send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
      all.push(...(page.Subscriptions ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
  } catch (error) {
    if (hasCode(error, 'NotFound', 'NotFoundException')) return [];
    throw error;
  }
  return all;
}

function sameEndpoint(subscription: Subscription, inputs: Partial<SnsSubscriptionInputs>): boolean {
  return subscription.Protocol === inputs.protocol && subscription.Endpoint?.toLowerCase() === inputs.endpoint?.toLowerCase();
}

/** The listed subscription for `id`: by ARN once confirmed, by endpoint while pending (listed without its ARN). */
function match(list: Subscription[], id: string, inputs: Partial<SnsSubscriptionInputs>): Subscription | undefined {
  return list.find((s) => s.SubscriptionArn === id) ?? list.find((s) => s.SubscriptionArn === PENDING && sameEndpoint(s, inputs));
}

function toActual(id: string, subscription: Subscription): Actual {
  const pending = subscription.SubscriptionArn === PENDING;
  return {
    id,
    inputs: { topicArn: subscription.TopicArn!, protocol: subscription.Protocol!, endpoint: subscription.Endpoint! },
    outputs: { arn: id, pendingConfirmation: pending },
  };
}

export const snsSubscriptionHandler: Handler = {
  kind: 'sns.subscription',
  forceNew: ['topicArn', 'protocol', 'endpoint'],

  /** One paginated ListSubscriptionsByTopic per topic, for all the subscriptions of that topic. */
  async read(ctx, items) {
    const byTopic = new Map<string, ReadItem[]>();
    for (const item of items) {
      const topic = String((item.inputs as Partial<SnsSubscriptionInputs>).topicArn ?? item.id.split(':').slice(0, 6).join(':'));
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), item]);
    }
    const result = new Map<string, Actual>();
    await Promise.all([...byTopic].map(async ([topic, own]) => {
      const list = await subscriptionsOf(ctx, topic);
      for (const item of own) {
        const found = match(list, item.id, item.inputs as Partial<SnsSubscriptionInputs>);
        if (found) result.set(item.address, toActual(item.id, found));
      }
    }));
    return result;
  },

  async find(ctx, args) {
    const inputs = args.inputs as Partial<SnsSubscriptionInputs>;
    if (!inputs.topicArn) return undefined;
    const found = (await subscriptionsOf(ctx, inputs.topicArn)).find((s) => sameEndpoint(s, inputs));
    // A pending subscription has no ARN to adopt; subscribing again returns the same one.
    if (!found || found.SubscriptionArn === PENDING) return undefined;
    return toActual(found.SubscriptionArn!, found);
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as SnsSubscriptionInputs;
    // ReturnSubscriptionArn: the real ARN even while the email owner has not confirmed yet.
    const out = await sns(ctx).send(new SubscribeCommand({
      TopicArn: inputs.topicArn, Protocol: inputs.protocol, Endpoint: inputs.endpoint, ReturnSubscriptionArn: true,
    }));
    const arn = out.SubscriptionArn!;
    if (inputs.protocol === 'email' || inputs.protocol === 'email-json') args.report(`${inputs.endpoint} must confirm the subscription (email sent)`);
    return { id: arn, inputs: { ...inputs }, outputs: { arn, pendingConfirmation: inputs.protocol.startsWith('email') } };
  },

  async delete(ctx, args) {
    try {
      await sns(ctx).send(new UnsubscribeCommand({ SubscriptionArn: args.id }));
    } catch (error) {
      if (!gone(error)) throw error;
    }
  },
};
