import {
  BackupClient, CreateBackupPlanCommand, DeleteBackupPlanCommand, GetBackupPlanCommand, ListBackupPlansCommand, UpdateBackupPlanCommand,
} from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { backupPlanHandler } from '../../../../src/resources/backup/backupPlan.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const backup = mockClient(BackupClient);
const ctx = makeCtx();
const DR_VAULT = 'arn:aws:backup:us-west-2:123456789012:backup-vault:morpheus-ws-demo-dr';
const rule = {
  ruleName: 'daily', targetVaultName: 'morpheus-ws-demo', schedule: 'cron(0 5 ? * * *)', startWindowMinutes: 60,
  completionWindowMinutes: 480, deleteAfterDays: 35, copyActions: [{ destinationVaultArn: DR_VAULT, deleteAfterDays: 35 }],
};
const inputs = { name: 'morpheus-ws-demo', rules: [rule] };
const sdkRule = {
  RuleName: 'daily', TargetBackupVaultName: 'morpheus-ws-demo', ScheduleExpression: 'cron(0 5 ? * * *)', StartWindowMinutes: 60,
  CompletionWindowMinutes: 480, Lifecycle: { DeleteAfterDays: 35 }, CopyActions: [{ DestinationBackupVaultArn: DR_VAULT, Lifecycle: { DeleteAfterDays: 35 } }],
};
const got = (extra: object = {}) => ({
  BackupPlanId: 'p1', BackupPlanArn: 'arn:aws:backup:us-east-1:123456789012:backup-plan:p1', VersionId: 'v1',
  BackupPlan: { BackupPlanName: 'morpheus-ws-demo', Rules: [{ ...sdkRule, RuleId: 'r1', ScheduleExpressionTimezone: 'Etc/UTC' }] }, ...extra,
});

beforeEach(() => backup.reset());

describe('backup.plan', () => {
  it('creates a daily rule with retention and a copy to the DR vault, with its token and tags', async () => {
    backup.on(CreateBackupPlanCommand).resolves({ BackupPlanId: 'p1' });
    backup.on(GetBackupPlanCommand).resolves(got());
    const actual = await backupPlanHandler.create(ctx, { ...call(), inputs, token: 'tok', tags: tagsFor('backup.plan') });
    expect(backup.commandCalls(CreateBackupPlanCommand)[0].args[0].input).toEqual({
      BackupPlan: { BackupPlanName: 'morpheus-ws-demo', Rules: [sdkRule] }, BackupPlanTags: tagsFor('backup.plan'), CreatorRequestId: 'tok',
    });
    expect(actual).toEqual({ id: 'p1', inputs, outputs: { planId: 'p1', arn: got().BackupPlanArn, versionId: 'v1' } });
  });

  it('reads a deleted plan (still returned with a DeletionDate) as gone', async () => {
    backup.on(GetBackupPlanCommand, { BackupPlanId: 'p1' }).resolves(got({ DeletionDate: new Date() }));
    backup.on(GetBackupPlanCommand, { BackupPlanId: 'p2' }).rejects(awsError('ResourceNotFoundException'));
    const result = await backupPlanHandler.read(ctx, ['p1', 'p2'].map((id) => ({ address: id, id, inputs: {}, outputs: {} })));
    expect(result.size).toBe(0);
  });

  it('finds the plan of an interrupted create by its CreatorRequestId', async () => {
    backup.on(ListBackupPlansCommand).resolves({ BackupPlansList: [
      { BackupPlanId: 'old', BackupPlanName: 'morpheus-ws-demo', DeletionDate: new Date() },
      { BackupPlanId: 'p1', BackupPlanName: 'x', CreatorRequestId: 'tok' },
    ] });
    backup.on(GetBackupPlanCommand).resolves(got());
    const found = await backupPlanHandler.find(ctx, { address: 'backup.plan', token: 'tok', inputs, tags: {} });
    expect(found?.id).toBe('p1');
  });

  it('updates the rules in place', async () => {
    backup.on(UpdateBackupPlanCommand).resolves({});
    backup.on(GetBackupPlanCommand).resolves(got());
    await backupPlanHandler.update!(ctx, { ...call(), id: 'p1', inputs, changed: ['rules'], tags: {}, previous: { id: 'p1', inputs: {}, outputs: {} } });
    expect(backup.commandCalls(UpdateBackupPlanCommand)[0].args[0].input).toEqual({ BackupPlanId: 'p1', BackupPlan: { BackupPlanName: 'morpheus-ws-demo', Rules: [sdkRule] } });
  });

  it('retries the deletion while selections are still counted, then waits until it is gone', async () => {
    backup.on(DeleteBackupPlanCommand).rejectsOnce(awsError('InvalidRequestException')).resolves({});
    backup.on(GetBackupPlanCommand).resolves(got({ DeletionDate: new Date() }));
    await withFakeTime(() => backupPlanHandler.delete(ctx, { ...call(), id: 'p1', inputs, outputs: {} }));
    expect(backup.commandCalls(DeleteBackupPlanCommand)).toHaveLength(2);
  });
});
