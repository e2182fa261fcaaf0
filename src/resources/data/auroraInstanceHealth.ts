/** Live health of `rds.dbInstance` for `status`: its status, and whether it is the cluster's writer. */
import { DescribeDBInstancesCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import type { Health, ReadItem } from '../../engine/types.js';
import type { ResourceCtx } from '../context.js';
import { RDS_BUSY } from './auroraClusterHealth.js';
import { chunks } from './common.js';

export function auroraInstanceHealthOf(instance: DBInstance): Health {
  const status = instance.DBInstanceStatus ?? 'unknown';
  const state: Health['state'] = status === 'available' ? 'healthy' : RDS_BUSY.has(status) ? 'degraded' : 'down';
  return { state, summary: `${status} in ${instance.AvailabilityZone ?? 'unknown AZ'}`, details: { status, availabilityZone: instance.AvailabilityZone } };
}

export async function auroraInstanceHealth(ctx: ResourceCtx, items: ReadItem[]): Promise<Map<string, Health>> {
  const found: DBInstance[] = [];
  for (const batch of chunks([...new Set(items.map((i) => i.id))], 100)) {
    let marker: string | undefined;
    do {
      const out = await ctx.aws.get(RDSClient).send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-instance-id', Values: batch }], Marker: marker }));
      found.push(...(out.DBInstances ?? []));
      marker = out.Marker;
    } while (marker);
  }
  const byId = new Map(found.map((i) => [i.DBInstanceIdentifier!, i]));
  const result = new Map<string, Health>();
  for (const item of items) {
    const instance = byId.get(item.id);
    if (instance) result.set(item.address, auroraInstanceHealthOf(instance));
  }
  return result;
}
