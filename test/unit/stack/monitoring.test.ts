/** The monitoring catalog, the monitoring and backup tiers, and their config sections. */
import { validateConfig } from '../../../src/config/load.js';
import { describe, expect, it } from 'vitest';
import { backupCrossTierIssues, drRegionFor } from '../../../src/config/backup.js';
import { configSchema, type ConfigInput } from '../../../src/config/schema.js';
import { isRef, type DesiredNode } from '../../../src/engine/types.js';
import { addr } from '../../../src/stack/addresses.js';
import { backupTier } from '../../../src/stack/backup.js';
import { buildStack } from '../../../src/stack/index.js';
import { alarmCatalog, dashboardBody, MONITORED_TIERS } from '../../../src/stack/monitoringCatalog.js';
import { monitoringTier } from '../../../src/stack/monitoring.js';
import { kmsKeyPolicy } from '../../../src/stack/security.js';
import type { StackEnv } from '../../../src/stack/types.js';

const env: StackEnv = { azs: ['us-east-1a', 'us-east-1b', 'us-east-1c'], accountId: '123456789012', partition: 'aws' };
const TOPIC_REF = { $ref: addr.alarmTopic, output: 'arn' };

function config(extra: Record<string, unknown> = {}) {
  return configSchema.parse({ workspace: 'demo', region: 'us-east-1', ...extra } as ConfigInput);
}

