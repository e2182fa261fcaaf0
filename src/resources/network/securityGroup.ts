/**
 * `ec2.securityGroup`: a VPC security group together with all its ingress and egress rules. The default
 * allow-all egress is revoked unless declared, so the group allows exactly what its inputs say.
 */
import {
  AuthorizeSecurityGroupEgressCommand, AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand, DescribeSecurityGroupsCommand, EC2Client, RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand, UpdateSecurityGroupRuleDescriptionsEgressCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand, type Filter, type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { hasCode } from '../../aws/errors.js';
import { retryWhile } from '../../aws/wait.js';
import type { Actual, NodeCall } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { deepEqual } from '../shared/compare.js';
import { allPages, describeByIds, isOwnedBy, ownerFilters, tagSpecifications } from './ec2Common.js';
import {
  diffRules, permissionFor, rulesFromPermissions, sameRules, type SecurityGroupRule,
} from './securityGroupRules.js';

export interface SecurityGroupInputs {
  vpcId: string;
  name: string;
  description: string;
  ingress: SecurityGroupRule[];
  egress: SecurityGroupRule[];
}

// ENIs of deleted ALBs, RDS, MQ, OpenSearch and EFS mount targets keep the group in use for minutes.
const DELETE_TIMEOUT_MS = 15 * 60_000;
// A new group, or a group a rule refers to, can be briefly invisible to the rule calls.
const VISIBLE_TIMEOUT_MS = 2 * 60_000;

async function describe(ctx: ResourceCtx, filters: Filter[], token?: string) {
  const out = await ctx.aws.get(EC2Client).send(new DescribeSecurityGroupsCommand({ Filters: filters, NextToken: token }));
  return { items: out.SecurityGroups, next: out.NextToken };
}

function groupsById(ctx: ResourceCtx, ids: string[]): Promise<SecurityGroup[]> {
  return describeByIds(ids, (f, t) => describe(ctx, [f], t), 'group-id');
}

async function readOne(ctx: ResourceCtx, id: string): Promise<SecurityGroup> {
  const [group] = await groupsById(ctx, [id]);
  if (!group) throw new Error(`security group ${id} is not visible`);
  return group;
}

function toActual(group: SecurityGroup): Actual {
  const inputs: SecurityGroupInputs = {
    vpcId: group.VpcId!,
    name: group.GroupName!,
    description: group.Description ?? '',
    ingress: rulesFromPermissions(group.IpPermissions),
    egress: rulesFromPermissions(group.IpPermissionsEgress),
  };
  return { id: group.GroupId!, inputs: { ...inputs }, outputs: { groupId: group.GroupId! } };
}

/** Authorize what is missing first, then revoke what is extra: access that stays wanted is never interrupted. */
async function syncRules(ctx: ResourceCtx, group: SecurityGroup, inputs: SecurityGroupInputs, call: NodeCall): Promise<void> {
  const ec2 = ctx.aws.get(EC2Client);
  const GroupId = group.GroupId!;
  const retryVisible = <T>(what: string, op: () => Promise<T>) => retryWhile(op, (e) => hasCode(e, 'InvalidGroup.NotFound'), {
    what, timeoutMs: VISIBLE_TIMEOUT_MS, minDelayMs: 1000, report: call.report, signal: call.signal,
  });
  const directions = [
    {
      name: 'ingress', current: rulesFromPermissions(group.IpPermissions), desired: inputs.ingress,
      authorize: (p: ReturnType<typeof permissionFor>[]) => ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: p })),
      revoke: (p: ReturnType<typeof permissionFor>[]) => ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId, IpPermissions: p })),
      redescribe: (p: ReturnType<typeof permissionFor>[]) => ec2.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({ GroupId, IpPermissions: p })),
    },
    {
      name: 'egress', current: rulesFromPermissions(group.IpPermissionsEgress), desired: inputs.egress,
      authorize: (p: ReturnType<typeof permissionFor>[]) => ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId, IpPermissions: p })),
      revoke: (p: ReturnType<typeof permissionFor>[]) => ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId, IpPermissions: p })),
      redescribe: (p: ReturnType<typeof permissionFor>[]) => ec2.send(new UpdateSecurityGroupRuleDescriptionsEgressCommand({ GroupId, IpPermissions: p })),
    },
  ];
  for (const d of directions) {
    const changes = diffRules(d.current, d.desired);
    if (changes.authorize.length) {
      await retryVisible(`authorize ${d.name} on ${GroupId}`, () => d.authorize(changes.authorize.map(permissionFor)));
    }
    if (changes.redescribe.length) await d.redescribe(changes.redescribe.map(permissionFor));
    if (changes.revoke.length) {
      try {
        await d.revoke(changes.revoke.map(permissionFor));
      } catch (error) {
        if (!hasCode(error, 'InvalidPermission.NotFound')) throw error;
      }
    }
  }
}

export const securityGroupHandler: Handler = {
  kind: 'ec2.securityGroup',
  forceNew: ['vpcId', 'name', 'description'],

  async read(ctx, items) {
    const byId = new Map((await groupsById(ctx, items.map((i) => i.id))).map((g) => [g.GroupId!, g]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const group = byId.get(item.id);
      if (group) result.set(item.address, toActual(group));
    }
    return result;
  },

  async find(ctx, args) {
    const group = (await allPages((t) => describe(ctx, ownerFilters(args.tags), t))).find((r) => isOwnedBy(r.Tags, args.tags));
    return group ? toActual(group) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as SecurityGroupInputs;
    const out = await ctx.aws.get(EC2Client).send(new CreateSecurityGroupCommand({
      GroupName: inputs.name, Description: inputs.description, VpcId: inputs.vpcId,
      TagSpecifications: tagSpecifications('security-group', args.tags),
    }));
    const id = out.GroupId!;
    const group = await retryWhile(() => readOne(ctx, id), () => true, {
      what: `security group ${id} visible`, timeoutMs: VISIBLE_TIMEOUT_MS, minDelayMs: 1000, report: args.report, signal: args.signal,
    });
    await syncRules(ctx, group, inputs, args);
    return toActual(await readOne(ctx, id));
  },

  async update(ctx, args) {
    await syncRules(ctx, await readOne(ctx, args.id), args.inputs as unknown as SecurityGroupInputs, args);
    return toActual(await readOne(ctx, args.id));
  },

  async delete(ctx, args) {
    await retryWhile(async () => {
      try {
        await ctx.aws.get(EC2Client).send(new DeleteSecurityGroupCommand({ GroupId: args.id }));
      } catch (error) {
        if (hasCode(error, 'InvalidGroup.NotFound')) return;
        throw error;
      }
    }, (e) => hasCode(e, 'DependencyViolation'), {
      what: `delete security group ${args.id}`, timeoutMs: DELETE_TIMEOUT_MS, minDelayMs: 5000, report: args.report, signal: args.signal,
    });
  },

  equal(field, desired, actual) {
    if (field === 'ingress' || field === 'egress') return sameRules(desired, actual);
    return deepEqual(desired, actual);
  },
};
