/**
 * Auto Scaling instance refreshes, which moto 5.2.1 does not implement. A refresh runs for `durationMs`
 * (InProgress, then Successful), so code that waits on one is exercised; the group itself lives in moto.
 */
import { randomUUID } from 'node:crypto';
import { queryError, queryResponse } from '../wire.mjs';

const NAMESPACE = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';
const ACTIVE = new Set(['Pending', 'InProgress', 'Cancelling']);

/** @param {{ durationMs?: number }} [options] */
export function instanceRefresh(options = {}) {
  const durationMs = options.durationMs ?? 0;
  /** `${region}/${group}` -> refreshes, newest first */
  const groups = new Map();

  const refreshesOf = (call) => {
    const key = `${call.region}/${call.params.AutoScalingGroupName}`;
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    return list;
  };

  /** Moves a refresh along its timeline; moto knows nothing of it. */
  const settle = (refresh) => {
    if (!ACTIVE.has(refresh.Status)) return refresh;
    const elapsed = Date.now() - refresh.StartTime.getTime();
    if (refresh.Status === 'Cancelling') {
      Object.assign(refresh, { Status: 'Cancelled', EndTime: new Date() });
    } else if (elapsed >= durationMs) {
      Object.assign(refresh, {
        Status: 'Successful',
        StatusReason: undefined,
        EndTime: new Date(refresh.StartTime.getTime() + durationMs),
        PercentageComplete: 100,
        InstancesToUpdate: 0,
      });
    } else {
      refresh.Status = 'InProgress';
      refresh.PercentageComplete = Math.floor((elapsed / durationMs) * 100);
    }
    return refresh;
  };

  async function groupExists(call, ctx) {
    const body = new URLSearchParams({
      Action: 'DescribeAutoScalingGroups',
      Version: '2011-01-01',
      'AutoScalingGroupNames.member.1': call.params.AutoScalingGroupName ?? '',
    }).toString();
    const res = await ctx.upstream({
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    });
    return res.status === 200 && res.body.toString('utf8').includes('<AutoScalingGroupName>');
  }

  const handlers = {
    async StartInstanceRefresh(call, ctx) {
      const name = call.params.AutoScalingGroupName;
      if (!name) return queryError(400, NAMESPACE, 'ValidationError', 'AutoScalingGroupName is required');
      if (!(await groupExists(call, ctx))) {
        return queryError(400, NAMESPACE, 'ValidationError', `AutoScalingGroup name not found - ${name}`);
      }
      const refreshes = refreshesOf(call);
      if (refreshes.some((r) => ACTIVE.has(settle(r).Status))) {
        return queryError(
          400,
          NAMESPACE,
          'InstanceRefreshInProgress',
          'An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.',
        );
      }
      const refresh = {
        InstanceRefreshId: randomUUID(),
        AutoScalingGroupName: name,
        Status: 'Pending',
        StatusReason: undefined,
        StartTime: new Date(),
        EndTime: undefined,
        PercentageComplete: 0,
        InstancesToUpdate: undefined,
        Preferences: call.params.Preferences,
        DesiredConfiguration: call.params.DesiredConfiguration,
        Strategy: call.params.Strategy ?? 'Rolling',
      };
      refreshes.unshift(refresh);
      return queryResponse('StartInstanceRefresh', NAMESPACE, { InstanceRefreshId: refresh.InstanceRefreshId });
    },

    async DescribeInstanceRefreshes(call) {
      const wanted = call.params.InstanceRefreshIds;
      const all = refreshesOf(call)
        .map(settle)
        .filter((r) => !wanted || wanted.includes(r.InstanceRefreshId));
      const start = Number(call.params.NextToken ?? 0);
      const size = Number(call.params.MaxRecords ?? 50);
      return queryResponse('DescribeInstanceRefreshes', NAMESPACE, {
        InstanceRefreshes: all.slice(start, start + size),
        NextToken: start + size < all.length ? String(start + size) : undefined,
      });
    },

    async CancelInstanceRefresh(call) {
      const active = refreshesOf(call).find((r) => ACTIVE.has(settle(r).Status));
      if (!active) {
        return queryError(
          400,
          NAMESPACE,
          'ActiveInstanceRefreshNotFound',
          `No in progress or pending Instance Refresh found for Auto Scaling group ${call.params.AutoScalingGroupName}`,
        );
      }
      active.Status = 'Cancelling';
      return queryResponse('CancelInstanceRefresh', NAMESPACE, { InstanceRefreshId: active.InstanceRefreshId });
    },
  };

  return {
    service: 'autoscaling',
    handle(call, ctx) {
      return handlers[call.operation]?.(call, ctx);
    },
    reset() {
      groups.clear();
    },
  };
}
