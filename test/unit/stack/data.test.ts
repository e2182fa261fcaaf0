import { validateConfig } from '../../../src/config/load.js';
import { describe, expect, it } from 'vitest';
import { dataCrossTierIssues, windowsOverlap } from '../../../src/config/data.js';
import { configSchema, type ConfigInput } from '../../../src/config/schema.js';
import { isRef, type DesiredNode } from '../../../src/engine/types.js';
import { addr } from '../../../src/stack/addresses.js';
import { dataTier } from '../../../src/stack/data.js';
import type { StackEnv } from '../../../src/stack/types.js';

const env: StackEnv = { azs: ['us-east-1a', 'us-east-1b', 'us-east-1c'], accountId: '123456789012', partition: 'aws' };

function config(extra: Record<string, unknown> = {}) {
  return configSchema.parse({ workspace: 'demo', region: 'us-east-1', ...extra } as ConfigInput);
}

function byAddress(nodes: DesiredNode[]): Map<string, DesiredNode> {
  return new Map(nodes.map((n) => [n.address, n]));
}

function refsIn(value: unknown, found: string[] = []): string[] {
  if (isRef(value)) found.push(`${value.$ref}#${value.output}`);
  else if (Array.isArray(value)) value.forEach((v) => refsIn(v, found));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => refsIn(v, found));
  return found;
}

