/**
 * `secretsmanager.secret`: a generated {"username","password"} credential, encrypted with the CMK. The value is
 * made here at create time and never leaves AWS otherwise: it is not an input, an output or a message. Other
 * handlers that must hand the password to AWS (Amazon MQ, OpenSearch) read it with `readCredentials`.
 */
import {
  CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, GetSecretValueCommand, ListSecretsCommand,
  RestoreSecretCommand, SecretsManagerClient, TagResourceCommand, UpdateSecretCommand,
  type DescribeSecretCommandOutput, type SecretListEntry,
} from '@aws-sdk/client-secrets-manager';
import { hasCode } from '../../aws/errors.js';
import { ADDRESS_TAG, tagList, tagMap, WORKSPACE_TAG } from '../../aws/tags.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { allPages, chunks, definedOnly } from './common.js';
import { sameKmsKey } from './kms.js';
import { nameForAddress } from './names.js';
import { generatePassword } from './password.js';
import { secretHealth } from './secretHealth.js';

export interface SecretInputs {
  name: string;
  description: string;
  kmsKeyId: string;
  /** Stored in the value; the handler cannot read it back without reading the secret, so it is not diffed. */
  username: string;
  passwordLength: number;
  /** Punctuation the password may contain besides letters and digits. */
  passwordSymbols: string;
  recoveryWindowDays: number;
}

export interface Credentials {
  username: string;
  password: string;
}

type SecretInfo = Pick<SecretListEntry, 'ARN' | 'Name' | 'Description' | 'KmsKeyId' | 'Tags' | 'DeletedDate'>;

function client(ctx: ResourceCtx): SecretsManagerClient {
  return ctx.aws.get(SecretsManagerClient);
}

function toActual(secret: SecretInfo): Actual {
  return {
    id: secret.ARN!,
    inputs: definedOnly({ name: secret.Name, description: secret.Description ?? '', kmsKeyId: secret.KmsKeyId }),
    outputs: { arn: secret.ARN!, name: secret.Name! },
  };
}

