import {
  BackupClient, CreateBackupSelectionCommand, DeleteBackupSelectionCommand, GetBackupSelectionCommand, ListBackupSelectionsCommand,
} from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { backupSelectionHandler } from '../../../../src/resources/backup/backupSelection.js';
import { awsError, call, makeCtx, withFakeTime } from '../shared/handlerHarness.js';

const backup = mockClient(BackupClient);
const ctx = makeCtx();
const ROLE = 'arn:aws:iam::123456789012:role/morpheus-ws-demo-backup';
const CLUSTER = 'arn:aws:rds:us-east-1:123456789012:cluster:demo-aurora';
const EFS = 'arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1';
const inputs = { planId: 'p1', name: 'aurora-and-efs', iamRoleArn: ROLE, resources: [CLUSTER, EFS] };
const got = { SelectionId: 's1', BackupPlanId: 'p1', BackupSelection: { SelectionName: 'aurora-and-efs', IamRoleArn: ROLE, Resources: [EFS, CLUSTER] } };

beforeEach(() => backup.reset());

describe('backup.selection', () => {
  it('selects the cluster and the file system with the role and a token', async () => {
    backup.on(CreateBackupSelectionCommand).resolves({ SelectionId: 's1', BackupPlanId: 'p1' });
    const actual = await backupSelectionHandler.create(ctx, { ...call(), inputs, token: 'tok', tags: {} });
    expect(backup.commandCalls(CreateBackupSelectionCommand)[0].args[0].input).toEqual({
      BackupPlanId: 'p1', BackupSelection: { SelectionName: 'aurora-and-efs', IamRoleArn: ROLE, Resources: [CLUSTER, EFS] }, CreatorRequestId: 'tok',
    });
    expect(actual).toEqual({ id: 's1', inputs, outputs: { selectionId: 's1', planId: 'p1' } });
  });

  it('retries while the new role is not yet assumable, not on other invalid values', async () => {
    backup.on(CreateBackupSelectionCommand)
      .rejectsOnce(awsError('InvalidParameterValueException', 'IAM Role arn:aws:iam::123456789012:role/x is not authorized'))
      .resolves({ SelectionId: 's1' });
    await withFakeTime(() => backupSelectionHandler.create(ctx, { ...call(), inputs, token: 'tok', tags: {} }));
    expect(backup.commandCalls(CreateBackupSelectionCommand)).toHaveLength(2);
    backup.on(CreateBackupSelectionCommand).rejects(awsError('InvalidParameterValueException', 'Invalid ARN in Resources'));
    await expect(backupSelectionHandler.create(ctx, { ...call(), inputs, token: 'tok', tags: {} })).rejects.toThrow('Invalid ARN');
  });

  it('reads per plan with one list, then the resources of each listed selection', async () => {
    backup.on(ListBackupSelectionsCommand).resolves({ BackupSelectionsList: [{ SelectionId: 's1', SelectionName: 'aurora-and-efs' }] });
    backup.on(GetBackupSelectionCommand).resolves(got);
    const result = await backupSelectionHandler.read(ctx, [
      { address: 'a', id: 's1', inputs, outputs: {} }, { address: 'b', id: 's2', inputs, outputs: {} },
    ]);
    expect(backup.commandCalls(ListBackupSelectionsCommand)).toHaveLength(1);
    expect([...result.keys()]).toEqual(['a']);
    expect(backupSelectionHandler.equal!('resources', inputs.resources, result.get('a')!.inputs.resources)).toBe(true);
  });

  it('reads nothing when the plan is gone', async () => {
    backup.on(ListBackupSelectionsCommand).rejects(awsError('ResourceNotFoundException'));
    expect((await backupSelectionHandler.read(ctx, [{ address: 'a', id: 's1', inputs, outputs: {} }])).size).toBe(0);
  });

  it('finds an interrupted create by CreatorRequestId', async () => {
    backup.on(ListBackupSelectionsCommand).resolves({ BackupSelectionsList: [{ SelectionId: 's1', SelectionName: 'other', CreatorRequestId: 'tok' }] });
    backup.on(GetBackupSelectionCommand).resolves(got);
    expect((await backupSelectionHandler.find(ctx, { address: 'a', token: 'tok', inputs, tags: {} }))?.id).toBe('s1');
  });

  it('deletes, treating NotFound as gone', async () => {
    backup.on(DeleteBackupSelectionCommand).rejects(awsError('ResourceNotFoundException'));
    await backupSelectionHandler.delete(ctx, { ...call(), id: 's1', inputs, outputs: {} });
    expect(backup.commandCalls(DeleteBackupSelectionCommand)[0].args[0].input).toEqual({ BackupPlanId: 'p1', SelectionId: 's1' });
  });
});
