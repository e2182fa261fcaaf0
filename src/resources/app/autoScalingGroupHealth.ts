/**
 * Live health of `autoscaling.group` for `status` (nodes in service vs desired), and what `check` inspects in the
 * launch template behind it.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { Health, ReadItem } from '../../engine/types.js';
import type { ResourceCtx } from '../context.js';

export function autoScalingGroupHealthOf(group: AutoScalingGroup): Health {
  const instances = group.Instances ?? [];
  const inService = instances.filter((i) => i.LifecycleState === 'InService' && i.HealthStatus !== 'Unhealthy').length;
  const desired = group.DesiredCapacity ?? 0;
  const min = group.MinSize ?? 0;
  const transitions: Record<string, number> = {};
  for (const i of instances) {
    if (i.LifecycleState !== 'InService') transitions[i.LifecycleState ?? 'unknown'] = (transitions[i.LifecycleState ?? 'unknown'] ?? 0) + 1;
  }
  const moving = Object.entries(transitions).map(([s, n]) => `${n} ${s}`);
  const summary = `${inService}/${desired} nodes in service (min ${min}, max ${group.MaxSize ?? 0})${moving.length ? `, ${moving.join(', ')}` : ''}`;
  const state: Health['state'] = inService === 0 && desired > 0 ? 'down' : inService < desired ? 'degraded' : 'healthy';
  return { state, summary, details: { inService, desired, min, max: group.MaxSize ?? 0, transitions } };
}

export async function autoScalingGroupHealth(ctx: ResourceCtx, items: ReadItem[]): Promise<Map<string, Health>> {
  const names = [...new Set(items.map((i) => i.id))];
  const groups: AutoScalingGroup[] = [];
  for (let i = 0; i < names.length; i += 50) {
    let token: string | undefined;
    do {
      const out = await ctx.aws.get(AutoScalingClient).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names.slice(i, i + 50), NextToken: token }));
      groups.push(...(out.AutoScalingGroups ?? []));
      token = out.NextToken;
    } while (token);
  }
  const byName = new Map(groups.map((g) => [g.AutoScalingGroupName!, g]));
  const result = new Map<string, Health>();
  for (const item of items) {
    const group = byName.get(item.id);
    if (group) result.set(item.address, autoScalingGroupHealthOf(group));
  }
  return result;
}
