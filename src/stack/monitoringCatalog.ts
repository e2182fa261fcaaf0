/**
 * The ONE list of what is watched: every CloudWatch alarm of a workspace, by monitored tier. The monitoring tier
 * builds both the alarms and the dashboard from it, so a metric cannot be alarmed on without being shown.
 *
 * For other commands (e.g. `status`, `runbook`):
 *   alarmCatalog(config, env) -> AlarmDefinition[]   every alarm the config asks for, in tier order; pure.
 *     .tier       'alb' | 'app' | 'aurora' | 'mq' | 'opensearch' | 'efs' (MONITORED_TIERS, TIER_LABELS)
 *     .stackTier  the engine tier whose resource it watches ('edge' | 'app' | 'data')
 *     .name       the CloudWatch alarm name (DescribeAlarms AlarmNames; all start with alarmNamePrefix(workspace))
 *     .address    the state address of the alarm node
 *     .watches    the state address of the watched resource
 *   Dimension values may be OutputRefs (ids known after apply): resolve them from state, or list alarms by name.
 *   Empty when monitoring is disabled; tiers that are disabled (edge, app) have no alarms.
 */
import { dbMaxConnections } from '../config/data.js';
import type { Config } from '../config/schema.js';
import { ref, type OutputRef, type Tier } from '../engine/types.js';
import { dataNames } from '../resources/data/names.js';
import { addr } from './addresses.js';
import type { StackEnv } from './types.js';

export type MonitoredTier = 'alb' | 'app' | 'aurora' | 'mq' | 'opensearch' | 'efs';
export const MONITORED_TIERS: readonly MonitoredTier[] = ['alb', 'app', 'aurora', 'mq', 'opensearch', 'efs'];
export const TIER_LABELS: Record<MonitoredTier, string> = {
  alb: 'Load balancer', app: 'App nodes', aurora: 'Aurora MySQL', mq: 'Amazon MQ (RabbitMQ)', opensearch: 'OpenSearch', efs: 'EFS',
};

export type Comparison = 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';
/** A plain statistic, or a percentile such as `p95` (sent as ExtendedStatistic). */
export type Statistic = 'Average' | 'Sum' | 'Minimum' | 'Maximum' | 'SampleCount' | `p${number}`;

export interface Dimension {
  name: string;
  value: string | OutputRef;
}

export interface MetricRef {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
}

export interface AlarmDefinition extends MetricRef {
  tier: MonitoredTier;
  stackTier: Tier;
  /** Unique within the workspace: `aurora-cpu[1]`. */
  key: string;
  name: string;
  address: string;
  watches: string;
  description: string;
  statistic: Statistic;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparison: Comparison;
  treatMissingData: 'missing' | 'notBreaching' | 'breaching' | 'ignore';
  /** Metric math: the alarm evaluates `expression` over these metrics (ids are the keys) instead of the metric. */
  math?: { expression: string; label: string; metrics: Record<string, MetricRef> };
  /** Axis label on the dashboard. */
  unit: string;
}

export const alarmNamePrefix = (workspace: string) => `morpheus-ws.${workspace}.`;
export const alarmAddress = addr.alarm;

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

type Base = Omit<AlarmDefinition, 'name' | 'address' | 'stackTier' | 'evaluationPeriods' | 'datapointsToAlarm' | 'periodSeconds' | 'treatMissingData'>
  & Partial<Pick<AlarmDefinition, 'evaluationPeriods' | 'datapointsToAlarm' | 'periodSeconds' | 'treatMissingData'>>;

const STACK_TIER: Record<MonitoredTier, Tier> = { alb: 'edge', app: 'app', aurora: 'data', mq: 'data', opensearch: 'data', efs: 'data' };

function define(workspace: string, base: Base): AlarmDefinition {
  const evaluationPeriods = base.evaluationPeriods ?? 3;
  return {
    ...base,
    dimensions: sortDimensions(base.dimensions),
    name: `${alarmNamePrefix(workspace)}${base.key}`,
    address: alarmAddress(base.key),
    stackTier: STACK_TIER[base.tier],
    periodSeconds: base.periodSeconds ?? 300,
    evaluationPeriods,
    datapointsToAlarm: base.datapointsToAlarm ?? evaluationPeriods,
    treatMissingData: base.treatMissingData ?? 'missing',
  };
}

export function sortDimensions(dimensions: Dimension[]): Dimension[] {
  return [...dimensions].sort((a, b) => a.name.localeCompare(b.name));
}

