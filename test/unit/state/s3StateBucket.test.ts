import {
  CreateBucketCommand, GetBucketTaggingCommand, GetBucketVersioningCommand, GetPublicAccessBlockCommand,
  HeadBucketCommand, PutBucketEncryptionCommand, PutBucketLifecycleConfigurationCommand, PutBucketPolicyCommand,
  PutBucketTaggingCommand, PutBucketVersioningCommand, PutPublicAccessBlockCommand, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../src/aws/clients.js';
import { checkStateBucket, ensureStateBucket, StateBucketError, STATE_BUCKET_TAG } from '../../../src/state/s3StateBucket.js';

const s3 = mockClient(S3Client);
const BUCKET = 'acme-morpheus-state';

function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });
}

// The TLS-only policy depends on the endpoint in use; keep the developer's environment out of these tests.
const ENDPOINT_VARS = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3'] as const;
const savedEnv = ENDPOINT_VARS.map((name) => process.env[name]);
let aws: AwsClients;

beforeEach(() => {
  for (const name of ENDPOINT_VARS) delete process.env[name];
  s3.reset();
  aws = new AwsClients({ region: 'eu-west-1', maxAttempts: 1 });
  // The Put* configuration calls simply succeed; each test sets what it reads.
  s3.onAnyCommand().resolves({});
});
afterEach(() => aws.destroy());
afterAll(() => ENDPOINT_VARS.forEach((name, i) => {
  if (savedEnv[i] === undefined) delete process.env[name]; else process.env[name] = savedEnv[i];
}));

/** The input of the one call made with this command. */
function input<T extends { input: object }>(command: new (input: never) => T): T['input'] {
  const calls = s3.commandCalls(command as never);
  expect(calls).toHaveLength(1);
  return (calls[0].args[0] as unknown as T).input;
}

function operationsCalled(): string[] {
  return s3.calls().map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ''));
}

