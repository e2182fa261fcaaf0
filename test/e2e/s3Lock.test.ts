/**
 * The S3 state backend against a real emulator: the conditional writes the locking and the conflict detection rest
 * on (If-None-Match on create, If-Match on overwrite and delete) are enforced by moto, so these are real races.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { S3Backend } from '../../src/state/s3Backend.js';
import { checkStateBucket, ensureStateBucket } from '../../src/state/s3StateBucket.js';
import { LockHeldError, StateConflictError, type LockInfo, type StateDoc } from '../../src/state/types.js';
import { startMoto, type Moto } from '../support/moto.js';

const REGION = 'us-east-1';
const BUCKET = 'morpheus-ws-e2e-state';
const ENV = {
  AWS_ENDPOINT_URL: '', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: REGION,
} as Record<string, string>;

let moto: Moto;
let aws: AwsClients;
const savedEnv: Record<string, string | undefined> = {};

beforeAll(async () => {
  moto = await startMoto();
  ENV.AWS_ENDPOINT_URL = moto.endpoint;
  for (const [name, value] of Object.entries(ENV)) {
    savedEnv[name] = process.env[name];
    process.env[name] = value;
  }
  aws = new AwsClients({ region: REGION });
  await ensureStateBucket(aws, { bucket: BUCKET, region: REGION });
});

afterAll(async () => {
  aws?.destroy();
  await moto?.stop();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name]; else process.env[name] = value;
  }
});

function backend(workspace: string): S3Backend {
  return new S3Backend({ aws, bucket: BUCKET, key: 'morpheus-ws/{workspace}.state.json', workspace, lockPollMs: { min: 50, max: 200 } });
}

function lockInfo(id: string): Omit<LockInfo, 'path'> {
  return { id, operation: 'apply', who: `user-${id}`, host: 'ci', pid: 1, created: new Date().toISOString() };
}

const doc = (serial: number): StateDoc => ({
  version: 1, lineage: 'e2e-lineage', serial, workspace: 'w', region: REGION, resources: {}, intents: {},
});

describe('S3 state bucket on moto', () => {
  it('is created versioned and passes the check; creating it again is a no-op', async () => {
    expect(await checkStateBucket(aws, BUCKET)).toEqual([]);
    expect(await ensureStateBucket(aws, { bucket: BUCKET, region: REGION })).toMatchObject({ created: false, configured: true });
  });
});

describe('S3 lock on moto', () => {
  it('lets exactly one of many concurrent lock() calls win, every round', async () => {
    const be = backend('race');
    for (let round = 0; round < 10; round++) {
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => be.lock(lockInfo(`r${round}-${i}`), 0)));
      const winners = results.filter((r): r is PromiseFulfilledResult<LockInfo> => r.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(LockHeldError);
      expect((await be.lockHolder())?.id).toBe(winners[0].value.id);
      await be.unlock(winners[0].value.id);
    }
  });

  it('fails a loser with timeout 0 within a second, naming the holder', async () => {
    const be = backend('fast');
    const held = await be.lock(lockInfo('holder'), 0);
    expect(held.path).toBe(`s3://${BUCKET}/morpheus-ws/fast.state.json.lock`);
    const timings: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const error = await be.lock(lockInfo(`loser-${i}`), 0).catch((e: unknown) => e);
      timings.push(performance.now() - started);
      expect(error).toBeInstanceOf(LockHeldError);
      expect((error as LockHeldError).holder.id).toBe('holder');
    }
    expect(Math.max(...timings)).toBeLessThan(1000);
    await be.unlock('holder');
  });

  it('lets a waiter take the lock once the holder releases it', async () => {
    const be = backend('wait');
    await be.lock(lockInfo('first'), 0);
    const release = new Promise<void>((resolve) => setTimeout(() => void be.unlock('first').then(resolve), 400));
    const started = Date.now();
    const second = await be.lock(lockInfo('second'), 10_000);
    await release;
    expect(second.id).toBe('second');
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    await be.unlock('second');
  });

  it('never removes a lock it does not hold; force-unlock needs the right id', async () => {
    const be = backend('own');
    await be.lock(lockInfo('owner'), 0);
    await expect(be.unlock('intruder')).rejects.toThrow(/user-owner@ci/);
    await expect(be.forceUnlock('wrong')).rejects.toThrow(/does not match.*lock id owner/);
    expect((await be.lockHolder())?.id).toBe('owner');
    await be.forceUnlock('owner');
    expect(await be.lockHolder()).toBeUndefined();
  });
});

describe('S3 state writes on moto', () => {
  it('refuses a stale If-Match and a second first write, and keeps the newer state', async () => {
    const be = backend('cas');
    expect(await be.read()).toEqual({ doc: undefined });
    const v1 = await be.write(doc(1));
    // Another run creating the same workspace's state from scratch (a different lineage).
    await expect(be.write({ ...doc(1), lineage: 'other-run' })).rejects.toBeInstanceOf(StateConflictError);
    const v2 = await be.write(doc(2), v1);
    expect(v2).not.toBe(v1);
    await expect(be.write(doc(3), v1)).rejects.toBeInstanceOf(StateConflictError);
    const read = await be.read();
    expect(read.doc?.serial).toBe(2);
    expect(read.version).toBe(v2);
  });

  it('detects a writer that went around the lock', async () => {
    const be = backend('rogue');
    const v1 = await be.write(doc(1));
    await aws.get(S3Client).send(new PutObjectCommand({
      Bucket: BUCKET, Key: be.key, Body: JSON.stringify(doc(7)), ServerSideEncryption: 'aws:kms',
    }));
    await expect(be.write(doc(2), v1)).rejects.toThrow(/changed by someone else/);
  });
});
