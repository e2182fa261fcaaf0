/**
 * `kms.key`: the workspace's customer-managed symmetric key, with automatic rotation and the key policy the stack
 * builds. KMS keys cannot be deleted outright: destroying schedules the deletion after a waiting period, and a
 * key pending deletion counts as gone.
 */
import {
  CreateKeyCommand, DescribeKeyCommand, DisableKeyRotationCommand, EnableKeyRotationCommand, GetKeyPolicyCommand,
  GetKeyRotationStatusCommand, KMSClient, ListKeysCommand, ListResourceTagsCommand, PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand, UpdateKeyDescriptionCommand, type KeyMetadata,
} from '@aws-sdk/client-kms';
import { hasCode } from '../../aws/errors.js';
import { ADDRESS_TAG, WORKSPACE_TAG } from '../../aws/tags.js';
import { retryWhile } from '../../aws/wait.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { deepEqual } from '../shared/compare.js';

export interface KmsKeyInputs {
  description: string;
  policy: object;
  enableKeyRotation: boolean;
  /** Waiting period applied when the key is destroyed (7–30). Not readable from AWS, so never diffed. */
  deletionWindowDays: number;
  /** Region of the key when it is not the stack's (e.g. the DR backup vault's key). */
  region?: string;
}

/** States in which the key is no longer usable by the stack. */
const GONE = new Set(['PendingDeletion', 'PendingReplicaDeletion']);
// A policy naming a principal IAM has not propagated yet is rejected as malformed for a little while.
const POLICY_PROPAGATION_TIMEOUT_MS = 2 * 60_000;

function kms(ctx: ResourceCtx, region?: string): KMSClient {
  return region ? ctx.aws.get(KMSClient, region) : ctx.aws.get(KMSClient);
}

const regionOf = (inputs: unknown): string | undefined => (inputs as Partial<KmsKeyInputs> | undefined)?.region;

const notFound = (e: unknown) => hasCode(e, 'NotFoundException');
const principalNotYetKnown = (e: unknown) => hasCode(e, 'MalformedPolicyDocumentException');

async function describeKey(ctx: ResourceCtx, keyId: string, region?: string): Promise<KeyMetadata | undefined> {
  try {
    return (await kms(ctx, region).send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
}

async function toActual(ctx: ResourceCtx, key: KeyMetadata, region?: string): Promise<Actual> {
  const KeyId = key.KeyId!;
  const [policy, rotation] = await Promise.all([
    kms(ctx, region).send(new GetKeyPolicyCommand({ KeyId, PolicyName: 'default' })),
    kms(ctx, region).send(new GetKeyRotationStatusCommand({ KeyId })),
  ]);
  const inputs: Record<string, unknown> = {
    description: key.Description ?? '',
    enableKeyRotation: rotation.KeyRotationEnabled ?? false,
  };
  if (policy.Policy) inputs.policy = JSON.parse(policy.Policy) as object;
  // Only keys placed in another region carry the field; the ARN says where the key really is.
  if (region) inputs.region = key.Arn?.split(':')[3] ?? region;
  return { id: KeyId, inputs, outputs: { keyId: KeyId, arn: key.Arn! } };
}

async function readLive(ctx: ResourceCtx, keyId: string, region?: string): Promise<Actual | undefined> {
  const key = await describeKey(ctx, keyId, region);
  if (!key || GONE.has(key.KeyState ?? '')) return undefined;
  return toActual(ctx, key, region);
}

async function putPolicy(ctx: ResourceCtx, keyId: string, policy: object, report: (m: string) => void, signal: AbortSignal, region?: string) {
  await retryWhile(() => kms(ctx, region).send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: JSON.stringify(policy) })),
    principalNotYetKnown, { what: `key policy of ${keyId}`, timeoutMs: POLICY_PROPAGATION_TIMEOUT_MS, minDelayMs: 2000, report, signal });
}

