/**
 * `backup.selection`: which resources (by ARN) a backup plan protects, and the IAM role AWS Backup assumes to
 * back them up. Selections cannot be changed: any change is a new selection.
 */
import {
  CreateBackupSelectionCommand, DeleteBackupSelectionCommand, GetBackupSelectionCommand, ListBackupSelectionsCommand,
  type BackupSelectionsListMember, type GetBackupSelectionCommandOutput,
} from '@aws-sdk/client-backup';
import { hasCode } from '../../aws/errors.js';
import { retryWhile } from '../../aws/wait.js';
import type { Actual, ReadItem } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { deepEqual, sameMembers } from '../shared/compare.js';
import { backupClient } from './backupVault.js';

export interface BackupSelectionInputs {
  planId: string;
  name: string;
  iamRoleArn: string;
  resources: string[];
}

/** A role created moments ago may not be assumable by AWS Backup yet. */
const ROLE_PROPAGATION_TIMEOUT_MS = 2 * 60_000;

const backup = (ctx: ResourceCtx) => backupClient(ctx);
const notFound = (e: unknown) => hasCode(e, 'ResourceNotFoundException');
const roleNotReady = (e: unknown) => hasCode(e, 'InvalidParameterValueException') && /role|iam/i.test((e as Error).message ?? '');

const planOf = (item: { inputs: unknown; outputs?: unknown }): string | undefined =>
  (item.inputs as Partial<BackupSelectionInputs>).planId ?? (item.outputs as { planId?: string } | undefined)?.planId;

async function listSelections(ctx: ResourceCtx, planId: string): Promise<BackupSelectionsListMember[]> {
  const all: BackupSelectionsListMember[] = [];
  let NextToken: string | undefined;
  try {
    do {
      const page = await backup(ctx).send(new ListBackupSelectionsCommand({ BackupPlanId: planId, NextToken }));
      all.push(...(page.BackupSelectionsList ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
  } catch (error) {
    if (notFound(error)) return []; // the plan is gone, and its selections with it
    throw error;
  }
  return all;
}

async function getSelection(ctx: ResourceCtx, planId: string, selectionId: string): Promise<GetBackupSelectionCommandOutput | undefined> {
  try {
    return await backup(ctx).send(new GetBackupSelectionCommand({ BackupPlanId: planId, SelectionId: selectionId }));
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
}

function toActual(out: GetBackupSelectionCommandOutput): Actual {
  const selection = out.BackupSelection!;
  return {
    id: out.SelectionId!,
    inputs: {
      planId: out.BackupPlanId!,
      name: selection.SelectionName!,
      iamRoleArn: selection.IamRoleArn!,
      resources: selection.Resources ?? [],
    },
    outputs: { selectionId: out.SelectionId!, planId: out.BackupPlanId! },
  };
}

export const backupSelectionHandler: Handler = {
  kind: 'backup.selection',
  forceNew: ['planId', 'name', 'iamRoleArn', 'resources'],

  /** One ListBackupSelections per plan, then GetBackupSelection for the resources of each one still listed. */
  async read(ctx, items) {
    const byPlan = new Map<string, ReadItem[]>();
    for (const item of items) {
      const plan = planOf(item);
      if (plan) byPlan.set(plan, [...(byPlan.get(plan) ?? []), item]);
    }
    const result = new Map<string, Actual>();
    await Promise.all([...byPlan].map(async ([planId, own]) => {
      const listed = new Set((await listSelections(ctx, planId)).map((s) => s.SelectionId!));
      await Promise.all(own.filter((item) => listed.has(item.id)).map(async (item) => {
        const out = await getSelection(ctx, planId, item.id);
        if (out) result.set(item.address, toActual(out));
      }));
    }));
    return result;
  },

  async find(ctx, args) {
    const inputs = args.inputs as Partial<BackupSelectionInputs>;
    if (!inputs.planId) return undefined;
    const listed = await listSelections(ctx, inputs.planId);
    const found = listed.find((s) => s.CreatorRequestId === args.token) ?? listed.find((s) => s.SelectionName === inputs.name);
    const out = found ? await getSelection(ctx, inputs.planId, found.SelectionId!) : undefined;
    return out ? toActual(out) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as BackupSelectionInputs;
    const out = await retryWhile(() => backup(ctx).send(new CreateBackupSelectionCommand({
      BackupPlanId: inputs.planId,
      BackupSelection: { SelectionName: inputs.name, IamRoleArn: inputs.iamRoleArn, Resources: inputs.resources },
      CreatorRequestId: args.token,
    })), roleNotReady, {
      what: `backup selection ${inputs.name}`, timeoutMs: ROLE_PROPAGATION_TIMEOUT_MS, minDelayMs: 2000, report: args.report, signal: args.signal,
    });
    const selectionId = out.SelectionId!;
    return { id: selectionId, inputs: { ...inputs }, outputs: { selectionId, planId: inputs.planId } };
  },

  async delete(ctx, args) {
    const planId = planOf(args);
    if (!planId) return;
    try {
      await backup(ctx).send(new DeleteBackupSelectionCommand({ BackupPlanId: planId, SelectionId: args.id }));
    } catch (error) {
      if (!notFound(error)) throw error;
    }
  },

  equal(field, desired, actual) {
    return field === 'resources' ? sameMembers(desired, actual) : deepEqual(desired, actual);
  },
};
