/**
 * `iam.role`: an IAM role with its trust policy, attached managed policies, inline policies and, optionally, an
 * instance profile of the same name. Every policy of the role is owned here: extra ones are removed.
 */
import {
  AddRoleToInstanceProfileCommand, AttachRolePolicyCommand, CreateInstanceProfileCommand, CreateRoleCommand,
  DeleteInstanceProfileCommand, DeleteRoleCommand, DeleteRolePolicyCommand, DetachRolePolicyCommand,
  GetRoleCommand, GetRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand, ListRolePoliciesCommand, PutRolePolicyCommand,
  RemoveRoleFromInstanceProfileCommand, UpdateAssumeRolePolicyCommand, UpdateRoleCommand, type InstanceProfile,
  type Role,
} from '@aws-sdk/client-iam';
import { hasCode } from '../../aws/errors.js';
import { tagList } from '../../aws/tags.js';
import { retryWhile } from '../../aws/wait.js';
import type { Actual, NodeCall } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { readEach } from '../readEach.js';
import { deepEqual, sameMembers } from './compare.js';

export interface IamRoleInputs {
  name: string;
  assumeRolePolicy: object;
  managedPolicyArns: string[];
  inlinePolicies: Record<string, object>;
  /** Also create an instance profile named like the role, holding it (for EC2). */
  instanceProfile?: boolean;
  description?: string;
}

/** IAM is eventually consistent: what was just created may be unknown to the next call for a few seconds. */
const PROPAGATION_TIMEOUT_MS = 2 * 60_000;
const DELETE_TIMEOUT_MS = 5 * 60_000;

function iam(ctx: ResourceCtx): IAMClient {
  return ctx.aws.get(IAMClient);
}

/** IAM returns policy documents URL-encoded (RFC 3986). */
export function parsePolicyDocument(text: string | undefined): object | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as object;
  } catch {
    return JSON.parse(decodeURIComponent(text)) as object;
  }
}

async function allMarked<T>(fetch: (marker: string | undefined) => Promise<{ items: T[] | undefined; marker?: string; truncated?: boolean }>): Promise<T[]> {
  const all: T[] = [];
  let marker: string | undefined;
  do {
    const page = await fetch(marker);
    all.push(...(page.items ?? []));
    marker = page.truncated ? page.marker : undefined;
  } while (marker);
  return all;
}

interface RoleState {
  role: Role;
  managedPolicyArns: string[];
  inlinePolicies: Record<string, object>;
  profiles: InstanceProfile[];
}

async function getRole(ctx: ResourceCtx, name: string): Promise<Role | undefined> {
  try {
    return (await iam(ctx).send(new GetRoleCommand({ RoleName: name }))).Role;
  } catch (error) {
    if (hasCode(error, 'NoSuchEntity', 'NoSuchEntityException')) return undefined;
    throw error;
  }
}

async function readState(ctx: ResourceCtx, name: string): Promise<RoleState | undefined> {
  const role = await getRole(ctx, name);
  if (!role) return undefined;
  const [attached, inlineNames, profiles] = await Promise.all([
    allMarked(async (Marker) => {
      const out = await iam(ctx).send(new ListAttachedRolePoliciesCommand({ RoleName: name, Marker }));
      return { items: out.AttachedPolicies, marker: out.Marker, truncated: out.IsTruncated };
    }),
    allMarked(async (Marker) => {
      const out = await iam(ctx).send(new ListRolePoliciesCommand({ RoleName: name, Marker }));
      return { items: out.PolicyNames, marker: out.Marker, truncated: out.IsTruncated };
    }),
    allMarked(async (Marker) => {
      const out = await iam(ctx).send(new ListInstanceProfilesForRoleCommand({ RoleName: name, Marker }));
      return { items: out.InstanceProfiles, marker: out.Marker, truncated: out.IsTruncated };
    }),
  ]);
  const inlinePolicies: Record<string, object> = {};
  for (const policyName of inlineNames) {
    const out = await iam(ctx).send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }));
    inlinePolicies[policyName] = parsePolicyDocument(out.PolicyDocument) ?? {};
  }
  return { role, managedPolicyArns: attached.map((p) => p.PolicyArn!).sort(), inlinePolicies, profiles };
}

