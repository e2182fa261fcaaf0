/** The AWS Backup recovery points of one protected resource (Aurora cluster, EFS file system), newest first. */
import { BackupClient, ListRecoveryPointsByResourceCommand } from '@aws-sdk/client-backup';
import type { AwsClients } from '../../aws/clients.js';

export interface RecoveryPoint {
  arn: string;
  vault: string;
  status: string;
  created: Date;
}

export async function recoveryPointsOf(aws: AwsClients, resourceArn: string): Promise<RecoveryPoint[]> {
  const backup = aws.get(BackupClient);
  const points: RecoveryPoint[] = [];
  let token: string | undefined;
  do {
    const out = await backup.send(new ListRecoveryPointsByResourceCommand({ ResourceArn: resourceArn, NextToken: token }));
    for (const p of out.RecoveryPoints ?? []) {
      points.push({
        arn: p.RecoveryPointArn!, vault: p.BackupVaultName ?? '', status: p.Status ?? 'UNKNOWN',
        created: p.CreationDate ?? new Date(0),
      });
    }
    token = out.NextToken;
  } while (token);
  return points.sort((a, b) => b.created.getTime() - a.created.getTime());
}
