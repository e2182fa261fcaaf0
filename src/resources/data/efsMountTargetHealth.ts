/** Live health of `efs.mountTarget` for `status`: its life-cycle state, read per file system (one call for all its targets). */
import type { Health, ReadItem } from '../../engine/types.js';
import type { ResourceCtx } from '../context.js';
import { mountTargetsOf } from './efsFileSystemHealth.js';

export async function efsMountTargetHealth(ctx: ResourceCtx, items: ReadItem[]): Promise<Map<string, Health>> {
  const byFileSystem = new Map<string, ReadItem[]>();
  for (const item of items) {
    const fsId = String(item.inputs.fileSystemId ?? '');
    byFileSystem.set(fsId, [...(byFileSystem.get(fsId) ?? []), item]);
  }
  const result = new Map<string, Health>();
  await Promise.all([...byFileSystem].map(async ([fsId, group]) => {
    const targets = fsId ? (await mountTargetsOf(ctx, fsId)) ?? [] : [];
    const byId = new Map(targets.map((t) => [t.MountTargetId!, t]));
    for (const item of group) {
      const target = byId.get(item.id);
      if (!target) continue;
      const state = target.LifeCycleState ?? 'unknown';
      result.set(item.address, {
        state: state === 'available' ? 'healthy' : state === 'creating' || state === 'updating' ? 'degraded' : 'down',
        summary: `${state} in ${target.AvailabilityZoneName ?? 'unknown AZ'}`,
        details: { lifeCycleState: state, availabilityZone: target.AvailabilityZoneName },
      });
    }
  }));
  return result;
}
