import {
  DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../src/aws/clients.js';
import { resolveStateKey, S3Backend } from '../../../src/state/s3Backend.js';
import { LockHeldError, StateConflictError, type LockInfo, type StateDoc } from '../../../src/state/types.js';

const s3 = mockClient(S3Client);
const aws = new AwsClients({ region: 'us-east-1', maxAttempts: 1 });
afterAll(() => aws.destroy());

const BUCKET = 'acme-morpheus-state';
const KEY = 'morpheus-ws/demo.state.json';
const LOCK_KEY = `${KEY}.lock`;

function backend(extra: { kmsKeyId?: string } = {}) {
  return new S3Backend({
    aws, bucket: BUCKET, key: 'morpheus-ws/{workspace}.state.json', workspace: 'demo',
    lockPollMs: { min: 20, max: 50 }, ...extra,
  });
}

function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });
}

function object(body: unknown, etag: string): GetObjectCommandOutput {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { $metadata: {}, ETag: etag, Body: { transformToString: async () => text } } as unknown as GetObjectCommandOutput;
}

const doc: StateDoc = {
  version: 1, lineage: 'b3c1', serial: 4, workspace: 'demo', region: 'us-east-1', resources: {}, intents: {},
};

function lockInfo(id: string, who = 'alice'): Omit<LockInfo, 'path'> {
  return { id, operation: 'apply', who, host: 'laptop', pid: 4242, created: '2026-01-01T00:00:00.000Z' };
}

beforeEach(() => s3.reset());

describe('S3Backend naming', () => {
  it('resolves the {workspace} placeholder and describes the object', () => {
    expect(resolveStateKey('states/{workspace}.json', 'prod')).toBe('states/prod.json');
    expect(() => resolveStateKey('states/{workspace}.json', undefined)).toThrow(/placeholder/);
    expect(backend().describe()).toBe(`s3://${BUCKET}/${KEY}`);
    expect(backend().lockKey).toBe(LOCK_KEY);
  });
});

describe('S3Backend.read', () => {
  it('returns no document when the object does not exist', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));
    expect(await backend().read()).toEqual({ doc: undefined });
  });

  it('returns the document with its ETag as version', async () => {
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: KEY }).resolves(object(doc, '"etag-1"'));
    expect(await backend().read()).toEqual({ doc, version: '"etag-1"' });
  });

  it('explains a missing bucket instead of reading it as "no state"', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('NoSuchBucket', 404));
    await expect(backend().read()).rejects.toThrow(/state bucket acme-morpheus-state does not exist.*--state-create-bucket/);
  });

  it('refuses an object that is not a state document', async () => {
    s3.on(GetObjectCommand).resolves(object('{"hello":1}', '"e"'));
    await expect(backend().read()).rejects.toThrow(/not a morpheus-ws state document/);
  });
});

describe('S3Backend.write', () => {
  it('creates the first state with If-None-Match and SSE-KMS', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"new"' });
    expect(await backend({ kmsKeyId: 'alias/state' }).write(doc)).toBe('"new"');
    const input = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(input).toMatchObject({
      Bucket: BUCKET, Key: KEY, IfNoneMatch: '*', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/state',
      ContentType: 'application/json',
    });
    expect(input.IfMatch).toBeUndefined();
    expect(JSON.parse(input.Body as string)).toEqual(doc);
  });

  it('overwrites only the version it read, with If-Match', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"v2"' });
    expect(await backend().write(doc, '"v1"')).toBe('"v2"');
    const input = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(input.IfMatch).toBe('"v1"');
    expect(input.IfNoneMatch).toBeUndefined();
    expect(input.SSEKMSKeyId).toBeUndefined();
  });

  it('turns 412 PreconditionFailed into StateConflictError', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    s3.on(GetObjectCommand).resolves(object({ ...doc, serial: 9 }, '"theirs"'));
    await expect(backend().write(doc, '"v1"')).rejects.toBeInstanceOf(StateConflictError);
  });

  it('turns 409 ConditionalRequestConflict into StateConflictError', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('ConditionalRequestConflict', 409));
    s3.on(GetObjectCommand).resolves(object({ ...doc, serial: 9 }, '"theirs"'));
    await expect(backend().write(doc, '"v1"')).rejects.toThrow(/changed by someone else/);
  });

  it('refuses a first write when someone created the state meanwhile', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    s3.on(GetObjectCommand).resolves(object({ ...doc, lineage: 'other' }, '"theirs"'));
    await expect(backend().write(doc)).rejects.toBeInstanceOf(StateConflictError);
  });

  it('treats a state deleted since it was read as a conflict', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('NoSuchKey', 404));
    s3.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));
    await expect(backend().write(doc, '"v1"')).rejects.toBeInstanceOf(StateConflictError);
  });

  it('accepts its own write when a retried put trips over its first attempt', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    s3.on(GetObjectCommand).resolves(object(`${JSON.stringify(doc, null, 2)}\n`, '"mine"'));
    expect(await backend().write(doc, '"v1"')).toBe('"mine"');
  });
});

