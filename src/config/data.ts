import { z } from 'zod';
import { logRetention } from './network.js';

/** Aurora MySQL 3.x is MySQL 8.0 compatible; Morpheus needs 8.0.32+ (Aurora 3.04 and later). */
const AURORA_VERSION = /^8\.0\.mysql_aurora\.3\.(\d{2})\.\d+$/;
/** `ddd:hh24:mi-ddd:hh24:mi`, the RDS maintenance window format. */
const WEEKLY_WINDOW = /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/;
/** `hh24:mi-hh24:mi`, the RDS backup window format. */
const DAILY_WINDOW = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const DB_IDENTIFIER = /^[a-zA-Z][a-zA-Z0-9_]{0,15}$/;
const MYSQL_RESERVED_USERS = ['admin', 'rdsadmin', 'root', 'mysql', 'rdsrepladmin'];
const MQ_USERNAME = /^[\w.~-]{2,100}$/;
const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;

/** Performance Insights keeps 7 days free, or whole months (31 days each) up to two years. */
const PI_RETENTION = [7, ...Array.from({ length: 23 }, (_, i) => (i + 1) * 31), 731];

const dbSchema = z.strictObject({
  engineVersion: z.string().regex(AURORA_VERSION, 'must be an Aurora MySQL 3.x version such as 8.0.mysql_aurora.3.08.2')
    .refine((v) => Number(AURORA_VERSION.exec(v)?.[1]) >= 4, 'Morpheus needs MySQL 8.0.32 or later: Aurora MySQL 3.04 or later')
    .default('8.0.mysql_aurora.3.08.2').describe('Aurora MySQL engine version (3.x, MySQL 8.0 compatible).'),
  instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, 'must be an RDS instance class such as db.r6g.large')
    .refine((v) => !v.startsWith('db.serverless'), 'Serverless v2 is not supported; use a provisioned class such as db.r6g.large')
    .default('db.r6g.large').describe('Instance class of every Aurora instance.'),
  instanceCount: z.number().int().min(2, 'at least 2 instances (a writer and a reader in another AZ) are needed for high availability')
    .max(16, 'Aurora allows at most 15 readers').default(2).describe('Aurora instances: one writer, the rest readers, spread over the AZs.'),
  databaseName: z.string().regex(DB_IDENTIFIER, 'must start with a letter and hold at most 16 letters, digits or underscores')
    .default('morpheus').describe('Database Morpheus uses (created with the cluster).'),
  masterUsername: z.string().regex(DB_IDENTIFIER, 'must start with a letter and hold at most 16 letters, digits or underscores')
    .refine((v) => !MYSQL_RESERVED_USERS.includes(v.toLowerCase()), `must not be one of ${MYSQL_RESERVED_USERS.join(', ')}`)
    .default('morpheusadmin').describe('Master user; its password is generated and kept by RDS in Secrets Manager.'),
  appUsername: z.string().regex(DB_IDENTIFIER, 'must start with a letter and hold at most 16 letters, digits or underscores')
    .default('morpheus').describe('Database user Morpheus connects as (created by the first app node).'),
  port: z.number().int().min(1150).max(65535).default(3306).describe('MySQL port.'),
  maxConnections: z.number().int().min(300).max(16000).optional()
    .describe('max_connections; Morpheus needs at least 150 per app node. Default: 150 × app.maxSize, at least 900.'),
  backupRetentionDays: z.number().int().min(7, 'keep backups at least 7 days').max(35).default(7).describe('Automated backup retention.'),
  preferredBackupWindow: z.string().regex(DAILY_WINDOW, 'must look like 03:00-04:00 (UTC)').default('03:00-04:00')
    .describe('Daily backup window (UTC), at least 30 minutes.'),
  preferredMaintenanceWindow: z.string().regex(WEEKLY_WINDOW, 'must look like sun:05:00-sun:06:00 (UTC)').default('sun:05:00-sun:06:00')
    .describe('Weekly maintenance window (UTC), at least 30 minutes, not overlapping the backup window.'),
  deletionProtection: z.boolean().default(true).describe('Refuse deletion outside morpheus-ws destroy (which lifts it first).'),
  skipFinalSnapshot: z.boolean().default(false).describe('Destroy without a final snapshot (data is lost).'),
  performanceInsightsRetentionDays: z.number().int().refine((v) => PI_RETENTION.includes(v), 'must be 7, a multiple of 31 up to 713, or 731')
    .default(7).describe('Performance Insights retention.'),
  monitoringIntervalSeconds: z.union([z.literal(1), z.literal(5), z.literal(10), z.literal(15), z.literal(30), z.literal(60)])
    .default(60).describe('Enhanced Monitoring interval.'),
  logExports: z.array(z.enum(['audit', 'error', 'general', 'slowquery'])).min(1).default(['audit', 'error', 'slowquery'])
    .describe('Logs exported to CloudWatch Logs.'),
  applyImmediately: z.boolean().default(true)
    .describe('Apply instance and cluster changes now rather than in the next maintenance window.'),
  autoMinorVersionUpgrade: z.boolean().default(true).describe('Let RDS apply minor engine upgrades in the maintenance window.'),
  parameters: z.record(z.string().regex(/^[a-z_.]+$/, 'parameter names are lowercase with underscores'), z.string())
    .default({}).describe('Extra cluster parameters; they override the built-in ones (utf8mb4, UTC, max_connections, audit).'),
}).superRefine((db, ctx) => {
  if (windowsOverlap(db.preferredBackupWindow, db.preferredMaintenanceWindow)) {
    ctx.addIssue({ code: 'custom', path: ['preferredMaintenanceWindow'], message: `overlaps the backup window ${db.preferredBackupWindow}` });
  }
  if (minutesOfDaily(db.preferredBackupWindow) < 30) {
    ctx.addIssue({ code: 'custom', path: ['preferredBackupWindow'], message: 'must last at least 30 minutes' });
  }
  if (db.masterUsername === db.appUsername) {
    ctx.addIssue({ code: 'custom', path: ['appUsername'], message: 'must differ from masterUsername' });
  }
});

