/**
 * Addresses shared between tiers, and the outputs each tier may rely on. Changing an address renames a
 * resource in every existing state: treat them as a public contract.
 *
 * Outputs:
 *  - kmsKey:        { keyId, arn }
 *  - vpc:           { vpcId, cidr }
 *  - subnets:       { subnetId, az, cidr }
 *  - securityGroup: { groupId }
 *  - natGateway:    { natGatewayId }
 *  - logGroup:      { name, arn }
 *  - iamRole:       { name, arn, instanceProfileName?, instanceProfileArn? }
 *  - kmsAlias:      { name, arn }
 *  - internetGateway: { internetGatewayId }
 *  - natEip:        { allocationId, publicIp }    (natGateway also has { publicIp })
 *  - routeTable:    { routeTableId }
 *  - flowLog:       { flowLogId }
 *  (logGroup `arn` is the group's own ARN, without a trailing `:*`; add `:*` for log-stream actions.)
 *  - auroraCluster: { clusterId, arn, endpoint, readerEndpoint, port, masterSecretArn }
 *  - efsFileSystem: { fileSystemId, arn, dnsName }
 *  - efsAccessPoint:{ accessPointId, arn }
 *  - mqBroker:      { brokerId, arn, amqpsEndpoint (amqps://host:5671), amqpsHost, consoleUrl (https://host) }
 *  - searchDomain:  { domainName, arn, endpoint (VPC endpoint host, no scheme) }
 *  - secret:        { arn, name }  — value is JSON {"username": "...", "password": "..."}, never in state
 *  - ssmParameter:  { name, arn }
 *  - snsTopic:      { arn, name }
 *  - snsSubscription: { arn, pendingConfirmation }
 *  - cloudwatchAlarm: { name, arn }
 *  - dashboard:     { name, arn }
 *  - budget:        { name }
 *  - backupVault:   { name, arn, region }
 *  - backupPlan:    { planId, arn, versionId }
 *  - backupSelection: { selectionId, planId }
 *  Alarm names, per monitored tier, come from alarmCatalog(config, env) in monitoringCatalog.ts.
 * SSM parameters live under `/morpheus-ws/<workspace>/` (see ssmPrefix) and hold every endpoint and secret ARN the
 * app nodes read at boot: db/endpoint, db/readerEndpoint, db/port, db/name, db/masterSecretArn, db/userSecretArn,
 * mq/amqpsHost, mq/consoleUrl, mq/adminSecretArn, mq/appSecretArn, search/endpoint, search/domainName,
 * search/masterSecretArn, efs/fileSystemId, efs/accessPointId.
 */
export type SecurityGroupName = 'alb' | 'app' | 'db' | 'mq' | 'search' | 'efs';
export const SECURITY_GROUPS: readonly SecurityGroupName[] = ['alb', 'app', 'db', 'mq', 'search', 'efs'];

export const addr = {
  kmsKey: 'security.kms.key',
  kmsAlias: 'security.kms.alias',
  vpc: 'network.vpc',
  internetGateway: 'network.igw',
  publicSubnet: (az: string) => `network.subnet.public[${az}]`,
  privateSubnet: (az: string) => `network.subnet.private[${az}]`,
  natEip: (az: string) => `network.eip.nat[${az}]`,
  natGateway: (az: string) => `network.nat[${az}]`,
  publicRouteTable: 'network.routeTable.public',
  privateRouteTable: (az: string) => `network.routeTable.private[${az}]`,
  flowLogGroup: 'network.flowLogs.logGroup',
  flowLogRole: 'network.flowLogs.role',
  flowLog: 'network.flowLogs',
  securityGroup: (name: SecurityGroupName) => `network.sg.${name}`,

  dbSubnetGroup: 'data.db.subnetGroup',
  dbClusterParameterGroup: 'data.db.clusterParameterGroup',
  dbMonitoringRole: 'data.db.monitoringRole',
  auroraCluster: 'data.db.cluster',
  auroraInstance: (n: number) => `data.db.instance[${n}]`,
  efsFileSystem: 'data.efs.fileSystem',
  efsMountTarget: (az: string) => `data.efs.mountTarget[${az}]`,
  efsAccessPoint: 'data.efs.accessPoint',
  mqBroker: 'data.mq.broker',
  searchDomain: 'data.search.domain',
  searchServiceLinkedRole: 'data.search.serviceLinkedRole',
  searchLogGroup: (kind: 'application' | 'index-slow' | 'search-slow') => `data.search.logGroup[${kind}]`,
  secret: (name: 'mqAdmin' | 'mqApp' | 'searchMaster' | 'dbApp') => `data.secret.${name}`,
  ssmParameter: (name: string) => `data.ssm[${name}]`,

  appRole: 'app.role',
  appLogGroup: (name: string) => `app.logGroup[${name}]`,
  launchTemplate: 'app.launchTemplate',
  autoScalingGroup: 'app.asg',
  loadBalancer: 'edge.alb',
  targetGroup: 'edge.targetGroup',
  certificate: 'edge.certificate',
  accessLogBucket: 'edge.accessLogBucket',
  httpsListener: 'edge.listener.https',
  httpListener: 'edge.listener.http',
  certificateValidationRecord: 'edge.certificate.validationRecord',
  certificateValidation: 'edge.certificate.validation',
  dnsRecord: 'edge.dnsRecord',
  appScalingPolicy: 'app.asg.cpuTargetPolicy',

  alarmTopic: 'monitoring.topic',
  alarmSubscription: (email: string) => `monitoring.topic.subscription[${email.toLowerCase()}]`,
  alarm: (key: string) => `monitoring.alarm[${key}]`,
  dashboard: 'monitoring.dashboard',
  budget: 'monitoring.budget',
  backupVault: 'backup.vault',
  drBackupKey: 'backup.dr.kmsKey',
  drBackupVault: 'backup.dr.vault',
  backupRole: 'backup.role',
  backupPlan: 'backup.plan',
  backupSelection: 'backup.selection',
} as const;

export const ssmPrefix = (workspace: string) => `/morpheus-ws/${workspace}/`;
