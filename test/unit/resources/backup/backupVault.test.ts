import {
  BackupClient, CreateBackupVaultCommand, DeleteBackupVaultCommand, DeleteRecoveryPointCommand, DescribeBackupVaultCommand,
  ListBackupVaultsCommand, ListRecoveryPointsByBackupVaultCommand,
} from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { backupVaultHandler } from '../../../../src/resources/backup/backupVault.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const backup = mockClient(BackupClient);
const ctx = makeCtx();
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/k1';
const DR_KEY = 'arn:aws:kms:us-west-2:123456789012:key/k2';
const vault = (name: string, region: string, key: string, points = 0) => ({
  BackupVaultName: name, BackupVaultArn: `arn:aws:backup:${region}:123456789012:backup-vault:${name}`, EncryptionKeyArn: key, NumberOfRecoveryPoints: points,
});

beforeEach(() => backup.reset());

describe('backup.vault', () => {
  it('creates the vault with its key, tags and idempotency token', async () => {
    backup.on(CreateBackupVaultCommand).resolves({});
    backup.on(DescribeBackupVaultCommand).resolves(vault('morpheus-ws-demo', 'us-east-1', KEY));
    const actual = await backupVaultHandler.create(ctx, { ...call(), inputs: { name: 'morpheus-ws-demo', encryptionKeyArn: KEY }, token: 'tok', tags: tagsFor('backup.vault') });
    expect(backup.commandCalls(CreateBackupVaultCommand)[0].args[0].input).toEqual({
      BackupVaultName: 'morpheus-ws-demo', EncryptionKeyArn: KEY, BackupVaultTags: tagsFor('backup.vault'), CreatorRequestId: 'tok',
    });
    expect(actual).toEqual({
      id: 'morpheus-ws-demo', inputs: { name: 'morpheus-ws-demo', encryptionKeyArn: KEY },
      outputs: { name: 'morpheus-ws-demo', arn: vault('morpheus-ws-demo', 'us-east-1', KEY).BackupVaultArn, region: 'us-east-1' },
    });
  });

  it('creates a DR vault with a client of the DR region', async () => {
    backup.on(CreateBackupVaultCommand).resolves({});
    backup.on(DescribeBackupVaultCommand).resolves(vault('morpheus-ws-demo-dr', 'us-west-2', DR_KEY));
    const inputs = { name: 'morpheus-ws-demo-dr', encryptionKeyArn: DR_KEY, region: 'us-west-2' };
    const actual = await backupVaultHandler.create(ctx, { ...call(), inputs, token: 'tok', tags: {} });
    expect(await backup.commandCalls(CreateBackupVaultCommand)[0].thisValue.config.region()).toBe('us-west-2');
    expect(actual.inputs).toEqual(inputs);
    expect(actual.outputs.region).toBe('us-west-2');
  });

  it('reads vaults with one ListBackupVaults per region', async () => {
    backup.on(ListBackupVaultsCommand).callsFake(async (_input, getClient) => {
      return (await getClient().config.region()) === 'us-west-2'
        ? { BackupVaultList: [vault('morpheus-ws-demo-dr', 'us-west-2', DR_KEY)] }
        : { BackupVaultList: [vault('morpheus-ws-demo', 'us-east-1', KEY)] };
    });
    const result = await backupVaultHandler.read(ctx, [
      { address: 'p', id: 'morpheus-ws-demo', inputs: { name: 'morpheus-ws-demo' }, outputs: {} },
      { address: 'dr', id: 'morpheus-ws-demo-dr', inputs: { region: 'us-west-2' }, outputs: {} },
      { address: 'gone', id: 'other', inputs: {}, outputs: {} },
    ]);
    expect(backup.commandCalls(ListBackupVaultsCommand)).toHaveLength(2);
    expect([...result.keys()].sort()).toEqual(['dr', 'p']);
    expect(result.get('dr')!.inputs.region).toBe('us-west-2');
  });

  it('deletes an empty vault without listing recovery points', async () => {
    backup.on(DescribeBackupVaultCommand).resolvesOnce(vault('v', 'us-east-1', KEY)).rejects(awsError('ResourceNotFoundException'));
    backup.on(DeleteBackupVaultCommand).resolves({});
    await backupVaultHandler.delete(ctx, { ...call(), id: 'v', inputs: {}, outputs: {} });
    expect(backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)).toHaveLength(0);
  });

  it('deletes every recovery point and waits until none is left before deleting the vault', async () => {
    backup.on(DescribeBackupVaultCommand).resolvesOnce(vault('v', 'us-east-1', KEY, 2)).rejects(awsError('ResourceNotFoundException'));
    backup.on(ListRecoveryPointsByBackupVaultCommand)
      .resolvesOnce({ RecoveryPoints: [{ RecoveryPointArn: 'rp1', Status: 'COMPLETED' }, { RecoveryPointArn: 'rp2', Status: 'COMPLETED' }] })
      .resolvesOnce({ RecoveryPoints: [{ RecoveryPointArn: 'rp2', Status: 'DELETING' }] })
      .resolves({ RecoveryPoints: [] });
    backup.on(DeleteRecoveryPointCommand).resolves({});
    backup.on(DeleteBackupVaultCommand).resolves({});
    await withFakeTime(() => backupVaultHandler.delete(ctx, { ...call(), id: 'v', inputs: {}, outputs: {} }));
    expect(backup.commandCalls(DeleteRecoveryPointCommand).map((c) => c.args[0].input.RecoveryPointArn)).toEqual(['rp1', 'rp2']);
    const order = backup.calls().map((c) => (c.args[0] as object).constructor.name);
    expect(order.lastIndexOf('ListRecoveryPointsByBackupVaultCommand')).toBeLessThan(order.indexOf('DeleteBackupVaultCommand'));
  });

  it('empties again and retries when the vault still has points the count did not show', async () => {
    backup.on(DescribeBackupVaultCommand).resolvesOnce(vault('v', 'us-east-1', KEY)).rejects(awsError('ResourceNotFoundException'));
    backup.on(DeleteBackupVaultCommand).rejectsOnce(awsError('InvalidRequestException')).resolves({});
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [] });
    await withFakeTime(() => backupVaultHandler.delete(ctx, { ...call(), id: 'v', inputs: {}, outputs: {} }));
    expect(backup.commandCalls(DeleteBackupVaultCommand)).toHaveLength(2);
    expect(backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)).toHaveLength(1);
  });

  it('a vault already gone is deleted', async () => {
    backup.on(DescribeBackupVaultCommand).rejects(awsError('ResourceNotFoundException'));
    await backupVaultHandler.delete(ctx, { ...call(), id: 'v', inputs: {}, outputs: {} });
    expect(backup.commandCalls(DeleteBackupVaultCommand)).toHaveLength(0);
  });
});
