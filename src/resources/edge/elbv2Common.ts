/** What the ELBv2 handlers share: the client, and reads by ARN that tolerate ARNs which no longer exist. */
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { hasCode } from '../../aws/errors.js';
import type { ResourceCtx } from '../context.js';

export function elbv2(ctx: ResourceCtx): ElasticLoadBalancingV2Client {
  return ctx.aws.get(ElasticLoadBalancingV2Client);
}

/**
 * ELBv2 Describe* calls fail as a whole when one ARN is unknown. Read all in one call; only when that fails
 * with NotFound, read one by one so the missing ones are just absent.
 */
export async function describeTolerant<T>(
  arns: string[],
  describe: (arns: string[]) => Promise<T[]>,
  notFoundCode: string,
): Promise<T[]> {
  const unique = [...new Set(arns)];
  if (unique.length === 0) return [];
  try {
    return await describe(unique);
  } catch (error) {
    if (!hasCode(error, notFoundCode) || unique.length === 1) {
      if (hasCode(error, notFoundCode)) return [];
      throw error;
    }
  }
  const found: T[] = [];
  for (const arn of unique) {
    try {
      found.push(...await describe([arn]));
    } catch (error) {
      if (!hasCode(error, notFoundCode)) throw error;
    }
  }
  return found;
}

/** ELBv2 attributes come as [{Key, Value}] strings. */
export function attributeMap(list: { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).filter((a) => a.Key).map((a) => [a.Key!, a.Value ?? '']));
}
