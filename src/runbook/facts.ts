/**
 * Everything the runbooks name, taken from the state (live ids and endpoints) and the config (settings). Pure: the
 * same state, config and date always give the same facts. Values the state does not hold yet are `undefined` and
 * the renderers show a placeholder in their place.
 */
import { drRegionFor } from '../config/backup.js';
import type { Config } from '../config/schema.js';
import { dataNames } from '../resources/data/names.js';
import { addr, ssmPrefix } from '../stack/addresses.js';
import { appLogGroupNames } from '../stack/app.js';
import { alarmCatalog, TIER_LABELS, type AlarmDefinition } from '../stack/monitoringCatalog.js';
import type { ResourceState, StateDoc } from '../state/types.js';

export interface AlarmFact {
  name: string;
  tier: string;
  description: string;
}

export interface RunbookFacts {
  workspace: string;
  region: string;
  accountId: string;
  partition: string;
  generatedAt: string;
  stateSerial: number;
  configFile: string;
  kmsKeyArn?: string;
  url?: string;
  albDnsName?: string;
  albArn?: string;
  targetGroupArn?: string;
  vpcId?: string;
  privateSubnetIds: string[];
  securityGroups: Record<string, string | undefined>;
  db: {
    clusterId?: string;
    clusterArn?: string;
    endpoint?: string;
    readerEndpoint?: string;
    port: number;
    masterSecretArn?: string;
    subnetGroup?: string;
    parameterGroup?: string;
    instanceIds: string[];
    instanceClass: string;
    engine: string;
    backupRetentionDays: number;
    backupWindow: string;
    maintenanceWindow: string;
    logExports: string[];
    databaseName: string;
    appUsername: string;
  };
  efs: { fileSystemId?: string; arn?: string; dnsName?: string; accessPointId?: string; rootPath: string; performanceMode: string; automaticBackups: boolean };
  mq: { brokerId?: string; brokerName: string; consoleUrl?: string; amqpsEndpoint?: string; adminUsername: string; appUsername: string; vhost: string; maintenanceWindow: string };
  search: { domainName?: string; endpoint?: string; masterUsername: string };
  secrets: Record<'mqAdmin' | 'mqApp' | 'searchMaster' | 'dbApp', string | undefined>;
  app: { asgName?: string; launchTemplateId?: string; minSize: number; maxSize: number; desiredCapacity: number; minHealthyPercent: number; warmupSeconds: number; instanceType: string };
  logGroups: { app: string[]; search: string[] };
  ssmPrefix: string;
  backup: {
    enabled: boolean;
    rpoHours: number;
    vaultName?: string;
    vaultArn?: string;
    roleArn?: string;
    planId?: string;
    schedule?: string;
    retentionDays?: number;
    drRegion?: string;
    drVaultName?: string;
    drVaultArn?: string;
    drKmsKeyArn?: string;
  };
  alarmTopicArn?: string;
  alarms: AlarmFact[];
}

/** Backups must be newer than this unless the config says otherwise: a daily backup plus two hours of slack. */
export const DEFAULT_RPO_HOURS = 26;

/** `backup.rpoHours` when the config has it, else DEFAULT_RPO_HOURS. */
export function rpoHoursOf(config: Config): number {
  const value = (config.backup as { rpoHours?: unknown }).rpoHours;
  return typeof value === 'number' && value > 0 ? value : DEFAULT_RPO_HOURS;
}

