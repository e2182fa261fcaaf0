/**
 * The bucket that holds remote state: created on request (`init --state-create-bucket`) with versioning (every
 * state write can be recovered), SSE-KMS, no public access and TLS only; checked before use otherwise.
 * A bucket that exists but was not made by morpheus-ws is only checked, never reconfigured: its policy, tags and
 * lifecycle belong to someone else and the S3 Put* calls would replace them wholesale.
 */
import {
  CreateBucketCommand, GetBucketTaggingCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand,
  HeadBucketCommand, PutBucketEncryptionCommand, PutBucketLifecycleConfigurationCommand, PutBucketPolicyCommand,
  PutBucketTaggingCommand, PutBucketVersioningCommand, PutPublicAccessBlockCommand, S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import { hasCode, httpStatus } from '../aws/errors.js';
import { tagList, tagMap } from '../aws/tags.js';
import { retryWhile } from '../aws/wait.js';

/** Marks a bucket morpheus-ws created, and may therefore keep configured. */
export const STATE_BUCKET_TAG = 'morpheus-ws:purpose';
const STATE_BUCKET_TAG_VALUE = 'state';

export interface StateBucketOptions {
  bucket: string;
  region: string;
  kmsKeyId?: string;
  /** User tags; the purpose tag is added. */
  tags?: Record<string, string>;
  report?: (message: string) => void;
}

export interface StateBucketResult {
  /** This call created the bucket. */
  created: boolean;
  /** The bucket is one morpheus-ws manages, and its settings were (re)applied. */
  configured: boolean;
  /** Things worth telling the operator about a bucket we did not make. */
  warnings: string[];
}

export class StateBucketError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateBucketError';
  }
}

/** How long a freshly created bucket may answer NoSuchBucket to its own configuration calls. */
const NEW_BUCKET_SETTLE_MS = 60_000;

export async function ensureStateBucket(aws: AwsClients, options: StateBucketOptions): Promise<StateBucketResult> {
  const s3 = aws.get(S3Client, options.region);
  const { bucket } = options;
  let created = false;
  if (!(await bucketExists(s3, bucket))) {
    options.report?.(`creating state bucket ${bucket} in ${options.region}`);
    try {
      await s3.send(new CreateBucketCommand({
        Bucket: bucket,
        ObjectOwnership: 'BucketOwnerEnforced',
        // us-east-1 is the default location and rejects being named explicitly.
        ...(options.region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: options.region as BucketLocationConstraint } }),
      }));
      created = true;
    } catch (error) {
      // Lost a race with another init of the same bucket: fine, it is ours.
      if (!hasCode(error, 'BucketAlreadyOwnedByYou')) throw explainCreateError(error, bucket);
    }
  }

  // Tag first: should anything below fail, the next run still recognises the bucket as ours and finishes the job.
  const ours = created || (await isOurs(s3, bucket));
  if (!ours) {
    options.report?.(`state bucket ${bucket} exists and was not created by morpheus-ws: checking it, not changing it`);
    return { created, configured: false, warnings: await checkStateBucket(aws, bucket, options.region) };
  }

  const settle = <T>(what: string, call: () => Promise<T>) => retryWhile(call, (e) => hasCode(e, 'NoSuchBucket'), {
    what: `${what} on new bucket ${bucket}`, timeoutMs: NEW_BUCKET_SETTLE_MS, minDelayMs: 1000, report: options.report,
  });
  const tags = { ...options.tags, [STATE_BUCKET_TAG]: STATE_BUCKET_TAG_VALUE };
  await settle('tagging', () => s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: tagList(tags) } })));
  options.report?.(`configuring state bucket ${bucket}: versioning, SSE-KMS, public access block, policy, lifecycle`);
  await settle('versioning', () => s3.send(new PutBucketVersioningCommand({
    Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' },
  })));
  await settle('encryption', () => s3.send(new PutBucketEncryptionCommand({
    Bucket: bucket,
    ServerSideEncryptionConfiguration: {
      Rules: [{
        ApplyServerSideEncryptionByDefault: {
          SSEAlgorithm: 'aws:kms',
          ...(options.kmsKeyId ? { KMSMasterKeyID: options.kmsKeyId } : {}),
        },
        // One KMS data key per bucket instead of one call per object: cheaper, and no KMS throttling on busy state.
        BucketKeyEnabled: true,
      }],
    },
  })));
  await settle('public access block', () => s3.send(new PutPublicAccessBlockCommand({
    Bucket: bucket,
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true,
    },
  })));
  const warnings: string[] = [];
  // The TLS-only policy denies every plain-HTTP request, ours included: over an http:// endpoint it would lock this
  // tool out of its own bucket, so it is left off and said so.
  if (await usesPlainHttp(s3)) {
    warnings.push(`the TLS-only bucket policy was not applied to ${bucket}: the S3 endpoint in use is plain http, ` +
      'and the policy would deny every request made through it');
  } else {
    await settle('bucket policy', () => s3.send(new PutBucketPolicyCommand({
      Bucket: bucket, Policy: JSON.stringify(tlsOnlyPolicy(bucket, options.region)),
    })));
  }
  await settle('lifecycle', () => s3.send(new PutBucketLifecycleConfigurationCommand({
    Bucket: bucket, LifecycleConfiguration: { Rules: [historyRule] },
  })));
  return { created, configured: true, warnings };
}

