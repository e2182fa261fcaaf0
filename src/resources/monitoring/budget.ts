/**
 * `budgets.budget`: a cost budget for the workspace, filtered by its cost-allocation tag, with notifications
 * (percentages of the limit) sent to the alarm topic. Budgets are per account, named, and global (one endpoint).
 * The subscriber (the topic) is not read back: when it changes, the engine sees the changed ref and updates.
 */
import {
  BudgetsClient, CreateBudgetCommand, CreateNotificationCommand, DeleteBudgetCommand, DeleteNotificationCommand,
  DescribeBudgetsCommand, DescribeNotificationsForBudgetCommand, UpdateBudgetCommand, type Budget,
  type ComparisonOperator, type Notification, type NotificationType,
} from '@aws-sdk/client-budgets';
import { hasCode } from '../../aws/errors.js';
import { waitUntil } from '../../aws/wait.js';
import type { Actual, NodeCall } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { deepEqual, sameMembers } from '../shared/compare.js';

export interface BudgetNotification {
  type: 'ACTUAL' | 'FORECASTED';
  comparison: 'GREATER_THAN' | 'LESS_THAN' | 'EQUAL_TO';
  thresholdPercent: number;
}

export interface BudgetInputs {
  name: string;
  limitUsd: number;
  timeUnit: 'DAILY' | 'MONTHLY' | 'QUARTERLY' | 'ANNUALLY';
  costFilters: Record<string, string[]>;
  notifications: BudgetNotification[];
  /** SNS topic every notification goes to. */
  topicArn: string;
}

const TIMEOUT_MS = 2 * 60_000;
const budgets = (ctx: ResourceCtx) => ctx.aws.get(BudgetsClient);
const notFound = (e: unknown) => hasCode(e, 'NotFoundException');

function budgetOf(inputs: BudgetInputs): Budget {
  return {
    BudgetName: inputs.name,
    BudgetType: 'COST',
    TimeUnit: inputs.timeUnit,
    BudgetLimit: { Amount: String(inputs.limitUsd), Unit: 'USD' },
    CostFilters: inputs.costFilters,
  };
}

function notificationOf(n: BudgetNotification): Notification {
  return {
    NotificationType: n.type as NotificationType,
    ComparisonOperator: n.comparison as ComparisonOperator,
    Threshold: n.thresholdPercent,
    ThresholdType: 'PERCENTAGE',
  };
}

const subscribers = (topicArn: string) => [{ SubscriptionType: 'SNS' as const, Address: topicArn }];

async function notificationsOf(ctx: ResourceCtx, name: string): Promise<Notification[]> {
  const all: Notification[] = [];
  let NextToken: string | undefined;
  do {
    const page = await budgets(ctx).send(new DescribeNotificationsForBudgetCommand({ AccountId: ctx.accountId, BudgetName: name, NextToken }));
    all.push(...(page.Notifications ?? []));
    NextToken = page.NextToken ?? undefined;
  } while (NextToken);
  return all;
}

/** The account's budgets among `names`: one paginated DescribeBudgets. */
async function describeBudgets(ctx: ResourceCtx, names: Set<string>): Promise<Budget[]> {
  const found: Budget[] = [];
  let NextToken: string | undefined;
  try {
    do {
      const page = await budgets(ctx).send(new DescribeBudgetsCommand({ AccountId: ctx.accountId, MaxResults: 100, NextToken }));
      found.push(...(page.Budgets ?? []).filter((b) => names.has(b.BudgetName ?? '')));
      NextToken = page.NextToken ?? undefined;
    } while (NextToken);
  } catch (error) {
    // An account without any budget answers NotFound rather than an empty list.
    if (notFound(error)) return [];
    throw error;
  }
  return found;
}