function outputs(doc: StateDoc, address: string): Record<string, unknown> {
  return doc.resources[address]?.outputs ?? {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function out(doc: StateDoc, address: string, name: string): string | undefined {
  return str(outputs(doc, address)[name]);
}

function accountOf(doc: StateDoc): { accountId: string; partition: string } {
  for (const resource of Object.values(doc.resources)) {
    for (const value of Object.values(resource.outputs)) {
      const match = typeof value === 'string' ? /^arn:([^:]+):[^:]+:[^:]*:(\d{12}):/.exec(value) : null;
      if (match) return { partition: match[1], accountId: match[2] };
    }
  }
  return { partition: 'aws', accountId: '<ACCOUNT_ID>' };
}

/** AZs of the stack, from the private subnets in the state. */
function azsOf(doc: StateDoc): string[] {
  return Object.keys(doc.resources)
    .map((a) => /^network\.subnet\.private\[(.+)\]$/.exec(a)?.[1])
    .filter((az): az is string => az !== undefined)
    .sort();
}

/** Alarms as deployed (state, kind cloudwatch.alarm), described from the monitoring catalog where it knows them. */
function alarmsOf(doc: StateDoc, config: Config, env: { azs: string[]; accountId: string; partition: string }): AlarmFact[] {
  let catalog: AlarmDefinition[] = [];
  try {
    catalog = alarmCatalog(config, env);
  } catch {
    catalog = [];
  }
  const byAddress = new Map(catalog.map((a) => [a.address, a]));
  const deployed = Object.entries(doc.resources)
    .filter(([, r]) => r.kind === 'cloudwatch.alarm')
    .map(([address, r]: [string, ResourceState]) => {
      const known = byAddress.get(address);
      return {
        name: str(r.outputs.name) ?? r.id,
        tier: known ? TIER_LABELS[known.tier] : r.tier,
        description: known?.description ?? '',
        order: known ? catalog.indexOf(known) : Number.MAX_SAFE_INTEGER,
      };
    });
  return deployed
    .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name))
    .map(({ name, tier, description }) => ({ name, tier, description }));
}