const efsSchema = z.strictObject({
  throughputMode: z.enum(['elastic', 'bursting']).default('elastic').describe('EFS throughput mode.'),
  performanceMode: z.enum(['generalPurpose', 'maxIO']).default('generalPurpose')
    .describe('EFS performance mode (maxIO only with bursting throughput).'),
  automaticBackups: z.boolean().default(true).describe('AWS Backup default plan for the file system.'),
  posixUid: z.number().int().min(1).max(65534).default(999).describe('UID every app node uses for Morpheus files (must match on all nodes).'),
  posixGid: z.number().int().min(1).max(65534).default(999).describe('GID every app node uses for Morpheus files.'),
  rootPath: z.string().regex(/^(\/[A-Za-z0-9._-]+)+$/, 'must be an absolute path such as /morpheus').default('/morpheus')
    .describe('Directory of the access point.'),
}).superRefine((efs, ctx) => {
  if (efs.performanceMode === 'maxIO' && efs.throughputMode === 'elastic') {
    ctx.addIssue({ code: 'custom', path: ['performanceMode'], message: 'maxIO cannot be used with elastic throughput; use generalPurpose' });
  }
});

const mqSchema = z.strictObject({
  engineVersion: z.string().regex(/^3\.\d+(\.\d+)?$/, 'must be a RabbitMQ 3.x version such as 3.13').default('3.13')
    .describe('RabbitMQ version (Morpheus supports up to 3.13).'),
  instanceType: z.string().regex(/^mq\.[a-z0-9]+\.[a-z0-9]+$/, 'must be an Amazon MQ instance type such as mq.m5.large')
    .default('mq.m5.large').describe('Broker instance type.'),
  deploymentMode: z.enum(['CLUSTER_MULTI_AZ', 'SINGLE_INSTANCE']).default('CLUSTER_MULTI_AZ')
    .describe('CLUSTER_MULTI_AZ for production; SINGLE_INSTANCE only for tests.'),
  adminUsername: z.string().regex(MQ_USERNAME, 'must be 2–100 letters, digits, or . _ ~ -').default('morpheus-admin')
    .describe('Broker administrator (password generated into Secrets Manager).'),
  appUsername: z.string().regex(MQ_USERNAME, 'must be 2–100 letters, digits, or . _ ~ -').default('morpheus')
    .describe('User Morpheus connects as (created by the first app node).'),
  vhost: z.string().regex(/^[\w.-]{1,64}$/).default('morpheus').describe('RabbitMQ virtual host for Morpheus.'),
  autoMinorVersionUpgrade: z.boolean().default(true).describe('Let Amazon MQ apply minor upgrades in the maintenance window.'),
  maintenanceWindow: z.strictObject({
    dayOfWeek: z.enum(DAYS).default('SUNDAY'),
    timeOfDay: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must look like 04:00').default('04:00'),
    timeZone: z.string().default('UTC'),
  }).prefault({}).describe('Weekly maintenance start.'),
  generalLogs: z.boolean().default(true).describe('Publish general logs to CloudWatch Logs.'),
}).superRefine((mq, ctx) => {
  if (mq.instanceType === 'mq.t3.micro' && mq.deploymentMode === 'CLUSTER_MULTI_AZ') {
    ctx.addIssue({ code: 'custom', path: ['instanceType'], message: 'mq.t3.micro only runs SINGLE_INSTANCE brokers; use mq.m5.large or larger for a cluster' });
  }
  if (mq.adminUsername === mq.appUsername) {
    ctx.addIssue({ code: 'custom', path: ['appUsername'], message: 'must differ from adminUsername' });
  }
  if (mq.adminUsername.toLowerCase() === 'guest') {
    ctx.addIssue({ code: 'custom', path: ['adminUsername'], message: 'guest is reserved by RabbitMQ' });
  }
});

