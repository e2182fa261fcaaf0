/**
 * `rds.dbCluster`: the Aurora MySQL 3.x cluster. Storage is encrypted with the CMK; the master password is made and
 * kept by RDS in Secrets Manager (ManageMasterUserPassword), so no password ever passes through morpheus-ws.
 * Destroy lifts deletion protection first and takes a final snapshot unless told not to.
 */
import {
  CreateDBClusterCommand, DeleteDBClusterCommand, DescribeDBClustersCommand, ModifyDBClusterCommand, RDSClient,
  type DBCluster, type ModifyDBClusterCommandInput,
} from '@aws-sdk/client-rds';
import { hasCode } from '../../aws/errors.js';
import { ADDRESS_TAG, tagList, tagMap, WORKSPACE_TAG } from '../../aws/tags.js';
import { retryWhile, waitUntil } from '../../aws/wait.js';
import type { Actual, NodeCall } from '../../engine/types.js';
import { deepEqual, sameMembers } from '../shared/compare.js';
import type { Handler, ResourceCtx } from '../context.js';
import { chunks, definedOnly, MINUTE } from './common.js';
import { sameKmsKey } from './kms.js';
import { finalSnapshotId, nameForAddress } from './names.js';
import { auroraClusterHealth } from './auroraClusterHealth.js';

export interface AuroraClusterInputs {
  clusterId: string;
  engine: string;
  engineVersion: string;
  databaseName: string;
  masterUsername: string;
  port: number;
  dbSubnetGroupName: string;
  parameterGroupName: string;
  vpcSecurityGroupIds: string[];
  kmsKeyId: string;
  masterUserSecretKmsKeyId: string;
  backupRetentionDays: number;
  preferredBackupWindow: string;
  preferredMaintenanceWindow: string;
  deletionProtection: boolean;
  cloudwatchLogsExports: string[];
  copyTagsToSnapshot: boolean;
  /** Not readable from AWS, hence not diffed: how changes are applied, and what destroy does. */
  applyImmediately: boolean;
  skipFinalSnapshot: boolean;
}

const CREATE_TIMEOUT_MS = 60 * MINUTE;
const MODIFY_TIMEOUT_MS = 90 * MINUTE;
const DELETE_TIMEOUT_MS = 60 * MINUTE;
const FAILED_STATES = ['failed', 'inaccessible-encryption-credentials', 'incompatible-parameters', 'incompatible-restore'];

function client(ctx: ResourceCtx): RDSClient {
  return ctx.aws.get(RDSClient);
}

function toActual(cluster: DBCluster): Actual {
  return {
    id: cluster.DBClusterIdentifier!,
    inputs: definedOnly({
      clusterId: cluster.DBClusterIdentifier,
      engine: cluster.Engine,
      engineVersion: cluster.EngineVersion,
      databaseName: cluster.DatabaseName,
      masterUsername: cluster.MasterUsername,
      port: cluster.Port,
      dbSubnetGroupName: cluster.DBSubnetGroup,
      parameterGroupName: cluster.DBClusterParameterGroup,
      vpcSecurityGroupIds: cluster.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId!),
      kmsKeyId: cluster.KmsKeyId,
      masterUserSecretKmsKeyId: cluster.MasterUserSecret?.KmsKeyId,
      backupRetentionDays: cluster.BackupRetentionPeriod,
      preferredBackupWindow: cluster.PreferredBackupWindow,
      preferredMaintenanceWindow: cluster.PreferredMaintenanceWindow,
      deletionProtection: cluster.DeletionProtection,
      cloudwatchLogsExports: cluster.EnabledCloudwatchLogsExports ?? [],
      copyTagsToSnapshot: cluster.CopyTagsToSnapshot,
    }),
    outputs: definedOnly({
      clusterId: cluster.DBClusterIdentifier,
      arn: cluster.DBClusterArn,
      endpoint: cluster.Endpoint,
      readerEndpoint: cluster.ReaderEndpoint,
      port: cluster.Port,
      masterSecretArn: cluster.MasterUserSecret?.SecretArn,
      resourceId: cluster.DbClusterResourceId,
    }),
  };
}

/** One filtered, paginated DescribeDBClusters per 100 ids (also used by the health read). */
export async function describeMany(ctx: ResourceCtx, ids: string[]): Promise<DBCluster[]> {
  const found: DBCluster[] = [];
  for (const batch of chunks([...new Set(ids)], 100)) {
    let marker: string | undefined;
    do {
      const out = await client(ctx).send(new DescribeDBClustersCommand({ Filters: [{ Name: 'db-cluster-id', Values: batch }], Marker: marker }));
      found.push(...(out.DBClusters ?? []));
      marker = out.Marker;
    } while (marker);
  }
  return found;
}