function ownProfile(state: RoleState): InstanceProfile | undefined {
  return state.profiles.find((p) => p.InstanceProfileName === state.role.RoleName);
}

function toActual(state: RoleState): Actual {
  const name = state.role.RoleName!;
  const profile = ownProfile(state);
  const inputs: Record<string, unknown> = {
    name,
    assumeRolePolicy: parsePolicyDocument(state.role.AssumeRolePolicyDocument) ?? {},
    managedPolicyArns: state.managedPolicyArns,
    inlinePolicies: state.inlinePolicies,
    instanceProfile: Boolean(profile),
  };
  if (state.role.Description) inputs.description = state.role.Description;
  const outputs: Record<string, unknown> = { name, arn: state.role.Arn! };
  if (profile) {
    outputs.instanceProfileName = profile.InstanceProfileName!;
    outputs.instanceProfileArn = profile.Arn!;
  }
  return { id: name, inputs, outputs };
}

function propagation(what: string, call: NodeCall) {
  return { what, timeoutMs: PROPAGATION_TIMEOUT_MS, minDelayMs: 2000, report: call.report, signal: call.signal };
}

// "Policy arn:… does not exist or is not attachable" is a wrong ARN, not propagation: fail at once.
const notYetVisible = (e: unknown) => (hasCode(e, 'NoSuchEntity', 'NoSuchEntityException') && !/policy arn:/i.test((e as Error).message ?? ''))
  || (hasCode(e, 'MalformedPolicyDocument', 'MalformedPolicyDocumentException') && /principal/i.test((e as Error).message ?? ''));

/** Bring the role's policies and instance profile to the inputs, changing only what differs. */
async function sync(ctx: ResourceCtx, state: RoleState, inputs: IamRoleInputs, tags: Record<string, string>, call: NodeCall): Promise<void> {
  const RoleName = inputs.name;
  const client = iam(ctx);

  if (!deepEqual(parsePolicyDocument(state.role.AssumeRolePolicyDocument), inputs.assumeRolePolicy)) {
    await retryWhile(() => client.send(new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: JSON.stringify(inputs.assumeRolePolicy) })),
      notYetVisible, propagation(`trust policy of ${RoleName}`, call));
  }
  if ((state.role.Description ?? '') !== (inputs.description ?? '')) {
    await client.send(new UpdateRoleCommand({ RoleName, Description: inputs.description ?? '' }));
  }

  const wantedManaged = new Set(inputs.managedPolicyArns ?? []);
  for (const arn of wantedManaged) {
    if (state.managedPolicyArns.includes(arn)) continue;
    await retryWhile(() => client.send(new AttachRolePolicyCommand({ RoleName, PolicyArn: arn })),
      notYetVisible, propagation(`attach ${arn} to ${RoleName}`, call));
  }
  for (const arn of state.managedPolicyArns) {
    if (!wantedManaged.has(arn)) await client.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: arn }));
  }

  const wantedInline = inputs.inlinePolicies ?? {};
  for (const [PolicyName, document] of Object.entries(wantedInline)) {
    if (deepEqual(state.inlinePolicies[PolicyName], document)) continue;
    await retryWhile(() => client.send(new PutRolePolicyCommand({ RoleName, PolicyName, PolicyDocument: JSON.stringify(document) })),
      notYetVisible, propagation(`inline policy ${PolicyName} of ${RoleName}`, call));
  }
  for (const PolicyName of Object.keys(state.inlinePolicies)) {
    if (!(PolicyName in wantedInline)) await client.send(new DeleteRolePolicyCommand({ RoleName, PolicyName }));
  }

  const profile = ownProfile(state);
  if (inputs.instanceProfile && !profile) {
    await createProfile(ctx, RoleName, tags, call);
  } else if (!inputs.instanceProfile && profile) {
    await deleteProfile(ctx, RoleName, RoleName);
  }
}

