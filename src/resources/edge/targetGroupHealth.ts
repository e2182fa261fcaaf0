/** Live health of `elbv2.targetGroup` for `status`: how many registered targets pass the load balancer's health check. */
import { DescribeTargetHealthCommand, type TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { hasCode } from '../../aws/errors.js';
import type { Health, ReadItem } from '../../engine/types.js';
import type { ResourceCtx } from '../context.js';
import { elbv2 } from './elbv2Common.js';

/** Targets still warming up or leaving are not failures, but they do not serve either. */
export function targetGroupHealthOf(targets: TargetHealthDescription[]): Health {
  const states: Record<string, number> = {};
  for (const t of targets) {
    const state = t.TargetHealth?.State ?? 'unknown';
    states[state] = (states[state] ?? 0) + 1;
  }
  const healthy = states.healthy ?? 0;
  const total = targets.length;
  const others = Object.entries(states).filter(([s]) => s !== 'healthy').map(([s, n]) => `${n} ${s}`);
  const summary = `${healthy}/${total} targets healthy${others.length ? ` (${others.join(', ')})` : ''}`;
  const state: Health['state'] = total === 0 || healthy === 0 ? 'down' : healthy < total ? 'degraded' : 'healthy';
  return { state, summary: total === 0 ? 'no targets registered' : summary, details: { healthy, total, states } };
}

/** DescribeTargetHealth has no batch form: one call per group (a workspace has one). */
export async function targetGroupHealth(ctx: ResourceCtx, items: ReadItem[]): Promise<Map<string, Health>> {
  const result = new Map<string, Health>();
  await Promise.all(items.map(async (item) => {
    try {
      const out = await elbv2(ctx).send(new DescribeTargetHealthCommand({ TargetGroupArn: item.id }));
      result.set(item.address, targetGroupHealthOf(out.TargetHealthDescriptions ?? []));
    } catch (error) {
      if (!hasCode(error, 'TargetGroupNotFound')) throw error;
    }
  }));
  return result;
}
