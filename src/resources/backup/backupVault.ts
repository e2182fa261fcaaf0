/**
 * `backup.vault`: an AWS Backup vault encrypted with a customer-managed key, in the stack region or — with a
 * `region` input — another one (the DR copy target). A vault can only be deleted empty: its recovery points are
 * deleted first, and the deletion waits until they are gone.
 */
import {
  BackupClient, CreateBackupVaultCommand, DeleteBackupVaultCommand, DeleteRecoveryPointCommand, DescribeBackupVaultCommand,
  ListBackupVaultsCommand, ListRecoveryPointsByBackupVaultCommand, type BackupVaultListMember, type DescribeBackupVaultCommandOutput,
  type RecoveryPointByBackupVault,
} from '@aws-sdk/client-backup';
import { hasCode } from '../../aws/errors.js';
import { retryWhile, waitUntil } from '../../aws/wait.js';
import type { Actual, NodeCall, ReadItem } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';

export interface BackupVaultInputs {
  name: string;
  encryptionKeyArn: string;
  /** Only for a vault outside the stack region. */
  region?: string;
}

const CREATE_TIMEOUT_MS = 2 * 60_000;
/** Deleting recovery points (Aurora snapshots, EFS backups) can take a while each. */
const EMPTY_TIMEOUT_MS = 60 * 60_000;

export const backupClient = (ctx: ResourceCtx, region?: string) => ctx.aws.get(BackupClient, region ?? ctx.region);
const notFound = (e: unknown) => hasCode(e, 'ResourceNotFoundException');
/** Recovery points still being created, or a vault with points left, refuse deletion for now. */
const notYet = (e: unknown) => hasCode(e, 'InvalidRequestException', 'InvalidResourceStateException');
const regionOf = (inputs: unknown) => (inputs as Partial<BackupVaultInputs> | undefined)?.region;

type VaultFacts = Pick<BackupVaultListMember, 'BackupVaultName' | 'BackupVaultArn' | 'EncryptionKeyArn' | 'NumberOfRecoveryPoints'>;

function toActual(vault: VaultFacts, region: string | undefined): Actual {
  const name = vault.BackupVaultName!;
  const vaultRegion = vault.BackupVaultArn?.split(':')[3] ?? region;
  const inputs: Record<string, unknown> = { name, encryptionKeyArn: vault.EncryptionKeyArn ?? '' };
  if (region) inputs.region = vaultRegion;
  return { id: name, inputs, outputs: { name, arn: vault.BackupVaultArn!, region: vaultRegion } };
}

async function describeVault(ctx: ResourceCtx, name: string, region?: string): Promise<DescribeBackupVaultCommandOutput | undefined> {
  try {
    return await backupClient(ctx, region).send(new DescribeBackupVaultCommand({ BackupVaultName: name }));
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
}

async function listVaults(ctx: ResourceCtx, region: string | undefined): Promise<BackupVaultListMember[]> {
  const all: BackupVaultListMember[] = [];
  let NextToken: string | undefined;
  do {
    const page = await backupClient(ctx, region).send(new ListBackupVaultsCommand({ NextToken }));
    all.push(...(page.BackupVaultList ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return all;
}

async function recoveryPoints(ctx: ResourceCtx, name: string, region?: string): Promise<RecoveryPointByBackupVault[]> {
  const all: RecoveryPointByBackupVault[] = [];
  let NextToken: string | undefined;
  do {
    const page = await backupClient(ctx, region).send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: name, NextToken }));
    all.push(...(page.RecoveryPoints ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return all;
}

/** Deletes every recovery point of the vault and waits until none is left. */
async function emptyVault(ctx: ResourceCtx, name: string, region: string | undefined, call: NodeCall): Promise<void> {
  await waitUntil(async () => {
    const points = await recoveryPoints(ctx, name, region);
    if (!points.length) return { done: true, value: undefined };
    for (const point of points.filter((p) => p.Status !== 'DELETING')) {
      try {
        await backupClient(ctx, region).send(new DeleteRecoveryPointCommand({ BackupVaultName: name, RecoveryPointArn: point.RecoveryPointArn! }));
      } catch (error) {
        // Gone already, or still being created/copied: the next round deletes it.
        if (!notFound(error) && !notYet(error)) throw error;
      }
    }
    return { done: false, status: `${points.length} recovery points left` };
  }, { what: `recovery points of vault ${name} to be deleted`, timeoutMs: EMPTY_TIMEOUT_MS, minDelayMs: 2000, report: call.report, signal: call.signal });
}

export const backupVaultHandler: Handler = {
  kind: 'backup.vault',
  forceNew: ['name', 'encryptionKeyArn', 'region'],

  /** One paginated ListBackupVaults per region for all the vaults there. */
  async read(ctx, items) {
    const byRegion = new Map<string | undefined, ReadItem[]>();
    for (const item of items) byRegion.set(regionOf(item.inputs), [...(byRegion.get(regionOf(item.inputs)) ?? []), item]);
    const result = new Map<string, Actual>();
    await Promise.all([...byRegion].map(async ([region, own]) => {
      const vaults = new Map((await listVaults(ctx, region)).map((v) => [v.BackupVaultName!, v]));
      for (const item of own) {
        const vault = vaults.get(item.id);
        if (vault) result.set(item.address, toActual(vault, region));
      }
    }));
    return result;
  },

  /** Vault names are unique per account and region. */
  async find(ctx, args) {
    const inputs = args.inputs as Partial<BackupVaultInputs>;
    if (!inputs.name) return undefined;
    const vault = await describeVault(ctx, inputs.name, inputs.region);
    return vault ? toActual(vault, inputs.region) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as BackupVaultInputs;
    await backupClient(ctx, inputs.region).send(new CreateBackupVaultCommand({
      BackupVaultName: inputs.name,
      EncryptionKeyArn: inputs.encryptionKeyArn,
      BackupVaultTags: args.tags,
      CreatorRequestId: args.token,
    }));
    return waitUntil(async () => {
      const vault = await describeVault(ctx, inputs.name, inputs.region);
      return vault ? { done: true, value: toActual(vault, inputs.region) } : { done: false, status: 'not visible yet' };
    }, { what: `backup vault ${inputs.name}`, timeoutMs: CREATE_TIMEOUT_MS, minDelayMs: 1000, report: args.report, signal: args.signal });
  },

  async delete(ctx, args) {
    const region = regionOf(args.inputs);
    const vault = await describeVault(ctx, args.id, region);
    if (!vault) return;
    if ((vault.NumberOfRecoveryPoints ?? 0) > 0) await emptyVault(ctx, args.id, region, args);
    await retryWhile(async () => {
      try {
        await backupClient(ctx, region).send(new DeleteBackupVaultCommand({ BackupVaultName: args.id }));
      } catch (error) {
        if (notFound(error)) return;
        // The count can lag behind points still arriving (a copy job finishing): empty again, then retry.
        if (notYet(error)) await emptyVault(ctx, args.id, region, args);
        throw error;
      }
    }, notYet, { what: `delete backup vault ${args.id}`, timeoutMs: CREATE_TIMEOUT_MS * 5, minDelayMs: 2000, report: args.report, signal: args.signal });
    await waitUntil(async () => ((await describeVault(ctx, args.id, region)) ? { done: false, status: 'deleting' } : { done: true, value: undefined }),
      { what: `deletion of backup vault ${args.id}`, timeoutMs: CREATE_TIMEOUT_MS, minDelayMs: 1000, report: args.report, signal: args.signal });
  },
};
