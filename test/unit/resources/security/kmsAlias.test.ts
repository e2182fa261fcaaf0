import { CreateAliasCommand, DeleteAliasCommand, KMSClient, ListAliasesCommand, UpdateAliasCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { kmsAliasHandler } from '../../../../src/resources/security/kmsAlias.js';
import { awsError, call, makeCtx, tagsFor } from '../shared/handlerHarness.js';

const kms = mockClient(KMSClient);
const ctx = makeCtx();
const NAME = 'alias/morpheus-ws/demo';
const entry = (target: string) => ({ AliasName: NAME, AliasArn: `arn:aws:kms:us-east-1:123456789012:${NAME}`, TargetKeyId: target });

beforeEach(() => kms.reset());

describe('kms.alias', () => {
  it('creates the alias and reads it back', async () => {
    kms.on(CreateAliasCommand).resolves({});
    kms.on(ListAliasesCommand).resolves({ Aliases: [entry('k1')] });
    const actual = await kmsAliasHandler.create(ctx, { ...call(), inputs: { name: NAME, targetKeyId: 'k1' }, token: 't', tags: tagsFor('a') });
    expect(kms.commandCalls(CreateAliasCommand)[0].args[0].input).toEqual({ AliasName: NAME, TargetKeyId: 'k1' });
    expect(actual).toEqual({ id: NAME, inputs: { name: NAME, targetKeyId: 'k1' }, outputs: { name: NAME, arn: entry('k1').AliasArn } });
  });

  it('reads all aliases with one paginated ListAliases', async () => {
    kms.on(ListAliasesCommand).resolvesOnce({ Aliases: [{ AliasName: 'alias/aws/s3' }], Truncated: true, NextMarker: 'm' })
      .resolves({ Aliases: [entry('k1')] });
    const result = await kmsAliasHandler.read(ctx, [
      { address: 'a', id: NAME, inputs: {}, outputs: {} }, { address: 'b', id: 'alias/other', inputs: {}, outputs: {} },
    ]);
    expect(kms.commandCalls(ListAliasesCommand)).toHaveLength(2);
    expect([...result.keys()]).toEqual(['a']);
  });

  it('retargets with UpdateAlias and deletes, treating NotFound as gone', async () => {
    kms.on(UpdateAliasCommand).resolves({});
    kms.on(ListAliasesCommand).resolves({ Aliases: [entry('k2')] });
    const actual = await kmsAliasHandler.update!(ctx, {
      ...call(), id: NAME, inputs: { name: NAME, targetKeyId: 'k2' }, changed: ['targetKeyId'], tags: {}, previous: { id: NAME, inputs: {}, outputs: {} },
    });
    expect(actual.inputs.targetKeyId).toBe('k2');
    kms.on(DeleteAliasCommand).rejects(awsError('NotFoundException'));
    await kmsAliasHandler.delete(ctx, { ...call(), id: NAME, inputs: {}, outputs: {} });
  });
});