const searchSchema = z.strictObject({
  engineVersion: z.string().regex(/^OpenSearch_2\.\d+$/, 'must be an OpenSearch 2.x version such as OpenSearch_2.5').default('OpenSearch_2.5')
    .describe('OpenSearch engine version.'),
  instanceType: z.string().regex(/^[a-z0-9]+\.[a-z0-9]+\.search$/, 'must be an OpenSearch instance type such as r6g.large.search')
    .default('r6g.large.search').describe('Data node instance type.'),
  instanceCount: z.number().int().min(2).max(80).optional()
    .describe('Data nodes; a multiple of the AZ count. Default: the smallest multiple of the AZ count that is at least 3.'),
  dedicatedMasters: z.strictObject({
    enabled: z.boolean().default(false),
    instanceType: z.string().regex(/^[a-z0-9]+\.[a-z0-9]+\.search$/).default('r6g.large.search'),
    count: z.union([z.literal(3), z.literal(5)]).default(3),
  }).prefault({}).describe('Dedicated master nodes (3 or 5).'),
  volumeSize: z.number().int().min(10).max(16384).default(100).describe('gp3 EBS volume per data node, GiB.'),
  volumeIops: z.number().int().min(3000).max(16000).optional().describe('gp3 IOPS (default: the gp3 baseline).'),
  volumeThroughput: z.number().int().min(125).max(1000).optional().describe('gp3 throughput MiB/s (default: the baseline).'),
  masterUsername: z.string().regex(/^[\w.-]{1,64}$/).default('morpheus-admin')
    .describe('Fine-grained access control master user (password generated into Secrets Manager).'),
  logRetentionDays: logRetention.default(90).describe('Retention of the OpenSearch log groups.'),
  slowLogs: z.boolean().default(true).describe('Publish index and search slow logs too.'),
  automatedSnapshotStartHour: z.number().int().min(0).max(23).default(2).describe('Hour (UTC) of the daily automated snapshot.'),
});

