/**
 * `efs.accessPoint`: the Morpheus directory on the file system with a fixed POSIX owner, so every app node sees the
 * same UID/GID. Access points cannot be changed: every field forces a new one.
 */
import {
  CreateAccessPointCommand, DeleteAccessPointCommand, DescribeAccessPointsCommand, EFSClient, type AccessPointDescription,
} from '@aws-sdk/client-efs';
import { hasCode } from '../../aws/errors.js';
import { tagList } from '../../aws/tags.js';
import { waitUntil } from '../../aws/wait.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { allPages, definedOnly, MINUTE } from './common.js';

export interface EfsAccessPointInputs {
  fileSystemId: string;
  uid: number;
  gid: number;
  path: string;
  permissions: string;
}

const TIMEOUT_MS = 5 * MINUTE;

function client(ctx: ResourceCtx): EFSClient {
  return ctx.aws.get(EFSClient);
}

async function list(ctx: ResourceCtx, filter: { FileSystemId?: string; AccessPointId?: string }): Promise<AccessPointDescription[]> {
  try {
    return await allPages(async (token) => {
      const out = await client(ctx).send(new DescribeAccessPointsCommand({ ...filter, NextToken: token }));
      return { items: out.AccessPoints, next: out.NextToken };
    });
  } catch (error) {
    if (hasCode(error, 'AccessPointNotFound', 'FileSystemNotFound')) return [];
    throw error;
  }
}

function toActual(ap: AccessPointDescription): Actual {
  return {
    id: ap.AccessPointId!,
    inputs: definedOnly({
      fileSystemId: ap.FileSystemId,
      uid: ap.PosixUser?.Uid,
      gid: ap.PosixUser?.Gid,
      path: ap.RootDirectory?.Path,
      permissions: ap.RootDirectory?.CreationInfo?.Permissions,
    }),
    outputs: { accessPointId: ap.AccessPointId!, arn: ap.AccessPointArn! },
  };
}

export const efsAccessPointHandler: Handler = {
  kind: 'efs.accessPoint',
  forceNew: ['fileSystemId', 'uid', 'gid', 'path', 'permissions'],

  async read(ctx, items) {
    const fileSystems = [...new Set(items.map((i) => i.inputs.fileSystemId as string).filter(Boolean))];
    const found = (await Promise.all(fileSystems.map((fs) => list(ctx, { FileSystemId: fs })))).flat();
    const byId = new Map(found.map((a) => [a.AccessPointId!, a]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const ap = byId.get(item.id);
      if (ap && ap.LifeCycleState !== 'deleted') result.set(item.address, toActual(ap));
    }
    return result;
  },

  async find(ctx, args) {
    const filter = args.inputs.fileSystemId ? { FileSystemId: args.inputs.fileSystemId as string } : {};
    const ap = (await list(ctx, filter)).find((a) => a.ClientToken === args.token && a.LifeCycleState !== 'deleted');
    return ap ? toActual(ap) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as EfsAccessPointInputs;
    const out = await client(ctx).send(new CreateAccessPointCommand({
      ClientToken: args.token,
      FileSystemId: inputs.fileSystemId,
      PosixUser: { Uid: inputs.uid, Gid: inputs.gid },
      RootDirectory: { Path: inputs.path, CreationInfo: { OwnerUid: inputs.uid, OwnerGid: inputs.gid, Permissions: inputs.permissions } },
      Tags: tagList(args.tags),
    }));
    const id = out.AccessPointId!;
    const ap = await waitUntil(async () => {
      const [a] = await list(ctx, { AccessPointId: id });
      if (a?.LifeCycleState === 'error') return { failed: `access point ${id} is in error` };
      return a?.LifeCycleState === 'available' ? { done: true, value: a } : { done: false, status: a?.LifeCycleState ?? 'not visible yet' };
    }, { what: `access point ${id} available`, timeoutMs: TIMEOUT_MS, minDelayMs: 1000, report: args.report, signal: args.signal });
    return toActual(ap);
  },

  async delete(ctx, args) {
    try {
      await client(ctx).send(new DeleteAccessPointCommand({ AccessPointId: args.id }));
    } catch (error) {
      if (!hasCode(error, 'AccessPointNotFound')) throw error;
    }
    await waitUntil(async () => {
      const [a] = await list(ctx, { AccessPointId: args.id });
      return !a || a.LifeCycleState === 'deleted' ? { done: true, value: undefined } : { done: false, status: a.LifeCycleState };
    }, { what: `access point ${args.id} deleted`, timeoutMs: TIMEOUT_MS, minDelayMs: 1000, report: args.report, signal: args.signal });
  },
};
