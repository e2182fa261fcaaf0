/** `kms.alias`: the workspace key's alias, `alias/morpheus-ws/<workspace>`. The alias name is its identity. */
import {
  CreateAliasCommand, DeleteAliasCommand, KMSClient, ListAliasesCommand, UpdateAliasCommand, type AliasListEntry,
} from '@aws-sdk/client-kms';
import { hasCode } from '../../aws/errors.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';

export interface KmsAliasInputs {
  /** `alias/…` */
  name: string;
  targetKeyId: string;
}

function kms(ctx: ResourceCtx): KMSClient {
  return ctx.aws.get(KMSClient);
}

/** One paginated ListAliases serves every alias of the read. */
async function listAliases(ctx: ResourceCtx): Promise<Map<string, AliasListEntry>> {
  const aliases = new Map<string, AliasListEntry>();
  let Marker: string | undefined;
  do {
    const page = await kms(ctx).send(new ListAliasesCommand({ Marker }));
    for (const alias of page.Aliases ?? []) if (alias.AliasName) aliases.set(alias.AliasName, alias);
    Marker = page.Truncated ? page.NextMarker : undefined;
  } while (Marker);
  return aliases;
}

function toActual(alias: AliasListEntry): Actual {
  const inputs: Record<string, unknown> = { name: alias.AliasName! };
  if (alias.TargetKeyId) inputs.targetKeyId = alias.TargetKeyId;
  const outputs: Record<string, unknown> = { name: alias.AliasName! };
  if (alias.AliasArn) outputs.arn = alias.AliasArn;
  return { id: alias.AliasName!, inputs, outputs };
}

async function readOne(ctx: ResourceCtx, name: string): Promise<Actual> {
  const alias = (await listAliases(ctx)).get(name);
  if (!alias) throw new Error(`KMS alias ${name} is not visible`);
  return toActual(alias);
}

export const kmsAliasHandler: Handler = {
  kind: 'kms.alias',
  forceNew: ['name'],

  async read(ctx, items) {
    const aliases = await listAliases(ctx);
    const result = new Map<string, Actual>();
    for (const item of items) {
      const alias = aliases.get(item.id);
      if (alias) result.set(item.address, toActual(alias));
    }
    return result;
  },

  async find(ctx, args) {
    const alias = (await listAliases(ctx)).get((args.inputs as unknown as KmsAliasInputs).name);
    return alias ? toActual(alias) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as KmsAliasInputs;
    await kms(ctx).send(new CreateAliasCommand({ AliasName: inputs.name, TargetKeyId: inputs.targetKeyId }));
    return readOne(ctx, inputs.name);
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as KmsAliasInputs;
    await kms(ctx).send(new UpdateAliasCommand({ AliasName: args.id, TargetKeyId: inputs.targetKeyId }));
    return readOne(ctx, args.id);
  },

  async delete(ctx, args) {
    try {
      await kms(ctx).send(new DeleteAliasCommand({ AliasName: args.id }));
    } catch (error) {
      if (!hasCode(error, 'NotFoundException')) throw error;
    }
  },
};
