import type { DesiredNode } from '../engine/types.js';
import { ref } from '../engine/types.js';
import { addr } from './addresses.js';
import type { TierBuilder } from './types.js';

export interface KeyPolicyEnv {
  accountId: string;
  partition: string;
  region: string;
}

/** Services that encrypt the stack's data with the key on the account's behalf (kms:ViaService). */
const VIA_SERVICES = ['rds', 'elasticfilesystem', 'mq', 'es', 'secretsmanager', 'ssm', 'ec2', 'backup', 'sns'];

export function dnsSuffix(partition: string): string {
  return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/**
 * The workspace key's policy: the account administers it; CloudWatch Logs, the Auto Scaling service-linked role
 * (encrypted EBS volumes of the app instances), CloudWatch alarms and AWS Budgets (encrypted SNS topic) use it directly; every
 * other service uses it only on behalf of this account (kms:ViaService + kms:CallerAccount).
 */
export const KEY_USE_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];

export function accountAdministers(partition: string, accountId: string): object {
  return { Sid: 'AccountAdministers', Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' };
}

/** AWS services acting for the account (kms:ViaService) may use the key and grant it to the resources they create. */
export function servicesUseKey(accountId: string, viaServices: string[], sidPrefix: string): object[] {
  const via = { 'kms:CallerAccount': accountId, 'kms:ViaService': viaServices };
  return [
    { Sid: `${sidPrefix}UseKey`, Effect: 'Allow', Principal: { AWS: '*' }, Action: KEY_USE_ACTIONS, Resource: '*', Condition: { StringEquals: via } },
    {
      Sid: `${sidPrefix}CreateGrants`, Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:CreateGrant', Resource: '*',
      Condition: { StringEquals: via, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    },
  ];
}

export function kmsKeyPolicy(env: KeyPolicyEnv): object {
  const { accountId, partition, region } = env;
  const suffix = dnsSuffix(partition);
  const useActions = KEY_USE_ACTIONS;
  const viaServices = VIA_SERVICES.map((service) => `${service}.${region}.${suffix}`);
  const autoScalingRole = `arn:${partition}:iam::${accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
  return {
    Version: '2012-10-17',
    Id: 'morpheus-ws-key-policy',
    Statement: [
      accountAdministers(partition, accountId),
      {
        Sid: 'CloudWatchLogsEncryptsLogGroups',
        Effect: 'Allow',
        Principal: { Service: `logs.${region}.${suffix}` },
        Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        Resource: '*',
        Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${accountId}:*` } },
      },
      ...servicesUseKey(accountId, viaServices, 'AccountServices'),
      // The service-linked role is matched by aws:PrincipalArn rather than named as Principal: a key policy
      // naming a role that does not exist yet (the SLR appears on first Auto Scaling use) is rejected.
      {
        Sid: 'AutoScalingUsesKeyForEbs',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: useActions,
        Resource: '*',
        Condition: { StringEquals: { 'kms:CallerAccount': accountId }, ArnEquals: { 'aws:PrincipalArn': autoScalingRole } },
      },
      {
        Sid: 'AutoScalingCreatesGrantsForEbs',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: {
          StringEquals: { 'kms:CallerAccount': accountId },
          ArnEquals: { 'aws:PrincipalArn': autoScalingRole },
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
        },
      },
      {
        Sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
      },
      {
        Sid: 'BudgetsPublishToEncryptedTopic',
        Effect: 'Allow',
        Principal: { Service: 'budgets.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
      },
    ],
  };
}

export function kmsAliasName(workspace: string): string {
  return `alias/morpheus-ws/${workspace}`;
}

/** The security tier: the workspace's customer-managed key and its alias. */
export const securityTier: TierBuilder = (config, env) => {
  const nodes: DesiredNode[] = [
    {
      address: addr.kmsKey,
      kind: 'kms.key',
      tier: 'security',
      inputs: {
        description: `morpheus-ws ${config.workspace}: logs, database, file system, broker, search, secrets, parameters and volumes`,
        policy: kmsKeyPolicy({ accountId: env.accountId, partition: env.partition, region: config.region }),
        enableKeyRotation: true,
        deletionWindowDays: config.kms.deletionWindowDays,
      },
    },
    {
      address: addr.kmsAlias,
      kind: 'kms.alias',
      tier: 'security',
      inputs: { name: kmsAliasName(config.workspace), targetKeyId: ref(addr.kmsKey, 'keyId') },
    },
  ];
  return nodes;
};
