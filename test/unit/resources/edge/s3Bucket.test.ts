import {
  CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, GetBucketLifecycleConfigurationCommand, GetBucketPolicyCommand,
  HeadBucketCommand, ListObjectVersionsCommand, PutBucketEncryptionCommand, PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand, PutBucketTaggingCommand, PutPublicAccessBlockCommand, S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { s3BucketHandler as handler } from '../../../../src/resources/edge/s3Bucket.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const s3 = mockClient(S3Client);
const ctx = makeCtx();
const address = 'edge.accessLogBucket';
const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' }] };
const inputs = { name: 'demo-alb-logs-123456789012-us-east-1', policy, expirationDays: 90 };

beforeEach(() => s3.reset());

describe('s3.bucket', () => {
  it('creates a private, SSE-S3 bucket with its policy, lifecycle and tags', async () => {
    s3.on(CreateBucketCommand).resolves({});
    s3.on(HeadBucketCommand).resolves({});
    const actual = await handler.create(ctx, { ...call(address), inputs: { ...inputs }, token: 't', tags: tagsFor(address) });
    expect(s3.commandCalls(PutPublicAccessBlockCommand)[0].args[0].input.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true,
    });
    expect(s3.commandCalls(PutBucketEncryptionCommand)[0].args[0].input.ServerSideEncryptionConfiguration!.Rules![0]
      .ApplyServerSideEncryptionByDefault!.SSEAlgorithm).toBe('AES256');
    expect(JSON.parse(s3.commandCalls(PutBucketPolicyCommand)[0].args[0].input.Policy!)).toEqual(policy);
    expect(s3.commandCalls(PutBucketLifecycleConfigurationCommand)[0].args[0].input.LifecycleConfiguration!.Rules![0].Expiration).toEqual({ Days: 90 });
    expect(s3.commandCalls(PutBucketTaggingCommand)[0].args[0].input.Tagging!.TagSet).toContainEqual({ Key: 'morpheus-ws:address', Value: address });
    expect(actual.outputs).toEqual({ name: inputs.name, arn: `arn:aws:s3:::${inputs.name}` });
  });

  it('carries on when an interrupted create already made the bucket', async () => {
    s3.on(CreateBucketCommand).rejects(awsError('BucketAlreadyOwnedByYou'));
    s3.on(HeadBucketCommand).resolves({});
    await handler.create(ctx, { ...call(address), inputs: { ...inputs }, token: 't', tags: tagsFor(address) });
    expect(s3.commandCalls(PutBucketPolicyCommand)).toHaveLength(1);
  });

  it('reads policy and expiry back; a missing bucket is absent', async () => {
    s3.on(HeadBucketCommand, { Bucket: inputs.name }).resolves({});
    s3.on(HeadBucketCommand, { Bucket: 'gone' }).rejects(awsError('NotFound'));
    s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify(policy) });
    s3.on(GetBucketLifecycleConfigurationCommand).resolves({ Rules: [{ ID: 'morpheus-ws-expiry', Status: 'Enabled', Expiration: { Days: 90 } }] });
    const result = await handler.read(ctx, [
      { address, id: inputs.name, inputs: {}, outputs: {} }, { address: 'x', id: 'gone', inputs: {}, outputs: {} },
    ]);
    expect(result.get(address)!.inputs).toEqual(inputs);
    expect(result.has('x')).toBe(false);
  });

  it('empties every version and delete marker before deleting, then waits until it is gone', async () => {
    s3.on(ListObjectVersionsCommand)
      .resolvesOnce({ Versions: [{ Key: 'a', VersionId: '1' }], DeleteMarkers: [{ Key: 'a', VersionId: '2' }], IsTruncated: true, NextKeyMarker: 'a', NextVersionIdMarker: '2' })
      .resolves({ Versions: [{ Key: 'b', VersionId: '3' }], IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({});
    s3.on(DeleteBucketCommand).resolves({});
    s3.on(HeadBucketCommand).rejects(awsError('NotFound'));
    await withFakeTime(() => handler.delete(ctx, { ...call(address), id: inputs.name, inputs: {}, outputs: {} }));
    const deleted = s3.commandCalls(DeleteObjectsCommand).flatMap((c) => c.args[0].input.Delete!.Objects!);
    expect(deleted).toEqual([{ Key: 'a', VersionId: '1' }, { Key: 'a', VersionId: '2' }, { Key: 'b', VersionId: '3' }]);
    expect(s3.commandCalls(DeleteBucketCommand)).toHaveLength(1);
  });

  it('treats a bucket already gone as deleted', async () => {
    s3.on(ListObjectVersionsCommand).rejects(awsError('NoSuchBucket'));
    await handler.delete(ctx, { ...call(address), id: inputs.name, inputs: {}, outputs: {} });
    expect(s3.commandCalls(DeleteBucketCommand)).toHaveLength(0);
  });
});
