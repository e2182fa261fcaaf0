/** `ec2.natGateway`: a public NAT gateway in one AZ's public subnet, with its own Elastic IP. */
import {
  CreateNatGatewayCommand, DeleteNatGatewayCommand, DescribeNatGatewaysCommand, EC2Client, type Filter,
  type NatGateway,
} from '@aws-sdk/client-ec2';
import { hasCode } from '../../aws/errors.js';
import { waitUntil } from '../../aws/wait.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { allPages, describeByIds, isOwnedBy, ownerFilters, tagSpecifications } from './ec2Common.js';

export interface NatGatewayInputs {
  subnetId: string;
  allocationId: string;
}

// NAT gateways take 2–10 minutes either way on AWS.
const CREATE_TIMEOUT_MS = 15 * 60_000;
const DELETE_TIMEOUT_MS = 15 * 60_000;

/** States in which the gateway no longer exists as far as the stack is concerned. */
const GONE = new Set(['deleted', 'failed']);

async function describe(ctx: ResourceCtx, filters: Filter[], token?: string) {
  const out = await ctx.aws.get(EC2Client).send(new DescribeNatGatewaysCommand({ Filter: filters, NextToken: token }));
  return { items: out.NatGateways, next: out.NextToken };
}

function gatewaysById(ctx: ResourceCtx, ids: string[]): Promise<NatGateway[]> {
  return describeByIds(ids, (f, t) => describe(ctx, [f], t), 'nat-gateway-id');
}

function toActual(nat: NatGateway): Actual {
  const address = nat.NatGatewayAddresses?.find((a) => a.IsPrimary ?? true) ?? nat.NatGatewayAddresses?.[0];
  const inputs: Record<string, unknown> = { subnetId: nat.SubnetId! };
  if (address?.AllocationId) inputs.allocationId = address.AllocationId;
  const outputs: Record<string, unknown> = { natGatewayId: nat.NatGatewayId! };
  if (address?.PublicIp) outputs.publicIp = address.PublicIp;
  return { id: nat.NatGatewayId!, inputs, outputs };
}

export const natGatewayHandler: Handler = {
  kind: 'ec2.natGateway',
  forceNew: ['subnetId', 'allocationId'],

  async read(ctx, items) {
    const gateways = await gatewaysById(ctx, items.map((i) => i.id));
    const byId = new Map(gateways.filter((n) => !GONE.has(n.State ?? '')).map((n) => [n.NatGatewayId!, n]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const nat = byId.get(item.id);
      if (nat) result.set(item.address, toActual(nat));
    }
    return result;
  },

  async find(ctx, args) {
    const gateways = await allPages((t) => describe(ctx, [
      ...ownerFilters(args.tags), { Name: 'state', Values: ['pending', 'available'] },
    ], t));
    const nat = gateways.find((n) => isOwnedBy(n.Tags, args.tags) && !GONE.has(n.State ?? ''));
    return nat ? toActual(nat) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as NatGatewayInputs;
    const out = await ctx.aws.get(EC2Client).send(new CreateNatGatewayCommand({
      SubnetId: inputs.subnetId, AllocationId: inputs.allocationId, ConnectivityType: 'public',
      ClientToken: args.token, TagSpecifications: tagSpecifications('natgateway', args.tags),
    }));
    const id = out.NatGateway!.NatGatewayId!;
    const nat = await waitUntil(async () => {
      const [n] = await gatewaysById(ctx, [id]);
      if (n?.State === 'available') return { done: true, value: n };
      if (n?.State === 'failed' || n?.State === 'deleted') {
        return { failed: `NAT gateway ${id} is ${n.State}: ${n.FailureCode ?? ''} ${n.FailureMessage ?? ''}`.trim() };
      }
      return { done: false, status: n?.State ?? 'not visible yet' };
    }, { what: `NAT gateway ${id} available`, timeoutMs: CREATE_TIMEOUT_MS, minDelayMs: 2000, report: args.report, signal: args.signal });
    return toActual(nat);
  },

  async delete(ctx, args) {
    try {
      await ctx.aws.get(EC2Client).send(new DeleteNatGatewayCommand({ NatGatewayId: args.id }));
    } catch (error) {
      if (hasCode(error, 'NatGatewayNotFound', 'InvalidNatGatewayID.NotFound')) return;
      throw error;
    }
    // Its Elastic IP can only be released once the gateway is fully `deleted`; the EIP node waits on this one.
    await waitUntil(async () => {
      const [n] = await gatewaysById(ctx, [args.id]);
      return !n || n.State === 'deleted' ? { done: true, value: undefined } : { done: false, status: n.State };
    }, { what: `NAT gateway ${args.id} deleted`, timeoutMs: DELETE_TIMEOUT_MS, minDelayMs: 2000, report: args.report, signal: args.signal });
  },
};
