import {
  CreateDBClusterCommand, DeleteDBClusterCommand, DescribeDBClustersCommand, ModifyDBClusterCommand, RDSClient, type DBCluster,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { auroraClusterHandler } from '../../../../src/resources/data/auroraCluster.js';
import { awsError, call, makeCtx, reports, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const rds = mockClient(RDSClient);
const ctx = makeCtx();
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1111';
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-1';
const inputs = {
  clusterId: 'demo-aurora', engine: 'aurora-mysql', engineVersion: '8.0.mysql_aurora.3.08.2', databaseName: 'morpheus',
  masterUsername: 'morpheusadmin', port: 3306, dbSubnetGroupName: 'demo-aurora', parameterGroupName: 'demo-aurora-mysql8-0',
  vpcSecurityGroupIds: ['sg-db'], kmsKeyId: KEY, masterUserSecretKmsKeyId: KEY, backupRetentionDays: 7,
  preferredBackupWindow: '03:00-04:00', preferredMaintenanceWindow: 'sun:05:00-sun:06:00', deletionProtection: true,
  cloudwatchLogsExports: ['audit', 'error', 'slowquery'], copyTagsToSnapshot: true, applyImmediately: true, skipFinalSnapshot: false,
};
const cluster = (extra: Partial<DBCluster> = {}): DBCluster => ({
  DBClusterIdentifier: 'demo-aurora', DBClusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:demo-aurora', Status: 'available',
  Engine: 'aurora-mysql', EngineVersion: inputs.engineVersion, DatabaseName: 'morpheus', MasterUsername: 'morpheusadmin', Port: 3306,
  DBSubnetGroup: 'demo-aurora', DBClusterParameterGroup: 'demo-aurora-mysql8-0', VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-db' }],
  KmsKeyId: KEY, StorageEncrypted: true, BackupRetentionPeriod: 7, PreferredBackupWindow: '03:00-04:00',
  PreferredMaintenanceWindow: 'sun:05:00-sun:06:00', DeletionProtection: true, EnabledCloudwatchLogsExports: ['slowquery', 'audit', 'error'],
  CopyTagsToSnapshot: true, Endpoint: 'demo-aurora.cluster-x.rds.amazonaws.com', ReaderEndpoint: 'demo-aurora.cluster-ro-x.rds.amazonaws.com',
  MasterUserSecret: { SecretArn: SECRET, KmsKeyId: KEY, SecretStatus: 'active' }, DbClusterResourceId: 'cluster-ABC',
  TagList: [{ Key: 'morpheus-ws:address', Value: 'data.db.cluster' }, { Key: 'morpheus-ws:workspace', Value: 'demo' }],
  ...extra,
});

beforeEach(() => {
  rds.reset();
  reports.length = 0;
  ctx.options = {};
});

describe('rds.dbCluster', () => {
  it('creates with an RDS-managed master password (CMK), encrypted storage, log exports and tags, then waits for available', async () => {
    rds.on(CreateDBClusterCommand).resolves({});
    rds.on(DescribeDBClustersCommand).resolvesOnce({ DBClusters: [cluster({ Status: 'creating', MasterUserSecret: undefined })] })
      .resolves({ DBClusters: [cluster()] });
    const actual = await withFakeTime(() => auroraClusterHandler.create(ctx, { ...call(), inputs, token: 't', tags: tagsFor('data.db.cluster') }));
    const sent = rds.commandCalls(CreateDBClusterCommand)[0].args[0].input;
    expect(sent).toMatchObject({
      DBClusterIdentifier: 'demo-aurora', Engine: 'aurora-mysql', ManageMasterUserPassword: true, MasterUserSecretKmsKeyId: KEY,
      StorageEncrypted: true, KmsKeyId: KEY, DeletionProtection: true, BackupRetentionPeriod: 7,
      EnableCloudwatchLogsExports: ['audit', 'error', 'slowquery'],
    });
    expect(sent).not.toHaveProperty('MasterUserPassword');
    expect(rds.commandCalls(DescribeDBClustersCommand)[0].args[0].input.Filters).toEqual([{ Name: 'db-cluster-id', Values: ['demo-aurora'] }]);
    expect(actual.outputs).toEqual({
      clusterId: 'demo-aurora', arn: 'arn:aws:rds:us-east-1:123456789012:cluster:demo-aurora', endpoint: 'demo-aurora.cluster-x.rds.amazonaws.com',
      readerEndpoint: 'demo-aurora.cluster-ro-x.rds.amazonaws.com', port: 3306, masterSecretArn: SECRET, resourceId: 'cluster-ABC',
    });
    expect(reports.some((r) => r.includes('creating'))).toBe(true);
  });

  it('adopts its own cluster when an interrupted create already made it', async () => {
    rds.on(CreateDBClusterCommand).rejects(awsError('DBClusterAlreadyExistsFault'));
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster()] });
    const actual = await auroraClusterHandler.create(ctx, { ...call(), inputs, token: 't', tags: tagsFor('data.db.cluster') });
    expect(actual.id).toBe('demo-aurora');
    await expect(auroraClusterHandler.create(ctx, { ...call(), inputs, token: 't', tags: tagsFor('data.other') }))
      .rejects.toMatchObject({ name: 'DBClusterAlreadyExistsFault' });
  });

  it('reads in one filtered call, in the desired shape, with no diff against the stack inputs', async () => {
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster()] });
    const result = await auroraClusterHandler.read(ctx, [{ address: 'data.db.cluster', id: 'demo-aurora', inputs, outputs: {} }, { address: 'gone', id: 'x', inputs, outputs: {} }]);
    expect(rds.commandCalls(DescribeDBClustersCommand)).toHaveLength(1);
    expect(result.has('gone')).toBe(false);
    const actual = result.get('data.db.cluster')!;
    for (const [field, value] of Object.entries(inputs)) {
      if (field === 'applyImmediately' || field === 'skipFinalSnapshot') {
        expect(actual.inputs).not.toHaveProperty(field);
        continue;
      }
      const eq = auroraClusterHandler.equal!(field, value, actual.inputs[field]);
      expect(eq, field).toBe(true);
    }
  });

  it('updates in place only what changed, and retries while the cluster is busy', async () => {
    rds.on(ModifyDBClusterCommand).rejectsOnce(awsError('InvalidDBClusterStateFault')).resolves({});
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster({ BackupRetentionPeriod: 14 })] });
    const previous = { id: 'demo-aurora', inputs: { ...inputs, cloudwatchLogsExports: ['error'] }, outputs: {} };
    await withFakeTime(() => auroraClusterHandler.update!(ctx, {
      ...call(), id: 'demo-aurora', inputs: { ...inputs, backupRetentionDays: 14 }, previous, changed: ['backupRetentionDays', 'cloudwatchLogsExports'], tags: {},
    }));
    const calls = rds.commandCalls(ModifyDBClusterCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1].args[0].input).toEqual({
      DBClusterIdentifier: 'demo-aurora', ApplyImmediately: true, BackupRetentionPeriod: 14,
      CloudwatchLogsExportConfiguration: { EnableLogTypes: ['audit', 'slowquery'], DisableLogTypes: [] },
    });
  });

  it('destroys: deletion protection off first, final snapshot named <cluster>-final-<timestamp>, waits until gone', async () => {
    rds.on(DescribeDBClustersCommand).resolvesOnce({ DBClusters: [cluster()] }).resolvesOnce({ DBClusters: [cluster({ Status: 'deleting' })] })
      .resolves({ DBClusters: [] });
    rds.on(ModifyDBClusterCommand).resolves({});
    rds.on(DeleteDBClusterCommand).rejectsOnce(awsError('InvalidDBClusterStateFault', 'Cluster cannot be deleted, it still contains DB instances in non-deleting state.')).resolves({});
    await withFakeTime(() => auroraClusterHandler.delete(ctx, { ...call(), id: 'demo-aurora', inputs, outputs: {} }));
    expect(rds.commandCalls(ModifyDBClusterCommand)[0].args[0].input).toEqual({ DBClusterIdentifier: 'demo-aurora', DeletionProtection: false, ApplyImmediately: true });
    const del = rds.commandCalls(DeleteDBClusterCommand)[1].args[0].input;
    expect(del.SkipFinalSnapshot).toBe(false);
    expect(del.FinalDBSnapshotIdentifier).toMatch(/^demo-aurora-final-\d{8}t\d{6}$/);
  });

  it('skips the final snapshot when the operator or the config says so', async () => {
    rds.on(DescribeDBClustersCommand).resolvesOnce({ DBClusters: [cluster({ DeletionProtection: false })] }).resolves({ DBClusters: [] });
    rds.on(DeleteDBClusterCommand).resolves({});
    ctx.options = { skipFinalSnapshot: true };
    await auroraClusterHandler.delete(ctx, { ...call(), id: 'demo-aurora', inputs, outputs: {} });
    expect(rds.commandCalls(ModifyDBClusterCommand)).toHaveLength(0);
    expect(rds.commandCalls(DeleteDBClusterCommand)[0].args[0].input).toEqual({ DBClusterIdentifier: 'demo-aurora', SkipFinalSnapshot: true, FinalDBSnapshotIdentifier: undefined });
    ctx.options = {};
    rds.reset();
    rds.on(DeleteDBClusterCommand).resolves({});
    rds.on(DescribeDBClustersCommand).resolvesOnce({ DBClusters: [cluster({ DeletionProtection: false })] }).resolves({ DBClusters: [] });
    await auroraClusterHandler.delete(ctx, { ...call(), id: 'demo-aurora', inputs: { ...inputs, skipFinalSnapshot: true }, outputs: {} });
    expect(rds.commandCalls(DeleteDBClusterCommand)[0].args[0].input.SkipFinalSnapshot).toBe(true);
  });

  it('treats a cluster that is already gone as deleted', async () => {
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
    await auroraClusterHandler.delete(ctx, { ...call(), id: 'demo-aurora', inputs, outputs: {} });
    expect(rds.commandCalls(DeleteDBClusterCommand)).toHaveLength(0);
  });

  it('fails the wait when the cluster loses access to its key', async () => {
    rds.on(CreateDBClusterCommand).resolves({});
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster({ Status: 'inaccessible-encryption-credentials' })] });
    await expect(auroraClusterHandler.create(ctx, { ...call(), inputs, token: 't', tags: {} })).rejects.toThrow(/inaccessible-encryption-credentials/);
  });
});
