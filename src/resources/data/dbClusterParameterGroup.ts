/**
 * `rds.dbClusterParameterGroup`: Aurora MySQL settings Morpheus relies on (utf8mb4, UTC, max_connections, audit
 * and slow query logging). Only the parameters we set are compared: `parameters` is the user-modified set.
 */
import {
  CreateDBClusterParameterGroupCommand, DeleteDBClusterParameterGroupCommand, DescribeDBClusterParameterGroupsCommand,
  DescribeDBClusterParametersCommand, ModifyDBClusterParameterGroupCommand, RDSClient, ResetDBClusterParameterGroupCommand,
  type DBClusterParameterGroup, type Parameter,
} from '@aws-sdk/client-rds';
import { hasCode } from '../../aws/errors.js';
import { tagList } from '../../aws/tags.js';
import { retryWhile } from '../../aws/wait.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { allPages, chunks, MINUTE } from './common.js';
import { nameForAddress } from './names.js';

export interface DbClusterParameterGroupInputs {
  name: string;
  family: string;
  description: string;
  parameters: Record<string, string>;
}

/** ModifyDBClusterParameterGroup takes at most 20 parameters per call. */
const MODIFY_BATCH = 20;

function client(ctx: ResourceCtx): RDSClient {
  return ctx.aws.get(RDSClient);
}

async function parametersOf(ctx: ResourceCtx, name: string, source?: string): Promise<Parameter[]> {
  return allPages(async (marker) => {
    const out = await client(ctx).send(new DescribeDBClusterParametersCommand({ DBClusterParameterGroupName: name, Source: source, Marker: marker }));
    return { items: out.Parameters, next: out.Marker };
  });
}

async function toActual(ctx: ResourceCtx, group: DBClusterParameterGroup): Promise<Actual> {
  const name = group.DBClusterParameterGroupName!;
  const parameters = Object.fromEntries((await parametersOf(ctx, name, 'user'))
    .filter((p) => p.ParameterName && p.ParameterValue !== undefined)
    .map((p) => [p.ParameterName!, p.ParameterValue!]));
  return {
    id: name,
    inputs: { name, family: group.DBParameterGroupFamily!, description: group.Description ?? '', parameters },
    outputs: { name, arn: group.DBClusterParameterGroupArn! },
  };
}

async function describeOne(ctx: ResourceCtx, name: string): Promise<DBClusterParameterGroup | undefined> {
  try {
    return (await client(ctx).send(new DescribeDBClusterParameterGroupsCommand({ DBClusterParameterGroupName: name })))
      .DBClusterParameterGroups?.[0];
  } catch (error) {
    if (hasCode(error, 'DBParameterGroupNotFound', 'DBParameterGroupNotFoundFault')) return undefined;
    throw error;
  }
}

/**
 * Static parameters only accept `pending-reboot`; dynamic ones should apply now. The group's own parameter list
 * says which is which (a parameter it does not list is treated as dynamic).
 */
async function setParameters(ctx: ResourceCtx, name: string, values: Record<string, string>): Promise<void> {
  const entries = Object.entries(values);
  if (entries.length === 0) return;
  const applyType = new Map((await parametersOf(ctx, name)).map((p) => [p.ParameterName!, p.ApplyType]));
  for (const batch of chunks(entries, MODIFY_BATCH)) {
    await client(ctx).send(new ModifyDBClusterParameterGroupCommand({
      DBClusterParameterGroupName: name,
      Parameters: batch.map(([ParameterName, ParameterValue]) => ({
        ParameterName, ParameterValue, ApplyMethod: applyType.get(ParameterName) === 'static' ? 'pending-reboot' : 'immediate',
      })),
    }));
  }
}

async function resetParameters(ctx: ResourceCtx, name: string, names: string[]): Promise<void> {
  for (const batch of chunks(names, MODIFY_BATCH)) {
    await client(ctx).send(new ResetDBClusterParameterGroupCommand({
      DBClusterParameterGroupName: name,
      Parameters: batch.map((ParameterName) => ({ ParameterName, ApplyMethod: 'pending-reboot' })),
    }));
  }
}

export const dbClusterParameterGroupHandler: Handler = {
  kind: 'rds.dbClusterParameterGroup',
  forceNew: ['name', 'family', 'description'],

  async read(ctx, items) {
    const wanted = new Map(items.map((i) => [i.id, i.address]));
    const groups = await allPages(async (marker) => {
      const out = await client(ctx).send(new DescribeDBClusterParameterGroupsCommand({ Marker: marker }));
      return { items: out.DBClusterParameterGroups, next: out.Marker };
    });
    const result = new Map<string, Actual>();
    await Promise.all(groups.map(async (group) => {
      const address = wanted.get(group.DBClusterParameterGroupName!);
      if (address) result.set(address, await toActual(ctx, group));
    }));
    return result;
  },

  async find(ctx, args) {
    const name = (args.inputs.name as string | undefined) ?? nameForAddress(ctx.workspace, args.address);
    const group = name ? await describeOne(ctx, name) : undefined;
    return group ? toActual(ctx, group) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as DbClusterParameterGroupInputs;
    const out = await client(ctx).send(new CreateDBClusterParameterGroupCommand({
      DBClusterParameterGroupName: inputs.name, DBParameterGroupFamily: inputs.family, Description: inputs.description,
      Tags: tagList(args.tags),
    }));
    await setParameters(ctx, inputs.name, inputs.parameters);
    return toActual(ctx, out.DBClusterParameterGroup!);
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as DbClusterParameterGroupInputs;
    const before = (args.previous.inputs.parameters ?? {}) as Record<string, string>;
    const changed = Object.fromEntries(Object.entries(inputs.parameters).filter(([k, v]) => before[k] !== v));
    await setParameters(ctx, inputs.name, changed);
    await resetParameters(ctx, inputs.name, Object.keys(before).filter((k) => !(k in inputs.parameters)));
    const group = await describeOne(ctx, inputs.name);
    if (!group) throw new Error(`cluster parameter group ${inputs.name} disappeared during the update`);
    return toActual(ctx, group);
  },

  async delete(ctx, args) {
    // In use until the cluster that references it is gone.
    await retryWhile(async () => {
      try {
        await client(ctx).send(new DeleteDBClusterParameterGroupCommand({ DBClusterParameterGroupName: args.id }));
      } catch (error) {
        if (!hasCode(error, 'DBParameterGroupNotFound', 'DBParameterGroupNotFoundFault')) throw error;
      }
    }, (e) => hasCode(e, 'InvalidDBParameterGroupState', 'InvalidDBParameterGroupStateFault'), {
      what: `delete cluster parameter group ${args.id}`, timeoutMs: 15 * MINUTE, minDelayMs: 5000, report: args.report, signal: args.signal,
    });
  },
};
