/** `ec2.subnet`: one public or private subnet in one AZ. No subnet auto-assigns public IPs. */
import {
  CreateSubnetCommand, DeleteSubnetCommand, DescribeSubnetsCommand, EC2Client, ModifySubnetAttributeCommand,
  type Filter, type Subnet,
} from '@aws-sdk/client-ec2';
import { hasCode } from '../../aws/errors.js';
import { retryWhile, waitUntil } from '../../aws/wait.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { allPages, describeByIds, isOwnedBy, ownerFilters, tagSpecifications } from './ec2Common.js';

export interface SubnetInputs {
  vpcId: string;
  cidr: string;
  az: string;
  mapPublicIpOnLaunch: boolean;
}

const CREATE_TIMEOUT_MS = 5 * 60_000;
// ENIs of ALB, RDS, MQ, OpenSearch, EFS and NAT linger after their owners are deleted.
const DELETE_TIMEOUT_MS = 20 * 60_000;

async function describe(ctx: ResourceCtx, filters: Filter[], token?: string) {
  const out = await ctx.aws.get(EC2Client).send(new DescribeSubnetsCommand({ Filters: filters, NextToken: token }));
  return { items: out.Subnets, next: out.NextToken };
}

function subnetsById(ctx: ResourceCtx, ids: string[]): Promise<Subnet[]> {
  return describeByIds(ids, (f, t) => describe(ctx, [f], t), 'subnet-id');
}

function toActual(subnet: Subnet): Actual {
  const inputs: SubnetInputs = {
    vpcId: subnet.VpcId!, cidr: subnet.CidrBlock!, az: subnet.AvailabilityZone!,
    mapPublicIpOnLaunch: subnet.MapPublicIpOnLaunch ?? false,
  };
  return {
    id: subnet.SubnetId!,
    inputs: { ...inputs },
    outputs: { subnetId: subnet.SubnetId!, az: subnet.AvailabilityZone!, cidr: subnet.CidrBlock! },
  };
}

async function setMapPublicIp(ctx: ResourceCtx, id: string, value: boolean): Promise<void> {
  await ctx.aws.get(EC2Client).send(new ModifySubnetAttributeCommand({ SubnetId: id, MapPublicIpOnLaunch: { Value: value } }));
}

export const subnetHandler: Handler = {
  kind: 'ec2.subnet',
  forceNew: ['vpcId', 'cidr', 'az'],

  async read(ctx, items) {
    const byId = new Map((await subnetsById(ctx, items.map((i) => i.id))).map((s) => [s.SubnetId!, s]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const subnet = byId.get(item.id);
      if (subnet) result.set(item.address, toActual(subnet));
    }
    return result;
  },

  async find(ctx, args) {
    const subnet = (await allPages((t) => describe(ctx, ownerFilters(args.tags), t))).find((r) => isOwnedBy(r.Tags, args.tags));
    return subnet ? toActual(subnet) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as SubnetInputs;
    const out = await ctx.aws.get(EC2Client).send(new CreateSubnetCommand({
      VpcId: inputs.vpcId, CidrBlock: inputs.cidr, AvailabilityZone: inputs.az,
      TagSpecifications: tagSpecifications('subnet', args.tags),
    }));
    const id = out.Subnet!.SubnetId!;
    let subnet = await waitUntil(async () => {
      const [s] = await subnetsById(ctx, [id]);
      return s?.State === 'available' ? { done: true, value: s } : { done: false, status: s?.State ?? 'not visible yet' };
    }, { what: `subnet ${id} available`, timeoutMs: CREATE_TIMEOUT_MS, minDelayMs: 1000, report: args.report, signal: args.signal });
    if ((subnet.MapPublicIpOnLaunch ?? false) !== inputs.mapPublicIpOnLaunch) {
      await setMapPublicIp(ctx, id, inputs.mapPublicIpOnLaunch);
      [subnet] = await subnetsById(ctx, [id]);
    }
    return toActual(subnet);
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as SubnetInputs;
    if (args.changed.includes('mapPublicIpOnLaunch')) await setMapPublicIp(ctx, args.id, inputs.mapPublicIpOnLaunch);
    const [subnet] = await subnetsById(ctx, [args.id]);
    if (!subnet) throw new Error(`subnet ${args.id} disappeared during the update`);
    return toActual(subnet);
  },

  async delete(ctx, args) {
    await retryWhile(async () => {
      try {
        await ctx.aws.get(EC2Client).send(new DeleteSubnetCommand({ SubnetId: args.id }));
      } catch (error) {
        if (hasCode(error, 'InvalidSubnetID.NotFound')) return;
        throw error;
      }
    }, (e) => hasCode(e, 'DependencyViolation'), {
      what: `delete subnet ${args.id}`, timeoutMs: DELETE_TIMEOUT_MS, minDelayMs: 5000, report: args.report, signal: args.signal,
    });
  },
};
