/**
 * Live health of `rds.dbCluster` for `status` (cluster status, the writer and the readers), and what `check` inspects
 * beyond its inputs (storage encryption, the managed master secret).
 */
import { DescribeDBInstancesCommand, RDSClient, type DBCluster, type DBInstance } from '@aws-sdk/client-rds';
import { describeMany } from './auroraCluster.js';
import type { Health, ReadItem } from '../../engine/types.js';
import type { ResourceCtx } from '../context.js';
import { chunks } from './common.js';

/** Work RDS does on a serving cluster or instance: it still answers, possibly briefly interrupted. */
export const RDS_BUSY = new Set([
  'backing-up', 'modifying', 'maintenance', 'upgrading', 'rebooting', 'renaming', 'resetting-master-credentials',
  'configuring-enhanced-monitoring', 'configuring-iam-database-auth', 'configuring-log-exports', 'storage-optimization',
  'failing-over', 'promoting', 'creating',
]);

function client(ctx: ResourceCtx): RDSClient {
  return ctx.aws.get(RDSClient);
}

async function instancesOfClusters(ctx: ResourceCtx, clusterIds: string[]): Promise<DBInstance[]> {
  const found: DBInstance[] = [];
  for (const batch of chunks([...new Set(clusterIds)], 100)) {
    let marker: string | undefined;
    do {
      const out = await client(ctx).send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: batch }], Marker: marker }));
      found.push(...(out.DBInstances ?? []));
      marker = out.Marker;
    } while (marker);
  }
  return found;
}

export function auroraClusterHealthOf(cluster: DBCluster, instances: DBInstance[]): Health {
  const status = cluster.Status ?? 'unknown';
  const statusOf = new Map(instances.map((i) => [i.DBInstanceIdentifier!, i.DBInstanceStatus ?? 'unknown']));
  const members = cluster.DBClusterMembers ?? [];
  const writer = members.find((m) => m.IsClusterWriter);
  const readers = members.filter((m) => !m.IsClusterWriter);
  const writerStatus = writer ? statusOf.get(writer.DBInstanceIdentifier!) ?? 'unknown' : undefined;
  const readersAvailable = readers.filter((r) => statusOf.get(r.DBInstanceIdentifier!) === 'available').length;
  const summary = `cluster ${status}, writer ${writer ? `${writer.DBInstanceIdentifier} ${writerStatus}` : 'missing'}, `
    + `${readersAvailable}/${readers.length} readers available`;
  let state: Health['state'] = 'healthy';
  if (!writer || (status !== 'available' && !RDS_BUSY.has(status)) || (writerStatus !== 'available' && !RDS_BUSY.has(writerStatus ?? ''))) state = 'down';
  else if (status !== 'available' || writerStatus !== 'available' || readers.length === 0 || readersAvailable < readers.length) state = 'degraded';
  return {
    state, summary,
    details: {
      status,
      writer: writer ? { instanceId: writer.DBInstanceIdentifier, status: writerStatus } : null,
      readers: readers.map((r) => ({ instanceId: r.DBInstanceIdentifier, status: statusOf.get(r.DBInstanceIdentifier!) ?? 'unknown' })),
    },
  };
}

export async function auroraClusterHealth(ctx: ResourceCtx, items: ReadItem[]): Promise<Map<string, Health>> {
  const clusters = await describeMany(ctx, items.map((i) => i.id));
  const instances = clusters.length ? await instancesOfClusters(ctx, clusters.map((c) => c.DBClusterIdentifier!)) : [];
  const byId = new Map(clusters.map((c) => [c.DBClusterIdentifier!, c]));
  const result = new Map<string, Health>();
  for (const item of items) {
    const cluster = byId.get(item.id);
    if (cluster) result.set(item.address, auroraClusterHealthOf(cluster, instances.filter((i) => i.DBClusterIdentifier === cluster.DBClusterIdentifier)));
  }
  return result;
}

export interface AuroraClusterFacts {
  storageEncrypted?: boolean;
  masterSecretArn?: string;
}

export async function inspectAuroraClusters(ctx: ResourceCtx, items: ReadItem[]): Promise<Map<string, AuroraClusterFacts>> {
  const byId = new Map((await describeMany(ctx, items.map((i) => i.id))).map((c) => [c.DBClusterIdentifier!, c]));
  const result = new Map<string, AuroraClusterFacts>();
  for (const item of items) {
    const cluster = byId.get(item.id);
    if (cluster) result.set(item.address, { storageEncrypted: cluster.StorageEncrypted, masterSecretArn: cluster.MasterUserSecret?.SecretArn });
  }
  return result;
}
