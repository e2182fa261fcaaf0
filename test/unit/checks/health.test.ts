/** The health hooks `status` calls, against mocked SDK clients: batched reads, states, and the AWS error paths. */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeFileSystemsCommand, DescribeMountTargetsCommand, EFSClient } from '@aws-sdk/client-efs';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeBrokerCommand, MqClient } from '@aws-sdk/client-mq';
import { DescribeDomainsCommand, OpenSearchClient } from '@aws-sdk/client-opensearch';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { autoScalingGroupHealth } from '../../../src/resources/app/autoScalingGroupHealth.js';
import { auroraClusterHealth } from '../../../src/resources/data/auroraClusterHealth.js';
import { auroraInstanceHealth } from '../../../src/resources/data/auroraInstanceHealth.js';
import { efsFileSystemHealth } from '../../../src/resources/data/efsFileSystemHealth.js';
import { efsMountTargetHealth } from '../../../src/resources/data/efsMountTargetHealth.js';
import { mqBrokerHealth } from '../../../src/resources/data/mqBrokerHealth.js';
import { searchDomainHealth } from '../../../src/resources/data/searchDomainHealth.js';
import { secretHealth } from '../../../src/resources/data/secretHealth.js';
import { targetGroupHealth } from '../../../src/resources/edge/targetGroupHealth.js';
import { alarmsInAlarm } from '../../../src/resources/monitoring/cloudwatchAlarm.js';
import { handlerRegistry } from '../../../src/resources/registry.js';
import { awsError, makeCtx } from '../resources/shared/handlerHarness.js';

const ctx = makeCtx();
const item = (address: string, id: string, inputs: Record<string, unknown> = {}) => ({ address, id, inputs, outputs: {} });
const elb = mockClient(ElasticLoadBalancingV2Client);
const asg = mockClient(AutoScalingClient);
const rds = mockClient(RDSClient);
const mq = mockClient(MqClient);
const os = mockClient(OpenSearchClient);
const cw = mockClient(CloudWatchClient);
const efs = mockClient(EFSClient);
const sm = mockClient(SecretsManagerClient);

beforeEach(() => {
  for (const m of [elb, asg, rds, mq, os, cw, efs, sm]) m.reset();
});

