import { isAmiId } from '../config/app.js';
import type { Config } from '../config/schema.js';
import { ref, type DesiredNode, type OutputRef } from '../engine/types.js';
import { addr, ssmPrefix } from './addresses.js';
import type { StackEnv, TierBuilder } from './types.js';
import { APPLIANCE_URL_PLACEHOLDER, renderUserData } from './userData/index.js';
import type { AppLogGroups } from './userData/cloudwatchAgent.js';

/** SSM parameters the boot script reads (written by the data tier). */
export const BOOT_PARAMETERS = [
  'db/endpoint', 'db/port', 'db/name', 'db/masterSecretArn', 'db/userSecretArn',
  'mq/amqpsHost', 'mq/consoleUrl', 'mq/vhost', 'mq/adminSecretArn', 'mq/appSecretArn',
  'search/endpoint', 'search/domainName', 'search/masterSecretArn', 'efs/fileSystemId', 'efs/dnsName',
] as const;

export function appLogGroupNames(workspace: string): AppLogGroups {
  return {
    morpheus: `/morpheus-ws/${workspace}/app/morpheus`,
    system: `/morpheus-ws/${workspace}/app/system`,
    bootstrap: `/morpheus-ws/${workspace}/app/bootstrap`,
  };
}

export const appNames = (workspace: string) => ({
  role: `${workspace}-morpheus-app`,
  launchTemplate: `${workspace}-morpheus-app`,
  autoScalingGroup: `${workspace}-morpheus-app`,
  cpuPolicy: `${workspace}-morpheus-app-cpu-target`,
});

/** What Morpheus users type; without a host name, the load balancer's own DNS name. */
export function applianceUrl(config: Config): string | OutputRef | undefined {
  if (config.edge.hostname) return `https://${config.edge.hostname}`;
  if (config.edge.enabled) return ref(addr.loadBalancer, 'url');
  return undefined;
}

