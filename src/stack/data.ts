/**
 * The data tier: Aurora MySQL, EFS, Amazon MQ for RabbitMQ, OpenSearch, their credentials in Secrets Manager and
 * every endpoint the app nodes need in SSM. Pure: config -> desired nodes.
 */
import { dataCrossTierIssues, dbMaxConnections, searchInstanceCount, type DataConfig } from '../config/data.js';
import type { Config } from '../config/schema.js';
import { ref, type DesiredNode, type OutputRef } from '../engine/types.js';
import { dataNames, SECRET_NAMES, SERVICE_LOGS_POLICY_ADDRESS, type SearchLogKind, type SecretName } from '../resources/data/names.js';
import { addr } from './addresses.js';
import type { StackEnv, TierBuilder } from './types.js';

const AURORA_ENGINE = 'aurora-mysql';
const AURORA_FAMILY = 'aurora-mysql8.0';
const TLS_POLICY = 'Policy-Min-TLS-1-2-2019-07';

type Names = ReturnType<typeof dataNames>;

function node(address: string, kind: string, inputs: Record<string, unknown>, dependsOn?: string[]): DesiredNode {
  return { address, kind, tier: 'data', inputs, ...(dependsOn ? { dependsOn } : {}) };
}

const kmsArn = (): OutputRef => ref(addr.kmsKey, 'arn');
const privateSubnets = (env: StackEnv): OutputRef[] => env.azs.map((az) => ref(addr.privateSubnet(az), 'subnetId'));
const sg = (name: 'db' | 'mq' | 'search' | 'efs'): OutputRef => ref(addr.securityGroup(name), 'groupId');

/** Built-in cluster parameters; `db.parameters` overrides them. */
export function auroraParameters(db: DataConfig['db'], maxConnections: number): Record<string, string> {
  const parameters: Record<string, string> = {
    character_set_server: 'utf8mb4',
    character_set_client: 'utf8mb4',
    character_set_connection: 'utf8mb4',
    character_set_database: 'utf8mb4',
    character_set_results: 'utf8mb4',
    collation_server: 'utf8mb4_unicode_ci',
    collation_connection: 'utf8mb4_unicode_ci',
    time_zone: 'UTC',
    max_connections: String(maxConnections),
  };
  // Log exports only carry something when the engine writes those logs to files.
  if (db.logExports.includes('audit')) {
    parameters.server_audit_logging = '1';
    parameters.server_audit_events = 'CONNECT,QUERY_DCL,QUERY_DDL';
  }
  if (db.logExports.includes('slowquery')) {
    parameters.slow_query_log = '1';
    parameters.long_query_time = '2';
  }
  if (db.logExports.includes('general')) parameters.general_log = '1';
  if (db.logExports.includes('slowquery') || db.logExports.includes('general')) parameters.log_output = 'FILE';
  return { ...parameters, ...db.parameters };
}