async function describe(ctx: ResourceCtx, id: string): Promise<DescribeSecretCommandOutput | undefined> {
  try {
    return await client(ctx).send(new DescribeSecretCommand({ SecretId: id }));
  } catch (error) {
    if (hasCode(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

/** The credential a secret holds, for handlers that pass it to AWS. Errors never carry the value. */
export async function readCredentials(ctx: ResourceCtx, secretArn: string): Promise<Credentials> {
  const out = await client(ctx).send(new GetSecretValueCommand({ SecretId: secretArn }));
  let value: Partial<Credentials> | undefined;
  try {
    value = JSON.parse(out.SecretString ?? '') as Partial<Credentials>;
  } catch {
    value = undefined;
  }
  if (typeof value?.username !== 'string' || typeof value.password !== 'string') {
    throw new Error(`secret ${secretArn} does not hold JSON {"username", "password"}`);
  }
  return { username: value.username, password: value.password };
}

function ownedBy(secret: SecretInfo, tags: Record<string, string>): boolean {
  const have = tagMap(secret.Tags);
  return have[ADDRESS_TAG] === tags[ADDRESS_TAG] && have[WORKSPACE_TAG] === tags[WORKSPACE_TAG];
}

/**
 * A destroy with a recovery window leaves the name reserved. Bringing that secret back keeps the credential a
 * restored database snapshot still expects, instead of failing the create until the window ends.
 */
async function restoreScheduledSecret(ctx: ResourceCtx, inputs: SecretInputs, tags: Record<string, string>): Promise<Actual> {
  await client(ctx).send(new RestoreSecretCommand({ SecretId: inputs.name }));
  await client(ctx).send(new UpdateSecretCommand({ SecretId: inputs.name, Description: inputs.description, KmsKeyId: inputs.kmsKeyId }));
  await client(ctx).send(new TagResourceCommand({ SecretId: inputs.name, Tags: tagList(tags) }));
  const secret = await describe(ctx, inputs.name);
  if (!secret) throw new Error(`secret ${inputs.name} disappeared after it was restored`);
  return toActual(secret);
}

export const secretHandler: Handler = {
  kind: 'secretsmanager.secret',
  health: secretHealth,
  forceNew: ['name'],
  equal: (field, desired, actual) => (field === 'kmsKeyId' ? sameKmsKey(desired, actual) : JSON.stringify(desired) === JSON.stringify(actual)),

  async read(ctx, items) {
    const wanted = new Map(items.map((i) => [i.id, i.address]));
    const names = items.map((i) => (i.outputs.name as string | undefined) ?? (i.inputs.name as string)).filter(Boolean);
    const found: SecretListEntry[] = [];
    // Name filters match prefixes; up to 10 values per filter. Deleted (scheduled) secrets are left out.
    for (const batch of chunks([...new Set(names)], 10)) {
      found.push(...await allPages(async (token) => {
        const out = await client(ctx).send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: batch }], NextToken: token }));
        return { items: out.SecretList, next: out.NextToken };
      }));
    }
    const result = new Map<string, Actual>();
    for (const secret of found) {
      const address = wanted.get(secret.ARN!);
      if (address && !secret.DeletedDate) result.set(address, toActual(secret));
    }
    return result;
  },

  async find(ctx, args) {
    const name = (args.inputs.name as string | undefined) ?? nameForAddress(ctx.workspace, args.address);
    if (!name) return undefined;
    const secret = await describe(ctx, name);
    if (!secret || secret.DeletedDate || !ownedBy(secret, args.tags)) return undefined;
    return toActual(secret);
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as SecretInputs;
    const value = JSON.stringify({
      username: inputs.username,
      password: generatePassword({ length: inputs.passwordLength, symbols: inputs.passwordSymbols }),
    });
    try {
      const out = await client(ctx).send(new CreateSecretCommand({
        Name: inputs.name, Description: inputs.description, KmsKeyId: inputs.kmsKeyId, SecretString: value,
        ClientRequestToken: args.token, Tags: tagList(args.tags),
      }));
      return toActual({ ARN: out.ARN, Name: out.Name, Description: inputs.description, KmsKeyId: inputs.kmsKeyId });
    } catch (error) {
      if (hasCode(error, 'InvalidRequestException') && /scheduled for deletion/i.test((error as Error).message)) {
        args.report(`restoring ${inputs.name}, which was scheduled for deletion`);
        return restoreScheduledSecret(ctx, inputs, args.tags);
      }
      if (hasCode(error, 'ResourceExistsException')) {
        const existing = await describe(ctx, inputs.name);
        if (existing && ownedBy(existing, args.tags)) return toActual(existing);
      }
      throw error;
    }
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as SecretInputs;
    if (args.changed.some((f) => f === 'description' || f === 'kmsKeyId')) {
      await client(ctx).send(new UpdateSecretCommand({ SecretId: args.id, Description: inputs.description, KmsKeyId: inputs.kmsKeyId }));
    }
    const secret = await describe(ctx, args.id);
    if (!secret) throw new Error(`secret ${inputs.name} disappeared during the update`);
    return toActual(secret);
  },

  async delete(ctx, args) {
    const window = (args.inputs.recoveryWindowDays as number | undefined) ?? 30;
    try {
      await client(ctx).send(new DeleteSecretCommand(ctx.options.forceDeleteSecrets
        ? { SecretId: args.id, ForceDeleteWithoutRecovery: true }
        : { SecretId: args.id, RecoveryWindowInDays: window }));
    } catch (error) {
      if (hasCode(error, 'ResourceNotFoundException')) return;
      // Already scheduled for deletion by an earlier destroy.
      if (hasCode(error, 'InvalidRequestException') && /marked for deletion|scheduled for deletion/i.test((error as Error).message)) return;
      throw error;
    }
  },
};
