/**
 * Live facts of `secretsmanager.secret` for `status` and `check`: when the credential last changed or rotated, and
 * whether Secrets Manager rotates it. Never the value.
 */
import { DescribeSecretCommand, SecretsManagerClient, type DescribeSecretCommandOutput } from '@aws-sdk/client-secrets-manager';
import { hasCode } from '../../aws/errors.js';
import type { Health, ReadItem } from '../../engine/types.js';
import type { ResourceCtx } from '../context.js';

export interface SecretRotation {
  name?: string;
  lastChanged?: string;
  lastRotated?: string;
  nextRotation?: string;
  /** Secrets Manager rotation configured (a rotation function, or rotation managed by the owning service). */
  rotationEnabled: boolean;
  /** The service that manages the secret (e.g. `rds` for an Aurora master user secret). */
  owningService?: string;
  deleted: boolean;
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : undefined);

export function secretRotationOf(secret: DescribeSecretCommandOutput): SecretRotation {
  return {
    name: secret.Name,
    lastChanged: iso(secret.LastChangedDate),
    lastRotated: iso(secret.LastRotatedDate),
    nextRotation: iso(secret.NextRotationDate),
    rotationEnabled: secret.RotationEnabled === true,
    owningService: secret.OwningService,
    deleted: secret.DeletedDate !== undefined,
  };
}

/** DescribeSecret per secret (Secrets Manager has no batch describe); missing ones are absent. */
export async function describeSecretRotation(ctx: ResourceCtx, ids: string[]): Promise<Map<string, SecretRotation>> {
  const result = new Map<string, SecretRotation>();
  await Promise.all([...new Set(ids)].map(async (id) => {
    try {
      result.set(id, secretRotationOf(await ctx.aws.get(SecretsManagerClient).send(new DescribeSecretCommand({ SecretId: id }))));
    } catch (error) {
      if (!hasCode(error, 'ResourceNotFoundException')) throw error;
    }
  }));
  return result;
}

export function secretHealthOf(rotation: SecretRotation): Health {
  const day = (d: string | undefined) => d?.slice(0, 10);
  const changed = rotation.lastRotated ?? rotation.lastChanged;
  const how = rotation.rotationEnabled ? `rotates automatically${rotation.nextRotation ? `, next ${day(rotation.nextRotation)}` : ''}` : 'no automatic rotation';
  return {
    state: rotation.deleted ? 'down' : 'healthy',
    summary: rotation.deleted ? 'scheduled for deletion' : `${rotation.lastRotated ? 'rotated' : 'changed'} ${day(changed) ?? 'at an unknown date'}, ${how}`,
    details: { ...rotation },
  };
}

export async function secretHealth(ctx: ResourceCtx, items: ReadItem[]): Promise<Map<string, Health>> {
  const rotations = await describeSecretRotation(ctx, items.map((i) => i.id));
  const result = new Map<string, Health>();
  for (const item of items) {
    const rotation = rotations.get(item.id);
    if (rotation) result.set(item.address, secretHealthOf(rotation));
  }
  return result;
}
