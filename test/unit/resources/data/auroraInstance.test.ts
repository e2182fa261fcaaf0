import {
  CreateDBInstanceCommand, DeleteDBInstanceCommand, DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient, type DBInstance,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { auroraInstanceHandler } from '../../../../src/resources/data/auroraInstance.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const rds = mockClient(RDSClient);
const ctx = makeCtx();
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1111';
const ROLE = 'arn:aws:iam::123456789012:role/demo-rds-monitoring';
const inputs = {
  instanceId: 'demo-aurora-1', clusterId: 'demo-aurora', engine: 'aurora-mysql', instanceClass: 'db.r6g.large',
  availabilityZone: 'us-east-1b', promotionTier: 1, publiclyAccessible: false, autoMinorVersionUpgrade: true,
  performanceInsightsEnabled: true, performanceInsightsKmsKeyId: KEY, performanceInsightsRetentionDays: 7,
  monitoringIntervalSeconds: 60, monitoringRoleArn: ROLE, applyImmediately: true,
};
const instance = (extra: Partial<DBInstance> = {}): DBInstance => ({
  DBInstanceIdentifier: 'demo-aurora-1', DBClusterIdentifier: 'demo-aurora', Engine: 'aurora-mysql', DBInstanceClass: 'db.r6g.large',
  AvailabilityZone: 'us-east-1b', PromotionTier: 1, PubliclyAccessible: false, AutoMinorVersionUpgrade: true, DBInstanceStatus: 'available',
  DBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:demo-aurora-1', Endpoint: { Address: 'demo-aurora-1.x.rds.amazonaws.com' },
  TagList: [{ Key: 'morpheus-ws:address', Value: 'data.db.instance[1]' }, { Key: 'morpheus-ws:workspace', Value: 'demo' }],
  ...extra,
});

beforeEach(() => rds.reset());

describe('rds.dbInstance', () => {
  it('creates with Performance Insights (CMK) and Enhanced Monitoring, retrying while the new monitoring role propagates', async () => {
    rds.on(CreateDBInstanceCommand)
      .rejectsOnce(awsError('InvalidParameterValue', 'IAM role ARN value is invalid or does not include the required permissions for: ENHANCED_MONITORING'))
      .resolves({});
    rds.on(DescribeDBInstancesCommand).resolvesOnce({ DBInstances: [instance({ DBInstanceStatus: 'creating' })] }).resolves({ DBInstances: [instance()] });
    const actual = await withFakeTime(() => auroraInstanceHandler.create(ctx, { ...call(), inputs, token: 't', tags: tagsFor('data.db.instance[1]') }));
    expect(rds.commandCalls(CreateDBInstanceCommand)).toHaveLength(2);
    expect(rds.commandCalls(CreateDBInstanceCommand)[1].args[0].input).toMatchObject({
      DBInstanceIdentifier: 'demo-aurora-1', DBClusterIdentifier: 'demo-aurora', AvailabilityZone: 'us-east-1b',
      EnablePerformanceInsights: true, PerformanceInsightsKMSKeyId: KEY, MonitoringInterval: 60, MonitoringRoleArn: ROLE,
    });
    expect(actual.outputs).toMatchObject({ instanceId: 'demo-aurora-1', endpoint: 'demo-aurora-1.x.rds.amazonaws.com', availabilityZone: 'us-east-1b' });
  });

  it('leaves out the fields the API did not return, so their absence is no perpetual diff', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance()] });
    const result = await auroraInstanceHandler.read(ctx, [{ address: 'data.db.instance[1]', id: 'demo-aurora-1', inputs, outputs: {} }]);
    const actualInputs = result.get('data.db.instance[1]')!.inputs;
    for (const field of ['performanceInsightsEnabled', 'performanceInsightsKmsKeyId', 'monitoringIntervalSeconds', 'monitoringRoleArn', 'applyImmediately']) {
      expect(field in actualInputs, field).toBe(false);
    }
    expect(rds.commandCalls(DescribeDBInstancesCommand)[0].args[0].input.Filters).toEqual([{ Name: 'db-instance-id', Values: ['demo-aurora-1'] }]);
  });

  it('reports Performance Insights and monitoring when AWS returns them', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance({
      PerformanceInsightsEnabled: true, PerformanceInsightsKMSKeyId: KEY, PerformanceInsightsRetentionPeriod: 7, MonitoringInterval: 60, MonitoringRoleArn: ROLE,
    })] });
    const result = await auroraInstanceHandler.read(ctx, [{ address: 'i', id: 'demo-aurora-1', inputs, outputs: {} }]);
    expect(result.get('i')!.inputs).toMatchObject({ performanceInsightsEnabled: true, monitoringIntervalSeconds: 60, monitoringRoleArn: ROLE });
  });

  it('changes the instance class in place and waits for the change to settle', async () => {
    rds.on(ModifyDBInstanceCommand).resolves({});
    rds.on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [instance({ PendingModifiedValues: { DBInstanceClass: 'db.r6g.xlarge' } })] })
      .resolves({ DBInstances: [instance({ DBInstanceClass: 'db.r6g.xlarge' })] });
    const actual = await withFakeTime(() => auroraInstanceHandler.update!(ctx, {
      ...call(), id: 'demo-aurora-1', inputs: { ...inputs, instanceClass: 'db.r6g.xlarge' }, previous: { id: 'demo-aurora-1', inputs, outputs: {} },
      changed: ['instanceClass'], tags: {},
    }));
    expect(rds.commandCalls(ModifyDBInstanceCommand)[0].args[0].input).toEqual({ DBInstanceIdentifier: 'demo-aurora-1', ApplyImmediately: true, DBInstanceClass: 'db.r6g.xlarge' });
    expect(actual.inputs.instanceClass).toBe('db.r6g.xlarge');
  });

  it('deletes, treats NotFound as done and waits until the instance is gone', async () => {
    rds.on(DeleteDBInstanceCommand).resolves({});
    rds.on(DescribeDBInstancesCommand).resolvesOnce({ DBInstances: [instance({ DBInstanceStatus: 'deleting' })] }).resolves({ DBInstances: [] });
    await withFakeTime(() => auroraInstanceHandler.delete(ctx, { ...call(), id: 'demo-aurora-1', inputs, outputs: {} }));
    expect(rds.commandCalls(DescribeDBInstancesCommand)).toHaveLength(2);
    rds.on(DeleteDBInstanceCommand).rejects(awsError('DBInstanceNotFound'));
    await auroraInstanceHandler.delete(ctx, { ...call(), id: 'demo-aurora-1', inputs, outputs: {} });
  });

  it('does not retry an error that is not transient', async () => {
    rds.on(CreateDBInstanceCommand).rejects(awsError('InsufficientDBInstanceCapacity'));
    await expect(auroraInstanceHandler.create(ctx, { ...call(), inputs, token: 't', tags: {} })).rejects.toMatchObject({ name: 'InsufficientDBInstanceCapacity' });
    expect(rds.commandCalls(CreateDBInstanceCommand)).toHaveLength(1);
  });
});