function databaseNodes(config: Config, env: StackEnv, names: Names): DesiredNode[] {
  const db = config.data.db;
  const nodes: DesiredNode[] = [
    node(addr.dbMonitoringRole, 'iam.role', {
      name: names.dbMonitoringRole,
      description: `Enhanced Monitoring of the ${config.workspace} Aurora instances`,
      assumeRolePolicy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'monitoring.rds.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      managedPolicyArns: [`arn:${env.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`],
      inlinePolicies: {},
    }),
    node(addr.dbSubnetGroup, 'rds.dbSubnetGroup', {
      name: names.dbSubnetGroup,
      description: `Private subnets of the ${config.workspace} Aurora cluster`,
      subnetIds: privateSubnets(env),
    }),
    node(addr.dbClusterParameterGroup, 'rds.dbClusterParameterGroup', {
      name: names.dbClusterParameterGroup,
      family: AURORA_FAMILY,
      description: `Morpheus settings for the ${config.workspace} Aurora cluster`,
      parameters: auroraParameters(db, dbMaxConnections(config)),
    }),
    node(addr.auroraCluster, 'rds.dbCluster', {
      clusterId: names.dbCluster,
      engine: AURORA_ENGINE,
      engineVersion: db.engineVersion,
      databaseName: db.databaseName,
      masterUsername: db.masterUsername,
      port: db.port,
      dbSubnetGroupName: ref(addr.dbSubnetGroup, 'name'),
      parameterGroupName: ref(addr.dbClusterParameterGroup, 'name'),
      vpcSecurityGroupIds: [sg('db')],
      kmsKeyId: kmsArn(),
      masterUserSecretKmsKeyId: kmsArn(),
      backupRetentionDays: db.backupRetentionDays,
      preferredBackupWindow: db.preferredBackupWindow,
      preferredMaintenanceWindow: db.preferredMaintenanceWindow,
      deletionProtection: db.deletionProtection,
      cloudwatchLogsExports: [...db.logExports].sort(),
      copyTagsToSnapshot: true,
      applyImmediately: db.applyImmediately,
      skipFinalSnapshot: db.skipFinalSnapshot,
    }),
  ];
  for (let n = 0; n < db.instanceCount; n++) {
    nodes.push(node(addr.auroraInstance(n), 'rds.dbInstance', {
      instanceId: names.dbInstance(n),
      clusterId: ref(addr.auroraCluster, 'clusterId'),
      engine: AURORA_ENGINE,
      instanceClass: db.instanceClass,
      // Round-robin over the AZs: the writer and the first reader never share one.
      availabilityZone: env.azs[n % env.azs.length],
      promotionTier: n === 0 ? 0 : 1,
      publiclyAccessible: false,
      autoMinorVersionUpgrade: db.autoMinorVersionUpgrade,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: kmsArn(),
      performanceInsightsRetentionDays: db.performanceInsightsRetentionDays,
      monitoringIntervalSeconds: db.monitoringIntervalSeconds,
      monitoringRoleArn: ref(addr.dbMonitoringRole, 'arn'),
      applyImmediately: db.applyImmediately,
    }));
  }
  return nodes;
}

function fileSystemNodes(config: Config, env: StackEnv): DesiredNode[] {
  const efs = config.data.efs;
  return [
    node(addr.efsFileSystem, 'efs.fileSystem', {
      encrypted: true,
      kmsKeyId: kmsArn(),
      performanceMode: efs.performanceMode,
      throughputMode: efs.throughputMode,
      automaticBackups: efs.automaticBackups,
    }),
    ...env.azs.map((az) => node(addr.efsMountTarget(az), 'efs.mountTarget', {
      fileSystemId: ref(addr.efsFileSystem, 'fileSystemId'),
      subnetId: ref(addr.privateSubnet(az), 'subnetId'),
      securityGroupIds: [sg('efs')],
    })),
    node(addr.efsAccessPoint, 'efs.accessPoint', {
      fileSystemId: ref(addr.efsFileSystem, 'fileSystemId'),
      uid: efs.posixUid,
      gid: efs.posixGid,
      path: efs.rootPath,
      permissions: '0775',
    }),
  ];
}

interface SecretSpec {
  username: string;
  description: string;
  /** OpenSearch demands a symbol; the others stay alphanumeric so they survive URLs, shells and config files. */
  symbols: string;
}

function secretSpecs(data: DataConfig): Record<SecretName, SecretSpec> {
  return {
    mqAdmin: { username: data.mq.adminUsername, description: 'Amazon MQ broker administrator', symbols: '' },
    mqApp: { username: data.mq.appUsername, description: 'RabbitMQ user Morpheus connects as', symbols: '' },
    searchMaster: { username: data.search.masterUsername, description: 'OpenSearch fine-grained access control master user', symbols: '-_.~' },
    dbApp: { username: data.db.appUsername, description: 'MySQL user Morpheus connects as', symbols: '' },
  };
}

function secretNodes(config: Config, names: Names): DesiredNode[] {
  const specs = secretSpecs(config.data);
  return SECRET_NAMES.map((name) => node(addr.secret(name), 'secretsmanager.secret', {
    name: names.secret(name),
    description: `${specs[name].description} (morpheus-ws ${config.workspace})`,
    kmsKeyId: kmsArn(),
    username: specs[name].username,
    passwordLength: 32,
    passwordSymbols: specs[name].symbols,
    recoveryWindowDays: config.data.secrets.recoveryWindowDays,
  }));
}

