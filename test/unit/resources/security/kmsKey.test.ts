import {
  CreateKeyCommand, DescribeKeyCommand, EnableKeyRotationCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand,
  KMSClient, ListKeysCommand, ListResourceTagsCommand, PutKeyPolicyCommand, ScheduleKeyDeletionCommand,
  UpdateKeyDescriptionCommand, type KeyMetadata,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { kmsKeyHandler } from '../../../../src/resources/security/kmsKey.js';
import { awsError, call, makeCtx, tagsFor } from '../shared/handlerHarness.js';

const kms = mockClient(KMSClient);
const ctx = makeCtx();
const policy = { Version: '2012-10-17', Statement: [{ Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' }] };
const inputs = { description: 'demo key', policy, enableKeyRotation: true, deletionWindowDays: 7 };
const meta = (id: string, extra: Partial<KeyMetadata> = {}): KeyMetadata => ({
  KeyId: id, Arn: `arn:aws:kms:us-east-1:123456789012:key/${id}`, Description: 'demo key', KeyState: 'Enabled', KeyManager: 'CUSTOMER', ...extra,
});

beforeEach(() => {
  kms.reset();
  kms.on(GetKeyPolicyCommand).resolves({ Policy: JSON.stringify(policy) });
  kms.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true });
});

describe('kms.key', () => {
  it('creates a symmetric key with its policy and tags, then turns rotation on', async () => {
    kms.on(CreateKeyCommand).resolves({ KeyMetadata: meta('k1') });
    kms.on(EnableKeyRotationCommand).resolves({});
    const actual = await kmsKeyHandler.create(ctx, { ...call(), inputs, token: 't', tags: tagsFor('security.kms.key') });
    const input = kms.commandCalls(CreateKeyCommand)[0].args[0].input;
    expect(input).toMatchObject({ Description: 'demo key', KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT', Policy: JSON.stringify(policy) });
    expect(input.Tags).toContainEqual({ TagKey: 'morpheus-ws:address', TagValue: 'security.kms.key' });
    expect(kms.commandCalls(EnableKeyRotationCommand)[0].args[0].input).toEqual({ KeyId: 'k1' });
    expect(actual).toEqual({
      id: 'k1', inputs: { description: 'demo key', policy, enableKeyRotation: true },
      outputs: { keyId: 'k1', arn: 'arn:aws:kms:us-east-1:123456789012:key/k1' },
    });
  });

  it('reads a key pending deletion, or an unknown one, as gone', async () => {
    kms.on(DescribeKeyCommand, { KeyId: 'k1' }).resolves({ KeyMetadata: meta('k1') });
    kms.on(DescribeKeyCommand, { KeyId: 'k2' }).resolves({ KeyMetadata: meta('k2', { KeyState: 'PendingDeletion' }) });
    kms.on(DescribeKeyCommand, { KeyId: 'k3' }).rejects(awsError('NotFoundException'));
    const result = await kmsKeyHandler.read(ctx, ['k1', 'k2', 'k3'].map((id) => ({ address: id, id, inputs: {}, outputs: {} })));
    expect([...result.keys()]).toEqual(['k1']);
  });

  it('finds the live customer key carrying this address tag (CreateKey has no token)', async () => {
    kms.on(ListKeysCommand).resolvesOnce({ Keys: [{ KeyId: 'aws' }, { KeyId: 'old' }, { KeyId: 'other' }], Truncated: true, NextMarker: 'm' })
      .resolves({ Keys: [{ KeyId: 'mine' }] });
    kms.on(DescribeKeyCommand, { KeyId: 'aws' }).resolves({ KeyMetadata: meta('aws', { KeyManager: 'AWS' }) });
    kms.on(DescribeKeyCommand, { KeyId: 'old' }).resolves({ KeyMetadata: meta('old', { KeyState: 'PendingDeletion' }) });
    kms.on(DescribeKeyCommand, { KeyId: 'other' }).resolves({ KeyMetadata: meta('other') });
    kms.on(DescribeKeyCommand, { KeyId: 'mine' }).resolves({ KeyMetadata: meta('mine') });
    kms.on(ListResourceTagsCommand, { KeyId: 'other' }).resolves({ Tags: [{ TagKey: 'morpheus-ws:address', TagValue: 'security.kms.key' }, { TagKey: 'morpheus-ws:workspace', TagValue: 'prod' }] });
    kms.on(ListResourceTagsCommand, { KeyId: 'mine' }).resolves({ Tags: [{ TagKey: 'morpheus-ws:address', TagValue: 'security.kms.key' }, { TagKey: 'morpheus-ws:workspace', TagValue: 'demo' }] });
    const found = await kmsKeyHandler.find(ctx, { address: 'security.kms.key', token: 't', inputs, tags: tagsFor('security.kms.key') });
    expect(found?.id).toBe('mine');
    expect(kms.commandCalls(ListResourceTagsCommand).map((c) => c.args[0].input.KeyId)).toEqual(['other', 'mine']);
  });

  it('updates description, policy and rotation in place', async () => {
    kms.on(UpdateKeyDescriptionCommand).resolves({});
    kms.on(PutKeyPolicyCommand).resolves({});
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: meta('k1') });
    await kmsKeyHandler.update!(ctx, {
      ...call(), id: 'k1', inputs, changed: ['description', 'policy'], tags: {}, previous: { id: 'k1', inputs: {}, outputs: {} },
    });
    expect(kms.commandCalls(UpdateKeyDescriptionCommand)[0].args[0].input).toEqual({ KeyId: 'k1', Description: 'demo key' });
    expect(kms.commandCalls(PutKeyPolicyCommand)[0].args[0].input).toEqual({ KeyId: 'k1', PolicyName: 'default', Policy: JSON.stringify(policy) });
  });

  it('delete schedules the deletion with the configured window', async () => {
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: meta('k1') });
    kms.on(ScheduleKeyDeletionCommand).resolves({});
    await kmsKeyHandler.delete(ctx, { ...call(), id: 'k1', inputs, outputs: {} });
    expect(kms.commandCalls(ScheduleKeyDeletionCommand)[0].args[0].input).toEqual({ KeyId: 'k1', PendingWindowInDays: 7 });
  });

  it('delete of a key already pending deletion does nothing', async () => {
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: meta('k1', { KeyState: 'PendingDeletion' }) });
    await kmsKeyHandler.delete(ctx, { ...call(), id: 'k1', inputs, outputs: {} });
    expect(kms.commandCalls(ScheduleKeyDeletionCommand)).toHaveLength(0);
  });

  it('never diffs the deletion window and compares policies by content', () => {
    expect(kmsKeyHandler.ignoreDiff).toContain('deletionWindowDays');
    expect(kmsKeyHandler.equal!('policy', { Version: '1', Statement: [] }, { Statement: [], Version: '1' })).toBe(true);
  });
});
