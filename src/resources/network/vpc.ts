/** `ec2.vpc`: the workspace's VPC, with DNS support and DNS hostnames (needed for EFS and VPC endpoints). */
import {
  CreateVpcCommand, DeleteVpcCommand, DescribeVpcAttributeCommand, DescribeVpcsCommand, EC2Client,
  ModifyVpcAttributeCommand, type Filter, type Vpc,
} from '@aws-sdk/client-ec2';
import { hasCode } from '../../aws/errors.js';
import { retryWhile, waitUntil } from '../../aws/wait.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { allPages, describeByIds, isOwnedBy, ownerFilters, tagSpecifications } from './ec2Common.js';

export interface VpcInputs {
  cidrBlock: string;
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
}

const CREATE_TIMEOUT_MS = 5 * 60_000;
// Service ENIs (NAT, ALB, RDS…) can hold a VPC for minutes after their owners are gone.
const DELETE_TIMEOUT_MS = 20 * 60_000;

async function describe(ctx: ResourceCtx, filters: Filter[], token?: string) {
  const out = await ctx.aws.get(EC2Client).send(new DescribeVpcsCommand({ Filters: filters, NextToken: token }));
  return { items: out.Vpcs, next: out.NextToken };
}

function vpcsById(ctx: ResourceCtx, ids: string[]): Promise<Vpc[]> {
  return describeByIds(ids, (f, t) => describe(ctx, [f], t), 'vpc-id');
}

async function dnsAttribute(ctx: ResourceCtx, vpcId: string, attribute: 'enableDnsSupport' | 'enableDnsHostnames'): Promise<boolean> {
  const out = await ctx.aws.get(EC2Client).send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: attribute }));
  return (attribute === 'enableDnsSupport' ? out.EnableDnsSupport?.Value : out.EnableDnsHostnames?.Value) ?? false;
}

async function toActual(ctx: ResourceCtx, vpc: Vpc): Promise<Actual> {
  const vpcId = vpc.VpcId!;
  // DNS attributes are not part of DescribeVpcs: one call each (the stack has one VPC).
  const [enableDnsSupport, enableDnsHostnames] = await Promise.all([
    dnsAttribute(ctx, vpcId, 'enableDnsSupport'), dnsAttribute(ctx, vpcId, 'enableDnsHostnames'),
  ]);
  const inputs: VpcInputs = { cidrBlock: vpc.CidrBlock!, enableDnsSupport, enableDnsHostnames };
  return { id: vpcId, inputs: { ...inputs }, outputs: { vpcId, cidr: vpc.CidrBlock! } };
}

async function setDns(ctx: ResourceCtx, vpcId: string, inputs: VpcInputs, fields: string[]): Promise<void> {
  const ec2 = ctx.aws.get(EC2Client);
  // ModifyVpcAttribute takes one attribute per call; hostnames need support on, so support goes first.
  if (fields.includes('enableDnsSupport')) {
    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: inputs.enableDnsSupport } }));
  }
  if (fields.includes('enableDnsHostnames')) {
    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: inputs.enableDnsHostnames } }));
  }
}

export const vpcHandler: Handler = {
  kind: 'ec2.vpc',
  forceNew: ['cidrBlock'],

  async read(ctx, items) {
    const vpcs = await vpcsById(ctx, items.map((i) => i.id));
    const byId = new Map(vpcs.map((v) => [v.VpcId!, v]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const vpc = byId.get(item.id);
      if (vpc) result.set(item.address, await toActual(ctx, vpc));
    }
    return result;
  },

  async find(ctx, args) {
    const vpc = (await allPages((t) => describe(ctx, ownerFilters(args.tags), t))).find((v) => isOwnedBy(v.Tags, args.tags));
    return vpc ? toActual(ctx, vpc) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as VpcInputs;
    const ec2 = ctx.aws.get(EC2Client);
    const out = await ec2.send(new CreateVpcCommand({ CidrBlock: inputs.cidrBlock, TagSpecifications: tagSpecifications('vpc', args.tags) }));
    const vpcId = out.Vpc!.VpcId!;
    await waitUntil(async () => {
      const [vpc] = await vpcsById(ctx, [vpcId]);
      return vpc?.State === 'available' ? { done: true, value: vpc } : { done: false, status: vpc?.State ?? 'not visible yet' };
    }, { what: `VPC ${vpcId} available`, timeoutMs: CREATE_TIMEOUT_MS, minDelayMs: 1000, report: args.report, signal: args.signal });
    await setDns(ctx, vpcId, inputs, ['enableDnsSupport', 'enableDnsHostnames']);
    const [vpc] = await vpcsById(ctx, [vpcId]);
    return toActual(ctx, vpc!);
  },

  async update(ctx, args) {
    await setDns(ctx, args.id, args.inputs as unknown as VpcInputs, args.changed);
    const [vpc] = await vpcsById(ctx, [args.id]);
    if (!vpc) throw new Error(`VPC ${args.id} disappeared during the update`);
    return toActual(ctx, vpc);
  },

  async delete(ctx, args) {
    await retryWhile(async () => {
      try {
        await ctx.aws.get(EC2Client).send(new DeleteVpcCommand({ VpcId: args.id }));
      } catch (error) {
        if (hasCode(error, 'InvalidVpcID.NotFound')) return;
        throw error;
      }
    }, (e) => hasCode(e, 'DependencyViolation'), {
      what: `delete VPC ${args.id}`, timeoutMs: DELETE_TIMEOUT_MS, minDelayMs: 5000, report: args.report, signal: args.signal,
    });
  },
};
