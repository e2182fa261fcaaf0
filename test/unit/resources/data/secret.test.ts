import {
  CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, GetSecretValueCommand, ListSecretsCommand, RestoreSecretCommand,
  SecretsManagerClient, TagResourceCommand, UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readCredentials, secretHandler } from '../../../../src/resources/data/secret.js';
import { awsError, call, makeCtx, reports, tagsFor } from '../shared/handlerHarness.js';

const sm = mockClient(SecretsManagerClient);
const ctx = makeCtx();
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1111';
const inputs = {
  name: 'morpheus-ws/demo/mq-admin', description: 'admin', kmsKeyId: KEY, username: 'morpheus-admin',
  passwordLength: 32, passwordSymbols: '', recoveryWindowDays: 30,
};
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:morpheus-ws/demo/mq-admin-AbCdEf';

beforeEach(() => {
  sm.reset();
  reports.length = 0;
  ctx.options = {};
});

describe('secretsmanager.secret', () => {
  it('generates the value at create: JSON username/password, idempotency token, CMK, tags; nothing secret comes back', async () => {
    sm.on(CreateSecretCommand).resolves({ ARN, Name: inputs.name });
    const actual = await secretHandler.create(ctx, { ...call(), inputs, token: 'tok-0123456789abcdef0123456789abcdef', tags: tagsFor('data.secret.mqAdmin') });
    const sent = sm.commandCalls(CreateSecretCommand)[0].args[0].input;
    expect(sent).toMatchObject({ Name: inputs.name, KmsKeyId: KEY, ClientRequestToken: 'tok-0123456789abcdef0123456789abcdef' });
    expect(sent.Tags).toContainEqual({ Key: 'morpheus-ws:address', Value: 'data.secret.mqAdmin' });
    const value = JSON.parse(sent.SecretString!) as { username: string; password: string };
    expect(value.username).toBe('morpheus-admin');
    expect(value.password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(JSON.stringify(actual)).not.toContain(value.password);
    expect(actual).toEqual({ id: ARN, inputs: { name: inputs.name, description: 'admin', kmsKeyId: KEY }, outputs: { arn: ARN, name: inputs.name } });
  });

  it('gives a password with a symbol when the policy allows symbols (OpenSearch needs one)', async () => {
    sm.on(CreateSecretCommand).resolves({ ARN, Name: inputs.name });
    await secretHandler.create(ctx, { ...call(), inputs: { ...inputs, passwordSymbols: '-_.~' }, token: 't'.repeat(32), tags: {} });
    const { password } = JSON.parse(sm.commandCalls(CreateSecretCommand)[0].args[0].input.SecretString!) as { password: string };
    expect(password).toMatch(/[-_.~]/);
    expect(password).toMatch(/[A-Z]/);
    expect(password).toMatch(/[a-z]/);
    expect(password).toMatch(/[0-9]/);
  });

  it('restores a secret left scheduled for deletion by an earlier destroy instead of failing', async () => {
    sm.on(CreateSecretCommand).rejects(awsError('InvalidRequestException', "You can't create this secret because a secret with this name is already scheduled for deletion."));
    sm.on(RestoreSecretCommand).resolves({});
    sm.on(UpdateSecretCommand).resolves({});
    sm.on(TagResourceCommand).resolves({});
    sm.on(DescribeSecretCommand).resolves({ ARN, Name: inputs.name, Description: 'admin', KmsKeyId: KEY });
    const actual = await secretHandler.create(ctx, { ...call(), inputs, token: 't'.repeat(32), tags: tagsFor('data.secret.mqAdmin') });
    expect(sm.commandCalls(RestoreSecretCommand)).toHaveLength(1);
    expect(actual.id).toBe(ARN);
  });

  it('reads with one ListSecrets filtered by name and leaves out secrets pending deletion', async () => {
    sm.on(ListSecretsCommand).resolves({ SecretList: [
      { ARN, Name: inputs.name, Description: 'admin', KmsKeyId: KEY },
      { ARN: `${ARN}x`, Name: 'morpheus-ws/demo/mq-app', DeletedDate: new Date() },
    ] });
    const result = await secretHandler.read(ctx, [
      { address: 'a', id: ARN, inputs, outputs: { arn: ARN, name: inputs.name } },
      { address: 'b', id: `${ARN}x`, inputs: { name: 'morpheus-ws/demo/mq-app' }, outputs: {} },
    ]);
    expect(sm.commandCalls(ListSecretsCommand)).toHaveLength(1);
    expect(sm.commandCalls(ListSecretsCommand)[0].args[0].input.Filters).toEqual([{ Key: 'name', Values: [inputs.name, 'morpheus-ws/demo/mq-app'] }]);
    expect([...result.keys()]).toEqual(['a']);
    // The password policy and username cannot be read back, so they are absent (not diffed).
    expect(result.get('a')!.inputs).toEqual({ name: inputs.name, description: 'admin', kmsKeyId: KEY });
  });

  it('compares KMS keys by key id whatever form AWS returns', () => {
    expect(secretHandler.equal!('kmsKeyId', KEY, '1111')).toBe(true);
    expect(secretHandler.equal!('kmsKeyId', KEY, 'arn:aws:kms:us-east-1:123456789012:key/2222')).toBe(false);
  });

  it('finds a secret an interrupted create made only when it carries our address tag', async () => {
    sm.on(DescribeSecretCommand).resolves({ ARN, Name: inputs.name, Tags: [{ Key: 'morpheus-ws:address', Value: 'data.secret.mqAdmin' }, { Key: 'morpheus-ws:workspace', Value: 'demo' }] });
    expect((await secretHandler.find(ctx, { address: 'data.secret.mqAdmin', token: 't', inputs: {}, tags: tagsFor('data.secret.mqAdmin') }))?.id).toBe(ARN);
    expect(sm.commandCalls(DescribeSecretCommand)[0].args[0].input.SecretId).toBe('morpheus-ws/demo/mq-admin');
    expect(await secretHandler.find(ctx, { address: 'data.secret.mqAdmin', token: 't', inputs: {}, tags: tagsFor('data.secret.other') })).toBeUndefined();
  });

  it('deletes with the recovery window, or forcibly when the operator asked, and treats NotFound as done', async () => {
    sm.on(DeleteSecretCommand).resolves({});
    await secretHandler.delete(ctx, { ...call(), id: ARN, inputs, outputs: {} });
    expect(sm.commandCalls(DeleteSecretCommand)[0].args[0].input).toEqual({ SecretId: ARN, RecoveryWindowInDays: 30 });
    ctx.options = { forceDeleteSecrets: true };
    await secretHandler.delete(ctx, { ...call(), id: ARN, inputs, outputs: {} });
    expect(sm.commandCalls(DeleteSecretCommand)[1].args[0].input).toEqual({ SecretId: ARN, ForceDeleteWithoutRecovery: true });
    sm.on(DeleteSecretCommand).rejects(awsError('ResourceNotFoundException'));
    await expect(secretHandler.delete(ctx, { ...call(), id: ARN, inputs, outputs: {} })).resolves.toBeUndefined();
  });

  it('lets throttling propagate with its code (the SDK has already retried it)', async () => {
    sm.on(ListSecretsCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await expect(secretHandler.read(ctx, [{ address: 'a', id: ARN, inputs, outputs: {} }])).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('readCredentials returns the pair and never puts the value in an error', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: '{"username":"u","password":"p4ss"}' }).resolves({ SecretString: 'not-json-s3cr3t' });
    expect(await readCredentials(ctx, ARN)).toEqual({ username: 'u', password: 'p4ss' });
    const error = await readCredentials(ctx, ARN).catch((e: Error) => e);
    expect((error as Error).message).not.toContain('s3cr3t');
  });
});
