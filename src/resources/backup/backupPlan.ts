/**
 * `backup.plan`: an AWS Backup plan (its rules: schedule, windows, retention, copies to other vaults). A plan
 * with selections cannot be deleted; the selections depend on the plan, so the engine removes them first, and
 * the delete retries while AWS still counts one.
 */
import {
  CreateBackupPlanCommand, DeleteBackupPlanCommand, GetBackupPlanCommand, ListBackupPlansCommand, UpdateBackupPlanCommand,
  type BackupPlan, type BackupPlanInput, type BackupPlansListMember, type BackupRule, type GetBackupPlanCommandOutput,
} from '@aws-sdk/client-backup';
import { hasCode } from '../../aws/errors.js';
import { retryWhile, waitUntil } from '../../aws/wait.js';
import type { Actual, NodeCall } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { deepEqual } from '../shared/compare.js';
import { backupClient } from './backupVault.js';

export interface BackupCopyAction {
  destinationVaultArn: string;
  deleteAfterDays: number;
}

export interface BackupPlanRule {
  ruleName: string;
  targetVaultName: string;
  schedule: string;
  startWindowMinutes: number;
  completionWindowMinutes: number;
  deleteAfterDays: number;
  copyActions: BackupCopyAction[];
}

export interface BackupPlanInputs {
  name: string;
  rules: BackupPlanRule[];
}

const TIMEOUT_MS = 2 * 60_000;
/** Selections removed just before may still count for a little while. */
const SELECTIONS_GONE_TIMEOUT_MS = 5 * 60_000;

const backup = (ctx: ResourceCtx) => backupClient(ctx);
const notFound = (e: unknown) => hasCode(e, 'ResourceNotFoundException');
const hasSelections = (e: unknown) => hasCode(e, 'InvalidRequestException');

function planInput(inputs: BackupPlanInputs): BackupPlanInput {
  return {
    BackupPlanName: inputs.name,
    Rules: inputs.rules.map((rule) => ({
      RuleName: rule.ruleName,
      TargetBackupVaultName: rule.targetVaultName,
      ScheduleExpression: rule.schedule,
      StartWindowMinutes: rule.startWindowMinutes,
      CompletionWindowMinutes: rule.completionWindowMinutes,
      Lifecycle: { DeleteAfterDays: rule.deleteAfterDays },
      CopyActions: rule.copyActions.map((copy) => ({
        DestinationBackupVaultArn: copy.destinationVaultArn,
        Lifecycle: { DeleteAfterDays: copy.deleteAfterDays },
      })),
    })),
  };
}

function ruleOf(rule: BackupRule): BackupPlanRule {
  return {
    ruleName: rule.RuleName!,
    targetVaultName: rule.TargetBackupVaultName!,
    schedule: rule.ScheduleExpression!,
    startWindowMinutes: Number(rule.StartWindowMinutes),
    completionWindowMinutes: Number(rule.CompletionWindowMinutes),
    deleteAfterDays: Number(rule.Lifecycle?.DeleteAfterDays),
    copyActions: (rule.CopyActions ?? []).map((copy) => ({
      destinationVaultArn: copy.DestinationBackupVaultArn!,
      deleteAfterDays: Number(copy.Lifecycle?.DeleteAfterDays),
    })),
  };
}

function toActual(out: GetBackupPlanCommandOutput): Actual {
  const plan = out.BackupPlan as BackupPlan;
  return {
    id: out.BackupPlanId!,
    inputs: { name: plan.BackupPlanName!, rules: (plan.Rules ?? []).map(ruleOf) },
    outputs: { planId: out.BackupPlanId!, arn: out.BackupPlanArn!, versionId: out.VersionId ?? '' },
  };
}

/** The live plan; a deleted plan (which AWS still returns for a while, with a DeletionDate) counts as gone. */
async function getPlan(ctx: ResourceCtx, id: string): Promise<GetBackupPlanCommandOutput | undefined> {
  try {
    const out = await backup(ctx).send(new GetBackupPlanCommand({ BackupPlanId: id }));
    return out.DeletionDate ? undefined : out;
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
}

async function listPlans(ctx: ResourceCtx): Promise<BackupPlansListMember[]> {
  const all: BackupPlansListMember[] = [];
  let NextToken: string | undefined;
  do {
    const page = await backup(ctx).send(new ListBackupPlansCommand({ NextToken }));
    all.push(...(page.BackupPlansList ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return all;
}

async function waitReadable(ctx: ResourceCtx, id: string, call: NodeCall): Promise<Actual> {
  return waitUntil(async () => {
    const out = await getPlan(ctx, id);
    return out ? { done: true, value: toActual(out) } : { done: false, status: 'not visible yet' };
  }, { what: `backup plan ${id}`, timeoutMs: TIMEOUT_MS, minDelayMs: 1000, report: call.report, signal: call.signal });
}

export const backupPlanHandler: Handler = {
  kind: 'backup.plan',
  forceNew: ['name'],

  /** The rules are only in GetBackupPlan: one call per plan (a workspace has one). */
  async read(ctx, items) {
    const plans = await Promise.all(items.map((item) => getPlan(ctx, item.id)));
    const result = new Map<string, Actual>();
    items.forEach((item, i) => { if (plans[i]) result.set(item.address, toActual(plans[i]!)); });
    return result;
  },

  /** By the CreatorRequestId of the interrupted create, else by name. */
  async find(ctx, args) {
    const name = (args.inputs as Partial<BackupPlanInputs>).name;
    const live = (await listPlans(ctx)).filter((p) => !p.DeletionDate);
    const found = live.find((p) => p.CreatorRequestId === args.token) ?? live.find((p) => name && p.BackupPlanName === name);
    const out = found ? await getPlan(ctx, found.BackupPlanId!) : undefined;
    return out ? toActual(out) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as BackupPlanInputs;
    const out = await backup(ctx).send(new CreateBackupPlanCommand({
      BackupPlan: planInput(inputs), BackupPlanTags: args.tags, CreatorRequestId: args.token,
    }));
    return waitReadable(ctx, out.BackupPlanId!, args);
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as BackupPlanInputs;
    await backup(ctx).send(new UpdateBackupPlanCommand({ BackupPlanId: args.id, BackupPlan: planInput(inputs) }));
    return waitReadable(ctx, args.id, args);
  },

  async delete(ctx, args) {
    await retryWhile(async () => {
      try {
        await backup(ctx).send(new DeleteBackupPlanCommand({ BackupPlanId: args.id }));
      } catch (error) {
        if (!notFound(error)) throw error;
      }
    }, hasSelections, { what: `delete backup plan ${args.id}`, timeoutMs: SELECTIONS_GONE_TIMEOUT_MS, minDelayMs: 2000, report: args.report, signal: args.signal });
    await waitUntil(async () => ((await getPlan(ctx, args.id)) ? { done: false, status: 'deleting' } : { done: true, value: undefined }),
      { what: `deletion of backup plan ${args.id}`, timeoutMs: TIMEOUT_MS, minDelayMs: 1000, report: args.report, signal: args.signal });
  },

  equal(field, desired, actual) {
    return deepEqual(desired, actual);
  },
};