function loadBalancerAlarms(config: Config): Base[] {
  const t = config.monitoring.thresholds;
  const lb: Dimension = { name: 'LoadBalancer', value: ref(addr.loadBalancer, 'arnSuffix') };
  const tg: Dimension = { name: 'TargetGroup', value: ref(addr.targetGroup, 'arnSuffix') };
  const common = { tier: 'alb' as const, namespace: 'AWS/ApplicationELB' };
  return [
    {
      ...common, key: 'alb-5xx', watches: addr.loadBalancer, metricName: 'HTTPCode_ELB_5XX_Count', dimensions: [lb],
      statistic: 'Sum', threshold: t.albHttp5xxPerFiveMinutes, comparison: 'GreaterThanThreshold', evaluationPeriods: 1,
      treatMissingData: 'notBreaching', unit: 'Count',
      description: 'The load balancer answered with its own 5xx errors (no healthy app node, or nodes timing out).',
    },
    {
      ...common, key: 'alb-unhealthy-hosts', watches: addr.targetGroup, metricName: 'UnHealthyHostCount', dimensions: [lb, tg],
      statistic: 'Maximum', periodSeconds: 60, evaluationPeriods: 5, threshold: t.albUnhealthyHosts, comparison: 'GreaterThanThreshold',
      unit: 'Count', description: 'App nodes fail the HTTPS /ping health check.',
    },
    {
      ...common, key: 'alb-latency', watches: addr.loadBalancer, metricName: 'TargetResponseTime', dimensions: [lb],
      statistic: 'p95', threshold: t.albTargetResponseSeconds, comparison: 'GreaterThanThreshold', treatMissingData: 'notBreaching',
      unit: 'Seconds', description: 'Morpheus answers slowly (p95 target response time).',
    },
  ];
}

function appAlarms(config: Config): Base[] {
  const t = config.monitoring.thresholds;
  const group: Dimension = { name: 'AutoScalingGroupName', value: ref(addr.autoScalingGroup, 'name') };
  return [
    {
      tier: 'app', key: 'app-cpu', watches: addr.autoScalingGroup, namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensions: [group],
      statistic: 'Average', threshold: t.appCpuPercent, comparison: 'GreaterThanThreshold', unit: 'Percent',
      description: 'The app nodes are busy beyond what scaling absorbs (or scaling is at its maximum).',
    },
    {
      // Needs the group's metrics collection, which the app tier turns on.
      tier: 'app', key: 'app-in-service', watches: addr.autoScalingGroup, namespace: 'AWS/AutoScaling', metricName: 'GroupInServiceInstances',
      dimensions: [group], statistic: 'Minimum', periodSeconds: 60, evaluationPeriods: 10, threshold: config.app.minSize,
      comparison: 'LessThanThreshold', treatMissingData: 'breaching', unit: 'Count',
      description: `Fewer app nodes in service than the minimum of ${config.app.minSize}.`,
    },
  ];
}

function auroraAlarms(config: Config): Base[] {
  const t = config.monitoring.thresholds;
  const maxConnections = dbMaxConnections(config);
  const common = { tier: 'aurora' as const, namespace: 'AWS/RDS' };
  const alarms: Base[] = [];
  for (let n = 0; n < config.data.db.instanceCount; n++) {
    const instance: Dimension = { name: 'DBInstanceIdentifier', value: ref(addr.auroraInstance(n), 'instanceId') };
    const watches = addr.auroraInstance(n);
    alarms.push(
      {
        ...common, key: `aurora-cpu[${n}]`, watches, metricName: 'CPUUtilization', dimensions: [instance], statistic: 'Average',
        threshold: t.dbCpuPercent, comparison: 'GreaterThanThreshold', unit: 'Percent', description: `CPU of Aurora instance ${n} is high.`,
      },
      {
        ...common, key: `aurora-memory[${n}]`, watches, metricName: 'FreeableMemory', dimensions: [instance], statistic: 'Minimum',
        threshold: t.dbFreeableMemoryMiB * MIB, comparison: 'LessThanThreshold', unit: 'Bytes',
        description: `Aurora instance ${n} has less than ${t.dbFreeableMemoryMiB} MiB of free memory.`,
      },
      {
        ...common, key: `aurora-connections[${n}]`, watches, metricName: 'DatabaseConnections', dimensions: [instance], statistic: 'Maximum',
        threshold: Math.floor((maxConnections * t.dbConnectionsPercent) / 100), comparison: 'GreaterThanThreshold', unit: 'Count',
        description: `Aurora instance ${n} uses more than ${t.dbConnectionsPercent}% of max_connections (${maxConnections}).`,
      },
    );
  }
  // The cluster-wide maximum survives failovers, unlike per-reader AuroraReplicaLag whose readers change roles.
  alarms.push({
    ...common, key: 'aurora-replica-lag', watches: addr.auroraCluster, metricName: 'AuroraReplicaLagMaximum',
    dimensions: [{ name: 'DBClusterIdentifier', value: ref(addr.auroraCluster, 'clusterId') }], statistic: 'Maximum', periodSeconds: 60,
    evaluationPeriods: 5, threshold: t.dbReplicaLagMs, comparison: 'GreaterThanThreshold', unit: 'Milliseconds',
    description: 'Aurora readers lag behind the writer (AuroraReplicaLag, largest in the cluster).',
  });
  return alarms;
}

