/**
 * Rotating a `secretsmanager.secret` credential in the standard Secrets Manager stages: the new value is stored as
 * AWSPENDING first (so a node, or this process, can apply it to the service while AWSCURRENT still holds the value
 * everything uses), then promoted to AWSCURRENT, which moves AWSPREVIOUS to the old version. Values never appear in
 * errors or progress messages.
 */
import {
  DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient, UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { randomUUID } from 'node:crypto';
import type { AwsClients } from '../../aws/clients.js';
import { hasCode } from '../../aws/errors.js';
import { generatePassword, type PasswordPolicy } from './password.js';
import type { Credentials } from './secret.js';

export const PENDING = 'AWSPENDING';
export const CURRENT = 'AWSCURRENT';

export interface SecretVersions {
  arn: string;
  currentVersionId: string;
  pendingVersionId?: string;
  lastChangedDate?: Date;
}

function client(aws: AwsClients): SecretsManagerClient {
  return aws.get(SecretsManagerClient);
}

export async function describeSecretVersions(aws: AwsClients, secretId: string): Promise<SecretVersions> {
  const out = await client(aws).send(new DescribeSecretCommand({ SecretId: secretId }));
  const stages = Object.entries(out.VersionIdsToStages ?? {});
  const current = stages.find(([, s]) => s.includes(CURRENT))?.[0];
  if (!current) throw new Error(`secret ${secretId} has no ${CURRENT} version`);
  return {
    arn: out.ARN!,
    currentVersionId: current,
    pendingVersionId: stages.find(([, s]) => s.includes(PENDING))?.[0],
    lastChangedDate: out.LastChangedDate,
  };
}

function parseCredentials(secretId: string, text: string | undefined): Credentials {
  let value: Partial<Credentials> | undefined;
  try {
    value = JSON.parse(text ?? '') as Partial<Credentials>;
  } catch {
    value = undefined;
  }
  if (typeof value?.username !== 'string' || typeof value.password !== 'string') {
    throw new Error(`secret ${secretId} does not hold JSON {"username", "password"}`);
  }
  return { username: value.username, password: value.password };
}

export async function readCredentialsAt(aws: AwsClients, secretId: string, stage: string): Promise<Credentials> {
  const out = await client(aws).send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
  return parseCredentials(secretId, out.SecretString);
}

/**
 * Stores a freshly generated password for the same user as AWSPENDING and returns the new version id. The value is
 * made here and handed only to Secrets Manager. ClientRequestToken is the version id, so a retried call is a no-op.
 */
export async function putPendingCredentials(aws: AwsClients, secretId: string, policy: PasswordPolicy, token = randomUUID()): Promise<string> {
  const { username } = await readCredentialsAt(aws, secretId, CURRENT);
  const value = JSON.stringify({ username, password: generatePassword(policy) });
  const out = await client(aws).send(new PutSecretValueCommand({
    SecretId: secretId, SecretString: value, ClientRequestToken: token, VersionStages: [PENDING],
  }));
  return out.VersionId ?? token;
}

/** AWSCURRENT -> the new version; Secrets Manager moves AWSPREVIOUS to the old one. Then AWSPENDING is cleared. */
export async function promotePending(aws: AwsClients, secretId: string, versionId: string): Promise<void> {
  const { currentVersionId } = await describeSecretVersions(aws, secretId);
  if (currentVersionId !== versionId) {
    await client(aws).send(new UpdateSecretVersionStageCommand({
      SecretId: secretId, VersionStage: CURRENT, MoveToVersionId: versionId, RemoveFromVersionId: currentVersionId,
    }));
  }
  await clearPending(aws, secretId, versionId);
}

/** Takes AWSPENDING off a version (after promotion, or when a rotation is abandoned before the service changed). */
export async function clearPending(aws: AwsClients, secretId: string, versionId: string): Promise<void> {
  try {
    await client(aws).send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: PENDING, RemoveFromVersionId: versionId }));
  } catch (error) {
    // The label was already gone (a retried run): nothing to clear.
    if (!hasCode(error, 'InvalidParameterException', 'ResourceNotFoundException')) throw error;
  }
}
