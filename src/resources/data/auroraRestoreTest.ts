/**
 * Proving the Aurora backups restore: list the cluster's snapshots, restore one into a temporary cluster (plus one
 * instance) in the stack's private subnets and DB security group, wait until it serves, and delete it again.
 */
import {
  CreateDBInstanceCommand, DeleteDBClusterCommand, DeleteDBInstanceCommand, DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand, DescribeDBInstancesCommand, ModifyDBClusterCommand, RDSClient, RestoreDBClusterFromSnapshotCommand,
  type DBClusterSnapshot,
} from '@aws-sdk/client-rds';
import type { AwsClients } from '../../aws/clients.js';
import { hasCode } from '../../aws/errors.js';
import { tagList } from '../../aws/tags.js';
import { retryWhile, waitUntil } from '../../aws/wait.js';
import { allPages, MINUTE } from './common.js';

export interface ClusterSnapshot {
  id: string;
  arn: string;
  type: string;
  created: Date;
  engine: string;
  engineVersion?: string;
  kmsKeyId?: string;
}

export interface RestoreTestTarget {
  /** The temporary cluster; its one instance is `<clusterId>-0`. */
  clusterId: string;
  snapshot: ClusterSnapshot;
  dbSubnetGroupName: string;
  securityGroupIds: string[];
  parameterGroupName?: string;
  kmsKeyId?: string;
  instanceClass: string;
  tags: Record<string, string>;
}

export interface Progress {
  report?: (message: string) => void;
  signal?: AbortSignal;
}

const RESTORE_TIMEOUT_MS = 120 * MINUTE;
const DELETE_TIMEOUT_MS = 60 * MINUTE;
const FAILED = ['failed', 'inaccessible-encryption-credentials', 'incompatible-parameters', 'incompatible-restore', 'incompatible-network', 'storage-full'];

function rds(aws: AwsClients): RDSClient {
  return aws.get(RDSClient);
}

export const restoreTestInstanceId = (clusterId: string) => `${clusterId}-0`;

/** `<cluster>-rt-20260103t120000`: unique per run, ≤ 63 characters, letters, digits and single hyphens. */
export function restoreTestClusterId(sourceClusterId: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', 't');
  return `${sourceClusterId.slice(0, 40)}-rt-${stamp}`;
}

function toSnapshot(s: DBClusterSnapshot): ClusterSnapshot {
  return {
    id: s.DBClusterSnapshotIdentifier!, arn: s.DBClusterSnapshotArn!, type: s.SnapshotType ?? 'unknown',
    created: s.SnapshotCreateTime ?? new Date(0), engine: s.Engine ?? 'aurora-mysql', engineVersion: s.EngineVersion, kmsKeyId: s.KmsKeyId,
  };
}

/** Available snapshots of the cluster (automated and manual), newest first. */
export async function clusterSnapshots(aws: AwsClients, clusterId: string): Promise<ClusterSnapshot[]> {
  const all = await allPages(async (marker) => {
    const out = await rds(aws).send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: clusterId, Marker: marker }));
    return { items: out.DBClusterSnapshots, next: out.Marker };
  });
  return all.filter((s) => s.Status === 'available').map(toSnapshot).sort((a, b) => b.created.getTime() - a.created.getTime());
}

/** Restores the snapshot and waits until the temporary instance is available. Returns nothing: the caller times it. */
export async function restoreSnapshotToTemporaryCluster(aws: AwsClients, target: RestoreTestTarget, progress: Progress = {}): Promise<void> {
  const tags = tagList(target.tags);
  await rds(aws).send(new RestoreDBClusterFromSnapshotCommand({
    DBClusterIdentifier: target.clusterId,
    SnapshotIdentifier: target.snapshot.id,
    Engine: target.snapshot.engine,
    EngineVersion: target.snapshot.engineVersion,
    DBSubnetGroupName: target.dbSubnetGroupName,
    VpcSecurityGroupIds: target.securityGroupIds,
    ...(target.parameterGroupName ? { DBClusterParameterGroupName: target.parameterGroupName } : {}),
    ...(target.kmsKeyId ? { KmsKeyId: target.kmsKeyId } : {}),
    DeletionProtection: false,
    CopyTagsToSnapshot: false,
    Tags: tags,
  }));
  await waitUntil(async () => {
    const status = (await describeCluster(aws, target.clusterId))?.Status ?? 'not visible yet';
    if (FAILED.includes(status)) return { failed: status };
    return status === 'available' ? { done: true, value: undefined } : { done: false, status };
  }, { what: `restored cluster ${target.clusterId} available`, timeoutMs: RESTORE_TIMEOUT_MS, minDelayMs: 5000, maxDelayMs: 30_000, ...progress });
  const instanceId = restoreTestInstanceId(target.clusterId);
  await rds(aws).send(new CreateDBInstanceCommand({
    DBInstanceIdentifier: instanceId,
    DBClusterIdentifier: target.clusterId,
    Engine: target.snapshot.engine,
    DBInstanceClass: target.instanceClass,
    PubliclyAccessible: false,
    Tags: tags,
  }));
  await waitUntil(async () => {
    const status = (await describeInstance(aws, instanceId))?.DBInstanceStatus ?? 'not visible yet';
    if (FAILED.includes(status)) return { failed: status };
    return status === 'available' ? { done: true, value: undefined } : { done: false, status };
  }, { what: `restored instance ${instanceId} available`, timeoutMs: RESTORE_TIMEOUT_MS, minDelayMs: 5000, maxDelayMs: 30_000, ...progress });
}

