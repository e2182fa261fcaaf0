/** `rds.dbSubnetGroup`: the private subnets Aurora places its instances in. */
import {
  CreateDBSubnetGroupCommand, DeleteDBSubnetGroupCommand, DescribeDBSubnetGroupsCommand, ModifyDBSubnetGroupCommand,
  RDSClient, type DBSubnetGroup,
} from '@aws-sdk/client-rds';
import { hasCode } from '../../aws/errors.js';
import { tagList } from '../../aws/tags.js';
import { retryWhile } from '../../aws/wait.js';
import type { Actual } from '../../engine/types.js';
import { deepEqual, sameMembers } from '../shared/compare.js';
import type { Handler, ResourceCtx } from '../context.js';
import { allPages, MINUTE } from './common.js';
import { nameForAddress } from './names.js';

export interface DbSubnetGroupInputs {
  name: string;
  description: string;
  subnetIds: string[];
}

function client(ctx: ResourceCtx): RDSClient {
  return ctx.aws.get(RDSClient);
}

function toActual(group: DBSubnetGroup): Actual {
  return {
    id: group.DBSubnetGroupName!,
    inputs: {
      name: group.DBSubnetGroupName!,
      description: group.DBSubnetGroupDescription ?? '',
      subnetIds: (group.Subnets ?? []).map((s) => s.SubnetIdentifier!),
    },
    outputs: { name: group.DBSubnetGroupName!, arn: group.DBSubnetGroupArn! },
  };
}

async function describeOne(ctx: ResourceCtx, name: string): Promise<DBSubnetGroup | undefined> {
  try {
    return (await client(ctx).send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: name }))).DBSubnetGroups?.[0];
  } catch (error) {
    if (hasCode(error, 'DBSubnetGroupNotFoundFault')) return undefined;
    throw error;
  }
}

export const dbSubnetGroupHandler: Handler = {
  kind: 'rds.dbSubnetGroup',
  forceNew: ['name'],
  equal: (field, desired, actual) => (field === 'subnetIds' ? sameMembers(desired, actual) : deepEqual(desired, actual)),

  async read(ctx, items) {
    // DescribeDBSubnetGroups takes one name or none: list them all (one paginated call) rather than one call each.
    const wanted = new Map(items.map((i) => [i.id, i.address]));
    const groups = await allPages(async (marker) => {
      const out = await client(ctx).send(new DescribeDBSubnetGroupsCommand({ Marker: marker }));
      return { items: out.DBSubnetGroups, next: out.Marker };
    });
    const result = new Map<string, Actual>();
    for (const group of groups) {
      const address = wanted.get(group.DBSubnetGroupName!);
      if (address) result.set(address, toActual(group));
    }
    return result;
  },

  async find(ctx, args) {
    const name = (args.inputs.name as string | undefined) ?? nameForAddress(ctx.workspace, args.address);
    const group = name ? await describeOne(ctx, name) : undefined;
    return group ? toActual(group) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as DbSubnetGroupInputs;
    const out = await client(ctx).send(new CreateDBSubnetGroupCommand({
      DBSubnetGroupName: inputs.name, DBSubnetGroupDescription: inputs.description, SubnetIds: inputs.subnetIds,
      Tags: tagList(args.tags),
    }));
    return toActual(out.DBSubnetGroup!);
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as DbSubnetGroupInputs;
    const out = await client(ctx).send(new ModifyDBSubnetGroupCommand({
      DBSubnetGroupName: inputs.name, DBSubnetGroupDescription: inputs.description, SubnetIds: inputs.subnetIds,
    }));
    return toActual(out.DBSubnetGroup!);
  },

  async delete(ctx, args) {
    // Still "in use" for a while after the cluster is gone.
    await retryWhile(async () => {
      try {
        await client(ctx).send(new DeleteDBSubnetGroupCommand({ DBSubnetGroupName: args.id }));
      } catch (error) {
        if (!hasCode(error, 'DBSubnetGroupNotFoundFault')) throw error;
      }
    }, (e) => hasCode(e, 'InvalidDBSubnetGroupStateFault'), {
      what: `delete DB subnet group ${args.id}`, timeoutMs: 15 * MINUTE, minDelayMs: 5000, report: args.report, signal: args.signal,
    });
  },
};
