/**
 * `efs.fileSystem`: the shared /var/opt/morpheus/morpheus-ui storage of every app node. Encrypted with the CMK,
 * automatic backups on from the moment it exists (CreateFileSystem `Backup`), PutBackupPolicy for later changes.
 */
import {
  CreateFileSystemCommand, DeleteFileSystemCommand, DescribeBackupPolicyCommand, DescribeFileSystemsCommand, EFSClient,
  PutBackupPolicyCommand, UpdateFileSystemCommand, type FileSystemDescription,
} from '@aws-sdk/client-efs';
import { hasCode } from '../../aws/errors.js';
import { ADDRESS_TAG, tagList, tagMap, WORKSPACE_TAG } from '../../aws/tags.js';
import { retryWhile, waitUntil } from '../../aws/wait.js';
import type { Actual, NodeCall } from '../../engine/types.js';
import { addr } from '../../stack/addresses.js';
import { deepEqual } from '../shared/compare.js';
import type { Handler, ResourceCtx } from '../context.js';
import { allPages, definedOnly, MINUTE } from './common.js';
import { sameKmsKey } from './kms.js';
import { efsFileSystemHealth } from './efsFileSystemHealth.js';

export interface EfsFileSystemInputs {
  encrypted: boolean;
  kmsKeyId: string;
  performanceMode: 'generalPurpose' | 'maxIO';
  throughputMode: 'elastic' | 'bursting';
  automaticBackups: boolean;
}

const CREATE_TIMEOUT_MS = 10 * MINUTE;
const DELETE_TIMEOUT_MS = 20 * MINUTE;

function client(ctx: ResourceCtx): EFSClient {
  return ctx.aws.get(EFSClient);
}

async function listFileSystems(ctx: ResourceCtx, filter: { CreationToken?: string } = {}): Promise<FileSystemDescription[]> {
  return allPages(async (marker) => {
    const out = await client(ctx).send(new DescribeFileSystemsCommand({ ...filter, Marker: marker, MaxItems: 100 }));
    return { items: out.FileSystems, next: out.NextMarker };
  });
}

async function describeOne(ctx: ResourceCtx, id: string): Promise<FileSystemDescription | undefined> {
  try {
    return (await client(ctx).send(new DescribeFileSystemsCommand({ FileSystemId: id }))).FileSystems?.[0];
  } catch (error) {
    if (hasCode(error, 'FileSystemNotFound')) return undefined;
    throw error;
  }
}

async function backupsEnabled(ctx: ResourceCtx, id: string): Promise<boolean> {
  try {
    const out = await client(ctx).send(new DescribeBackupPolicyCommand({ FileSystemId: id }));
    return out.BackupPolicy?.Status === 'ENABLED' || out.BackupPolicy?.Status === 'ENABLING';
  } catch (error) {
    if (hasCode(error, 'PolicyNotFound')) return false;
    throw error;
  }
}

async function toActual(ctx: ResourceCtx, fs: FileSystemDescription): Promise<Actual> {
  return {
    id: fs.FileSystemId!,
    inputs: definedOnly({
      encrypted: fs.Encrypted ?? false,
      kmsKeyId: fs.KmsKeyId,
      performanceMode: fs.PerformanceMode,
      throughputMode: fs.ThroughputMode,
      automaticBackups: await backupsEnabled(ctx, fs.FileSystemId!),
    }),
    outputs: {
      fileSystemId: fs.FileSystemId!,
      arn: fs.FileSystemArn!,
      dnsName: `${fs.FileSystemId}.efs.${ctx.region}.amazonaws.com`,
    },
  };
}

async function waitAvailable(ctx: ResourceCtx, id: string, call: NodeCall): Promise<FileSystemDescription> {
  return waitUntil(async () => {
    const fs = await describeOne(ctx, id);
    const state = fs?.LifeCycleState ?? 'not visible yet';
    if (state === 'error') return { failed: `file system ${id} is in error` };
    return state === 'available' ? { done: true, value: fs! } : { done: false, status: state };
  }, { what: `EFS ${id} available`, timeoutMs: CREATE_TIMEOUT_MS, minDelayMs: 1000, report: call.report, signal: call.signal });
}