function brokerNode(config: Config, env: StackEnv, names: Names): DesiredNode {
  const mq = config.data.mq;
  const cluster = mq.deploymentMode === 'CLUSTER_MULTI_AZ';
  return node(addr.mqBroker, 'mq.broker', {
    brokerName: names.mqBroker,
    engineVersion: mq.engineVersion,
    hostInstanceType: mq.instanceType,
    deploymentMode: mq.deploymentMode,
    publiclyAccessible: false,
    subnetIds: cluster ? privateSubnets(env) : privateSubnets(env).slice(0, 1),
    securityGroupIds: [sg('mq')],
    autoMinorVersionUpgrade: mq.autoMinorVersionUpgrade,
    maintenanceWindow: { ...mq.maintenanceWindow },
    generalLogs: mq.generalLogs,
    adminUsername: mq.adminUsername,
    adminSecretArn: ref(addr.secret('mqAdmin'), 'arn'),
  }, mq.generalLogs ? [SERVICE_LOGS_POLICY_ADDRESS] : undefined);
}

function searchLogKinds(data: DataConfig): SearchLogKind[] {
  return data.search.slowLogs ? ['application', 'index-slow', 'search-slow'] : ['application'];
}

function logGroupArn(config: Config, env: StackEnv, name: string): string {
  return `arn:${env.partition}:logs:${config.region}:${env.accountId}:log-group:${name}:*`;
}

/** One policy for both services that write into our log groups: the account has only 10 per region. */
function serviceLogsPolicyNode(config: Config, env: StackEnv, names: Names): DesiredNode {
  const domainArn = `arn:${env.partition}:es:${config.region}:${env.accountId}:domain/${names.searchDomain}`;
  return node(SERVICE_LOGS_POLICY_ADDRESS, 'logs.resourcePolicy', {
    policyName: names.serviceLogsPolicy,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'OpenSearchLogs',
          Effect: 'Allow',
          Principal: { Service: 'es.amazonaws.com' },
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: searchLogKinds(config.data).map((kind) => logGroupArn(config, env, names.searchLogGroup(kind))),
          Condition: { StringEquals: { 'aws:SourceAccount': env.accountId }, ArnLike: { 'aws:SourceArn': domainArn } },
        },
        {
          Sid: 'AmazonMQLogs',
          Effect: 'Allow',
          Principal: { Service: 'mq.amazonaws.com' },
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: logGroupArn(config, env, '/aws/amazonmq/*'),
          Condition: { StringEquals: { 'aws:SourceAccount': env.accountId } },
        },
      ],
    },
  });
}

function searchNodes(config: Config, env: StackEnv, names: Names): DesiredNode[] {
  const search = config.data.search;
  const kinds = searchLogKinds(config.data);
  const logGroups = kinds.map((kind) => node(addr.searchLogGroup(kind), 'logs.logGroup', {
    name: names.searchLogGroup(kind),
    retentionDays: search.logRetentionDays,
    kmsKeyArn: kmsArn(),
  }));
  const domainArn = `arn:${env.partition}:es:${config.region}:${env.accountId}:domain/${names.searchDomain}`;
  const masters = search.dedicatedMasters;
  const domain = node(addr.searchDomain, 'opensearch.domain', {
    domainName: names.searchDomain,
    engineVersion: search.engineVersion,
    instanceType: search.instanceType,
    instanceCount: searchInstanceCount(config.data, env.azs.length),
    availabilityZoneCount: env.azs.length,
    dedicatedMasterEnabled: masters.enabled,
    ...(masters.enabled ? { dedicatedMasterType: masters.instanceType, dedicatedMasterCount: masters.count } : {}),
    volumeSize: search.volumeSize,
    ...(search.volumeIops !== undefined ? { volumeIops: search.volumeIops } : {}),
    ...(search.volumeThroughput !== undefined ? { volumeThroughput: search.volumeThroughput } : {}),
    subnetIds: privateSubnets(env),
    securityGroupIds: [sg('search')],
    kmsKeyId: kmsArn(),
    tlsSecurityPolicy: TLS_POLICY,
    accessPolicy: {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { AWS: `arn:${env.partition}:iam::${env.accountId}:root` },
        Action: 'es:*',
        Resource: `${domainArn}/*`,
      }],
    },
    logs: Object.fromEntries(kinds.map((kind) => [kind, ref(addr.searchLogGroup(kind), 'arn')])),
    automatedSnapshotStartHour: search.automatedSnapshotStartHour,
    masterUsername: search.masterUsername,
    masterSecretArn: ref(addr.secret('searchMaster'), 'arn'),
  }, [SERVICE_LOGS_POLICY_ADDRESS, addr.searchServiceLinkedRole]);
  const serviceLinkedRole = node(addr.searchServiceLinkedRole, 'iam.serviceLinkedRole', {
    serviceName: 'opensearchservice.amazonaws.com',
  });
  return [...logGroups, serviceLinkedRole, domain];
}