const secretsSchema = z.strictObject({
  recoveryWindowDays: z.number().int().min(7).max(30).default(30)
    .describe('Days a destroyed secret can still be restored (destroy --force-delete-secrets skips it).'),
});

/** The data tier's settings: Aurora MySQL, EFS, Amazon MQ for RabbitMQ, OpenSearch, secrets and parameters. */
export const dataSchema = z.strictObject({
  db: dbSchema.prefault({}),
  efs: efsSchema.prefault({}),
  mq: mqSchema.prefault({}),
  search: searchSchema.prefault({}),
  secrets: secretsSchema.prefault({}),
});

export type DataConfig = z.infer<typeof dataSchema>;

export interface CrossTierIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Checks that need other sections (the AZ count, the app tier's size). Call from the whole-config superRefine;
 * the data stack builder calls it too and refuses a config that fails.
 */
export function dataCrossTierIssues(config: { network: { azCount: number }; data: DataConfig; app?: unknown }): CrossTierIssue[] {
  const issues: CrossTierIssue[] = [];
  const azCount = config.network.azCount;
  const count = config.data.search.instanceCount;
  if (count !== undefined && count % azCount !== 0) {
    issues.push({ path: ['data', 'search', 'instanceCount'], message: `${count} data nodes cannot be spread evenly over ${azCount} AZs; use a multiple of ${azCount}` });
  }
  const maxNodes = appMaxNodes(config.app);
  const explicit = config.data.db.maxConnections;
  if (maxNodes !== undefined && explicit !== undefined && explicit < CONNECTIONS_PER_NODE * maxNodes) {
    issues.push({
      path: ['data', 'db', 'maxConnections'],
      message: `${explicit} is below ${CONNECTIONS_PER_NODE} per app node for up to ${maxNodes} nodes; use at least ${CONNECTIONS_PER_NODE * maxNodes}`,
    });
  }
  return issues;
}

const CONNECTIONS_PER_NODE = 150;

/** max_connections: the configured value, or 150 per app node at the app tier's maximum size (at least 900). */
export function dbMaxConnections(config: { data: DataConfig; app?: unknown }): number {
  return config.data.db.maxConnections ?? Math.max(900, CONNECTIONS_PER_NODE * (appMaxNodes(config.app) ?? 6));
}

/** OpenSearch data nodes: the configured count, or the smallest multiple of the AZ count that is at least 3. */
export function searchInstanceCount(data: DataConfig, azCount: number): number {
  return data.search.instanceCount ?? Math.ceil(3 / azCount) * azCount;
}

// The app tier's schema is written separately; read its size defensively.
function appMaxNodes(app: unknown): number | undefined {
  const value = (app as { maxSize?: unknown } | undefined)?.maxSize;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

function minutesOfDaily(window: string): number {
  const [start, end] = window.split('-').map(toMinutes);
  return (end - start + 1440) % 1440;
}

const DAY_INDEX: Record<string, number> = { mon: 0, tue: 1, wed: 2, thu: 3, fri: 4, sat: 5, sun: 6 };

/** Whether a daily window (`03:00-04:00`) meets a weekly one (`sun:05:00-sun:06:00`) on any day. */
export function windowsOverlap(daily: string, weekly: string): boolean {
  const WEEK = 7 * 1440;
  const [ws, we] = weekly.split('-').map((part) => {
    const [day, h, m] = part.split(':');
    return DAY_INDEX[day] * 1440 + Number(h) * 60 + Number(m);
  });
  const weeklyLength = (we - ws + WEEK) % WEEK;
  const [ds] = daily.split('-').map(toMinutes);
  const dailyLength = minutesOfDaily(daily);
  for (let day = 0; day < 7; day++) {
    const start = day * 1440 + ds;
    // Two circular intervals overlap when either start lies inside the other.
    const inWeekly = (start - ws + WEEK) % WEEK < weeklyLength;
    const inDaily = (ws - start + WEEK) % WEEK < dailyLength;
    if (inWeekly || inDaily) return true;
  }
  return false;
}