function brokerAlarms(config: Config): Base[] {
  const t = config.monitoring.thresholds;
  // Amazon MQ names RabbitMQ brokers in the Broker dimension by name, which the data tier derives from the workspace.
  const broker: Dimension = { name: 'Broker', value: dataNames(config.workspace).mqBroker };
  const metric = (metricName: string): MetricRef => ({ namespace: 'AWS/AmazonMQ', metricName, dimensions: [broker] });
  const common = { tier: 'mq' as const, namespace: 'AWS/AmazonMQ', watches: addr.mqBroker };
  return [
    {
      ...common, key: 'mq-memory', metricName: 'RabbitMQMemUsed', dimensions: [broker], statistic: 'Maximum', periodSeconds: 60,
      evaluationPeriods: 5, threshold: t.mqMemoryPercent, comparison: 'GreaterThanThreshold', unit: 'Percent',
      math: { expression: '100 * used / limit', label: 'Memory used (% of limit)', metrics: { used: metric('RabbitMQMemUsed'), limit: metric('RabbitMQMemLimit') } },
      description: `RabbitMQ uses more than ${t.mqMemoryPercent}% of its memory limit (publishers are blocked at the limit).`,
    },
    {
      ...common, key: 'mq-disk-free', metricName: 'RabbitMQDiskFree', dimensions: [broker], statistic: 'Minimum', periodSeconds: 60,
      evaluationPeriods: 5, threshold: t.mqDiskFreeGiB * GIB, comparison: 'LessThanThreshold', unit: 'Bytes',
      description: `RabbitMQ has less than ${t.mqDiskFreeGiB} GiB of free disk (publishers are blocked at the disk limit).`,
    },
    {
      ...common, key: 'mq-connections', metricName: 'ConnectionCount', dimensions: [broker], statistic: 'Maximum',
      threshold: t.mqConnections, comparison: 'GreaterThanThreshold', unit: 'Count',
      description: 'Unusually many broker connections (a connection leak, or far more app nodes than planned).',
    },
  ];
}

function searchAlarms(config: Config, env: StackEnv): Base[] {
  const t = config.monitoring.thresholds;
  const dims: Dimension[] = [
    { name: 'ClientId', value: env.accountId },
    { name: 'DomainName', value: ref(addr.searchDomain, 'domainName') },
  ];
  const common = { tier: 'opensearch' as const, namespace: 'AWS/ES', watches: addr.searchDomain, dimensions: dims };
  const freeMiB = Math.floor((config.data.search.volumeSize * 1024 * t.searchFreeStoragePercent) / 100);
  return [
    {
      ...common, key: 'opensearch-red', metricName: 'ClusterStatus.red', statistic: 'Maximum', periodSeconds: 60, evaluationPeriods: 1,
      threshold: 1, comparison: 'GreaterThanOrEqualToThreshold', unit: 'Status',
      description: 'At least one primary shard is unassigned: Morpheus search and logs are failing.',
    },
    {
      ...common, key: 'opensearch-yellow', metricName: 'ClusterStatus.yellow', statistic: 'Maximum', periodSeconds: 60, evaluationPeriods: 5,
      threshold: 1, comparison: 'GreaterThanOrEqualToThreshold', unit: 'Status',
      description: 'Replica shards are unassigned: the domain runs without redundancy.',
    },
    {
      ...common, key: 'opensearch-free-storage', metricName: 'FreeStorageSpace', statistic: 'Minimum', periodSeconds: 60, evaluationPeriods: 1,
      threshold: freeMiB, comparison: 'LessThanOrEqualToThreshold', unit: 'Megabytes',
      description: `A data node has less than ${t.searchFreeStoragePercent}% of its ${config.data.search.volumeSize} GiB volume free.`,
    },
    {
      ...common, key: 'opensearch-jvm-memory', metricName: 'JVMMemoryPressure', statistic: 'Maximum', periodSeconds: 60, evaluationPeriods: 3,
      threshold: t.searchJvmMemoryPressurePercent, comparison: 'GreaterThanOrEqualToThreshold', unit: 'Percent',
      description: 'OpenSearch JVM memory pressure is high (risk of out-of-memory and blocked writes).',
    },
  ];
}