/** The workspace's file system, found by its tags (mount target adoption needs it without inputs). */
export async function findWorkspaceFileSystemId(ctx: ResourceCtx): Promise<string | undefined> {
  const fs = (await listFileSystems(ctx)).find((f) => {
    const tags = tagMap(f.Tags);
    return tags[ADDRESS_TAG] === addr.efsFileSystem && tags[WORKSPACE_TAG] === ctx.workspace && f.LifeCycleState !== 'deleted';
  });
  return fs?.FileSystemId;
}

export const efsFileSystemHandler: Handler = {
  kind: 'efs.fileSystem',
  health: efsFileSystemHealth,
  forceNew: ['encrypted', 'kmsKeyId', 'performanceMode'],
  equal: (field, desired, actual) => (field === 'kmsKeyId' ? sameKmsKey(desired, actual) : deepEqual(desired, actual)),

  async read(ctx, items) {
    // DescribeFileSystems takes one id or none: list them once rather than call once per item.
    const byId = new Map((await listFileSystems(ctx)).map((f) => [f.FileSystemId!, f]));
    const result = new Map<string, Actual>();
    await Promise.all(items.map(async (item) => {
      const fs = byId.get(item.id);
      if (fs && fs.LifeCycleState !== 'deleted') result.set(item.address, await toActual(ctx, fs));
    }));
    return result;
  },

  async find(ctx, args) {
    const [fs] = await listFileSystems(ctx, { CreationToken: args.token });
    return fs && fs.LifeCycleState !== 'deleted' ? toActual(ctx, fs) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as EfsFileSystemInputs;
    let id: string;
    try {
      const out = await client(ctx).send(new CreateFileSystemCommand({
        CreationToken: args.token,
        Encrypted: inputs.encrypted,
        KmsKeyId: inputs.encrypted ? inputs.kmsKeyId : undefined,
        PerformanceMode: inputs.performanceMode,
        ThroughputMode: inputs.throughputMode,
        Backup: inputs.automaticBackups,
        Tags: tagList(args.tags),
      }));
      id = out.FileSystemId!;
    } catch (error) {
      // Same creation token: the file system an interrupted create made.
      if (!hasCode(error, 'FileSystemAlreadyExists')) throw error;
      const [fs] = await listFileSystems(ctx, { CreationToken: args.token });
      if (!fs) throw error;
      id = fs.FileSystemId!;
    }
    return toActual(ctx, await waitAvailable(ctx, id, args));
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as EfsFileSystemInputs;
    if (args.changed.includes('throughputMode')) {
      await retryWhile(() => client(ctx).send(new UpdateFileSystemCommand({ FileSystemId: args.id, ThroughputMode: inputs.throughputMode })),
        (e) => hasCode(e, 'IncorrectFileSystemLifeCycleState'),
        { what: `update EFS ${args.id}`, timeoutMs: 10 * MINUTE, minDelayMs: 5000, report: args.report, signal: args.signal });
    }
    if (args.changed.includes('automaticBackups')) {
      await client(ctx).send(new PutBackupPolicyCommand({
        FileSystemId: args.id, BackupPolicy: { Status: inputs.automaticBackups ? 'ENABLED' : 'DISABLED' },
      }));
    }
    return toActual(ctx, await waitAvailable(ctx, args.id, args));
  },

  async delete(ctx, args) {
    // Mount targets that are still being deleted keep the file system "in use".
    await retryWhile(async () => {
      try {
        await client(ctx).send(new DeleteFileSystemCommand({ FileSystemId: args.id }));
      } catch (error) {
        if (!hasCode(error, 'FileSystemNotFound')) throw error;
      }
    }, (e) => hasCode(e, 'FileSystemInUse'), {
      what: `delete EFS ${args.id}`, timeoutMs: DELETE_TIMEOUT_MS, minDelayMs: 5000, report: args.report, signal: args.signal,
    });
    await waitUntil(async () => {
      const fs = await describeOne(ctx, args.id);
      return !fs || fs.LifeCycleState === 'deleted' ? { done: true, value: undefined } : { done: false, status: fs.LifeCycleState };
    }, { what: `EFS ${args.id} deleted`, timeoutMs: DELETE_TIMEOUT_MS, minDelayMs: 2000, report: args.report, signal: args.signal });
  },
};
