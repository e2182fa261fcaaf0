/** Live health of `efs.fileSystem` for `status`: its life-cycle state and how many of its mount targets are available. */
import { DescribeFileSystemsCommand, DescribeMountTargetsCommand, EFSClient, type FileSystemDescription, type MountTargetDescription } from '@aws-sdk/client-efs';
import { hasCode } from '../../aws/errors.js';
import type { Health, ReadItem } from '../../engine/types.js';
import type { ResourceCtx } from '../context.js';
import { allPages } from './common.js';

export function efsFileSystemHealthOf(fs: FileSystemDescription, mountTargets: MountTargetDescription[]): Health {
  const state = fs.LifeCycleState ?? 'unknown';
  const available = mountTargets.filter((m) => m.LifeCycleState === 'available').length;
  const summary = `${state}, ${available}/${mountTargets.length} mount targets available`;
  let health: Health['state'] = 'healthy';
  if (state !== 'available' && state !== 'updating') health = 'down';
  else if (mountTargets.length === 0 || available === 0) health = 'down';
  else if (state === 'updating' || available < mountTargets.length) health = 'degraded';
  return { state: health, summary, details: { lifeCycleState: state, mountTargetsAvailable: available, mountTargets: mountTargets.length } };
}

/** Mount targets of one file system, or undefined when the file system is gone. */
export async function mountTargetsOf(ctx: ResourceCtx, fileSystemId: string): Promise<MountTargetDescription[] | undefined> {
  try {
    return await allPages(async (marker) => {
      const out = await ctx.aws.get(EFSClient).send(new DescribeMountTargetsCommand({ FileSystemId: fileSystemId, Marker: marker }));
      return { items: out.MountTargets, next: out.NextMarker };
    });
  } catch (error) {
    if (hasCode(error, 'FileSystemNotFound')) return undefined;
    throw error;
  }
}

export async function efsFileSystemHealth(ctx: ResourceCtx, items: ReadItem[]): Promise<Map<string, Health>> {
  const result = new Map<string, Health>();
  await Promise.all(items.map(async (item) => {
    let fs: FileSystemDescription | undefined;
    try {
      fs = (await ctx.aws.get(EFSClient).send(new DescribeFileSystemsCommand({ FileSystemId: item.id }))).FileSystems?.[0];
    } catch (error) {
      if (!hasCode(error, 'FileSystemNotFound')) throw error;
    }
    if (!fs) return;
    result.set(item.address, efsFileSystemHealthOf(fs, (await mountTargetsOf(ctx, item.id)) ?? []));
  }));
  return result;
}
