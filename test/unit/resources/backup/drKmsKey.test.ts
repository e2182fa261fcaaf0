/** The DR backup key is a `kms.key` with a `region` input: every call goes to that region's KMS. */
import {
  CreateKeyCommand, DescribeKeyCommand, EnableKeyRotationCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand, KMSClient,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { kmsKeyHandler } from '../../../../src/resources/security/kmsKey.js';
import { call, makeCtx, tagsFor } from '../shared/handlerHarness.js';

const kms = mockClient(KMSClient);
const ctx = makeCtx();
const policy = { Version: '2012-10-17', Statement: [] };
const inputs = { description: 'dr key', policy, enableKeyRotation: true, deletionWindowDays: 30, region: 'us-west-2' };
const meta = { KeyId: 'k2', Arn: 'arn:aws:kms:us-west-2:123456789012:key/k2', Description: 'dr key', KeyState: 'Enabled' as const, KeyManager: 'CUSTOMER' as const };

beforeEach(() => {
  kms.reset();
  kms.on(GetKeyPolicyCommand).resolves({ Policy: JSON.stringify(policy) });
  kms.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true });
});

const regionsOf = async (calls: { thisValue: unknown }[]) =>
  Promise.all(calls.map((c) => (c.thisValue as KMSClient).config.region()));

describe('kms.key in another region', () => {
  it('creates, reads and schedules deletion through the DR region client', async () => {
    kms.on(CreateKeyCommand).resolves({ KeyMetadata: meta });
    kms.on(EnableKeyRotationCommand).resolves({});
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: meta });
    kms.on(ScheduleKeyDeletionCommand).resolves({});
    const created = await kmsKeyHandler.create(ctx, { ...call(), inputs, token: 't', tags: tagsFor('backup.dr.kmsKey') });
    expect(created.inputs.region).toBe('us-west-2');
    const read = await kmsKeyHandler.read(ctx, [{ address: 'backup.dr.kmsKey', id: 'k2', inputs, outputs: {} }]);
    expect(read.get('backup.dr.kmsKey')!.inputs).toEqual({ description: 'dr key', policy, enableKeyRotation: true, region: 'us-west-2' });
    await kmsKeyHandler.delete(ctx, { ...call(), id: 'k2', inputs, outputs: {} });
    expect(new Set(await regionsOf(kms.calls()))).toEqual(new Set(['us-west-2']));
    expect(kmsKeyHandler.forceNew).toContain('region');
  });
});