function fileSystemAlarms(config: Config): Base[] {
  const t = config.monitoring.thresholds;
  const fs: Dimension = { name: 'FileSystemId', value: ref(addr.efsFileSystem, 'fileSystemId') };
  const common = { tier: 'efs' as const, namespace: 'AWS/EFS', watches: addr.efsFileSystem, dimensions: [fs] };
  const alarms: Base[] = [{
    ...common, key: 'efs-io-limit', metricName: 'PercentIOLimit', statistic: 'Maximum', threshold: t.efsPercentIoLimit,
    comparison: 'GreaterThanOrEqualToThreshold', treatMissingData: 'notBreaching', unit: 'Percent',
    description: 'The shared Morpheus file system is at its I/O limit (General Purpose mode).',
  }];
  // Elastic throughput spends no burst credits: the balance only means something when bursting.
  if (config.data.efs.throughputMode === 'bursting') {
    alarms.push({
      ...common, key: 'efs-burst-credits', metricName: 'BurstCreditBalance', statistic: 'Minimum', threshold: t.efsBurstCreditBalanceGiB * GIB,
      comparison: 'LessThanThreshold', unit: 'Bytes',
      description: `EFS burst credits fell below ${t.efsBurstCreditBalanceGiB} GiB: throughput drops to the baseline when they run out.`,
    });
  }
  return alarms;
}

/** Every alarm the config asks for, in tier order (see the file header). */
export function alarmCatalog(config: Config, env: StackEnv): AlarmDefinition[] {
  if (!config.monitoring.enabled) return [];
  const bases = [
    ...(config.edge.enabled ? loadBalancerAlarms(config) : []),
    ...(config.app.enabled ? appAlarms(config) : []),
    ...auroraAlarms(config),
    ...brokerAlarms(config),
    ...searchAlarms(config, env),
    ...fileSystemAlarms(config),
  ];
  return bases.map((base) => define(config.workspace, base));
}

/** CloudWatch dashboard metric array: [namespace, metric, dim1, value1, ..., options]. */
function metricLine(metric: MetricRef, options: Record<string, unknown>): unknown[] {
  return [metric.namespace, metric.metricName, ...metric.dimensions.flatMap((d) => [d.name, d.value]), options];
}

function widgetMetrics(alarm: AlarmDefinition): unknown[][] {
  const stat = alarm.statistic;
  if (alarm.math) {
    return [
      [{ expression: alarm.math.expression, label: alarm.math.label, id: 'e1' }],
      ...Object.entries(alarm.math.metrics).map(([id, metric]) => metricLine(metric, { id, stat, visible: false })),
    ];
  }
  return [metricLine(alarm, { stat, label: alarm.metricName })];
}

const WIDGET_WIDTH = 8;
const WIDGET_HEIGHT = 6;

/**
 * The dashboard body: per monitored tier, a title row then one graph per alarm with its threshold drawn in.
 * Dimension values may still be OutputRefs; the engine resolves them before the dashboard is written.
 */
export function dashboardBody(alarms: AlarmDefinition[], region: string): { widgets: object[] } {
  const widgets: object[] = [];
  let y = 0;
  for (const tier of MONITORED_TIERS) {
    const own = alarms.filter((a) => a.tier === tier);
    if (!own.length) continue;
    widgets.push({ type: 'text', x: 0, y, width: 24, height: 1, properties: { markdown: `## ${TIER_LABELS[tier]}` } });
    y += 1;
    own.forEach((alarm, i) => {
      widgets.push({
        type: 'metric',
        x: (i % 3) * WIDGET_WIDTH,
        y: y + Math.floor(i / 3) * WIDGET_HEIGHT,
        width: WIDGET_WIDTH,
        height: WIDGET_HEIGHT,
        properties: {
          title: alarm.math?.label ? `${alarm.key}: ${alarm.math.label}` : `${alarm.key}: ${alarm.metricName}`,
          region,
          view: 'timeSeries',
          stacked: false,
          period: alarm.periodSeconds,
          metrics: widgetMetrics(alarm),
          yAxis: { left: { label: alarm.unit, showUnits: false } },
          annotations: { horizontal: [{ label: 'alarm threshold', value: alarm.threshold }] },
        },
      });
    });
    y += Math.ceil(own.length / 3) * WIDGET_HEIGHT;
  }
  return { widgets };
}