async function createProfile(ctx: ResourceCtx, name: string, tags: Record<string, string>, call: NodeCall): Promise<void> {
  const client = iam(ctx);
  try {
    await client.send(new CreateInstanceProfileCommand({ InstanceProfileName: name, Tags: tagList(tags) }));
  } catch (error) {
    // Left over from an interrupted run: adopt it.
    if (!hasCode(error, 'EntityAlreadyExists', 'EntityAlreadyExistsException')) throw error;
  }
  await retryWhile(async () => {
    try {
      await client.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: name }));
    } catch (error) {
      // A profile holds one role; "limit exceeded" means ours is already in it.
      if (!hasCode(error, 'LimitExceeded', 'LimitExceededException', 'EntityAlreadyExists', 'EntityAlreadyExistsException')) throw error;
    }
  }, notYetVisible, propagation(`add ${name} to its instance profile`, call));
}

async function deleteProfile(ctx: ResourceCtx, profileName: string, roleName: string): Promise<void> {
  const client = iam(ctx);
  try {
    await client.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: profileName, RoleName: roleName }));
  } catch (error) {
    if (!hasCode(error, 'NoSuchEntity', 'NoSuchEntityException')) throw error;
  }
  try {
    await client.send(new DeleteInstanceProfileCommand({ InstanceProfileName: profileName }));
  } catch (error) {
    if (!hasCode(error, 'NoSuchEntity', 'NoSuchEntityException')) throw error;
  }
}

async function mustRead(ctx: ResourceCtx, name: string): Promise<RoleState> {
  const state = await readState(ctx, name);
  if (!state) throw new Error(`IAM role ${name} is not visible`);
  return state;
}

export const iamRoleHandler: Handler = {
  kind: 'iam.role',
  forceNew: ['name'],

  /** IAM has no batch read: a few calls per role, roles in parallel (a stack has a handful). */
  read(ctx, items) {
    return readEach(items, async (item) => {
      const state = await readState(ctx, item.id);
      return state && toActual(state);
    });
  },

  async find(ctx, args) {
    const state = await readState(ctx, (args.inputs as unknown as IamRoleInputs).name);
    return state ? toActual(state) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as IamRoleInputs;
    await retryWhile(() => iam(ctx).send(new CreateRoleCommand({
      RoleName: inputs.name, AssumeRolePolicyDocument: JSON.stringify(inputs.assumeRolePolicy),
      Description: inputs.description, Tags: tagList(args.tags),
    })), notYetVisible, propagation(`create role ${inputs.name}`, args));
    const state = await retryWhile(() => mustRead(ctx, inputs.name), () => true, propagation(`role ${inputs.name} visible`, args));
    await sync(ctx, state, inputs, args.tags, args);
    return toActual(await mustRead(ctx, inputs.name));
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as IamRoleInputs;
    await sync(ctx, await mustRead(ctx, args.id), inputs, args.tags, args);
    return toActual(await mustRead(ctx, args.id));
  },

  async delete(ctx, args) {
    const state = await readState(ctx, args.id);
    if (!state) return;
    const client = iam(ctx);
    for (const profile of state.profiles) {
      if (profile.InstanceProfileName === args.id) await deleteProfile(ctx, args.id, args.id);
      else await client.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: profile.InstanceProfileName!, RoleName: args.id }));
    }
    for (const arn of state.managedPolicyArns) await client.send(new DetachRolePolicyCommand({ RoleName: args.id, PolicyArn: arn }));
    for (const name of Object.keys(state.inlinePolicies)) await client.send(new DeleteRolePolicyCommand({ RoleName: args.id, PolicyName: name }));
    await retryWhile(async () => {
      try {
        await client.send(new DeleteRoleCommand({ RoleName: args.id }));
      } catch (error) {
        if (!hasCode(error, 'NoSuchEntity', 'NoSuchEntityException')) throw error;
      }
    }, (e) => hasCode(e, 'DeleteConflict', 'DeleteConflictException'), {
      what: `delete role ${args.id}`, timeoutMs: DELETE_TIMEOUT_MS, minDelayMs: 2000, report: args.report, signal: args.signal,
    });
  },

  equal(field, desired, actual) {
    if (field === 'managedPolicyArns') return sameMembers(desired ?? [], actual ?? []);
    if (field === 'instanceProfile') return Boolean(desired) === Boolean(actual);
    if (field === 'description') return (desired ?? '') === (actual ?? '');
    return deepEqual(desired, actual);
  },
};
