import { BackupClient, ListRecoveryPointsByResourceCommand } from '@aws-sdk/client-backup';
import {
  CreateDBInstanceCommand, DeleteDBClusterCommand, DeleteDBInstanceCommand, DescribeDBClustersCommand, DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand, ModifyDBClusterCommand, RDSClient, RestoreDBClusterFromSnapshotCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../src/aws/clients.js';
import { rpoCheck, verifyBackups, type VerifyTargets } from '../../../src/commands/backupVerify.js';

const rds = mockClient(RDSClient);
const backup = mockClient(BackupClient);
const NOW = new Date('2026-03-10T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

const targets: VerifyTargets = {
  workspace: 'demo', rpoHours: 26, clusterId: 'demo-aurora', clusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:demo-aurora',
  efsArn: 'arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123',
  restore: { dbSubnetGroupName: 'demo-aurora', securityGroupId: 'sg-db', parameterGroupName: 'demo-aurora-mysql8-0', kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k', instanceClass: 'db.r6g.large' },
};
const TEMP = 'demo-aurora-rt-20260310t120000';

/** A tiny RDS: clusters and instances that exist until deleted. */
let clusters: Map<string, { status: string; protection: boolean }>;
let instances: Map<string, string>;

function notFound(kind: 'DBClusterNotFoundFault' | 'DBInstanceNotFoundFault') {
  return Object.assign(new Error(`${kind}: not found`), { name: kind });
}

beforeEach(() => {
  rds.reset();
  backup.reset();
  clusters = new Map();
  instances = new Map();
  rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [
    { DBClusterSnapshotIdentifier: 'rds:demo-aurora-old', DBClusterSnapshotArn: 'arn:old', SnapshotType: 'automated', Status: 'available', SnapshotCreateTime: hoursAgo(30), Engine: 'aurora-mysql' },
    { DBClusterSnapshotIdentifier: 'rds:demo-aurora-new', DBClusterSnapshotArn: 'arn:new', SnapshotType: 'automated', Status: 'available', SnapshotCreateTime: hoursAgo(5), Engine: 'aurora-mysql', EngineVersion: '8.0.mysql_aurora.3.08.2' },
    { DBClusterSnapshotIdentifier: 'rds:demo-aurora-wip', DBClusterSnapshotArn: 'arn:wip', SnapshotType: 'automated', Status: 'creating', SnapshotCreateTime: hoursAgo(0), Engine: 'aurora-mysql' },
  ] });
  backup.on(ListRecoveryPointsByResourceCommand).resolves({ RecoveryPoints: [{ RecoveryPointArn: 'arn:rp', BackupVaultName: 'morpheus-ws-demo', Status: 'COMPLETED', CreationDate: hoursAgo(3) }] });
  rds.on(DescribeDBClustersCommand).callsFake((input) => {
    if (!input.DBClusterIdentifier) return { DBClusters: [...clusters.keys()].map((id) => ({ DBClusterIdentifier: id })) };
    const c = clusters.get(input.DBClusterIdentifier);
    if (!c) throw notFound('DBClusterNotFoundFault');
    return { DBClusters: [{ DBClusterIdentifier: input.DBClusterIdentifier, Status: c.status, DeletionProtection: c.protection }] };
  });
  rds.on(DescribeDBInstancesCommand).callsFake((input) => {
    const status = instances.get(input.DBInstanceIdentifier);
    if (!status) throw notFound('DBInstanceNotFoundFault');
    return { DBInstances: [{ DBInstanceIdentifier: input.DBInstanceIdentifier, DBInstanceStatus: status }] };
  });
  rds.on(RestoreDBClusterFromSnapshotCommand).callsFake((input) => {
    clusters.set(input.DBClusterIdentifier, { status: 'available', protection: false });
    return {};
  });
  rds.on(CreateDBInstanceCommand).callsFake((input) => {
    instances.set(input.DBInstanceIdentifier, 'available');
    return {};
  });
  rds.on(ModifyDBClusterCommand).callsFake((input) => {
    clusters.get(input.DBClusterIdentifier)!.protection = false;
    return {};
  });
  rds.on(DeleteDBInstanceCommand).callsFake((input) => {
    instances.delete(input.DBInstanceIdentifier);
    return {};
  });
  rds.on(DeleteDBClusterCommand).callsFake((input) => {
    if (clusters.get(input.DBClusterIdentifier)?.protection) throw Object.assign(new Error('protected'), { name: 'InvalidParameterCombination' });
    clusters.delete(input.DBClusterIdentifier);
    return {};
  });
});

const aws = () => new AwsClients({ region: 'us-east-1', maxAttempts: 1 });
const hooks = { report: () => {}, now: () => NOW };

describe('RPO check', () => {
  const evidence = (h: number) => ({ source: `snapshot ${h}`, created: hoursAgo(h) });
  it('passes on the newest piece of evidence within the RPO', () => {
    expect(rpoCheck('Aurora', [evidence(40), evidence(25.9)], 26, NOW)).toMatchObject({ status: 'pass', ageHours: 25.9, newest: hoursAgo(25.9).toISOString() });
  });
  it('fails when the newest is older than the RPO, or when there is none (with the reason)', () => {
    expect(rpoCheck('Aurora', [evidence(26.2)], 26, NOW)).toMatchObject({ status: 'fail', ageHours: 26.2 });
    expect(rpoCheck('EFS', [], 26, NOW, ['AWS Backup: AccessDeniedException: no'])).toEqual({
      check: 'EFS', status: 'fail', detail: 'no backup found (AWS Backup: AccessDeniedException: no)',
    });
  });
  it('uses available snapshots and completed recovery points; a failing AWS Backup call does not fail Aurora when snapshots exist', async () => {
    backup.on(ListRecoveryPointsByResourceCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const rows = await verifyBackups(aws(), targets, false, hooks);
    expect(rows[0]).toMatchObject({ check: 'Aurora demo-aurora', status: 'pass', ageHours: 5 });
    expect(rows[1]).toMatchObject({ status: 'fail' });
    expect(rows[1].detail).toMatch(/AccessDeniedException/);
  });
});

describe('restore test', () => {
  it('restores the newest available snapshot into the stack subnets and DB group, times it, deletes it', async () => {
    const rows = await verifyBackups(aws(), targets, true, hooks);
    expect(rows.map((r) => r.status)).toEqual(['pass', 'pass', 'pass']);
    const restore = rds.commandCalls(RestoreDBClusterFromSnapshotCommand)[0].args[0].input;
    expect(restore).toMatchObject({
      DBClusterIdentifier: TEMP, SnapshotIdentifier: 'rds:demo-aurora-new', DBSubnetGroupName: 'demo-aurora', VpcSecurityGroupIds: ['sg-db'],
      DBClusterParameterGroupName: 'demo-aurora-mysql8-0', DeletionProtection: false, EngineVersion: '8.0.mysql_aurora.3.08.2',
    });
    expect(restore.Tags).toContainEqual({ Key: 'morpheus-ws:purpose', Value: 'restore-test' });
    expect(rds.commandCalls(CreateDBInstanceCommand)[0].args[0].input).toMatchObject({ DBInstanceIdentifier: `${TEMP}-0`, DBClusterIdentifier: TEMP, PubliclyAccessible: false });
    expect(rows[2].restoreSeconds).toBeGreaterThanOrEqual(0);
    expect(clusters.size + instances.size).toBe(0);
  });

  it('deletes the temporary cluster when the instance cannot be created', async () => {
    rds.on(CreateDBInstanceCommand).rejects(Object.assign(new Error('no capacity'), { name: 'InsufficientDBInstanceCapacityFault' }));
    const rows = await verifyBackups(aws(), targets, true, hooks);
    expect(rows[2]).toMatchObject({ status: 'fail' });
    expect(rows[2].detail).toMatch(/no capacity/);
    expect(rds.commandCalls(DeleteDBClusterCommand)[0].args[0].input).toEqual({ DBClusterIdentifier: TEMP, SkipFinalSnapshot: true });
    expect(clusters.size).toBe(0);
  });

  it('deletes cluster and instance when the instance fails, lifting deletion protection if it is on', async () => {
    rds.on(RestoreDBClusterFromSnapshotCommand).callsFake((input) => {
      clusters.set(input.DBClusterIdentifier, { status: 'available', protection: true });
      return {};
    });
    rds.on(CreateDBInstanceCommand).callsFake((input) => {
      instances.set(input.DBInstanceIdentifier, 'incompatible-parameters');
      return {};
    });
    const rows = await verifyBackups(aws(), targets, true, hooks);
    expect(rows[2].detail).toMatch(/incompatible-parameters/);
    expect(rds.commandCalls(DeleteDBInstanceCommand)).toHaveLength(1);
    expect(rds.commandCalls(ModifyDBClusterCommand)[0].args[0].input).toMatchObject({ DeletionProtection: false });
    expect(clusters.size + instances.size).toBe(0);
  });

  it('deletes the cluster when interrupted while waiting for it (Ctrl-C)', async () => {
    const stop = new AbortController();
    rds.on(RestoreDBClusterFromSnapshotCommand).callsFake((input) => {
      clusters.set(input.DBClusterIdentifier, { status: 'creating', protection: false });
      setTimeout(() => stop.abort(new Error('interrupted')), 10);
      return {};
    });
    const rows = await verifyBackups(aws(), targets, true, { ...hooks, stop: stop.signal });
    expect(rows[2]).toMatchObject({ status: 'fail', detail: expect.stringMatching(/interrupted/) });
    expect(rds.commandCalls(DeleteDBClusterCommand)).toHaveLength(1);
    expect(clusters.size).toBe(0);
  });

  it('first deletes temporary clusters an earlier killed run left behind', async () => {
    clusters.set('demo-aurora-rt-20260301t010203', { status: 'available', protection: false });
    clusters.set('demo-aurora', { status: 'available', protection: true });
    await verifyBackups(aws(), targets, true, hooks);
    expect([...clusters.keys()]).toEqual(['demo-aurora']);
  });

  it('fails without a snapshot and creates nothing', async () => {
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
    const rows = await verifyBackups(aws(), targets, true, hooks);
    expect(rows[2]).toMatchObject({ status: 'fail', detail: 'no available Aurora snapshot to restore' });
    expect(rds.commandCalls(RestoreDBClusterFromSnapshotCommand)).toHaveLength(0);
  });
});
