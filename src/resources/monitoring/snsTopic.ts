/**
 * `sns.topic`: the workspace's alarm topic, encrypted with the workspace key, with the access policy that lets
 * CloudWatch alarms and AWS Budgets publish to it. The name is deterministic, so the ARN can be computed.
 */
import { CreateTopicCommand, DeleteTopicCommand, GetTopicAttributesCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { hasCode } from '../../aws/errors.js';
import { tagList } from '../../aws/tags.js';
import { waitUntil } from '../../aws/wait.js';
import type { Actual, NodeCall } from '../../engine/types.js';
import { readEach } from '../readEach.js';
import type { Handler, ResourceCtx } from '../context.js';
import { deepEqual } from '../shared/compare.js';

export interface SnsTopicInputs {
  name: string;
  displayName: string;
  kmsMasterKeyId: string;
  policy: object;
}

const TIMEOUT_MS = 2 * 60_000;
/** Input field -> topic attribute. */
const ATTRIBUTES = { displayName: 'DisplayName', kmsMasterKeyId: 'KmsMasterKeyId', policy: 'Policy' } as const;

const sns = (ctx: ResourceCtx) => ctx.aws.get(SNSClient);
const notFound = (e: unknown) => hasCode(e, 'NotFound', 'NotFoundException');

export function topicArn(ctx: ResourceCtx, name: string): string {
  return `arn:${ctx.partition}:sns:${ctx.region}:${ctx.accountId}:${name}`;
}

async function attributesOf(ctx: ResourceCtx, arn: string): Promise<Record<string, string> | undefined> {
  try {
    return (await sns(ctx).send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes ?? {};
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
}

function toActual(arn: string, attributes: Record<string, string>): Actual {
  const name = arn.split(':').pop()!;
  const inputs: Record<string, unknown> = { name, displayName: attributes.DisplayName ?? '', kmsMasterKeyId: attributes.KmsMasterKeyId ?? '' };
  if (attributes.Policy) inputs.policy = JSON.parse(attributes.Policy) as object;
  return { id: arn, inputs, outputs: { arn, name } };
}

async function readLive(ctx: ResourceCtx, arn: string): Promise<Actual | undefined> {
  const attributes = await attributesOf(ctx, arn);
  return attributes ? toActual(arn, attributes) : undefined;
}

function attributeValue(inputs: SnsTopicInputs, field: keyof typeof ATTRIBUTES): string {
  return field === 'policy' ? JSON.stringify(inputs.policy) : inputs[field];
}

async function waitReadable(ctx: ResourceCtx, arn: string, call: NodeCall): Promise<Actual> {
  return waitUntil(async () => {
    const actual = await readLive(ctx, arn);
    return actual ? { done: true, value: actual } : { done: false, status: 'not visible yet' };
  }, { what: `topic ${arn}`, timeoutMs: TIMEOUT_MS, minDelayMs: 1000, report: call.report, signal: call.signal });
}

export const snsTopicHandler: Handler = {
  kind: 'sns.topic',
  forceNew: ['name'],

  /** SNS has no batch read: one GetTopicAttributes per topic (a workspace has one). */
  read(ctx, items) {
    return readEach(items, (item) => readLive(ctx, item.id));
  },

  async find(ctx, args) {
    const name = (args.inputs as Partial<SnsTopicInputs>).name;
    return name ? readLive(ctx, topicArn(ctx, name)) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as SnsTopicInputs;
    // CreateTopic is idempotent by name: a retried create returns the same topic.
    const out = await sns(ctx).send(new CreateTopicCommand({
      Name: inputs.name,
      Attributes: Object.fromEntries(Object.entries(ATTRIBUTES).map(([field, attribute]) =>
        [attribute, attributeValue(inputs, field as keyof typeof ATTRIBUTES)])),
      Tags: tagList(args.tags),
    }));
    return waitReadable(ctx, out.TopicArn!, args);
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as SnsTopicInputs;
    for (const field of args.changed) {
      if (!(field in ATTRIBUTES)) continue;
      const key = field as keyof typeof ATTRIBUTES;
      await sns(ctx).send(new SetTopicAttributesCommand({ TopicArn: args.id, AttributeName: ATTRIBUTES[key], AttributeValue: attributeValue(inputs, key) }));
    }
    return waitReadable(ctx, args.id, args);
  },

  async delete(ctx, args) {
    try {
      await sns(ctx).send(new DeleteTopicCommand({ TopicArn: args.id }));
    } catch (error) {
      if (!notFound(error)) throw error;
    }
    await waitUntil(async () => ((await attributesOf(ctx, args.id)) ? { done: false, status: 'deleting' } : { done: true, value: undefined }),
      { what: `deletion of topic ${args.id}`, timeoutMs: TIMEOUT_MS, minDelayMs: 1000, report: args.report, signal: args.signal });
  },

  equal(field, desired, actual) {
    return deepEqual(desired, actual);
  },
};
