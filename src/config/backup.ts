import { z } from 'zod';
import type { CrossTierIssue } from './data.js';

/** The region each region's backups are copied to unless `backup.drRegion` says otherwise: the usual pairs. */
const DR_PAIRS: Record<string, string> = {
  'us-east-1': 'us-west-2', 'us-east-2': 'us-west-2', 'us-west-1': 'us-east-1', 'us-west-2': 'us-east-1',
  'ca-central-1': 'us-east-1', 'ca-west-1': 'ca-central-1', 'sa-east-1': 'us-east-1',
  'eu-west-1': 'eu-central-1', 'eu-central-1': 'eu-west-1', 'eu-west-2': 'eu-west-1', 'eu-west-3': 'eu-central-1',
  'eu-north-1': 'eu-central-1', 'eu-south-1': 'eu-central-1', 'eu-central-2': 'eu-central-1', 'eu-south-2': 'eu-west-3',
  'ap-northeast-1': 'ap-northeast-3', 'ap-northeast-3': 'ap-northeast-1', 'ap-northeast-2': 'ap-northeast-1',
  'ap-southeast-1': 'ap-southeast-2', 'ap-southeast-2': 'ap-southeast-1', 'ap-south-1': 'ap-southeast-1',
  'ap-east-1': 'ap-southeast-1', 'me-south-1': 'eu-central-1', 'me-central-1': 'eu-central-1', 'af-south-1': 'eu-west-1',
  'us-gov-west-1': 'us-gov-east-1', 'us-gov-east-1': 'us-gov-west-1',
};

/** AWS Backup schedules: `cron(minutes hours day-of-month month day-of-week year)`. */
const BACKUP_CRON = /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

/** The backup tier's settings: a daily AWS Backup plan for Aurora and EFS, copied to a vault in a DR region. */
export const backupSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Deploy this tier.'),
  schedule: z.string().regex(BACKUP_CRON, 'must be an AWS Backup cron expression such as cron(0 5 ? * * *)')
    .default('cron(0 5 ? * * *)').describe('When the daily backup starts (UTC); by default after the Aurora backup window.'),
  startWindowMinutes: z.number().int().min(60).max(10080).default(60).describe('How long a backup may wait to start.'),
  completionWindowMinutes: z.number().int().min(120).max(10080 * 10).default(480).describe('How long a backup may run.'),
  retentionDays: z.number().int().min(1).max(36500).default(35).describe('How long recovery points are kept in the primary vault.'),
  copyToDrRegion: z.boolean().default(true).describe('Copy every recovery point to a vault in the DR region.'),
  drRegion: z.string().regex(REGION, 'must be an AWS region code such as us-west-2').optional()
    .describe('Region of the DR vault. Default: the usual pair of the stack region (us-east-1 -> us-west-2, eu-west-1 -> eu-central-1…).'),
  drRetentionDays: z.number().int().min(1).max(36500).default(35).describe('How long copies are kept in the DR vault.'),
}).superRefine((backup, ctx) => {
  if (backup.completionWindowMinutes < backup.startWindowMinutes + 60) {
    ctx.addIssue({ code: 'custom', path: ['completionWindowMinutes'], message: 'must be at least 60 minutes longer than startWindowMinutes' });
  }
});

export type BackupConfig = z.infer<typeof backupSchema>;

/** The DR region: the configured one, or the usual pair of `region` (undefined when there is none). */
export function drRegionFor(config: { region: string; backup: BackupConfig }): string | undefined {
  return config.backup.drRegion ?? DR_PAIRS[config.region];
}

/** Checks that need the stack region. Call from the whole-config superRefine; the backup builder refuses too. */
export function backupCrossTierIssues(config: { region: string; backup: BackupConfig }): CrossTierIssue[] {
  const backup = config.backup;
  if (!backup.enabled || !backup.copyToDrRegion) return [];
  const dr = drRegionFor(config);
  if (dr === undefined) {
    return [{ path: ['backup', 'drRegion'], message: `no default DR region for ${config.region}: set backup.drRegion or backup.copyToDrRegion: false` }];
  }
  if (dr === config.region) {
    return [{ path: ['backup', 'drRegion'], message: `must differ from the stack region ${config.region}: a copy in the same region does not survive a regional outage` }];
  }
  return [];
}