/**
 * Verifies a state bucket is usable and safe: it must exist and be versioned (throws StateBucketError saying how
 * to fix it otherwise); other findings come back as warnings.
 */
export async function checkStateBucket(aws: AwsClients, bucket: string, region?: string): Promise<string[]> {
  const s3 = aws.get(S3Client, region ?? aws.region);
  const warnings: string[] = [];
  try {
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    if (versioning.Status !== 'Enabled') {
      throw new StateBucketError(
        `versioning is ${versioning.Status === 'Suspended' ? 'suspended' : 'not enabled'} on the state bucket ${bucket}: ` +
        'an overwritten or deleted state could not be recovered. Enable it with ' +
        `\`aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled\`, then retry`);
    }
  } catch (error) {
    if (error instanceof StateBucketError) throw error;
    if (hasCode(error, 'NoSuchBucket')) {
      throw new StateBucketError(`the state bucket ${bucket} does not exist. Create it with ` +
        '`morpheus-ws init --state-create-bucket`, or create it yourself with versioning enabled', { cause: error });
    }
    if (!isAccessDenied(error)) throw error;
    warnings.push(`could not verify that versioning is enabled on ${bucket} (s3:GetBucketVersioning denied)`);
  }
  try {
    const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    const config = block.PublicAccessBlockConfiguration ?? {};
    if (!(config.BlockPublicAcls && config.IgnorePublicAcls && config.BlockPublicPolicy && config.RestrictPublicBuckets)) {
      warnings.push(`the state bucket ${bucket} does not block all public access; consider enabling all four public access block settings`);
    }
  } catch (error) {
    if (hasCode(error, 'NoSuchPublicAccessBlockConfiguration')) {
      warnings.push(`the state bucket ${bucket} has no public access block; consider enabling all four settings`);
    } else if (!isAccessDenied(error)) {
      throw error;
    }
  }
  return warnings;
}

/** Keeps state history for 90 days (and always the newest 100 versions); clears the delete markers locks leave. */
const historyRule = {
  ID: 'morpheus-ws-state-history',
  Status: 'Enabled' as const,
  Filter: { Prefix: '' },
  NoncurrentVersionExpiration: { NoncurrentDays: 90, NewerNoncurrentVersions: 100 },
  Expiration: { ExpiredObjectDeleteMarker: true },
  AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
};

export function tlsOnlyPolicy(bucket: string, region: string): object {
  const arn = `arn:${partitionOf(region)}:s3:::${bucket}`;
  return {
    Version: '2012-10-17',
    Statement: [{
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [arn, `${arn}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }],
  };
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Whether the client talks plain http: an explicit `endpoint`, or one from AWS_ENDPOINT_URL(_S3) / the profile. */
async function usesPlainHttp(s3: S3Client): Promise<boolean> {
  const config = s3.config as unknown as {
    endpoint?: () => Promise<{ protocol?: string } | undefined>;
    serviceConfiguredEndpoint?: () => Promise<string | undefined>;
  };
  const explicit = await config.endpoint?.();
  if (explicit?.protocol) return explicit.protocol.replace(/:$/, '') === 'http';
  const configured = await config.serviceConfiguredEndpoint?.();
  return configured?.startsWith('http:') ?? false;
}

async function bucketExists(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    if (hasCode(error, 'NotFound', 'NoSuchBucket') || httpStatus(error) === 404) return false;
    if (isAccessDenied(error)) {
      throw new StateBucketError(`the bucket ${bucket} exists but this identity cannot access it (it may belong to ` +
        'another account: bucket names are global); choose another state.bucket or fix the permissions', { cause: error });
    }
    throw error;
  }
}

async function isOurs(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    const tagging = await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }));
    return tagMap(tagging.TagSet)[STATE_BUCKET_TAG] === STATE_BUCKET_TAG_VALUE;
  } catch (error) {
    if (hasCode(error, 'NoSuchTagSet', 'NoSuchTagSetError')) return false;
    throw error;
  }
}

function explainCreateError(error: unknown, bucket: string): unknown {
  if (hasCode(error, 'BucketAlreadyExists')) {
    return new StateBucketError(`the bucket name ${bucket} is already taken by another AWS account (bucket names are ` +
      'global); choose another state.bucket', { cause: error });
  }
  return error;
}

function isAccessDenied(error: unknown): boolean {
  return hasCode(error, 'AccessDenied', 'Forbidden') || httpStatus(error) === 403;
}
