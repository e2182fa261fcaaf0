/** `efs.mountTarget`: the file system's NFS endpoint in one private subnet, behind the EFS security group. */
import {
  CreateMountTargetCommand, DeleteMountTargetCommand, DescribeMountTargetSecurityGroupsCommand, DescribeMountTargetsCommand,
  EFSClient, ModifyMountTargetSecurityGroupsCommand, type MountTargetDescription,
} from '@aws-sdk/client-efs';
import { hasCode } from '../../aws/errors.js';
import { retryWhile, waitUntil } from '../../aws/wait.js';
import type { Actual, NodeCall } from '../../engine/types.js';
import { deepEqual, sameMembers } from '../shared/compare.js';
import type { Handler, ResourceCtx } from '../context.js';
import { allPages, MINUTE } from './common.js';
import { findWorkspaceFileSystemId } from './efsFileSystem.js';
import { efsMountTargetHealth } from './efsMountTargetHealth.js';

export interface EfsMountTargetInputs {
  fileSystemId: string;
  subnetId: string;
  securityGroupIds: string[];
}

const CREATE_TIMEOUT_MS = 15 * MINUTE;
const DELETE_TIMEOUT_MS = 15 * MINUTE;
const GONE = ['deleted'];

function client(ctx: ResourceCtx): EFSClient {
  return ctx.aws.get(EFSClient);
}

async function mountTargetsOf(ctx: ResourceCtx, fileSystemId: string): Promise<MountTargetDescription[]> {
  try {
    return await allPages(async (marker) => {
      const out = await client(ctx).send(new DescribeMountTargetsCommand({ FileSystemId: fileSystemId, Marker: marker }));
      return { items: out.MountTargets, next: out.NextMarker };
    });
  } catch (error) {
    if (hasCode(error, 'FileSystemNotFound')) return [];
    throw error;
  }
}

async function describeOne(ctx: ResourceCtx, id: string): Promise<MountTargetDescription | undefined> {
  try {
    return (await client(ctx).send(new DescribeMountTargetsCommand({ MountTargetId: id }))).MountTargets?.[0];
  } catch (error) {
    if (hasCode(error, 'MountTargetNotFound')) return undefined;
    throw error;
  }
}

async function toActual(ctx: ResourceCtx, mt: MountTargetDescription): Promise<Actual> {
  const groups = await client(ctx).send(new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: mt.MountTargetId! }));
  return {
    id: mt.MountTargetId!,
    inputs: { fileSystemId: mt.FileSystemId!, subnetId: mt.SubnetId!, securityGroupIds: groups.SecurityGroups ?? [] },
    outputs: { mountTargetId: mt.MountTargetId!, ipAddress: mt.IpAddress ?? '', availabilityZone: mt.AvailabilityZoneName ?? '' },
  };
}

async function waitState(ctx: ResourceCtx, id: string, call: NodeCall): Promise<MountTargetDescription> {
  return waitUntil(async () => {
    const mt = await describeOne(ctx, id);
    const state = mt?.LifeCycleState ?? 'not visible yet';
    if (state === 'error') return { failed: `mount target ${id} is in error` };
    return state === 'available' ? { done: true, value: mt! } : { done: false, status: state };
  }, { what: `mount target ${id} available`, timeoutMs: CREATE_TIMEOUT_MS, minDelayMs: 2000, report: call.report, signal: call.signal });
}

export const efsMountTargetHandler: Handler = {
  kind: 'efs.mountTarget',
  health: efsMountTargetHealth,
  forceNew: ['fileSystemId', 'subnetId'],
  equal: (field, desired, actual) => (field === 'securityGroupIds' ? sameMembers(desired, actual) : deepEqual(desired, actual)),

  async read(ctx, items) {
    // One listing per file system (there is one in this stack), not one call per mount target.
    const fileSystems = [...new Set(items.map((i) => i.inputs.fileSystemId as string).filter(Boolean))];
    const byId = new Map((await Promise.all(fileSystems.map((fs) => mountTargetsOf(ctx, fs)))).flat().map((m) => [m.MountTargetId!, m]));
    const result = new Map<string, Actual>();
    await Promise.all(items.map(async (item) => {
      const mt = byId.get(item.id) ?? (item.inputs.fileSystemId ? undefined : await describeOne(ctx, item.id));
      if (mt && !GONE.includes(mt.LifeCycleState ?? '')) result.set(item.address, await toActual(ctx, mt));
    }));
    return result;
  },

  async find(ctx, args) {
    // No idempotency token: look for the workspace file system's mount target in this address's AZ or subnet.
    const fileSystemId = (args.inputs.fileSystemId as string | undefined) ?? await findWorkspaceFileSystemId(ctx);
    if (!fileSystemId) return undefined;
    const az = /\[([^\]]+)\]$/.exec(args.address)?.[1];
    const mt = (await mountTargetsOf(ctx, fileSystemId)).find((m) => !GONE.includes(m.LifeCycleState ?? '')
      && (args.inputs.subnetId ? m.SubnetId === args.inputs.subnetId : m.AvailabilityZoneName === az));
    return mt ? toActual(ctx, mt) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as EfsMountTargetInputs;
    const id = await retryWhile(async () => {
      try {
        const out = await client(ctx).send(new CreateMountTargetCommand({
          FileSystemId: inputs.fileSystemId, SubnetId: inputs.subnetId, SecurityGroups: inputs.securityGroupIds,
        }));
        return out.MountTargetId!;
      } catch (error) {
        // One mount target per AZ: an interrupted create already made ours.
        if (!hasCode(error, 'MountTargetConflict')) throw error;
        const existing = (await mountTargetsOf(ctx, inputs.fileSystemId)).find((m) => m.SubnetId === inputs.subnetId);
        if (!existing) throw error;
        return existing.MountTargetId!;
      }
    }, (e) => hasCode(e, 'IncorrectFileSystemLifeCycleState'), {
      what: `create mount target in ${inputs.subnetId}`, timeoutMs: 5 * MINUTE, minDelayMs: 2000, report: args.report, signal: args.signal,
    });
    return toActual(ctx, await waitState(ctx, id, args));
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as EfsMountTargetInputs;
    await retryWhile(() => client(ctx).send(new ModifyMountTargetSecurityGroupsCommand({ MountTargetId: args.id, SecurityGroups: inputs.securityGroupIds })),
      (e) => hasCode(e, 'IncorrectMountTargetState'),
      { what: `modify mount target ${args.id}`, timeoutMs: 5 * MINUTE, minDelayMs: 2000, report: args.report, signal: args.signal });
    return toActual(ctx, await waitState(ctx, args.id, args));
  },

  async delete(ctx, args) {
    try {
      await client(ctx).send(new DeleteMountTargetCommand({ MountTargetId: args.id }));
    } catch (error) {
      if (!hasCode(error, 'MountTargetNotFound')) throw error;
    }
    // Its network interface goes with it; the subnet and the file system wait on that.
    await waitUntil(async () => {
      const mt = await describeOne(ctx, args.id);
      return !mt || GONE.includes(mt.LifeCycleState ?? '') ? { done: true, value: undefined } : { done: false, status: mt.LifeCycleState };
    }, { what: `mount target ${args.id} deleted`, timeoutMs: DELETE_TIMEOUT_MS, minDelayMs: 2000, report: args.report, signal: args.signal });
  },
};