function issues(raw: Record<string, unknown>): string[] {
  const result = configSchema.safeParse({ workspace: 'demo', region: 'us-east-1', ...raw });
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const byAddress = (nodes: DesiredNode[]) => new Map(nodes.map((n) => [n.address, n]));

describe('alarm catalog', () => {
  it('has alarms for every monitored tier, each with a unique name under the workspace prefix', () => {
    const alarms = alarmCatalog(config(), env);
    expect(new Set(alarms.map((a) => a.tier))).toEqual(new Set(MONITORED_TIERS));
    expect(new Set(alarms.map((a) => a.name)).size).toBe(alarms.length);
    expect(alarms.every((a) => a.name.startsWith('morpheus-ws.demo.'))).toBe(true);
  });

  it('covers the metrics the issue asks for', () => {
    const metrics = alarmCatalog(config({ data: { efs: { throughputMode: 'bursting' } } }), env).map((a) => `${a.namespace}/${a.metricName}`);
    for (const metric of [
      'AWS/ApplicationELB/HTTPCode_ELB_5XX_Count', 'AWS/ApplicationELB/UnHealthyHostCount', 'AWS/ApplicationELB/TargetResponseTime',
      'AWS/EC2/CPUUtilization', 'AWS/AutoScaling/GroupInServiceInstances',
      'AWS/RDS/CPUUtilization', 'AWS/RDS/FreeableMemory', 'AWS/RDS/DatabaseConnections', 'AWS/RDS/AuroraReplicaLagMaximum',
      'AWS/AmazonMQ/RabbitMQMemUsed', 'AWS/AmazonMQ/RabbitMQDiskFree', 'AWS/AmazonMQ/ConnectionCount',
      'AWS/ES/ClusterStatus.red', 'AWS/ES/ClusterStatus.yellow', 'AWS/ES/FreeStorageSpace', 'AWS/ES/JVMMemoryPressure',
      'AWS/EFS/PercentIOLimit', 'AWS/EFS/BurstCreditBalance',
    ]) expect(metrics).toContain(metric);
  });

  it('derives thresholds from the other sections: max_connections, the app minimum, the search volume', () => {
    const alarms = new Map(alarmCatalog(config({ app: { minSize: 4, desiredCapacity: 4, maxSize: 8 }, data: { search: { volumeSize: 200 } } }), env).map((a) => [a.key, a]));
    expect(alarms.get('aurora-connections[0]')!.threshold).toBe(Math.floor(1200 * 0.8)); // 150 × 8 nodes
    expect(alarms.get('app-in-service')!.threshold).toBe(4);
    expect(alarms.get('opensearch-free-storage')!.threshold).toBe(Math.floor(200 * 1024 * 0.25));
    expect(alarms.get('aurora-memory[1]')!.threshold).toBe(1024 * 1024 * 1024);
  });

  it('takes thresholds from monitoring.thresholds', () => {
    const alarms = new Map(alarmCatalog(config({ monitoring: { thresholds: { appCpuPercent: 70, mqConnections: 50 } } }), env).map((a) => [a.key, a]));
    expect(alarms.get('app-cpu')!.threshold).toBe(70);
    expect(alarms.get('mq-connections')!.threshold).toBe(50);
  });

  it('uses the dimensions CloudWatch publishes each metric under', () => {
    const alarms = new Map(alarmCatalog(config(), env).map((a) => [a.key, a]));
    expect(alarms.get('opensearch-red')!.dimensions).toEqual([
      { name: 'ClientId', value: '123456789012' }, { name: 'DomainName', value: { $ref: addr.searchDomain, output: 'domainName' } },
    ]);
    expect(alarms.get('alb-unhealthy-hosts')!.dimensions.map((d) => d.name)).toEqual(['LoadBalancer', 'TargetGroup']);
    expect(alarms.get('mq-memory')!.dimensions).toEqual([{ name: 'Broker', value: 'demo-rabbitmq' }]);
    expect(alarms.get('efs-io-limit')!.dimensions[0].value).toEqual({ $ref: addr.efsFileSystem, output: 'fileSystemId' });
  });

  it('leaves out the tiers that are disabled, and everything when monitoring is', () => {
    const tiers = new Set(alarmCatalog(config({ edge: { enabled: false }, app: { enabled: false } }), env).map((a) => a.tier));
    expect(tiers).toEqual(new Set(['aurora', 'mq', 'opensearch', 'efs']));
    expect(alarmCatalog(config({ monitoring: { enabled: false } }), env)).toEqual([]);
  });

  it('has a dashboard widget per tier and a graph per alarm with its threshold', () => {
    const alarms = alarmCatalog(config(), env);
    const { widgets } = dashboardBody(alarms, 'us-east-1') as { widgets: { type: string; properties: Record<string, any> }[] };
    expect(widgets.filter((w) => w.type === 'text')).toHaveLength(MONITORED_TIERS.length);
    const graphs = widgets.filter((w) => w.type === 'metric');
    expect(graphs).toHaveLength(alarms.length);
    expect(graphs.map((g) => g.properties.annotations.horizontal[0].value)).toEqual(alarms.map((a) => a.threshold));
  });
});

describe('monitoring tier', () => {
  it('sends every alarm to the topic, which is encrypted with the workspace key', () => {
    const nodes = monitoringTier(config(), env);
    const alarms = nodes.filter((n) => n.kind === 'cloudwatch.alarm');
    expect(alarms).toHaveLength(alarmCatalog(config(), env).length);
    for (const alarm of alarms) {
      expect(alarm.inputs.alarmActions).toEqual([TOPIC_REF]);
      expect(alarm.inputs.okActions).toEqual([TOPIC_REF]);
    }
    const topic = byAddress(nodes).get(addr.alarmTopic)!;
    expect(topic.inputs.kmsMasterKeyId).toEqual({ $ref: addr.kmsKey, output: 'arn' });
    const statements = (topic.inputs.policy as { Statement: { Sid: string; Principal: Record<string, string>; Resource: string }[] }).Statement;
    expect(statements.map((s) => s.Principal.Service).filter(Boolean)).toEqual(['cloudwatch.amazonaws.com', 'budgets.amazonaws.com']);
    expect(statements.every((s) => s.Resource === 'arn:aws:sns:us-east-1:123456789012:morpheus-ws-demo-alarms')).toBe(true);
  });

  it('sends a percentile as statistic and builds metric math for the broker memory', () => {
    const nodes = byAddress(monitoringTier(config(), env));
    expect(nodes.get(addr.alarm('alb-latency'))!.inputs.statistic).toBe('p95');
    const memory = nodes.get(addr.alarm('mq-memory'))!.inputs;
    expect(memory.namespace).toBeUndefined();
    expect((memory.metrics as { id: string }[]).map((m) => m.id)).toEqual(['e1', 'used', 'limit']);
  });

  it('subscribes the configured emails and budgets the workspace by its cost-allocation tag', () => {
    const nodes = byAddress(monitoringTier(config({ monitoring: { alarmEmails: ['Ops@example.com'], budget: { monthlyUsd: 1234 } } }), env));
    expect(nodes.get(addr.alarmSubscription('Ops@example.com'))!.inputs).toEqual({ topicArn: TOPIC_REF, protocol: 'email', endpoint: 'Ops@example.com' });
    expect(nodes.get(addr.budget)!.inputs).toMatchObject({
      limitUsd: 1234, timeUnit: 'MONTHLY', costFilters: { TagKeyValue: ['user:morpheus-ws:workspace$demo'] }, topicArn: TOPIC_REF,
      notifications: [{ type: 'ACTUAL', thresholdPercent: 80 }, { type: 'FORECASTED', thresholdPercent: 100 }],
    });
  });

  it('has only plain JSON and refs in its inputs, and a dashboard generated from the catalog', () => {
    const nodes = monitoringTier(config(), env);
    for (const node of nodes) expect(JSON.parse(JSON.stringify(node.inputs))).toEqual(node.inputs);
    const dashboard = byAddress(nodes).get(addr.dashboard)!;
    expect(JSON.stringify(dashboard.inputs.body)).toContain('"$ref":"edge.alb"');
    expect(monitoringTier(config({ monitoring: { dashboard: false, budget: { enabled: false } } }), env).map((n) => n.kind))
      .not.toEqual(expect.arrayContaining(['cloudwatch.dashboard']));
  });

  it('lets Budgets use the workspace key for the encrypted topic', () => {
    const policy = kmsKeyPolicy({ accountId: '123456789012', partition: 'aws', region: 'us-east-1' }) as { Statement: { Sid: string; Principal: unknown }[] };
    expect(policy.Statement.find((s) => s.Sid === 'BudgetsPublishToEncryptedTopic')!.Principal).toEqual({ Service: 'budgets.amazonaws.com' });
  });
});

describe('backup tier', () => {
  it('backs up the cluster and the file system daily, copying to a vault with its own key in the DR region', () => {
    const nodes = byAddress(backupTier(config(), env));
    expect(nodes.get(addr.backupVault)!.inputs).toEqual({ name: 'morpheus-ws-demo', encryptionKeyArn: { $ref: addr.kmsKey, output: 'arn' } });
    expect(nodes.get(addr.drBackupKey)!.inputs).toMatchObject({ region: 'us-west-2', enableKeyRotation: true });
    expect(nodes.get(addr.drBackupVault)!.inputs).toEqual({
      name: 'morpheus-ws-demo-dr', encryptionKeyArn: { $ref: addr.drBackupKey, output: 'arn' }, region: 'us-west-2',
    });
    const [rule] = nodes.get(addr.backupPlan)!.inputs.rules as Record<string, any>[];
    expect(rule).toMatchObject({ schedule: 'cron(0 5 ? * * *)', deleteAfterDays: 35, targetVaultName: { $ref: addr.backupVault, output: 'name' } });
    expect(rule.copyActions).toEqual([{ destinationVaultArn: { $ref: addr.drBackupVault, output: 'arn' }, deleteAfterDays: 35 }]);
    expect(nodes.get(addr.backupSelection)!.inputs).toEqual({
      planId: { $ref: addr.backupPlan, output: 'planId' }, name: 'aurora-and-efs', iamRoleArn: { $ref: addr.backupRole, output: 'arn' },
      resources: [{ $ref: addr.auroraCluster, output: 'arn' }, { $ref: addr.efsFileSystem, output: 'arn' }],
    });
    const role = nodes.get(addr.backupRole)!.inputs;
    expect(JSON.stringify(role.assumeRolePolicy)).toContain('backup.amazonaws.com');
    expect(role.managedPolicyArns).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup', 'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores',
    ]);
  });

  it('keeps the DR key policy to the DR region', () => {
    const policy = JSON.stringify(byAddress(backupTier(config(), env)).get(addr.drBackupKey)!.inputs.policy);
    expect(policy).toContain('backup.us-west-2.amazonaws.com');
    expect(policy).not.toContain('us-east-1');
  });

  it('skips the DR copy when told to, and everything when disabled', () => {
    const nodes = backupTier(config({ backup: { copyToDrRegion: false } }), env);
    expect(nodes.map((n) => n.address)).not.toContain(addr.drBackupVault);
    expect((byAddress(nodes).get(addr.backupPlan)!.inputs.rules as { copyActions: unknown[] }[])[0].copyActions).toEqual([]);
    expect(backupTier(config({ backup: { enabled: false } }), env)).toEqual([]);
  });

  it('pairs regions by default and refuses a DR region equal to the stack region', () => {
    expect(drRegionFor(config({ region: 'eu-west-1' }))).toBe('eu-central-1');
    expect(drRegionFor(config({ region: 'us-west-2' }))).toBe('us-east-1');
    expect(drRegionFor(config({ backup: { drRegion: 'ca-central-1' } }))).toBe('ca-central-1');
    // The config schema refuses it before any stack is built; the checks behind it, and the builder, say why.
    expect(() => validateConfig({ workspace: 'demo', region: 'us-east-1', backup: { drRegion: 'us-east-1' } })).toThrow(/backup\.drRegion: .*must differ/);
    const base = config();
    const sameRegion = { ...base, backup: { ...base.backup, drRegion: 'us-east-1' } };
    expect(backupCrossTierIssues(sameRegion)[0].message).toMatch(/must differ/);
    expect(() => backupTier(sameRegion, env)).toThrow(/must differ/);
  });
});

