/**
 * State in an S3 object, shared by everyone who runs against the workspace. Two guarantees rest on S3
 * conditional writes, not on the lock alone:
 * - the lock is a separate object `<key>.lock` created with `If-None-Match: *`, so exactly one run can hold it;
 * - every state write is conditional (`If-Match` on the ETag last read, `If-None-Match: *` on a first write), so
 *   even a run that lost its lock (force-unlocked while still alive) can never silently overwrite a newer state.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import { hasCode, httpStatus } from '../aws/errors.js';
import { sleep } from '../aws/wait.js';
import {
  LockHeldError, StateConflictError,
  type LockInfo, type StateBackend, type StateDoc, type StateSnapshot,
} from './types.js';

export interface S3BackendOptions {
  aws: AwsClients;
  bucket: string;
  /** Object key; a `{workspace}` placeholder is replaced by `workspace`. */
  key: string;
  workspace?: string;
  /** Bucket region; defaults to the clients' region. */
  region?: string;
  /** KMS key for SSE-KMS; without it S3 uses the account's aws/s3 key. */
  kmsKeyId?: string;
  /** Progress while waiting for someone else's lock. */
  report?: (message: string) => void;
  /** Lock polling pace; the defaults suit people waiting at a terminal. */
  lockPollMs?: { min: number; max: number };
}

const DEFAULT_LOCK_POLL = { min: 500, max: 5_000 };
/** A lock that vanishes between our refused create and our read is retried at once, but only this often in a row. */
const VANISHED_LOCK_RETRIES = 3;

export function resolveStateKey(template: string, workspace: string | undefined): string {
  if (!template.includes('{workspace}')) return template;
  if (!workspace) throw new Error(`the state key "${template}" has a {workspace} placeholder but no workspace was given`);
  return template.replaceAll('{workspace}', workspace);
}

interface StoredObject {
  body: string;
  etag?: string;
}

export class S3Backend implements StateBackend {
  readonly bucket: string;
  readonly key: string;
  readonly lockKey: string;
  private readonly s3: S3Client;
  private readonly kmsKeyId?: string;
  private readonly report?: (message: string) => void;
  private readonly lockPoll: { min: number; max: number };

  constructor(options: S3BackendOptions) {
    this.bucket = options.bucket;
    this.key = resolveStateKey(options.key, options.workspace);
    this.lockKey = `${this.key}.lock`;
    this.s3 = options.aws.get(S3Client, options.region ?? options.aws.region);
    this.kmsKeyId = options.kmsKeyId;
    this.report = options.report;
    this.lockPoll = options.lockPollMs ?? DEFAULT_LOCK_POLL;
  }

  describe(): string {
    return `s3://${this.bucket}/${this.key}`;
  }

  private lockPath(): string {
    return `s3://${this.bucket}/${this.lockKey}`;
  }

  async read(): Promise<StateSnapshot> {
    const object = await this.getObject(this.key);
    if (!object) return { doc: undefined };
    return { doc: parseState(object.body, this.describe()), version: object.etag };
  }

  async write(doc: StateDoc, expectedVersion?: string): Promise<string | undefined> {
    const body = `${JSON.stringify(doc, null, 2)}\n`;
    try {
      const written = await this.putObject(this.key, body,
        expectedVersion ? { IfMatch: expectedVersion } : { IfNoneMatch: '*' });
      return written.ETag;
    } catch (error) {
      // If-Match on an object that was deleted meanwhile answers NoSuchKey: that is a conflict as well.
      if (!isConditionFailure(error) && !(expectedVersion && isMissingKey(error))) throw error;
      // An SDK retry of a put that did land fails its own precondition; what is there now is then exactly ours.
      const current = await this.getObject(this.key);
      if (current && current.body === body) return current.etag;
      throw new StateConflictError(this.describe());
    }
  }

  async lock(info: Omit<LockInfo, 'path'>, timeoutMs: number): Promise<LockInfo> {
    const mine: LockInfo = { ...info, path: this.lockPath() };
    const body = `${JSON.stringify(info, null, 2)}\n`;
    const started = Date.now();
    let delay = this.lockPoll.min;
    let vanished = 0;
    for (;;) {
      try {
        await this.putObject(this.lockKey, body, { IfNoneMatch: '*' });
        return mine;
      } catch (error) {
        if (!isConditionFailure(error)) throw this.explain(error);
      }
      const holder = await this.lockHolder();
      // Our own create landed on an earlier (SDK-retried) attempt.
      if (holder?.id === info.id) return mine;
      if (!holder && vanished++ < VANISHED_LOCK_RETRIES) continue;
      if (holder) vanished = 0;
      const current = holder ?? unreadableLock(undefined, this.lockPath());
      const elapsed = Date.now() - started;
      if (elapsed >= timeoutMs) throw new LockHeldError(current);
      this.report?.(`waiting for the state lock held by ${current.who}@${current.host} (${current.operation}, lock id ${current.id}) [${Math.round(elapsed / 1000)}s]`);
      await sleep(Math.min(delay, timeoutMs - elapsed));
      delay = Math.min(this.lockPoll.max, Math.round(delay * 1.5));
    }
  }