describe('ensureStateBucket', () => {
  it('creates and fully configures a new bucket', async () => {
    s3.on(HeadBucketCommand).rejects(s3Error('NotFound', 404));
    s3.on(CreateBucketCommand).resolves({});
    const result = await ensureStateBucket(aws, { bucket: BUCKET, region: 'eu-west-1', kmsKeyId: 'alias/state', tags: { team: 'ops' } });
    expect(result).toEqual({ created: true, configured: true, warnings: [] });
    expect(operationsCalled()).toEqual([
      'HeadBucket', 'CreateBucket', 'PutBucketTagging', 'PutBucketVersioning', 'PutBucketEncryption',
      'PutPublicAccessBlock', 'PutBucketPolicy', 'PutBucketLifecycleConfiguration',
    ]);

    expect(s3.commandCalls(CreateBucketCommand)[0].args[0].input).toEqual({
      Bucket: BUCKET, ObjectOwnership: 'BucketOwnerEnforced', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
    });
    expect(input(PutBucketTaggingCommand).Tagging?.TagSet).toEqual([
      { Key: 'team', Value: 'ops' }, { Key: STATE_BUCKET_TAG, Value: 'state' },
    ]);
    expect(input(PutBucketVersioningCommand).VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(input(PutBucketEncryptionCommand).ServerSideEncryptionConfiguration?.Rules).toEqual([{
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/state' }, BucketKeyEnabled: true,
    }]);
    expect(input(PutPublicAccessBlockCommand).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true,
    });
    const policy = JSON.parse(input(PutBucketPolicyCommand).Policy as string);
    expect(policy.Statement[0]).toMatchObject({
      Effect: 'Deny', Principal: '*', Action: 's3:*',
      Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    expect(input(PutBucketLifecycleConfigurationCommand).LifecycleConfiguration?.Rules?.[0]).toMatchObject({
      Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 90 },
    });
  });

  it('names no location in us-east-1 and uses the partition of the region in the policy', async () => {
    s3.on(HeadBucketCommand).rejects(s3Error('NotFound', 404));
    s3.on(CreateBucketCommand).resolves({});
    await ensureStateBucket(aws, { bucket: BUCKET, region: 'us-east-1' });
    const create = s3.commandCalls(CreateBucketCommand)[0].args[0].input;
    expect(create.CreateBucketConfiguration).toBeUndefined();
    const encryption = input(PutBucketEncryptionCommand).ServerSideEncryptionConfiguration?.Rules?.[0];
    expect(encryption?.ApplyServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'aws:kms' });

    s3.resetHistory();
    await ensureStateBucket(aws, { bucket: BUCKET, region: 'cn-north-1' });
    expect(input(PutBucketPolicyCommand).Policy).toContain(`arn:aws-cn:s3:::${BUCKET}`);
  });

  it('leaves the TLS-only policy off over a plain-http endpoint, and says so', async () => {
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
    aws = new AwsClients({ region: 'eu-west-1', maxAttempts: 1 });
    s3.on(HeadBucketCommand).rejects(s3Error('NotFound', 404));
    s3.on(CreateBucketCommand).resolves({});
    const result = await ensureStateBucket(aws, { bucket: BUCKET, region: 'eu-west-1' });
    expect(s3.commandCalls(PutBucketPolicyCommand)).toHaveLength(0);
    expect(result.warnings[0]).toMatch(/TLS-only bucket policy was not applied/);
    expect(s3.commandCalls(PutBucketVersioningCommand)).toHaveLength(1);
  });

  it('re-applies its settings to a bucket it created earlier, without creating it again', async () => {
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetBucketTaggingCommand).resolves({ TagSet: [{ Key: STATE_BUCKET_TAG, Value: 'state' }] });
    const result = await ensureStateBucket(aws, { bucket: BUCKET, region: 'eu-west-1' });
    expect(result).toEqual({ created: false, configured: true, warnings: [] });
    expect(s3.commandCalls(CreateBucketCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutBucketVersioningCommand)).toHaveLength(1);
  });

  it('is idempotent when creation races another init (BucketAlreadyOwnedByYou)', async () => {
    s3.on(HeadBucketCommand).rejects(s3Error('NotFound', 404));
    s3.on(CreateBucketCommand).rejects(s3Error('BucketAlreadyOwnedByYou', 409));
    s3.on(GetBucketTaggingCommand).resolves({ TagSet: [{ Key: STATE_BUCKET_TAG, Value: 'state' }] });
    expect(await ensureStateBucket(aws, { bucket: BUCKET, region: 'eu-west-1' })).toMatchObject({ created: false, configured: true });
  });

  it('only checks a bucket it did not create, never reconfigures it', async () => {
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetBucketTaggingCommand).rejects(s3Error('NoSuchTagSet', 404));
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    s3.on(GetPublicAccessBlockCommand).rejects(s3Error('NoSuchPublicAccessBlockConfiguration', 404));
    const result = await ensureStateBucket(aws, { bucket: BUCKET, region: 'eu-west-1' });
    expect(result.configured).toBe(false);
    expect(result.warnings[0]).toMatch(/no public access block/);
    expect(operationsCalled().filter((name) => name.startsWith('Put'))).toEqual([]);
  });

  it('says when the name belongs to another account', async () => {
    s3.on(HeadBucketCommand).rejects(s3Error('NotFound', 404));
    s3.on(CreateBucketCommand).rejects(s3Error('BucketAlreadyExists', 409));
    await expect(ensureStateBucket(aws, { bucket: BUCKET, region: 'eu-west-1' })).rejects.toThrow(/already taken by another AWS account/);
    s3.on(HeadBucketCommand).rejects(s3Error('Forbidden', 403));
    await expect(ensureStateBucket(aws, { bucket: BUCKET, region: 'eu-west-1' })).rejects.toBeInstanceOf(StateBucketError);
  });
});

describe('checkStateBucket', () => {
  it('passes a versioned, private bucket', async () => {
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: {
      BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true,
    } });
    expect(await checkStateBucket(aws, BUCKET)).toEqual([]);
  });

  it('refuses an unversioned or suspended bucket and says how to fix it', async () => {
    s3.on(GetBucketVersioningCommand).resolves({});
    await expect(checkStateBucket(aws, BUCKET)).rejects.toThrow(/not enabled.*put-bucket-versioning --bucket acme-morpheus-state/);
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Suspended' });
    await expect(checkStateBucket(aws, BUCKET)).rejects.toThrow(/suspended/);
  });

  it('explains a missing bucket', async () => {
    s3.on(GetBucketVersioningCommand).rejects(s3Error('NoSuchBucket', 404));
    await expect(checkStateBucket(aws, BUCKET)).rejects.toThrow(/does not exist.*--state-create-bucket/);
  });

  it('warns, not fails, when it may not read the settings', async () => {
    s3.on(GetBucketVersioningCommand).rejects(s3Error('AccessDenied', 403));
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: { BlockPublicAcls: true } });
    const warnings = await checkStateBucket(aws, BUCKET);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/could not verify that versioning/);
    expect(warnings[1]).toMatch(/does not block all public access/);
  });
});