/** The app tier: Morpheus app nodes in an Auto Scaling group across the private subnets of every AZ. */
export const appTier: TierBuilder = (config, env) => {
  if (!config.app.enabled) return [];
  const ws = config.workspace;
  const app = config.app;
  const names = appNames(ws);
  const logGroups = appLogGroupNames(ws);
  const kmsKeyArn = ref(addr.kmsKey, 'arn');

  const logGroupNodes: DesiredNode[] = Object.entries(logGroups).map(([key, name]) => ({
    address: addr.appLogGroup(key),
    kind: 'logs.logGroup',
    tier: 'app',
    inputs: { name, retentionDays: app.logRetentionDays, kmsKeyArn },
  }));

  const role: DesiredNode = {
    address: addr.appRole,
    kind: 'iam.role',
    tier: 'app',
    inputs: {
      name: names.role,
      description: `Morpheus app nodes of morpheus-ws workspace ${ws}`,
      assumeRolePolicy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      managedPolicyArns: [`arn:${env.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`],
      inlinePolicies: { 'morpheus-app-node': nodePolicy(config, env, logGroups) },
      instanceProfile: true,
    },
  };

  const url = applianceUrl(config);
  const userDataText = renderUserData({
    workspace: ws,
    region: config.region,
    ssmPrefix: ssmPrefix(ws),
    // No edge and no host name: the node falls back to its own name.
    applianceUrl: typeof url === 'string' ? url : url === undefined ? '' : undefined,
    packageUrl: app.packageUrl,
    packageSha256: app.packageSha256,
    // The owner of Morpheus files on the shared storage: one id on every node, the one the data tier gives EFS.
    morpheusUid: config.data.efs.posixUid,
    morpheusGid: config.data.efs.posixGid,
    efsMount: app.efsMount,
    logGroups,
  });

  const launchTemplate: DesiredNode = {
    address: addr.launchTemplate,
    kind: 'ec2.launchTemplate',
    tier: 'app',
    inputs: {
      name: names.launchTemplate,
      imageId: isAmiId(app.ami) ? app.ami : `resolve:ssm:${app.ami}`,
      instanceType: app.instanceType,
      instanceProfileArn: ref(addr.appRole, 'instanceProfileArn'),
      securityGroupIds: [ref(addr.securityGroup('app'), 'groupId')],
      kmsKeyArn,
      rootDeviceName: app.rootDeviceName,
      rootVolumeGb: app.rootVolumeGb,
      dataVolumeGb: app.dataVolumeGb,
      volumeIops: app.volumeIops,
      volumeThroughputMbps: app.volumeThroughputMbps,
      metadataHopLimit: app.metadataHopLimit,
      detailedMonitoring: true,
      userData: {
        template: userDataText,
        values: url !== undefined && typeof url !== 'string' ? { [APPLIANCE_URL_PLACEHOLDER]: url } : {},
      },
    },
  };

  const dataDependencies = [
    ...BOOT_PARAMETERS.map((name) => addr.ssmParameter(name)),
    addr.mqBroker,
    addr.searchDomain,
    ...env.azs.map((az) => addr.efsMountTarget(az)),
  ];

  const autoScalingGroup: DesiredNode = {
    address: addr.autoScalingGroup,
    kind: 'autoscaling.group',
    tier: 'app',
    inputs: {
      name: names.autoScalingGroup,
      launchTemplateId: ref(addr.launchTemplate, 'launchTemplateId'),
      launchTemplateVersion: ref(addr.launchTemplate, 'version'),
      subnetIds: env.azs.map((az) => ref(addr.privateSubnet(az), 'subnetId')),
      targetGroupArns: config.edge.enabled ? [ref(addr.targetGroup, 'arn')] : [],
      minSize: app.minSize,
      maxSize: app.maxSize,
      desiredCapacity: app.desiredCapacity,
      healthCheckType: config.edge.enabled ? 'ELB' : 'EC2',
      healthCheckGracePeriodSeconds: app.healthCheckGracePeriodSeconds,
      metricsCollection: true,
      instanceRefresh: {
        minHealthyPercentage: app.instanceRefreshMinHealthyPercent,
        instanceWarmupSeconds: app.healthCheckGracePeriodSeconds,
      },
    },
    // Nodes write to the log groups and read the data tier's parameters and services the moment they boot.
    dependsOn: [...logGroupNodes.map((n) => n.address), ...dataDependencies],
  };

  const cpuPolicy: DesiredNode = {
    address: addr.appScalingPolicy,
    kind: 'autoscaling.scalingPolicy',
    tier: 'app',
    inputs: {
      autoScalingGroupName: ref(addr.autoScalingGroup, 'name'),
      policyName: names.cpuPolicy,
      predefinedMetric: 'ASGAverageCPUUtilization',
      targetValue: app.cpuTargetPercent,
    },
  };

  return [...logGroupNodes, role, launchTemplate, autoScalingGroup, cpuPolicy];
};

/** Exactly what a node needs: its secrets, its parameters, the workspace key, its log groups, its file system. */
function nodePolicy(config: Config, env: StackEnv, logGroups: AppLogGroups): object {
  const arn = (service: string, resource: string) => `arn:${env.partition}:${service}:${config.region}:${env.accountId}:${resource}`;
  const prefix = ssmPrefix(config.workspace).replace(/\/$/, '');
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadOwnSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: [
          ref(addr.secret('dbApp'), 'arn'),
          ref(addr.secret('mqAdmin'), 'arn'),
          ref(addr.secret('mqApp'), 'arn'),
          ref(addr.secret('searchMaster'), 'arn'),
          ref(addr.auroraCluster, 'masterSecretArn'),
        ],
      },
      {
        Sid: 'ReadOwnParameters',
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
        Resource: [arn('ssm', `parameter${prefix}`), arn('ssm', `parameter${prefix}/*`)],
      },
      {
        Sid: 'DecryptWithWorkspaceKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: ref(addr.kmsKey, 'arn'),
      },
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: Object.values(logGroups).flatMap((name) => [
          arn('logs', `log-group:${name}`),
          arn('logs', `log-group:${name}:log-stream:*`),
        ]),
      },
      {
        Sid: 'MountSharedStorage',
        Effect: 'Allow',
        Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite', 'elasticfilesystem:ClientRootAccess'],
        Resource: ref(addr.efsFileSystem, 'arn'),
      },
      {
        // PutMetricData has no resource-level permissions; the namespace condition keeps it to the agent's metrics.
        Sid: 'PublishAgentMetrics',
        Effect: 'Allow',
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'CWAgent' } },
      },
    ],
  };
}