async function describeOne(ctx: ResourceCtx, id: string): Promise<DBCluster | undefined> {
  return (await describeMany(ctx, [id]))[0];
}

function hasPendingChanges(cluster: DBCluster): boolean {
  return Object.values(cluster.PendingModifiedValues ?? {}).some((v) => v !== undefined);
}

/** `settled`: also wait for changes applied immediately to leave PendingModifiedValues. */
async function waitAvailable(ctx: ResourceCtx, id: string, call: NodeCall, timeoutMs: number, settled = false): Promise<DBCluster> {
  return waitUntil(async () => {
    const cluster = await describeOne(ctx, id);
    const status = cluster?.Status ?? 'not visible yet';
    if (FAILED_STATES.includes(status)) return { failed: `cluster ${id} is ${status}` };
    // The managed master secret appears shortly after the cluster itself.
    const ready = status === 'available' && cluster?.MasterUserSecret?.SecretArn !== undefined
      && !(settled && hasPendingChanges(cluster));
    return ready ? { done: true, value: cluster! } : { done: false, status };
  }, { what: `Aurora cluster ${id} available`, timeoutMs, minDelayMs: 5000, report: call.report, signal: call.signal });
}

function ownedBy(cluster: DBCluster, tags: Record<string, string>): boolean {
  const have = tagMap(cluster.TagList);
  return have[ADDRESS_TAG] === tags[ADDRESS_TAG] && have[WORKSPACE_TAG] === tags[WORKSPACE_TAG];
}

/** Cluster changes are refused while it is modifying, backing up or upgrading: retry them for a while. */
function modify(ctx: ResourceCtx, input: ModifyDBClusterCommandInput, call: NodeCall): Promise<unknown> {
  return retryWhile(() => client(ctx).send(new ModifyDBClusterCommand(input)),
    (e) => hasCode(e, 'InvalidDBClusterStateFault'),
    { what: `modify Aurora cluster ${input.DBClusterIdentifier}`, timeoutMs: 30 * MINUTE, minDelayMs: 10_000, report: call.report, signal: call.signal });
}

function modification(inputs: AuroraClusterInputs, previous: Actual, changed: string[]): ModifyDBClusterCommandInput {
  const has = (field: keyof AuroraClusterInputs) => changed.includes(field);
  const input: ModifyDBClusterCommandInput = { DBClusterIdentifier: inputs.clusterId, ApplyImmediately: inputs.applyImmediately };
  if (has('engineVersion')) {
    input.EngineVersion = inputs.engineVersion;
    const major = (v: unknown) => String(v).split('.').slice(0, 2).join('.');
    if (major(previous.inputs.engineVersion) !== major(inputs.engineVersion)) input.AllowMajorVersionUpgrade = true;
  }
  if (has('port')) input.Port = inputs.port;
  if (has('parameterGroupName')) input.DBClusterParameterGroupName = inputs.parameterGroupName;
  if (has('vpcSecurityGroupIds')) input.VpcSecurityGroupIds = inputs.vpcSecurityGroupIds;
  if (has('masterUserSecretKmsKeyId')) {
    input.ManageMasterUserPassword = true;
    input.MasterUserSecretKmsKeyId = inputs.masterUserSecretKmsKeyId;
  }
  if (has('backupRetentionDays')) input.BackupRetentionPeriod = inputs.backupRetentionDays;
  if (has('preferredBackupWindow')) input.PreferredBackupWindow = inputs.preferredBackupWindow;
  if (has('preferredMaintenanceWindow')) input.PreferredMaintenanceWindow = inputs.preferredMaintenanceWindow;
  if (has('deletionProtection')) input.DeletionProtection = inputs.deletionProtection;
  if (has('copyTagsToSnapshot')) input.CopyTagsToSnapshot = inputs.copyTagsToSnapshot;
  if (has('cloudwatchLogsExports')) {
    const before = (previous.inputs.cloudwatchLogsExports ?? []) as string[];
    input.CloudwatchLogsExportConfiguration = {
      EnableLogTypes: inputs.cloudwatchLogsExports.filter((l) => !before.includes(l)),
      DisableLogTypes: before.filter((l) => !inputs.cloudwatchLogsExports.includes(l)),
    };
  }
  return input;
}

