/**
 * The backup tier: an AWS Backup vault encrypted with the workspace key, a daily plan whose rule copies every
 * recovery point to a vault in the DR region (with its own key there), and a selection of the Aurora cluster and
 * the EFS file system, run by a role that AWS Backup assumes. Pure: config -> desired nodes.
 */
import { backupCrossTierIssues, drRegionFor } from '../config/backup.js';
import type { Config } from '../config/schema.js';
import { ref, type DesiredNode } from '../engine/types.js';
import { addr } from './addresses.js';
import { accountAdministers, dnsSuffix, servicesUseKey } from './security.js';
import type { StackEnv, TierBuilder } from './types.js';

export const backupNames = (workspace: string) => ({
  vault: `morpheus-ws-${workspace}`,
  drVault: `morpheus-ws-${workspace}-dr`,
  role: `morpheus-ws-${workspace}-backup`,
  plan: `morpheus-ws-${workspace}`,
  rule: 'daily',
  selection: 'aurora-and-efs',
});

function node(address: string, kind: string, inputs: Record<string, unknown>): DesiredNode {
  return { address, kind, tier: 'backup', inputs };
}

/** The DR key: the account administers it; AWS Backup (and the services it copies for) use it in that region only. */
export function drKeyPolicy(env: StackEnv, drRegion: string): object {
  const { accountId, partition } = env;
  const viaServices = ['backup', 'rds', 'elasticfilesystem'].map((service) => `${service}.${drRegion}.${dnsSuffix(partition)}`);
  return {
    Version: '2012-10-17',
    Id: 'morpheus-ws-dr-backup-key-policy',
    Statement: [accountAdministers(partition, accountId), ...servicesUseKey(accountId, viaServices, 'Backup')],
  };
}

/** The backup tier's resources. */
export const backupTier: TierBuilder = (config: Config, env: StackEnv) => {
  if (!config.backup.enabled) return [];
  const issues = backupCrossTierIssues(config);
  if (issues.length) {
    throw new Error(`invalid backup settings:\n${issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const backup = config.backup;
  const names = backupNames(config.workspace);
  const policyArn = (name: string) => `arn:${env.partition}:iam::aws:policy/service-role/${name}`;
  const nodes: DesiredNode[] = [
    node(addr.backupVault, 'backup.vault', { name: names.vault, encryptionKeyArn: ref(addr.kmsKey, 'arn') }),
    node(addr.backupRole, 'iam.role', {
      name: names.role,
      description: `AWS Backup of the morpheus-ws ${config.workspace} Aurora cluster and EFS file system`,
      assumeRolePolicy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      managedPolicyArns: [policyArn('AWSBackupServiceRolePolicyForBackup'), policyArn('AWSBackupServiceRolePolicyForRestores')],
      inlinePolicies: {},
    }),
  ];
  const drRegion = drRegionFor(config);
  const copyActions: Record<string, unknown>[] = [];
  if (backup.copyToDrRegion && drRegion) {
    nodes.push(
      node(addr.drBackupKey, 'kms.key', {
        description: `morpheus-ws ${config.workspace}: DR copies of the Aurora and EFS backups (from ${config.region})`,
        policy: drKeyPolicy(env, drRegion),
        enableKeyRotation: true,
        deletionWindowDays: config.kms.deletionWindowDays,
        region: drRegion,
      }),
      node(addr.drBackupVault, 'backup.vault', { name: names.drVault, encryptionKeyArn: ref(addr.drBackupKey, 'arn'), region: drRegion }),
    );
    copyActions.push({ destinationVaultArn: ref(addr.drBackupVault, 'arn'), deleteAfterDays: backup.drRetentionDays });
  }
  nodes.push(
    node(addr.backupPlan, 'backup.plan', {
      name: names.plan,
      rules: [{
        ruleName: names.rule,
        targetVaultName: ref(addr.backupVault, 'name'),
        schedule: backup.schedule,
        startWindowMinutes: backup.startWindowMinutes,
        completionWindowMinutes: backup.completionWindowMinutes,
        deleteAfterDays: backup.retentionDays,
        copyActions,
      }],
    }),
    node(addr.backupSelection, 'backup.selection', {
      planId: ref(addr.backupPlan, 'planId'),
      name: names.selection,
      iamRoleArn: ref(addr.backupRole, 'arn'),
      resources: [ref(addr.auroraCluster, 'arn'), ref(addr.efsFileSystem, 'arn')],
    }),
  );
  return nodes;
};
