/** `ec2.internetGateway`: the VPC's internet gateway, attached to it. */
import {
  AttachInternetGatewayCommand, CreateInternetGatewayCommand, DeleteInternetGatewayCommand,
  DescribeInternetGatewaysCommand, DetachInternetGatewayCommand, EC2Client, type Filter, type InternetGateway,
} from '@aws-sdk/client-ec2';
import { hasCode } from '../../aws/errors.js';
import { retryWhile } from '../../aws/wait.js';
import type { Actual, NodeCall } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { allPages, describeByIds, isOwnedBy, ownerFilters, tagSpecifications } from './ec2Common.js';

export interface InternetGatewayInputs {
  vpcId: string;
}

// Detaching fails with DependencyViolation while public addresses (NAT EIPs, ALB) are still mapped in the VPC.
const DETACH_TIMEOUT_MS = 15 * 60_000;

async function describe(ctx: ResourceCtx, filters: Filter[], token?: string) {
  const out = await ctx.aws.get(EC2Client).send(new DescribeInternetGatewaysCommand({ Filters: filters, NextToken: token }));
  return { items: out.InternetGateways, next: out.NextToken };
}

function gatewaysById(ctx: ResourceCtx, ids: string[]): Promise<InternetGateway[]> {
  return describeByIds(ids, (f, t) => describe(ctx, [f], t), 'internet-gateway-id');
}

function toActual(igw: InternetGateway): Actual {
  const id = igw.InternetGatewayId!;
  // DescribeInternetGateways reports a live attachment as `available`, although the SDK's enum says `attached`.
  const attached = igw.Attachments?.find((a) => ['available', 'attached', 'attaching'].includes(String(a.State)));
  const inputs: Record<string, unknown> = {};
  if (attached?.VpcId) inputs.vpcId = attached.VpcId;
  return { id, inputs, outputs: { internetGatewayId: id } };
}

async function attach(ctx: ResourceCtx, id: string, vpcId: string): Promise<void> {
  await ctx.aws.get(EC2Client).send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcId }));
}

async function detach(ctx: ResourceCtx, id: string, vpcId: string, call: NodeCall): Promise<void> {
  await retryWhile(async () => {
    try {
      await ctx.aws.get(EC2Client).send(new DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcId }));
    } catch (error) {
      if (hasCode(error, 'Gateway.NotAttached', 'InvalidInternetGatewayID.NotFound', 'InvalidVpcID.NotFound')) return;
      throw error;
    }
  }, (e) => hasCode(e, 'DependencyViolation'), {
    what: `detach internet gateway ${id} from ${vpcId}`, timeoutMs: DETACH_TIMEOUT_MS, minDelayMs: 5000,
    report: call.report, signal: call.signal,
  });
}

async function readOne(ctx: ResourceCtx, id: string): Promise<Actual> {
  const [igw] = await gatewaysById(ctx, [id]);
  if (!igw) throw new Error(`internet gateway ${id} is not visible`);
  return toActual(igw);
}

export const internetGatewayHandler: Handler = {
  kind: 'ec2.internetGateway',

  async read(ctx, items) {
    const byId = new Map((await gatewaysById(ctx, items.map((i) => i.id))).map((g) => [g.InternetGatewayId!, g]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const igw = byId.get(item.id);
      if (igw) result.set(item.address, toActual(igw));
    }
    return result;
  },

  async find(ctx, args) {
    const igw = (await allPages((t) => describe(ctx, ownerFilters(args.tags), t))).find((r) => isOwnedBy(r.Tags, args.tags));
    return igw ? toActual(igw) : undefined;
  },

  async create(ctx, args) {
    const { vpcId } = args.inputs as unknown as InternetGatewayInputs;
    const out = await ctx.aws.get(EC2Client).send(new CreateInternetGatewayCommand({
      TagSpecifications: tagSpecifications('internet-gateway', args.tags),
    }));
    const id = out.InternetGateway!.InternetGatewayId!;
    // A fresh gateway may not be visible to AttachInternetGateway for a moment (EC2 eventual consistency).
    await retryWhile(() => attach(ctx, id, vpcId), (e) => hasCode(e, 'InvalidInternetGatewayID.NotFound'), {
      what: `attach internet gateway ${id}`, timeoutMs: 60_000, minDelayMs: 1000, report: args.report, signal: args.signal,
    });
    return readOne(ctx, id);
  },

  async update(ctx, args) {
    const { vpcId } = args.inputs as unknown as InternetGatewayInputs;
    const previousVpc = args.previous.inputs.vpcId as string | undefined;
    if (previousVpc && previousVpc !== vpcId) await detach(ctx, args.id, previousVpc, args);
    await attach(ctx, args.id, vpcId);
    return readOne(ctx, args.id);
  },

  async delete(ctx, args) {
    const [igw] = await gatewaysById(ctx, [args.id]);
    if (!igw) return;
    for (const attachment of igw.Attachments ?? []) {
      if (attachment.VpcId) await detach(ctx, args.id, attachment.VpcId, args);
    }
    try {
      await ctx.aws.get(EC2Client).send(new DeleteInternetGatewayCommand({ InternetGatewayId: args.id }));
    } catch (error) {
      if (!hasCode(error, 'InvalidInternetGatewayID.NotFound')) throw error;
    }
  },
};