export function runbookFacts(doc: StateDoc, config: Config, options: { generatedAt: Date; configFile: string }): RunbookFacts {
  const { accountId, partition } = accountOf(doc);
  const azs = azsOf(doc);
  const names = dataNames(config.workspace);
  const db = config.data.db;
  const instanceIds = Object.keys(doc.resources)
    .filter((a) => /^data\.db\.instance\[\d+\]$/.test(a))
    .sort()
    .map((a) => doc.resources[a].id);
  const backupCfg = config.backup as Config['backup'] & { schedule?: string; retentionDays?: number; copyToDrRegion?: boolean };
  const drDeployed = doc.resources[addr.drBackupVault] !== undefined;
  return {
    workspace: config.workspace,
    region: config.region,
    accountId,
    partition,
    generatedAt: options.generatedAt.toISOString(),
    stateSerial: doc.serial,
    configFile: options.configFile,
    kmsKeyArn: out(doc, addr.kmsKey, 'arn'),
    url: out(doc, addr.loadBalancer, 'url'),
    albDnsName: out(doc, addr.loadBalancer, 'dnsName'),
    albArn: out(doc, addr.loadBalancer, 'arn'),
    targetGroupArn: out(doc, addr.targetGroup, 'arn'),
    vpcId: out(doc, addr.vpc, 'vpcId'),
    privateSubnetIds: azs.map((az) => out(doc, addr.privateSubnet(az), 'subnetId')).filter((s): s is string => !!s),
    securityGroups: Object.fromEntries((['alb', 'app', 'db', 'mq', 'search', 'efs'] as const).map((g) => [g, out(doc, addr.securityGroup(g), 'groupId')])),
    db: {
      clusterId: out(doc, addr.auroraCluster, 'clusterId'),
      clusterArn: out(doc, addr.auroraCluster, 'arn'),
      endpoint: out(doc, addr.auroraCluster, 'endpoint'),
      readerEndpoint: out(doc, addr.auroraCluster, 'readerEndpoint'),
      port: db.port,
      masterSecretArn: out(doc, addr.auroraCluster, 'masterSecretArn'),
      subnetGroup: out(doc, addr.dbSubnetGroup, 'name'),
      parameterGroup: out(doc, addr.dbClusterParameterGroup, 'name'),
      instanceIds,
      instanceClass: db.instanceClass,
      engine: 'aurora-mysql',
      backupRetentionDays: db.backupRetentionDays,
      backupWindow: db.preferredBackupWindow,
      maintenanceWindow: db.preferredMaintenanceWindow,
      logExports: [...db.logExports].sort(),
      databaseName: db.databaseName,
      appUsername: db.appUsername,
    },
    efs: {
      fileSystemId: out(doc, addr.efsFileSystem, 'fileSystemId'),
      arn: out(doc, addr.efsFileSystem, 'arn'),
      dnsName: out(doc, addr.efsFileSystem, 'dnsName'),
      accessPointId: out(doc, addr.efsAccessPoint, 'accessPointId'),
      rootPath: config.data.efs.rootPath,
      performanceMode: config.data.efs.performanceMode,
      automaticBackups: config.data.efs.automaticBackups,
    },
    mq: {
      brokerId: out(doc, addr.mqBroker, 'brokerId'),
      brokerName: names.mqBroker,
      consoleUrl: out(doc, addr.mqBroker, 'consoleUrl'),
      amqpsEndpoint: out(doc, addr.mqBroker, 'amqpsEndpoint'),
      adminUsername: config.data.mq.adminUsername,
      appUsername: config.data.mq.appUsername,
      vhost: config.data.mq.vhost,
      maintenanceWindow: `${config.data.mq.maintenanceWindow.dayOfWeek.toLowerCase()} ${config.data.mq.maintenanceWindow.timeOfDay} ${config.data.mq.maintenanceWindow.timeZone}`,
    },
    search: {
      domainName: out(doc, addr.searchDomain, 'domainName'),
      endpoint: out(doc, addr.searchDomain, 'endpoint'),
      masterUsername: config.data.search.masterUsername,
    },
    secrets: {
      mqAdmin: out(doc, addr.secret('mqAdmin'), 'arn'),
      mqApp: out(doc, addr.secret('mqApp'), 'arn'),
      searchMaster: out(doc, addr.secret('searchMaster'), 'arn'),
      dbApp: out(doc, addr.secret('dbApp'), 'arn'),
    },
    app: {
      asgName: out(doc, addr.autoScalingGroup, 'name'),
      launchTemplateId: out(doc, addr.launchTemplate, 'launchTemplateId'),
      minSize: config.app.minSize,
      maxSize: config.app.maxSize,
      desiredCapacity: config.app.desiredCapacity,
      minHealthyPercent: config.app.instanceRefreshMinHealthyPercent,
      warmupSeconds: config.app.healthCheckGracePeriodSeconds,
      instanceType: config.app.instanceType,
    },
    logGroups: {
      app: Object.values(appLogGroupNames(config.workspace)),
      search: Object.entries(doc.resources)
        .filter(([a]) => a.startsWith('data.search.logGroup['))
        .map(([, r]) => str(r.outputs.name) ?? r.id)
        .sort(),
    },
    ssmPrefix: ssmPrefix(config.workspace),
    backup: {
      enabled: config.backup.enabled,
      rpoHours: rpoHoursOf(config),
      vaultName: out(doc, addr.backupVault, 'name'),
      vaultArn: out(doc, addr.backupVault, 'arn'),
      roleArn: out(doc, addr.backupRole, 'arn'),
      planId: out(doc, addr.backupPlan, 'planId'),
      schedule: backupCfg.schedule,
      retentionDays: backupCfg.retentionDays,
      drRegion: drDeployed ? out(doc, addr.drBackupVault, 'region') ?? safeDrRegion(config) : undefined,
      drVaultName: out(doc, addr.drBackupVault, 'name'),
      drVaultArn: out(doc, addr.drBackupVault, 'arn'),
      drKmsKeyArn: out(doc, addr.drBackupKey, 'arn'),
    },
    alarmTopicArn: out(doc, addr.alarmTopic, 'arn'),
    alarms: alarmsOf(doc, config, { azs, accountId, partition }),
  };
}

function safeDrRegion(config: Config): string | undefined {
  try {
    return drRegionFor(config);
  } catch {
    return undefined;
  }
}
