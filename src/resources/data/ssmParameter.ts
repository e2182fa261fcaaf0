/**
 * `ssm.parameter`: one String parameter under /morpheus-ws/<workspace>/ that the app nodes read at boot
 * (endpoints, names, secret ARNs). Secret values never go here: only the ARNs of the secrets that hold them.
 */
import {
  AddTagsToResourceCommand, DeleteParameterCommand, GetParameterCommand, GetParametersCommand, ListTagsForResourceCommand,
  PutParameterCommand, SSMClient, type Parameter,
} from '@aws-sdk/client-ssm';
import { hasCode } from '../../aws/errors.js';
import { ADDRESS_TAG, tagList, tagMap, WORKSPACE_TAG } from '../../aws/tags.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { chunks } from './common.js';
import { nameForAddress } from './names.js';

export interface SsmParameterInputs {
  name: string;
  value: string;
  /** Not returned by GetParameters, so not diffed. */
  description: string;
}

function client(ctx: ResourceCtx): SSMClient {
  return ctx.aws.get(SSMClient);
}

function toActual(parameter: Parameter): Actual {
  return {
    id: parameter.Name!,
    inputs: { name: parameter.Name!, value: parameter.Value ?? '' },
    outputs: { name: parameter.Name!, arn: parameter.ARN! },
  };
}

async function getOne(ctx: ResourceCtx, name: string): Promise<Parameter | undefined> {
  try {
    return (await client(ctx).send(new GetParameterCommand({ Name: name }))).Parameter;
  } catch (error) {
    if (hasCode(error, 'ParameterNotFound')) return undefined;
    throw error;
  }
}

async function put(ctx: ResourceCtx, inputs: SsmParameterInputs, overwrite: boolean, tags?: Record<string, string>): Promise<void> {
  // Tags and Overwrite cannot be sent together.
  await client(ctx).send(new PutParameterCommand({
    Name: inputs.name, Value: inputs.value, Description: inputs.description, Type: 'String', Tier: 'Standard',
    Overwrite: overwrite, Tags: overwrite ? undefined : tagList(tags ?? {}),
  }));
}

async function readBack(ctx: ResourceCtx, name: string): Promise<Actual> {
  const parameter = await getOne(ctx, name);
  if (!parameter) throw new Error(`parameter ${name} is not visible after it was written`);
  return toActual(parameter);
}

export const ssmParameterHandler: Handler = {
  kind: 'ssm.parameter',
  forceNew: ['name'],

  async read(ctx, items) {
    const byName = new Map(items.map((i) => [i.id, i.address]));
    const result = new Map<string, Actual>();
    for (const batch of chunks([...byName.keys()], 10)) {
      const out = await client(ctx).send(new GetParametersCommand({ Names: batch }));
      for (const parameter of out.Parameters ?? []) {
        const address = byName.get(parameter.Name!);
        if (address) result.set(address, toActual(parameter));
      }
    }
    return result;
  },

  async find(ctx, args) {
    const name = (args.inputs.name as string | undefined) ?? nameForAddress(ctx.workspace, args.address);
    if (!name) return undefined;
    const parameter = await getOne(ctx, name);
    if (!parameter) return undefined;
    const tags = tagMap((await client(ctx).send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }))).TagList);
    if (tags[ADDRESS_TAG] !== args.tags[ADDRESS_TAG] || tags[WORKSPACE_TAG] !== args.tags[WORKSPACE_TAG]) return undefined;
    return toActual(parameter);
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as SsmParameterInputs;
    try {
      await put(ctx, inputs, false, args.tags);
    } catch (error) {
      // Left by an interrupted run or an earlier destroy that failed midway: take it over, tags included.
      if (!hasCode(error, 'ParameterAlreadyExists')) throw error;
      await put(ctx, inputs, true);
      await client(ctx).send(new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: inputs.name, Tags: tagList(args.tags) }));
    }
    return readBack(ctx, inputs.name);
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as SsmParameterInputs;
    await put(ctx, inputs, true);
    return readBack(ctx, inputs.name);
  },

  async delete(ctx, args) {
    try {
      await client(ctx).send(new DeleteParameterCommand({ Name: args.id }));
    } catch (error) {
      if (!hasCode(error, 'ParameterNotFound')) throw error;
    }
  },
};