export const auroraClusterHandler: Handler = {
  kind: 'rds.dbCluster',
  health: auroraClusterHealth,
  forceNew: ['clusterId', 'engine', 'databaseName', 'masterUsername', 'dbSubnetGroupName', 'kmsKeyId'],
  equal(field, desired, actual) {
    if (field === 'vpcSecurityGroupIds' || field === 'cloudwatchLogsExports') return sameMembers(desired, actual);
    if (field === 'kmsKeyId' || field === 'masterUserSecretKmsKeyId') return sameKmsKey(desired, actual);
    return deepEqual(desired, actual);
  },

  async read(ctx, items) {
    const byId = new Map((await describeMany(ctx, items.map((i) => i.id))).map((c) => [c.DBClusterIdentifier!, c]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const cluster = byId.get(item.id);
      if (cluster) result.set(item.address, toActual(cluster));
    }
    return result;
  },

  async find(ctx, args) {
    const id = (args.inputs.clusterId as string | undefined) ?? nameForAddress(ctx.workspace, args.address);
    const cluster = id ? await describeOne(ctx, id) : undefined;
    return cluster && ownedBy(cluster, args.tags) ? toActual(cluster) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as AuroraClusterInputs;
    try {
      await client(ctx).send(new CreateDBClusterCommand({
        DBClusterIdentifier: inputs.clusterId,
        Engine: inputs.engine,
        EngineVersion: inputs.engineVersion,
        EngineMode: 'provisioned',
        DatabaseName: inputs.databaseName,
        MasterUsername: inputs.masterUsername,
        ManageMasterUserPassword: true,
        MasterUserSecretKmsKeyId: inputs.masterUserSecretKmsKeyId,
        Port: inputs.port,
        DBSubnetGroupName: inputs.dbSubnetGroupName,
        DBClusterParameterGroupName: inputs.parameterGroupName,
        VpcSecurityGroupIds: inputs.vpcSecurityGroupIds,
        StorageEncrypted: true,
        KmsKeyId: inputs.kmsKeyId,
        BackupRetentionPeriod: inputs.backupRetentionDays,
        PreferredBackupWindow: inputs.preferredBackupWindow,
        PreferredMaintenanceWindow: inputs.preferredMaintenanceWindow,
        DeletionProtection: inputs.deletionProtection,
        EnableCloudwatchLogsExports: inputs.cloudwatchLogsExports,
        CopyTagsToSnapshot: inputs.copyTagsToSnapshot,
        Tags: tagList(args.tags),
      }));
    } catch (error) {
      // A create interrupted after AWS accepted it: adopt the cluster if it is ours.
      if (!hasCode(error, 'DBClusterAlreadyExistsFault')) throw error;
      const existing = await describeOne(ctx, inputs.clusterId);
      if (!existing || !ownedBy(existing, args.tags)) throw error;
    }
    return toActual(await waitAvailable(ctx, inputs.clusterId, args, CREATE_TIMEOUT_MS));
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as AuroraClusterInputs;
    const input = modification(inputs, args.previous, args.changed);
    if (Object.keys(input).length > 2) await modify(ctx, input, args);
    return toActual(await waitAvailable(ctx, args.id, args, MODIFY_TIMEOUT_MS, inputs.applyImmediately));
  },

  async delete(ctx, args) {
    const cluster = await describeOne(ctx, args.id);
    if (!cluster) return;
    if (cluster.Status !== 'deleting') {
      if (cluster.DeletionProtection) {
        args.report('turning deletion protection off');
        await modify(ctx, { DBClusterIdentifier: args.id, DeletionProtection: false, ApplyImmediately: true }, args);
      }
      const skip = ctx.options.skipFinalSnapshot === true || args.inputs.skipFinalSnapshot === true;
      const snapshotId = skip ? undefined : finalSnapshotId(args.id);
      if (snapshotId) args.report(`taking final snapshot ${snapshotId}`);
      // Instances that are still deleting make the cluster refuse deletion for a while.
      await retryWhile(async () => {
        try {
          await client(ctx).send(new DeleteDBClusterCommand({
            DBClusterIdentifier: args.id, SkipFinalSnapshot: skip, FinalDBSnapshotIdentifier: snapshotId,
          }));
        } catch (error) {
          if (!hasCode(error, 'DBClusterNotFoundFault')) throw error;
        }
      }, (e) => hasCode(e, 'InvalidDBClusterStateFault'), {
        what: `delete Aurora cluster ${args.id}`, timeoutMs: 30 * MINUTE, minDelayMs: 10_000, report: args.report, signal: args.signal,
      });
    }
    await waitUntil(async () => {
      const c = await describeOne(ctx, args.id);
      return c ? { done: false, status: c.Status } : { done: true, value: undefined };
    }, { what: `Aurora cluster ${args.id} deleted`, timeoutMs: DELETE_TIMEOUT_MS, minDelayMs: 5000, report: args.report, signal: args.signal });
  },
};