async function describeCluster(aws: AwsClients, clusterId: string) {
  try {
    return (await rds(aws).send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }))).DBClusters?.[0];
  } catch (error) {
    if (hasCode(error, 'DBClusterNotFoundFault', 'DBClusterNotFound')) return undefined;
    throw error;
  }
}

async function describeInstance(aws: AwsClients, instanceId: string) {
  try {
    return (await rds(aws).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }))).DBInstances?.[0];
  } catch (error) {
    if (hasCode(error, 'DBInstanceNotFoundFault', 'DBInstanceNotFound')) return undefined;
    throw error;
  }
}

/** Temporary clusters of earlier runs that were killed before their cleanup (same naming scheme). */
export async function leftoverRestoreTests(aws: AwsClients, sourceClusterId: string): Promise<string[]> {
  const prefix = `${sourceClusterId.slice(0, 40)}-rt-`;
  const clusters = await allPages(async (marker) => {
    const out = await rds(aws).send(new DescribeDBClustersCommand({ Marker: marker }));
    return { items: out.DBClusters, next: out.Marker };
  });
  return clusters.map((c) => c.DBClusterIdentifier!).filter((id) => id.startsWith(prefix) && /-rt-\d{8}t\d{6}$/.test(id)).sort();
}

/** Whether the temporary cluster or its instance still exists (for checks after cleanup). */
export async function restoreTestExists(aws: AwsClients, clusterId: string): Promise<boolean> {
  return (await describeCluster(aws, clusterId)) !== undefined || (await describeInstance(aws, restoreTestInstanceId(clusterId))) !== undefined;
}

/**
 * Deletes the temporary instance and cluster, whatever state a failed or interrupted run left them in, without a
 * final snapshot, and waits until both are gone. Missing ones are fine.
 */
export async function deleteTemporaryCluster(aws: AwsClients, clusterId: string, progress: Progress = {}): Promise<void> {
  const instanceId = restoreTestInstanceId(clusterId);
  const instance = await describeInstance(aws, instanceId);
  if (instance && instance.DBInstanceStatus !== 'deleting') {
    // An instance still being created refuses deletion for a while: retry until it accepts.
    await retryWhile(async () => {
      try {
        await rds(aws).send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: instanceId, SkipFinalSnapshot: true }));
      } catch (error) {
        if (!hasCode(error, 'DBInstanceNotFoundFault', 'DBInstanceNotFound')) throw error;
      }
    }, (e) => hasCode(e, 'InvalidDBInstanceState', 'InvalidDBInstanceStateFault'),
    { what: `delete instance ${instanceId}`, timeoutMs: 30 * MINUTE, minDelayMs: 10_000, ...progress });
  }
  const cluster = await describeCluster(aws, clusterId);
  if (cluster?.DeletionProtection && cluster.Status !== 'deleting') {
    // Restores are asked for without it; lift it anyway rather than leave a copy of the data behind.
    await rds(aws).send(new ModifyDBClusterCommand({ DBClusterIdentifier: clusterId, DeletionProtection: false, ApplyImmediately: true }));
  }
  if (cluster && cluster.Status !== 'deleting') {
    await retryWhile(async () => {
      try {
        await rds(aws).send(new DeleteDBClusterCommand({ DBClusterIdentifier: clusterId, SkipFinalSnapshot: true }));
      } catch (error) {
        if (!hasCode(error, 'DBClusterNotFoundFault', 'DBClusterNotFound')) throw error;
      }
    }, (e) => hasCode(e, 'InvalidDBClusterStateFault', 'InvalidDBClusterState'),
    { what: `delete cluster ${clusterId}`, timeoutMs: 30 * MINUTE, minDelayMs: 10_000, ...progress });
  }
  await waitUntil(async () => {
    const still = await describeCluster(aws, clusterId) ?? await describeInstance(aws, instanceId);
    return still ? { done: false, status: 'deleting' } : { done: true, value: undefined };
  }, { what: `temporary cluster ${clusterId} deleted`, timeoutMs: DELETE_TIMEOUT_MS, minDelayMs: 5000, maxDelayMs: 30_000, ...progress });
}