async function setRotation(ctx: ResourceCtx, keyId: string, enabled: boolean, region?: string): Promise<void> {
  await kms(ctx, region).send(enabled ? new EnableKeyRotationCommand({ KeyId: keyId }) : new DisableKeyRotationCommand({ KeyId: keyId }));
}

export const kmsKeyHandler: Handler = {
  kind: 'kms.key',
  ignoreDiff: ['deletionWindowDays'],
  forceNew: ['region'],

  /** KMS has no batch describe: one DescribeKey per key (a workspace has one). */
  async read(ctx, items) {
    const actuals = await Promise.all(items.map((item) => readLive(ctx, item.id, regionOf(item.inputs))));
    const result = new Map<string, Actual>();
    items.forEach((item, i) => {
      const actual = actuals[i];
      if (actual) result.set(item.address, actual);
    });
    return result;
  },

  /** CreateKey takes no idempotency token: look for a live customer key carrying this address's tags. */
  async find(ctx, args) {
    const wanted = { [ADDRESS_TAG]: args.tags[ADDRESS_TAG], [WORKSPACE_TAG]: args.tags[WORKSPACE_TAG] };
    const region = regionOf(args.inputs);
    let Marker: string | undefined;
    do {
      const page = await kms(ctx, region).send(new ListKeysCommand({ Marker }));
      for (const entry of page.Keys ?? []) {
        const key = await describeKey(ctx, entry.KeyId!, region);
        if (!key || key.KeyManager !== 'CUSTOMER' || GONE.has(key.KeyState ?? '')) continue;
        const tags = await kms(ctx, region).send(new ListResourceTagsCommand({ KeyId: entry.KeyId! }));
        const map = new Map((tags.Tags ?? []).map((t) => [t.TagKey, t.TagValue]));
        if (Object.entries(wanted).every(([k, v]) => map.get(k) === v)) return toActual(ctx, key, region);
      }
      Marker = page.Truncated ? page.NextMarker : undefined;
    } while (Marker);
    return undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as KmsKeyInputs;
    const out = await retryWhile(() => kms(ctx, inputs.region).send(new CreateKeyCommand({
      Description: inputs.description,
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
      Policy: JSON.stringify(inputs.policy),
      Tags: Object.entries(args.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
    })), principalNotYetKnown, {
      what: 'create KMS key', timeoutMs: POLICY_PROPAGATION_TIMEOUT_MS, minDelayMs: 2000, report: args.report, signal: args.signal,
    });
    const keyId = out.KeyMetadata!.KeyId!;
    if (inputs.enableKeyRotation) await setRotation(ctx, keyId, true, inputs.region);
    return toActual(ctx, out.KeyMetadata!, inputs.region);
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as KmsKeyInputs;
    const region = inputs.region;
    if (args.changed.includes('description')) {
      await kms(ctx, region).send(new UpdateKeyDescriptionCommand({ KeyId: args.id, Description: inputs.description }));
    }
    if (args.changed.includes('policy')) await putPolicy(ctx, args.id, inputs.policy, args.report, args.signal, region);
    if (args.changed.includes('enableKeyRotation')) await setRotation(ctx, args.id, inputs.enableKeyRotation, region);
    const actual = await readLive(ctx, args.id, region);
    if (!actual) throw new Error(`KMS key ${args.id} is gone or pending deletion`);
    return actual;
  },

  async delete(ctx, args) {
    const region = regionOf(args.inputs);
    const key = await describeKey(ctx, args.id, region);
    if (!key || GONE.has(key.KeyState ?? '')) return;
    const days = Number((args.inputs as Partial<KmsKeyInputs>).deletionWindowDays ?? 30);
    try {
      await kms(ctx, region).send(new ScheduleKeyDeletionCommand({ KeyId: args.id, PendingWindowInDays: days }));
      args.report(`key ${args.id} scheduled for deletion in ${days} days`);
    } catch (error) {
      if (!notFound(error)) throw error;
    }
  },

  equal(field, desired, actual) {
    return deepEqual(desired, actual);
  },
};