describe('S3Backend.lock', () => {
  it('creates the lock object with If-None-Match and returns where it lives', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"l"' });
    const info = await backend().lock(lockInfo('L1'), 0);
    expect(info).toEqual({ ...lockInfo('L1'), path: `s3://${BUCKET}/${LOCK_KEY}` });
    const input = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(input).toMatchObject({ Bucket: BUCKET, Key: LOCK_KEY, IfNoneMatch: '*', ServerSideEncryption: 'aws:kms' });
    expect(JSON.parse(input.Body as string)).toEqual(lockInfo('L1'));
  });

  it('fails at once with timeout 0, naming the holder', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    s3.on(GetObjectCommand, { Key: LOCK_KEY }).resolves(object(lockInfo('HELD', 'bob'), '"h"'));
    const started = Date.now();
    const error = await backend().lock(lockInfo('L1'), 0).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as LockHeldError).holder).toMatchObject({ id: 'HELD', who: 'bob', host: 'laptop', pid: 4242 });
    expect((error as Error).message).toMatch(/bob@laptop.*force-unlock HELD/);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it('treats 409 ConditionalRequestConflict as contention', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('ConditionalRequestConflict', 409));
    s3.on(GetObjectCommand, { Key: LOCK_KEY }).resolves(object(lockInfo('HELD', 'bob'), '"h"'));
    await expect(backend().lock(lockInfo('L1'), 0)).rejects.toBeInstanceOf(LockHeldError);
  });

  it('waits and takes the lock once the holder releases it within the timeout', async () => {
    s3.on(PutObjectCommand)
      .rejectsOnce(s3Error('PreconditionFailed', 412))
      .rejectsOnce(s3Error('PreconditionFailed', 412))
      .resolves({ ETag: '"l"' });
    s3.on(GetObjectCommand, { Key: LOCK_KEY }).resolves(object(lockInfo('HELD', 'bob'), '"h"'));
    const waits: string[] = [];
    const be = new S3Backend({
      aws, bucket: BUCKET, key: KEY, lockPollMs: { min: 20, max: 50 }, report: (m) => waits.push(m),
    });
    const info = await be.lock(lockInfo('L1'), 5_000);
    expect(info.id).toBe('L1');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(3);
    expect(waits[0]).toMatch(/waiting for the state lock held by bob@laptop/);
  });

  it('gives up after the timeout', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    s3.on(GetObjectCommand, { Key: LOCK_KEY }).resolves(object(lockInfo('HELD', 'bob'), '"h"'));
    const started = Date.now();
    await expect(backend().lock(lockInfo('L1'), 200)).rejects.toBeInstanceOf(LockHeldError);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1500);
    expect(s3.commandCalls(PutObjectCommand).length).toBeGreaterThan(1);
  });

  it('retries at once when the lock vanished between the refused create and the read', async () => {
    s3.on(PutObjectCommand).rejectsOnce(s3Error('PreconditionFailed', 412)).resolves({ ETag: '"l"' });
    s3.on(GetObjectCommand, { Key: LOCK_KEY }).rejects(s3Error('NoSuchKey', 404));
    expect((await backend().lock(lockInfo('L1'), 0)).id).toBe('L1');
  });

  it('recognises its own lock when a retried create trips over its first attempt', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    s3.on(GetObjectCommand, { Key: LOCK_KEY }).resolves(object(lockInfo('L1'), '"l"'));
    expect((await backend().lock(lockInfo('L1'), 0)).id).toBe('L1');
  });

  it('lets other errors through', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('AccessDenied', 403));
    await expect(backend().lock(lockInfo('L1'), 0)).rejects.toThrow('AccessDenied');
  });
});