function issues(raw: Record<string, unknown>): string[] {
  const result = configSchema.safeParse({ workspace: 'demo', region: 'us-east-1', ...raw });
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('data tier', () => {
  const nodes = dataTier(config(), env);
  const map = byAddress(nodes);

  it('has unique addresses, plain JSON inputs and only data-tier nodes', () => {
    expect(map.size).toBe(nodes.length);
    for (const n of nodes) {
      expect(n.tier).toBe('data');
      expect(JSON.parse(JSON.stringify(n.inputs))).toEqual(n.inputs);
    }
  });

  it('puts a writer and a reader in different AZs with Performance Insights and Enhanced Monitoring', () => {
    const writer = map.get(addr.auroraInstance(0))!.inputs;
    const reader = map.get(addr.auroraInstance(1))!.inputs;
    expect(map.has(addr.auroraInstance(2))).toBe(false);
    expect(writer.availabilityZone).not.toBe(reader.availabilityZone);
    expect(writer).toMatchObject({ instanceClass: 'db.r6g.large', performanceInsightsEnabled: true, monitoringIntervalSeconds: 60, publiclyAccessible: false });
    expect(refsIn(writer)).toEqual(expect.arrayContaining(['data.db.cluster#clusterId', 'security.kms.key#arn', 'data.db.monitoringRole#arn']));
  });

  it('builds a production cluster: CMK, RDS-managed password, 7-day backups, deletion protection, log exports', () => {
    const cluster = map.get(addr.auroraCluster)!.inputs;
    expect(cluster).toMatchObject({
      engine: 'aurora-mysql', backupRetentionDays: 7, deletionProtection: true, cloudwatchLogsExports: ['audit', 'error', 'slowquery'],
      preferredBackupWindow: '03:00-04:00', skipFinalSnapshot: false,
    });
    expect(String(cluster.engineVersion)).toMatch(/^8\.0\.mysql_aurora\.3\./);
    expect(refsIn(cluster)).toEqual(expect.arrayContaining([
      'data.db.subnetGroup#name', 'data.db.clusterParameterGroup#name', 'network.sg.db#groupId', 'security.kms.key#arn',
    ]));
    expect(JSON.stringify(cluster)).not.toMatch(/password/i);
  });

  it('sizes max_connections for the app tier and sets utf8mb4, UTC and audit logging', () => {
    const parameters = map.get(addr.dbClusterParameterGroup)!.inputs.parameters as Record<string, string>;
    expect(parameters).toMatchObject({ character_set_server: 'utf8mb4', time_zone: 'UTC', max_connections: '900', server_audit_logging: '1', slow_query_log: '1' });
    const bigger = byAddress(dataTier(config({ app: { maxSize: 10, desiredCapacity: 3 } }), env));
    expect((bigger.get(addr.dbClusterParameterGroup)!.inputs.parameters as Record<string, string>).max_connections).toBe('1500');
    const overridden = byAddress(dataTier(config({ data: { db: { parameters: { time_zone: 'Europe/Paris' } } } }), env));
    expect((overridden.get(addr.dbClusterParameterGroup)!.inputs.parameters as Record<string, string>).time_zone).toBe('Europe/Paris');
  });

  it('gives the monitoring role the RDS trust and managed policy', () => {
    const role = map.get(addr.dbMonitoringRole)!;
    expect(role.kind).toBe('iam.role');
    expect(JSON.stringify(role.inputs.assumeRolePolicy)).toContain('monitoring.rds.amazonaws.com');
    expect(role.inputs.managedPolicyArns).toEqual(['arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole']);
  });

  it('mounts EFS in every private subnet behind the EFS security group, encrypted, with backups', () => {
    for (const az of env.azs) {
      expect(refsIn(map.get(addr.efsMountTarget(az))!.inputs)).toEqual([
        'data.efs.fileSystem#fileSystemId', `network.subnet.private[${az}]#subnetId`, 'network.sg.efs#groupId',
      ]);
    }
    expect(map.get(addr.efsFileSystem)!.inputs).toMatchObject({ encrypted: true, automaticBackups: true, throughputMode: 'elastic' });
    expect(map.get(addr.efsAccessPoint)!.inputs).toMatchObject({ uid: 999, gid: 999 });
  });

  it('makes a private multi-AZ RabbitMQ cluster that takes its admin password from a secret ARN, never a value', () => {
    const broker = map.get(addr.mqBroker)!.inputs;
    expect(broker).toMatchObject({ deploymentMode: 'CLUSTER_MULTI_AZ', publiclyAccessible: false, engineVersion: '3.13', hostInstanceType: 'mq.m5.large' });
    expect((broker.subnetIds as unknown[]).length).toBe(3);
    expect(refsIn(broker)).toContain('data.secret.mqAdmin#arn');
    const single = byAddress(dataTier(config({ data: { mq: { deploymentMode: 'SINGLE_INSTANCE' } } }), env));
    expect((single.get(addr.mqBroker)!.inputs.subnetIds as unknown[]).length).toBe(1);
  });

  it('makes a zone-aware OpenSearch domain whose log groups the resource policy covers', () => {
    const domain = map.get(addr.searchDomain)!;
    expect(domain.inputs).toMatchObject({
      domainName: 'demo-search', engineVersion: 'OpenSearch_2.5', instanceCount: 3, availabilityZoneCount: 3, tlsSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07',
    });
    expect(domain.dependsOn).toEqual(['data.logs.resourcePolicy', 'data.search.serviceLinkedRole']);
    const policy = JSON.stringify(map.get('data.logs.resourcePolicy')!.inputs.policyDocument);
    for (const kind of ['application', 'index-slow', 'search-slow'] as const) {
      const group = map.get(addr.searchLogGroup(kind))!;
      expect(group.kind).toBe('logs.logGroup');
      expect(policy).toContain(`log-group:${String(group.inputs.name)}:*`);
    }
    expect(policy).toContain('es.amazonaws.com');
    const twoAzs = byAddress(dataTier(config({ network: { azCount: 2 } }), { ...env, azs: env.azs.slice(0, 2) }));
    expect(twoAzs.get(addr.searchDomain)!.inputs).toMatchObject({ instanceCount: 4, availabilityZoneCount: 2 });
  });

  it('makes the four secrets with the CMK and no value', () => {
    for (const name of ['mqAdmin', 'mqApp', 'searchMaster', 'dbApp'] as const) {
      const secret = map.get(addr.secret(name))!;
      expect(secret.kind).toBe('secretsmanager.secret');
      expect(refsIn(secret.inputs)).toEqual(['security.kms.key#arn']);
      expect(Object.keys(secret.inputs)).not.toContain('password');
    }
    expect(map.get(addr.secret('searchMaster'))!.inputs.passwordSymbols).not.toBe('');
  });

  it('publishes every endpoint and secret ARN the app tier reads, under the workspace prefix', () => {
    const keys = ['db/endpoint', 'db/readerEndpoint', 'db/port', 'db/name', 'db/masterSecretArn', 'db/userSecretArn', 'mq/amqpsHost',
      'mq/consoleUrl', 'mq/adminSecretArn', 'mq/appSecretArn', 'search/endpoint', 'search/domainName', 'search/masterSecretArn',
      'efs/fileSystemId', 'efs/accessPointId'];
    for (const key of keys) {
      const parameter = map.get(addr.ssmParameter(key));
      expect(parameter, key).toBeDefined();
      expect(parameter!.inputs.name).toBe(`/morpheus-ws/demo/${key}`);
      expect(typeof parameter!.inputs.value === 'string' || isRef(parameter!.inputs.value)).toBe(true);
    }
    expect(map.get(addr.ssmParameter('db/port'))!.inputs.value).toBe('3306');
  });

  it('refuses a data node count that cannot spread evenly over the AZs', () => {
    // The config schema refuses it before any stack is built (and the builder would too).
    expect(() => validateConfig({ workspace: 'demo', region: 'us-east-1', data: { search: { instanceCount: 4 } } }))
      .toThrow(/data\.search\.instanceCount: 4 data nodes cannot be spread evenly over 3 AZs/);
    const base = config();
    expect(dataCrossTierIssues({ ...base, data: { ...base.data, db: { ...base.data.db, maxConnections: 600 } } })[0].message).toMatch(/use at least 900/);
  });
});

describe('data config', () => {
  it('defaults to production values', () => {
    const data = config().data;
    expect(data.db).toMatchObject({ instanceClass: 'db.r6g.large', instanceCount: 2, backupRetentionDays: 7, deletionProtection: true });
    expect(data.mq).toMatchObject({ deploymentMode: 'CLUSTER_MULTI_AZ', engineVersion: '3.13', instanceType: 'mq.m5.large' });
    expect(data.search).toMatchObject({ engineVersion: 'OpenSearch_2.5', volumeSize: 100 });
    expect(data.secrets.recoveryWindowDays).toBe(30);
  });

  it.each([
    [{ db: { instanceCount: 1 } }, 'data.db.instanceCount: at least 2 instances'],
    [{ db: { backupRetentionDays: 3 } }, 'data.db.backupRetentionDays: keep backups at least 7 days'],
    [{ db: { engineVersion: '8.0.mysql_aurora.3.02.0' } }, 'data.db.engineVersion: Morpheus needs MySQL 8.0.32 or later'],
    [{ db: { engineVersion: '5.7.mysql_aurora.2.11.2' } }, 'data.db.engineVersion: must be an Aurora MySQL 3.x version'],
    [{ db: { masterUsername: 'admin' } }, 'data.db.masterUsername: must not be one of'],
    [{ db: { preferredBackupWindow: '05:00-05:30', preferredMaintenanceWindow: 'sun:05:15-sun:06:00' } }, 'data.db.preferredMaintenanceWindow: overlaps the backup window'],
    [{ db: { instanceClass: 'db.serverless' } }, 'data.db.instanceClass'],
    [{ mq: { instanceType: 'mq.t3.micro' } }, 'data.mq.instanceType: mq.t3.micro only runs SINGLE_INSTANCE'],
    [{ search: { engineVersion: 'Elasticsearch_7.10' } }, 'data.search.engineVersion: must be an OpenSearch 2.x version'],
    [{ efs: { performanceMode: 'maxIO' } }, 'data.efs.performanceMode: maxIO cannot be used with elastic throughput'],
    [{ unknown: true }, 'data: Unrecognized key'],
  ])('rejects %j', (data, message) => {
    expect(issues({ data }).join('\n')).toContain(message);
  });

  it('finds overlapping backup and maintenance windows across midnight', () => {
    expect(windowsOverlap('23:30-00:30', 'mon:00:00-mon:01:00')).toBe(true);
    expect(windowsOverlap('03:00-04:00', 'sun:05:00-sun:06:00')).toBe(false);
    expect(windowsOverlap('03:00-04:00', 'sat:23:00-sun:03:30')).toBe(true);
  });
});
