/**
 * `logs.resourcePolicy`: a CloudWatch Logs resource policy, the only way to let a service principal
 * (es.amazonaws.com, mq.amazonaws.com) write into our log groups. An account has at most 10 per region.
 */
import {
  CloudWatchLogsClient, DeleteResourcePolicyCommand, DescribeResourcePoliciesCommand, PutResourcePolicyCommand,
  type ResourcePolicy,
} from '@aws-sdk/client-cloudwatch-logs';
import { hasCode } from '../../aws/errors.js';
import type { Actual } from '../../engine/types.js';
import { deepEqual } from '../shared/compare.js';
import type { Handler, ResourceCtx } from '../context.js';
import { allPages } from './common.js';
import { nameForAddress } from './names.js';

export interface LogsResourcePolicyInputs {
  policyName: string;
  policyDocument: Record<string, unknown>;
}

function client(ctx: ResourceCtx): CloudWatchLogsClient {
  return ctx.aws.get(CloudWatchLogsClient);
}

async function listPolicies(ctx: ResourceCtx): Promise<ResourcePolicy[]> {
  return allPages(async (token) => {
    const out = await client(ctx).send(new DescribeResourcePoliciesCommand({ nextToken: token }));
    return { items: out.resourcePolicies, next: out.nextToken };
  });
}

function toActual(policy: ResourcePolicy): Actual {
  let document: unknown;
  try {
    document = JSON.parse(policy.policyDocument ?? '{}');
  } catch {
    document = policy.policyDocument;
  }
  return {
    id: policy.policyName!,
    inputs: { policyName: policy.policyName!, policyDocument: document },
    outputs: { policyName: policy.policyName! },
  };
}

async function put(ctx: ResourceCtx, inputs: LogsResourcePolicyInputs): Promise<Actual> {
  const out = await client(ctx).send(new PutResourcePolicyCommand({
    policyName: inputs.policyName, policyDocument: JSON.stringify(inputs.policyDocument),
  }));
  return toActual(out.resourcePolicy ?? { policyName: inputs.policyName, policyDocument: JSON.stringify(inputs.policyDocument) });
}

export const logsResourcePolicyHandler: Handler = {
  kind: 'logs.resourcePolicy',
  forceNew: ['policyName'],
  equal: (_field, desired, actual) => deepEqual(desired, actual),

  async read(ctx, items) {
    const byName = new Map((await listPolicies(ctx)).map((p) => [p.policyName!, p]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const policy = byName.get(item.id);
      if (policy) result.set(item.address, toActual(policy));
    }
    return result;
  },

  async find(ctx, args) {
    const name = (args.inputs.policyName as string | undefined) ?? nameForAddress(ctx.workspace, args.address);
    const policy = (await listPolicies(ctx)).find((p) => p.policyName === name);
    return policy ? toActual(policy) : undefined;
  },

  // PutResourcePolicy creates or replaces: create and update are the same call.
  create: (ctx, args) => put(ctx, args.inputs as unknown as LogsResourcePolicyInputs),
  update: (ctx, args) => put(ctx, args.inputs as unknown as LogsResourcePolicyInputs),

  async delete(ctx, args) {
    try {
      await client(ctx).send(new DeleteResourcePolicyCommand({ policyName: args.id }));
    } catch (error) {
      if (!hasCode(error, 'ResourceNotFoundException')) throw error;
    }
  },
};
