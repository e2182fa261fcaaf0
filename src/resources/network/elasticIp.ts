/** `ec2.elasticIp`: a VPC Elastic IP (for a NAT gateway). */
import {
  AllocateAddressCommand, DescribeAddressesCommand, EC2Client, ReleaseAddressCommand, type Address, type Filter,
} from '@aws-sdk/client-ec2';
import { hasCode } from '../../aws/errors.js';
import { retryWhile } from '../../aws/wait.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { chunk, isOwnedBy, ownerFilters, tagSpecifications } from './ec2Common.js';

export interface ElasticIpInputs {
  domain: 'vpc';
}

// After a NAT gateway is deleted its association can linger for a little while.
const RELEASE_TIMEOUT_MS = 10 * 60_000;
/**
 * A release right after the NAT gateway reached `deleted` can fail with AuthFailure ("You do not have permission
 * to access the specified resource") until the association is gone. Retried only briefly so a real permission
 * problem still surfaces quickly.
 */
const AUTH_FAILURE_GRACE_MS = 2 * 60_000;

/** DescribeAddresses is not paginated; it returns every match at once. */
async function describe(ctx: ResourceCtx, filters: Filter[]): Promise<Address[]> {
  const out = await ctx.aws.get(EC2Client).send(new DescribeAddressesCommand({ Filters: filters }));
  return out.Addresses ?? [];
}

async function addressesById(ctx: ResourceCtx, ids: string[]): Promise<Address[]> {
  const found: Address[] = [];
  for (const part of chunk([...new Set(ids)])) found.push(...await describe(ctx, [{ Name: 'allocation-id', Values: part }]));
  return found;
}

function toActual(address: Address): Actual {
  return {
    id: address.AllocationId!,
    inputs: { domain: address.Domain ?? 'vpc' },
    outputs: { allocationId: address.AllocationId!, publicIp: address.PublicIp! },
  };
}

export const elasticIpHandler: Handler = {
  kind: 'ec2.elasticIp',
  forceNew: ['domain'],

  async read(ctx, items) {
    const byId = new Map((await addressesById(ctx, items.map((i) => i.id))).map((a) => [a.AllocationId!, a]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const address = byId.get(item.id);
      if (address) result.set(item.address, toActual(address));
    }
    return result;
  },

  async find(ctx, args) {
    const address = (await describe(ctx, ownerFilters(args.tags))).find((a) => isOwnedBy(a.Tags, args.tags));
    return address ? toActual(address) : undefined;
  },

  async create(ctx, args) {
    const out = await ctx.aws.get(EC2Client).send(new AllocateAddressCommand({
      Domain: 'vpc', TagSpecifications: tagSpecifications('elastic-ip', args.tags),
    }));
    return {
      id: out.AllocationId!,
      inputs: { domain: out.Domain ?? 'vpc' },
      outputs: { allocationId: out.AllocationId!, publicIp: out.PublicIp! },
    };
  },

  async delete(ctx, args) {
    const started = Date.now();
    const retryable = (e: unknown) => hasCode(e, 'InvalidIPAddress.InUse', 'DependencyViolation')
      || (hasCode(e, 'AuthFailure') && Date.now() - started < AUTH_FAILURE_GRACE_MS);
    await retryWhile(async () => {
      try {
        await ctx.aws.get(EC2Client).send(new ReleaseAddressCommand({ AllocationId: args.id }));
      } catch (error) {
        if (hasCode(error, 'InvalidAllocationID.NotFound')) return;
        throw error;
      }
    }, retryable, {
      what: `release Elastic IP ${args.id}`, timeoutMs: RELEASE_TIMEOUT_MS, minDelayMs: 5000, report: args.report, signal: args.signal,
    });
  },
};