  async lockHolder(): Promise<LockInfo | undefined> {
    const object = await this.getObject(this.lockKey);
    return object ? parseLock(object, this.lockPath()) : undefined;
  }

  async unlock(id: string): Promise<void> {
    const object = await this.getObject(this.lockKey);
    if (!object) return;
    const holder = parseLock(object, this.lockPath());
    if (holder.id !== id) {
      throw new Error(`not releasing the state lock at ${this.lockPath()}: it was taken over by ${holderText(holder)}; ` +
        `this run's lock (id ${id}) had already been removed, so check that nothing ran concurrently`);
    }
    await this.deleteLock(object, holder);
  }

  async forceUnlock(id: string): Promise<void> {
    const object = await this.getObject(this.lockKey);
    if (!object) throw new Error(`there is no lock at ${this.lockPath()}; nothing to unlock`);
    const holder = parseLock(object, this.lockPath());
    if (holder.id !== id) {
      throw new Error(`refusing to force-unlock ${this.lockPath()}: lock id ${id} does not match the current lock, held by ${holderText(holder)}`);
    }
    await this.deleteLock(object, holder);
  }

  /** Deletes the lock only while it is still the object we read, so a lock taken meanwhile by another run survives. */
  private async deleteLock(object: StoredObject, holder: LockInfo): Promise<void> {
    try {
      await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.lockKey, IfMatch: object.etag }));
    } catch (error) {
      if (isMissingKey(error)) return;
      if (isConditionFailure(error)) {
        const now = await this.lockHolder();
        if (!now) return;
        throw new Error(`the state lock at ${this.lockPath()} changed while releasing it (was lock id ${holder.id}); ` +
          `it is now held by ${holderText(now)} and was left in place`);
      }
      throw this.explain(error);
    }
  }

  private async getObject(key: string): Promise<StoredObject | undefined> {
    try {
      const output = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const body = (await output.Body?.transformToString('utf-8')) ?? '';
      return { body, etag: output.ETag };
    } catch (error) {
      if (isMissingKey(error)) return undefined;
      throw this.explain(error);
    }
  }

  private putObject(key: string, body: string, condition: { IfMatch: string } | { IfNoneMatch: '*' }) {
    return this.s3.send(new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      Body: body,
      ContentType: 'application/json',
      ServerSideEncryption: 'aws:kms',
      ...(this.kmsKeyId ? { SSEKMSKeyId: this.kmsKeyId } : {}),
      ...condition,
    }));
  }

  /** A missing bucket would otherwise read as "no state yet" or an opaque 404. */
  private explain(error: unknown): unknown {
    if (hasCode(error, 'NoSuchBucket')) {
      return new Error(`the state bucket ${this.bucket} does not exist (state ${this.describe()}). ` +
        'Create it with `morpheus-ws init --state-create-bucket`, or fix state.bucket in the config', { cause: error });
    }
    return error;
  }
}

function isConditionFailure(error: unknown): boolean {
  // 409 ConditionalRequestConflict: a concurrent conditional write on the same key was in flight.
  return hasCode(error, 'PreconditionFailed', 'ConditionalRequestConflict') ||
    httpStatus(error) === 412 || httpStatus(error) === 409;
}

function isMissingKey(error: unknown): boolean {
  if (hasCode(error, 'NoSuchBucket')) return false;
  return hasCode(error, 'NoSuchKey') || httpStatus(error) === 404;
}

function parseState(body: string, where: string): StateDoc {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new Error(`the state at ${where} is not valid JSON: ${(error as Error).message}`);
  }
  const doc = parsed as Partial<StateDoc> | null;
  if (!doc || typeof doc !== 'object' || typeof doc.lineage !== 'string' || typeof doc.serial !== 'number') {
    throw new Error(`the object at ${where} is not a morpheus-ws state document (no lineage/serial)`);
  }
  return { resources: {}, intents: {}, ...doc } as StateDoc;
}

function parseLock(object: StoredObject, path: string): LockInfo {
  try {
    const info = JSON.parse(object.body) as Partial<LockInfo>;
    if (info && typeof info.id === 'string') {
      return {
        id: info.id,
        operation: String(info.operation ?? 'unknown'),
        who: String(info.who ?? 'unknown'),
        host: String(info.host ?? 'unknown'),
        pid: Number(info.pid ?? 0),
        created: String(info.created ?? 'unknown'),
        path,
      };
    }
  } catch {
    // fall through: an unreadable lock still blocks, and can be force-unlocked by its ETag
  }
  return unreadableLock(object.etag, path);
}

/** A lock object whose content is not ours to read; its id is the object's ETag so force-unlock can name it. */
function unreadableLock(etag: string | undefined, path: string): LockInfo {
  return {
    id: etag ? etag.replaceAll('"', '') : 'unknown', operation: 'unknown', who: 'unknown', host: 'unknown',
    pid: 0, created: 'unknown', path,
  };
}

function holderText(holder: LockInfo): string {
  return `${holder.who}@${holder.host} (pid ${holder.pid}, ${holder.operation}, since ${holder.created}, lock id ${holder.id})`;
}