async function toActual(ctx: ResourceCtx, budget: Budget): Promise<Actual> {
  const name = budget.BudgetName!;
  const notifications = (await notificationsOf(ctx, name)).map((n): BudgetNotification => ({
    type: n.NotificationType as BudgetNotification['type'],
    comparison: n.ComparisonOperator as BudgetNotification['comparison'],
    thresholdPercent: Number(n.Threshold),
  }));
  return {
    id: name,
    inputs: {
      name,
      limitUsd: Number(budget.BudgetLimit?.Amount),
      timeUnit: budget.TimeUnit,
      costFilters: budget.CostFilters ?? {},
      notifications,
    },
    outputs: { name },
  };
}

async function readOne(ctx: ResourceCtx, name: string): Promise<Actual | undefined> {
  const [budget] = await describeBudgets(ctx, new Set([name]));
  return budget ? toActual(ctx, budget) : undefined;
}

async function waitReadable(ctx: ResourceCtx, name: string, call: NodeCall): Promise<Actual> {
  return waitUntil(async () => {
    const actual = await readOne(ctx, name);
    return actual ? { done: true, value: actual } : { done: false, status: 'not visible yet' };
  }, { what: `budget ${name}`, timeoutMs: TIMEOUT_MS, minDelayMs: 1000, report: call.report, signal: call.signal });
}

export const budgetHandler: Handler = {
  kind: 'budgets.budget',
  forceNew: ['name'],

  async read(ctx, items) {
    const found = await describeBudgets(ctx, new Set(items.map((item) => item.id)));
    const actuals = new Map(await Promise.all(found.map(async (b) => [b.BudgetName!, await toActual(ctx, b)] as const)));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const actual = actuals.get(item.id);
      if (actual) result.set(item.address, actual);
    }
    return result;
  },

  async find(ctx, args) {
    const name = (args.inputs as Partial<BudgetInputs>).name;
    return name ? readOne(ctx, name) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as BudgetInputs;
    await budgets(ctx).send(new CreateBudgetCommand({
      AccountId: ctx.accountId,
      Budget: budgetOf(inputs),
      NotificationsWithSubscribers: inputs.notifications.map((n) => ({ Notification: notificationOf(n), Subscribers: subscribers(inputs.topicArn) })),
      ResourceTags: Object.entries(args.tags).map(([Key, Value]) => ({ Key, Value })),
    }));
    return waitReadable(ctx, inputs.name, args);
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as BudgetInputs;
    if (args.changed.some((field) => ['limitUsd', 'timeUnit', 'costFilters'].includes(field))) {
      await budgets(ctx).send(new UpdateBudgetCommand({ AccountId: ctx.accountId, NewBudget: budgetOf(inputs) }));
    }
    if (args.changed.includes('notifications') || args.changed.includes('topicArn')) {
      // Notifications are identified by their whole definition: replace them all (a budget has two).
      for (const existing of await notificationsOf(ctx, inputs.name)) {
        await budgets(ctx).send(new DeleteNotificationCommand({ AccountId: ctx.accountId, BudgetName: inputs.name, Notification: existing }));
      }
      for (const wanted of inputs.notifications) {
        await budgets(ctx).send(new CreateNotificationCommand({
          AccountId: ctx.accountId, BudgetName: inputs.name, Notification: notificationOf(wanted), Subscribers: subscribers(inputs.topicArn),
        }));
      }
    }
    return waitReadable(ctx, inputs.name, args);
  },

  async delete(ctx, args) {
    try {
      await budgets(ctx).send(new DeleteBudgetCommand({ AccountId: ctx.accountId, BudgetName: args.id }));
    } catch (error) {
      if (!notFound(error)) throw error;
    }
    await waitUntil(async () => ((await readOne(ctx, args.id)) ? { done: false, status: 'deleting' } : { done: true, value: undefined }),
      { what: `deletion of budget ${args.id}`, timeoutMs: TIMEOUT_MS, minDelayMs: 1000, report: args.report, signal: args.signal });
  },

  equal(field, desired, actual) {
    return field === 'notifications' ? sameMembers(desired, actual) : deepEqual(desired, actual);
  },
};
