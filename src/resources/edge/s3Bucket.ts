/**
 * `s3.bucket`: a private log bucket (the ALB's access logs). SSE-S3 because ALB log delivery cannot write with
 * SSE-KMS; public access blocked; a bucket policy; objects expire. Delete empties every version first.
 */
import {
  CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand, GetBucketTaggingCommand, HeadBucketCommand, ListObjectVersionsCommand,
  PutBucketEncryptionCommand, PutBucketLifecycleConfigurationCommand, PutBucketPolicyCommand,
  PutBucketTaggingCommand, PutPublicAccessBlockCommand, S3Client, type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { hasCode, httpStatus } from '../../aws/errors.js';
import { ADDRESS_TAG, WORKSPACE_TAG, tagList } from '../../aws/tags.js';
import { waitUntil } from '../../aws/wait.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { readEach } from '../readEach.js';
import { deepEqual } from '../shared/compare.js';

export interface S3BucketInputs {
  name: string;
  policy: object;
  expirationDays: number;
}

const WAIT_TIMEOUT_MS = 2 * 60_000;
const LIFECYCLE_RULE_ID = 'morpheus-ws-expiry';

function s3(ctx: ResourceCtx): S3Client {
  return ctx.aws.get(S3Client);
}

function isMissing(error: unknown): boolean {
  return hasCode(error, 'NoSuchBucket', 'NotFound') || httpStatus(error) === 404;
}

async function exists(ctx: ResourceCtx, name: string): Promise<boolean> {
  try {
    await s3(ctx).send(new HeadBucketCommand({ Bucket: name }));
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

async function readPolicy(ctx: ResourceCtx, name: string): Promise<object | undefined> {
  try {
    const out = await s3(ctx).send(new GetBucketPolicyCommand({ Bucket: name }));
    return out.Policy ? JSON.parse(out.Policy) as object : undefined;
  } catch (error) {
    if (hasCode(error, 'NoSuchBucketPolicy')) return undefined;
    throw error;
  }
}

async function readExpiration(ctx: ResourceCtx, name: string): Promise<number | undefined> {
  try {
    const out = await s3(ctx).send(new GetBucketLifecycleConfigurationCommand({ Bucket: name }));
    return out.Rules?.find((r) => r.ID === LIFECYCLE_RULE_ID)?.Expiration?.Days;
  } catch (error) {
    if (hasCode(error, 'NoSuchLifecycleConfiguration')) return undefined;
    throw error;
  }
}

async function toActual(ctx: ResourceCtx, name: string): Promise<Actual> {
  const [policy, expirationDays] = await Promise.all([readPolicy(ctx, name), readExpiration(ctx, name)]);
  const inputs: Record<string, unknown> = { name };
  if (policy) inputs.policy = policy;
  if (expirationDays !== undefined) inputs.expirationDays = expirationDays;
  return { id: name, inputs, outputs: outputs(ctx, name) };
}

function outputs(ctx: ResourceCtx, name: string) {
  return { name, arn: `arn:${ctx.partition}:s3:::${name}` };
}

async function putPolicy(ctx: ResourceCtx, inputs: S3BucketInputs): Promise<void> {
  await s3(ctx).send(new PutBucketPolicyCommand({ Bucket: inputs.name, Policy: JSON.stringify(inputs.policy) }));
}

async function putLifecycle(ctx: ResourceCtx, inputs: S3BucketInputs): Promise<void> {
  await s3(ctx).send(new PutBucketLifecycleConfigurationCommand({
    Bucket: inputs.name,
    LifecycleConfiguration: {
      Rules: [{
        ID: LIFECYCLE_RULE_ID,
        Status: 'Enabled',
        Filter: { Prefix: '' },
        Expiration: { Days: inputs.expirationDays },
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      }],
    },
  }));
}

/** Every object version and delete marker, 1000 per call. */
async function empty(ctx: ResourceCtx, name: string, report: (m: string) => void): Promise<void> {
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  let deleted = 0;
  do {
    const out = await s3(ctx).send(new ListObjectVersionsCommand({ Bucket: name, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
    const objects = [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])]
      .map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
    if (objects.length) {
      const result = await s3(ctx).send(new DeleteObjectsCommand({ Bucket: name, Delete: { Objects: objects, Quiet: true } }));
      if (result.Errors?.length) throw new Error(`could not delete ${result.Errors.length} objects from ${name}: ${result.Errors[0].Code}`);
      deleted += objects.length;
      report(`emptying bucket ${name}: ${deleted} object versions deleted`);
    }
    keyMarker = out.IsTruncated ? out.NextKeyMarker : undefined;
    versionIdMarker = out.IsTruncated ? out.NextVersionIdMarker : undefined;
  } while (keyMarker);
}

export const s3BucketHandler: Handler = {
  kind: 's3.bucket',
  forceNew: ['name'],

  // S3 has no batch describe; the stack has one or two buckets.
  read(ctx, items) {
    return readEach(items, async (item) => ((await exists(ctx, item.id)) ? toActual(ctx, item.id) : undefined));
  },

  async find(ctx, args) {
    const name = (args.inputs as unknown as S3BucketInputs).name;
    if (!await exists(ctx, name)) return undefined;
    try {
      const tags = await s3(ctx).send(new GetBucketTaggingCommand({ Bucket: name }));
      const map = Object.fromEntries((tags.TagSet ?? []).map((t) => [t.Key, t.Value]));
      if (map[WORKSPACE_TAG] !== args.tags[WORKSPACE_TAG] || map[ADDRESS_TAG] !== args.tags[ADDRESS_TAG]) return undefined;
    } catch (error) {
      // Created but interrupted before tagging: the name holds the account id and workspace, so it is ours.
      if (!hasCode(error, 'NoSuchTagSet')) throw error;
    }
    return toActual(ctx, name);
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as S3BucketInputs;
    const region = ctx.region;
    try {
      await s3(ctx).send(new CreateBucketCommand({
        Bucket: inputs.name,
        ObjectOwnership: 'BucketOwnerEnforced',
        CreateBucketConfiguration: region === 'us-east-1' ? undefined : { LocationConstraint: region as BucketLocationConstraint },
      }));
    } catch (error) {
      // Ours already (an interrupted create retried): carry on configuring it.
      if (!hasCode(error, 'BucketAlreadyOwnedByYou')) throw error;
    }
    await waitUntil(async () => (await exists(ctx, inputs.name) ? { done: true, value: true } : { done: false }),
      { what: `bucket ${inputs.name}`, timeoutMs: WAIT_TIMEOUT_MS, minDelayMs: 1000, report: args.report, signal: args.signal });
    await s3(ctx).send(new PutBucketTaggingCommand({ Bucket: inputs.name, Tagging: { TagSet: tagList(args.tags) } }));
    await s3(ctx).send(new PutPublicAccessBlockCommand({
      Bucket: inputs.name,
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    }));
    await s3(ctx).send(new PutBucketEncryptionCommand({
      Bucket: inputs.name,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] },
    }));
    await putPolicy(ctx, inputs);
    await putLifecycle(ctx, inputs);
    return { id: inputs.name, inputs: { ...inputs }, outputs: outputs(ctx, inputs.name) };
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as S3BucketInputs;
    if (args.changed.includes('policy')) await putPolicy(ctx, inputs);
    if (args.changed.includes('expirationDays')) await putLifecycle(ctx, inputs);
    return { id: args.id, inputs: { ...inputs }, outputs: outputs(ctx, args.id) };
  },

  async delete(ctx, args) {
    try {
      await empty(ctx, args.id, args.report);
      await s3(ctx).send(new DeleteBucketCommand({ Bucket: args.id }));
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    await waitUntil(async () => (await exists(ctx, args.id) ? { done: false } : { done: true, value: true }),
      { what: `bucket ${args.id} to be gone`, timeoutMs: WAIT_TIMEOUT_MS, report: args.report, signal: args.signal });
  },

  equal(field, desired, actual) {
    return deepEqual(desired, actual);
  },
};