/** SSM String parameters the app nodes read at boot: endpoints, names, and the ARNs (never values) of secrets. */
function parameterNodes(config: Config, names: Names): DesiredNode[] {
  const values: Record<string, { value: string | OutputRef; description: string }> = {
    'db/endpoint': { value: ref(addr.auroraCluster, 'endpoint'), description: 'Aurora writer endpoint' },
    'db/readerEndpoint': { value: ref(addr.auroraCluster, 'readerEndpoint'), description: 'Aurora reader endpoint' },
    'db/port': { value: String(config.data.db.port), description: 'Aurora port' },
    'db/name': { value: config.data.db.databaseName, description: 'Morpheus database name' },
    'db/masterSecretArn': { value: ref(addr.auroraCluster, 'masterSecretArn'), description: 'Secret (managed by RDS) of the Aurora master user' },
    'db/userSecretArn': { value: ref(addr.secret('dbApp'), 'arn'), description: 'Secret of the Morpheus database user' },
    'mq/amqpsHost': { value: ref(addr.mqBroker, 'amqpsHost'), description: 'RabbitMQ AMQPS host (port 5671)' },
    'mq/consoleUrl': { value: ref(addr.mqBroker, 'consoleUrl'), description: 'RabbitMQ management API / console URL' },
    'mq/vhost': { value: config.data.mq.vhost, description: 'RabbitMQ virtual host for Morpheus' },
    'mq/adminSecretArn': { value: ref(addr.secret('mqAdmin'), 'arn'), description: 'Secret of the RabbitMQ administrator' },
    'mq/appSecretArn': { value: ref(addr.secret('mqApp'), 'arn'), description: 'Secret of the RabbitMQ user Morpheus connects as' },
    'search/endpoint': { value: ref(addr.searchDomain, 'endpoint'), description: 'OpenSearch VPC endpoint host (HTTPS 443)' },
    'search/domainName': { value: names.searchDomain, description: 'OpenSearch domain name (Morpheus elasticsearch cluster)' },
    'search/masterSecretArn': { value: ref(addr.secret('searchMaster'), 'arn'), description: 'Secret of the OpenSearch master user' },
    'efs/fileSystemId': { value: ref(addr.efsFileSystem, 'fileSystemId'), description: 'EFS file system of /var/opt/morpheus/morpheus-ui' },
    'efs/accessPointId': { value: ref(addr.efsAccessPoint, 'accessPointId'), description: 'EFS access point (fixed UID/GID)' },
    'efs/dnsName': { value: ref(addr.efsFileSystem, 'dnsName'), description: 'EFS DNS name for NFS mounts' },
  };
  return Object.entries(values).map(([key, { value, description }]) => node(addr.ssmParameter(key), 'ssm.parameter', {
    name: names.ssmParameter(key), value, description,
  }));
}

/** The data tier's resources. */
export const dataTier: TierBuilder = (config, env) => {
  const issues = dataCrossTierIssues(config);
  if (issues.length) {
    throw new Error(`invalid data tier settings:\n${issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const names = dataNames(config.workspace);
  return [
    ...databaseNodes(config, env, names),
    ...fileSystemNodes(config, env),
    ...secretNodes(config, names),
    brokerNode(config, env, names),
    serviceLogsPolicyNode(config, env, names),
    ...searchNodes(config, env, names),
    ...parameterNodes(config, names),
  ];
};