describe('monitoring and backup config', () => {
  it('has production defaults', () => {
    const c = config();
    expect(c.monitoring).toMatchObject({ enabled: true, alarmEmails: [], dashboard: true, budget: { enabled: true, monthlyUsd: 3000 } });
    expect(c.monitoring.thresholds.dbConnectionsPercent).toBe(80);
    expect(c.backup).toMatchObject({ enabled: true, schedule: 'cron(0 5 ? * * *)', retentionDays: 35, copyToDrRegion: true });
  });

  it('rejects bad emails, thresholds, schedules and windows', () => {
    expect(issues({ monitoring: { alarmEmails: ['not-an-email'] } })[0]).toMatch(/^monitoring\.alarmEmails\.0/);
    expect(issues({ monitoring: { alarmEmails: ['a@example.com', 'A@example.com'] } })[0]).toMatch(/twice/);
    expect(issues({ monitoring: { thresholds: { appCpuPercent: 150 } } })[0]).toMatch(/^monitoring\.thresholds\.appCpuPercent/);
    expect(issues({ monitoring: { thresholds: { nope: 1 } } })).toHaveLength(1);
    expect(issues({ backup: { schedule: '0 5 * * *' } })[0]).toMatch(/cron/);
    expect(issues({ backup: { startWindowMinutes: 120, completionWindowMinutes: 150 } })[0]).toMatch(/60 minutes longer/);
    expect(issues({ backup: { retentionDays: 0 } })[0]).toMatch(/^backup\.retentionDays/);
    expect(issues({ backup: { drRegion: 'mars' } })[0]).toMatch(/^backup\.drRegion/);
  });

  it('builds into the whole stack with unique addresses', () => {
    const nodes = buildStack(config({ monitoring: { alarmEmails: ['ops@example.com'] } }), env);
    expect(new Set(nodes.map((n) => n.address)).size).toBe(nodes.length);
    const refs: string[] = [];
    const collect = (v: unknown): void => {
      if (isRef(v)) refs.push(v.$ref);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') Object.values(v).forEach(collect);
    };
    nodes.forEach((n) => collect(n.inputs));
    const addresses = new Set(nodes.map((n) => n.address));
    expect(refs.filter((r) => !addresses.has(r))).toEqual([]);
  });
});
