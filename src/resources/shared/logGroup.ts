/** `logs.logGroup`: a CloudWatch Logs group with a retention and, optionally, a KMS key. Its name is its identity. */
import {
  AssociateKmsKeyCommand, CloudWatchLogsClient, CreateLogGroupCommand, DeleteLogGroupCommand,
  DescribeLogGroupsCommand, DisassociateKmsKeyCommand, PutRetentionPolicyCommand,
  type LogGroup,
} from '@aws-sdk/client-cloudwatch-logs';
import { hasCode } from '../../aws/errors.js';
import { retryWhile } from '../../aws/wait.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';

export interface LogGroupInputs {
  name: string;
  retentionDays: number;
  kmsKeyArn?: string;
}

// A key policy just written (or a key just created) can take a moment before CloudWatch Logs may use it.
const KEY_PROPAGATION_TIMEOUT_MS = 2 * 60_000;

function logs(ctx: ResourceCtx): CloudWatchLogsClient {
  return ctx.aws.get(CloudWatchLogsClient);
}

/** Log groups under one name prefix, all pages. */
async function describePrefix(ctx: ResourceCtx, prefix: string): Promise<LogGroup[]> {
  const groups: LogGroup[] = [];
  let nextToken: string | undefined;
  do {
    const out = await logs(ctx).send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, nextToken }));
    groups.push(...(out.logGroups ?? []));
    nextToken = out.nextToken;
  } while (nextToken);
  return groups;
}

function commonPrefix(names: string[]): string {
  let prefix = names[0] ?? '';
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/**
 * Batch the names into as few DescribeLogGroups calls as possible: names sharing their first two path segments
 * (`/morpheus-ws/<workspace>/…`, `/aws/rds/…`) are read with one prefix query.
 */
async function describeNames(ctx: ResourceCtx, names: string[]): Promise<Map<string, LogGroup>> {
  const families = new Map<string, string[]>();
  for (const name of new Set(names)) {
    const family = name.split('/').slice(0, 3).join('/');
    families.set(family, [...(families.get(family) ?? []), name]);
  }
  const found = new Map<string, LogGroup>();
  for (const members of families.values()) {
    const wanted = new Set(members);
    for (const group of await describePrefix(ctx, commonPrefix(members))) {
      if (group.logGroupName && wanted.has(group.logGroupName)) found.set(group.logGroupName, group);
    }
  }
  return found;
}

function arnOf(group: LogGroup): string {
  // `arn` ends in `:*` (the streams); `logGroupArn` is the group itself, which IAM and other services expect.
  return group.logGroupArn ?? group.arn!.replace(/:\*$/, '');
}

function toActual(group: LogGroup): Actual {
  const inputs: Record<string, unknown> = { name: group.logGroupName! };
  // No retention means "never expire"; the stack always sets one, so absent reads as a difference.
  inputs.retentionDays = group.retentionInDays ?? null;
  if (group.kmsKeyId) inputs.kmsKeyArn = group.kmsKeyId;
  return { id: group.logGroupName!, inputs, outputs: { name: group.logGroupName!, arn: arnOf(group) } };
}

async function readOne(ctx: ResourceCtx, name: string): Promise<LogGroup | undefined> {
  return (await describeNames(ctx, [name])).get(name);
}

async function setKey(ctx: ResourceCtx, name: string, kmsKeyArn: string | undefined, signal: AbortSignal, report: (m: string) => void) {
  if (!kmsKeyArn) {
    await logs(ctx).send(new DisassociateKmsKeyCommand({ logGroupName: name }));
    return;
  }
  await retryWhile(() => logs(ctx).send(new AssociateKmsKeyCommand({ logGroupName: name, kmsKeyId: kmsKeyArn })),
    (e) => hasCode(e, 'AccessDeniedException'),
    { what: `associate KMS key with ${name}`, timeoutMs: KEY_PROPAGATION_TIMEOUT_MS, minDelayMs: 2000, report, signal });
}

export const logGroupHandler: Handler = {
  kind: 'logs.logGroup',
  forceNew: ['name'],

  async read(ctx, items) {
    const byName = await describeNames(ctx, items.map((i) => i.id));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const group = byName.get(item.id);
      if (group) result.set(item.address, toActual(group));
    }
    return result;
  },

  async find(ctx, args) {
    const group = await readOne(ctx, (args.inputs as unknown as LogGroupInputs).name);
    return group ? toActual(group) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as LogGroupInputs;
    await retryWhile(() => logs(ctx).send(new CreateLogGroupCommand({
      logGroupName: inputs.name, kmsKeyId: inputs.kmsKeyArn, tags: args.tags,
    })), (e) => hasCode(e, 'AccessDeniedException') && Boolean(inputs.kmsKeyArn), {
      what: `create log group ${inputs.name} with its KMS key`, timeoutMs: KEY_PROPAGATION_TIMEOUT_MS, minDelayMs: 2000,
      report: args.report, signal: args.signal,
    });
    await logs(ctx).send(new PutRetentionPolicyCommand({ logGroupName: inputs.name, retentionInDays: inputs.retentionDays }));
    const group = await readOne(ctx, inputs.name);
    if (!group) throw new Error(`log group ${inputs.name} is not visible after creation`);
    return toActual(group);
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as LogGroupInputs;
    if (args.changed.includes('retentionDays')) {
      await logs(ctx).send(new PutRetentionPolicyCommand({ logGroupName: args.id, retentionInDays: inputs.retentionDays }));
    }
    if (args.changed.includes('kmsKeyArn')) await setKey(ctx, args.id, inputs.kmsKeyArn, args.signal, args.report);
    const group = await readOne(ctx, args.id);
    if (!group) throw new Error(`log group ${args.id} disappeared during the update`);
    return toActual(group);
  },

  async delete(ctx, args) {
    try {
      await logs(ctx).send(new DeleteLogGroupCommand({ logGroupName: args.id }));
    } catch (error) {
      if (!hasCode(error, 'ResourceNotFoundException')) throw error;
    }
  },
};