describe('health hooks', () => {
  it('are wired on the handlers status asks', () => {
    const registry = handlerRegistry();
    for (const kind of ['elbv2.targetGroup', 'autoscaling.group', 'rds.dbCluster', 'rds.dbInstance', 'mq.broker', 'opensearch.domain',
      'efs.fileSystem', 'efs.mountTarget', 'secretsmanager.secret']) {
      expect(registry.get(kind)?.health, kind).toBeTypeOf('function');
    }
  });

  it('elbv2.targetGroup: healthy / total targets; none healthy is down; a gone group is absent', async () => {
    elb.on(DescribeTargetHealthCommand, { TargetGroupArn: 'arn:tg' }).resolves({ TargetHealthDescriptions: [
      { TargetHealth: { State: 'healthy' } }, { TargetHealth: { State: 'healthy' } }, { TargetHealth: { State: 'initial' } },
    ] });
    elb.on(DescribeTargetHealthCommand, { TargetGroupArn: 'arn:gone' }).rejects(awsError('TargetGroupNotFound'));
    const result = await targetGroupHealth(ctx, [item('edge.targetGroup', 'arn:tg'), item('edge.other', 'arn:gone')]);
    expect(result.get('edge.targetGroup')).toMatchObject({ state: 'degraded', summary: '2/3 targets healthy (1 initial)' });
    expect(result.has('edge.other')).toBe(false);
    elb.on(DescribeTargetHealthCommand, { TargetGroupArn: 'arn:tg' }).resolves({ TargetHealthDescriptions: [] });
    expect((await targetGroupHealth(ctx, [item('edge.targetGroup', 'arn:tg')])).get('edge.targetGroup')).toMatchObject({ state: 'down', summary: 'no targets registered' });
  });

  it('autoscaling.group: nodes in service against the desired count, one call for all groups', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{
      AutoScalingGroupName: 'g', MinSize: 3, MaxSize: 6, DesiredCapacity: 3, DefaultCooldown: 300, HealthCheckType: 'ELB', CreatedTime: new Date(), AvailabilityZones: [],
      Instances: [
        { InstanceId: 'i-1', LifecycleState: 'InService', HealthStatus: 'Healthy', AvailabilityZone: 'a', ProtectedFromScaleIn: false },
        { InstanceId: 'i-2', LifecycleState: 'InService', HealthStatus: 'Healthy', AvailabilityZone: 'b', ProtectedFromScaleIn: false },
        { InstanceId: 'i-3', LifecycleState: 'Pending', HealthStatus: 'Healthy', AvailabilityZone: 'c', ProtectedFromScaleIn: false },
      ],
    }] });
    const result = await autoScalingGroupHealth(ctx, [item('app.asg', 'g')]);
    expect(result.get('app.asg')).toMatchObject({ state: 'degraded', summary: '2/3 nodes in service (min 3, max 6), 1 Pending' });
    expect(asg.commandCalls(DescribeAutoScalingGroupsCommand)).toHaveLength(1);
  });

  it('rds.dbCluster: writer and readers from the cluster members and their instance states', async () => {
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [{
      DBClusterIdentifier: 'db', Status: 'available',
      DBClusterMembers: [{ DBInstanceIdentifier: 'db-0', IsClusterWriter: true }, { DBInstanceIdentifier: 'db-1', IsClusterWriter: false }],
    }] });
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [
      { DBInstanceIdentifier: 'db-0', DBClusterIdentifier: 'db', DBInstanceStatus: 'available', AvailabilityZone: 'us-east-1a' },
      { DBInstanceIdentifier: 'db-1', DBClusterIdentifier: 'db', DBInstanceStatus: 'rebooting', AvailabilityZone: 'us-east-1b' },
    ] });
    const cluster = await auroraClusterHealth(ctx, [item('data.db.cluster', 'db')]);
    expect(cluster.get('data.db.cluster')).toMatchObject({ state: 'degraded', summary: 'cluster available, writer db-0 available, 0/1 readers available' });
    const instances = await auroraInstanceHealth(ctx, [item('data.db.instance[0]', 'db-0'), item('data.db.instance[1]', 'db-1')]);
    expect(instances.get('data.db.instance[0]')?.state).toBe('healthy');
    expect(instances.get('data.db.instance[1]')).toMatchObject({ state: 'degraded', summary: 'rebooting in us-east-1b' });
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ DBClusterIdentifier: 'db', Status: 'available', DBClusterMembers: [] }] });
    expect((await auroraClusterHealth(ctx, [item('data.db.cluster', 'db')])).get('data.db.cluster')?.state).toBe('down');
  });

  it('mq.broker: RUNNING is healthy, a reboot degraded, CRITICAL_ACTION_REQUIRED down, a gone broker absent', async () => {
    mq.on(DescribeBrokerCommand, { BrokerId: 'b-1' }).resolves({ BrokerState: 'RUNNING', DeploymentMode: 'CLUSTER_MULTI_AZ', PendingEngineVersion: '3.13.7' });
    mq.on(DescribeBrokerCommand, { BrokerId: 'b-2' }).resolves({ BrokerState: 'CRITICAL_ACTION_REQUIRED' });
    mq.on(DescribeBrokerCommand, { BrokerId: 'b-3' }).rejects(awsError('NotFoundException'));
    const result = await mqBrokerHealth(ctx, [item('a', 'b-1'), item('b', 'b-2'), item('c', 'b-3')]);
    expect(result.get('a')).toMatchObject({ state: 'healthy', summary: 'broker RUNNING (CLUSTER_MULTI_AZ), pending reboot: engine 3.13.7' });
    expect(result.get('b')?.state).toBe('down');
    expect(result.has('c')).toBe(false);
  });

  it('opensearch.domain: processing and the ClusterStatus metrics; no metric permission is said, not fatal', async () => {
    os.on(DescribeDomainsCommand).resolves({ DomainStatusList: [{
      DomainName: 'demo-search', DomainId: 'x', ARN: 'arn', Created: true, Processing: false, ClusterConfig: { InstanceCount: 3, InstanceType: 'r6g.large.search' },
    }] });
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'red0', Values: [0] }, { Id: 'yellow0', Values: [1] }] });
    const yellow = await searchDomainHealth(ctx, [item('data.search.domain', 'demo-search')]);
    expect(yellow.get('data.search.domain')).toMatchObject({ state: 'degraded', summary: 'ready, cluster yellow, 3 × r6g.large.search' });
    const query = cw.commandCalls(GetMetricDataCommand)[0].args[0].input.MetricDataQueries![0];
    expect(query.MetricStat?.Metric).toMatchObject({ Namespace: 'AWS/ES', MetricName: 'ClusterStatus.red', Dimensions: [{ Name: 'DomainName', Value: 'demo-search' }, { Name: 'ClientId', Value: '123456789012' }] });
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'red0', Values: [] }, { Id: 'yellow0', Values: [] }] });
    expect((await searchDomainHealth(ctx, [item('data.search.domain', 'demo-search')])).get('data.search.domain')).toMatchObject({ state: 'healthy', summary: expect.stringMatching(/no metric data yet/) });
    cw.on(GetMetricDataCommand).rejects(awsError('AccessDenied'));
    expect((await searchDomainHealth(ctx, [item('data.search.domain', 'demo-search')])).get('data.search.domain')?.summary).toMatch(/metrics not readable/);
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'red0', Values: [1] }] });
    expect((await searchDomainHealth(ctx, [item('data.search.domain', 'demo-search')])).get('data.search.domain')?.state).toBe('down');
  });

  it('efs: file system with its available mount targets; mount targets read per file system', async () => {
    efs.on(DescribeFileSystemsCommand).resolves({ FileSystems: [{ FileSystemId: 'fs-1', LifeCycleState: 'available' } as never] });
    efs.on(DescribeMountTargetsCommand).resolves({ MountTargets: [
      { MountTargetId: 'm-1', FileSystemId: 'fs-1', SubnetId: 's', LifeCycleState: 'available', AvailabilityZoneName: 'us-east-1a' },
      { MountTargetId: 'm-2', FileSystemId: 'fs-1', SubnetId: 's', LifeCycleState: 'deleting', AvailabilityZoneName: 'us-east-1b' },
    ] });
    expect((await efsFileSystemHealth(ctx, [item('data.efs.fileSystem', 'fs-1')])).get('data.efs.fileSystem'))
      .toMatchObject({ state: 'degraded', summary: 'available, 1/2 mount targets available' });
    efs.resetHistory();
    const targets = await efsMountTargetHealth(ctx, [item('mt[a]', 'm-1', { fileSystemId: 'fs-1' }), item('mt[b]', 'm-2', { fileSystemId: 'fs-1' })]);
    expect(targets.get('mt[a]')?.state).toBe('healthy');
    expect(targets.get('mt[b]')).toMatchObject({ state: 'down', summary: 'deleting in us-east-1b' });
    expect(efs.commandCalls(DescribeMountTargetsCommand)).toHaveLength(1);
    efs.on(DescribeFileSystemsCommand).rejects(awsError('FileSystemNotFound'));
    expect((await efsFileSystemHealth(ctx, [item('data.efs.fileSystem', 'fs-1')])).size).toBe(0);
  });

  it('secretsmanager.secret: last change and rotation, never the value', async () => {
    sm.on(DescribeSecretCommand).resolves({ Name: 'morpheus-ws/demo/mq-admin', LastChangedDate: new Date('2026-05-01T10:00:00Z') });
    const result = await secretHealth(ctx, [item('data.secret.mqAdmin', 'arn:s')]);
    expect(result.get('data.secret.mqAdmin')).toMatchObject({ state: 'healthy', summary: 'changed 2026-05-01, no automatic rotation' });
    expect(sm.commandCalls(DescribeSecretCommand)).toHaveLength(1);
    sm.on(DescribeSecretCommand).resolves({ Name: 'x', DeletedDate: new Date() });
    expect((await secretHealth(ctx, [item('data.secret.mqAdmin', 'arn:s')])).get('data.secret.mqAdmin')?.state).toBe('down');
  });

  it('alarms: the workspace prefix, ALARM only (also checked on the answer), every page', async () => {
    cw.on(DescribeAlarmsCommand).resolvesOnce({ MetricAlarms: [
      { AlarmName: 'morpheus-ws.demo.db-cpu', StateValue: 'ALARM', Namespace: 'AWS/RDS', MetricName: 'CPUUtilization', StateReason: 'Threshold crossed' },
      { AlarmName: 'morpheus-ws.demo.db-memory', StateValue: 'OK' },
    ], NextToken: 't' })
      .resolvesOnce({ CompositeAlarms: [{ AlarmName: 'morpheus-ws.demo.app', StateValue: 'ALARM' }] });
    const firing = await alarmsInAlarm(ctx, 'morpheus-ws.demo.');
    expect(firing.map((a) => a.name)).toEqual(['morpheus-ws.demo.app', 'morpheus-ws.demo.db-cpu']);
    expect(cw.commandCalls(DescribeAlarmsCommand)[0].args[0].input).toMatchObject({ AlarmNamePrefix: 'morpheus-ws.demo.', StateValue: 'ALARM' });
  });
});