describe('S3Backend.unlock / forceUnlock / lockHolder', () => {
  it('removes its own lock, conditional on the ETag it read', async () => {
    s3.on(GetObjectCommand, { Key: LOCK_KEY }).resolves(object(lockInfo('L1'), '"mine"'));
    s3.on(DeleteObjectCommand).resolves({});
    await backend().unlock('L1');
    expect(s3.commandCalls(DeleteObjectCommand)[0].args[0].input).toEqual({ Bucket: BUCKET, Key: LOCK_KEY, IfMatch: '"mine"' });
  });

  it('never removes a lock someone else holds', async () => {
    s3.on(GetObjectCommand, { Key: LOCK_KEY }).resolves(object(lockInfo('OTHER', 'bob'), '"theirs"'));
    await expect(backend().unlock('L1')).rejects.toThrow(/taken over by bob@laptop.*lock id OTHER/);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('is a no-op when the lock is already gone', async () => {
    s3.on(GetObjectCommand, { Key: LOCK_KEY }).rejects(s3Error('NoSuchKey', 404));
    await backend().unlock('L1');
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('leaves a lock that changed between the read and the delete', async () => {
    s3.on(GetObjectCommand, { Key: LOCK_KEY })
      .resolvesOnce(object(lockInfo('L1'), '"mine"'))
      .resolves(object(lockInfo('NEW', 'carol'), '"new"'));
    s3.on(DeleteObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    await expect(backend().unlock('L1')).rejects.toThrow(/now held by carol@laptop.*left in place/);
  });

  it('forceUnlock refuses an id that does not match, saying who holds the lock', async () => {
    s3.on(GetObjectCommand, { Key: LOCK_KEY }).resolves(object(lockInfo('HELD', 'bob'), '"h"'));
    await expect(backend().forceUnlock('WRONG')).rejects.toThrow(/lock id WRONG does not match.*bob@laptop.*lock id HELD/);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('forceUnlock removes the lock whose id matches', async () => {
    s3.on(GetObjectCommand, { Key: LOCK_KEY }).resolves(object(lockInfo('HELD', 'bob'), '"h"'));
    s3.on(DeleteObjectCommand).resolves({});
    await backend().forceUnlock('HELD');
    expect(s3.commandCalls(DeleteObjectCommand)[0].args[0].input.IfMatch).toBe('"h"');
  });

  it('forceUnlock says when there is no lock', async () => {
    s3.on(GetObjectCommand, { Key: LOCK_KEY }).rejects(s3Error('NoSuchKey', 404));
    await expect(backend().forceUnlock('HELD')).rejects.toThrow(/no lock/);
  });

  it('reports the holder, and names an unreadable lock by its ETag so it can be force-unlocked', async () => {
    s3.on(GetObjectCommand, { Key: LOCK_KEY }).resolvesOnce(object(lockInfo('HELD', 'bob'), '"h"')).resolves(object('garbage', '"abc"'));
    expect(await backend().lockHolder()).toEqual({ ...lockInfo('HELD', 'bob'), path: `s3://${BUCKET}/${LOCK_KEY}` });
    expect((await backend().lockHolder())?.id).toBe('abc');
  });
});
