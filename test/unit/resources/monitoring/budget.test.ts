import {
  BudgetsClient, CreateBudgetCommand, CreateNotificationCommand, DeleteBudgetCommand, DeleteNotificationCommand,
  DescribeBudgetsCommand, DescribeNotificationsForBudgetCommand, UpdateBudgetCommand,
} from '@aws-sdk/client-budgets';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { budgetHandler } from '../../../../src/resources/monitoring/budget.js';
import { awsError, call, makeCtx, tagsFor } from '../shared/handlerHarness.js';

const budgets = mockClient(BudgetsClient);
const ctx = makeCtx();
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:morpheus-ws-demo-alarms';
const NAME = 'morpheus-ws-demo-monthly';
const costFilters = { TagKeyValue: ['user:morpheus-ws:workspace$demo'] };
const notifications = [
  { type: 'ACTUAL', comparison: 'GREATER_THAN', thresholdPercent: 80 },
  { type: 'FORECASTED', comparison: 'GREATER_THAN', thresholdPercent: 100 },
];
const inputs = { name: NAME, limitUsd: 3000, timeUnit: 'MONTHLY', costFilters, notifications, topicArn: TOPIC };
const described = { BudgetName: NAME, BudgetType: 'COST' as const, TimeUnit: 'MONTHLY' as const, BudgetLimit: { Amount: '3000.0', Unit: 'USD' }, CostFilters: costFilters };
const sdkNotifications = [
  { NotificationType: 'ACTUAL' as const, ComparisonOperator: 'GREATER_THAN' as const, Threshold: 80, ThresholdType: 'PERCENTAGE' as const },
  { NotificationType: 'FORECASTED' as const, ComparisonOperator: 'GREATER_THAN' as const, Threshold: 100, ThresholdType: 'PERCENTAGE' as const },
];

beforeEach(() => {
  budgets.reset();
  budgets.on(DescribeBudgetsCommand).resolves({ Budgets: [described, { ...described, BudgetName: 'someone-else' }] });
  budgets.on(DescribeNotificationsForBudgetCommand).resolves({ Notifications: sdkNotifications });
});

describe('budgets.budget', () => {
  it('creates a tag-filtered cost budget whose notifications go to the topic', async () => {
    budgets.on(CreateBudgetCommand).resolves({});
    const actual = await budgetHandler.create(ctx, { ...call(), inputs, token: 't', tags: tagsFor('monitoring.budget') });
    const input = budgets.commandCalls(CreateBudgetCommand)[0].args[0].input;
    expect(input.AccountId).toBe('123456789012');
    expect(input.Budget).toEqual({ BudgetName: NAME, BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: '3000', Unit: 'USD' }, CostFilters: costFilters });
    expect(input.NotificationsWithSubscribers).toEqual(sdkNotifications.map((Notification) => ({ Notification, Subscribers: [{ SubscriptionType: 'SNS', Address: TOPIC }] })));
    expect(input.ResourceTags).toContainEqual({ Key: 'morpheus-ws:address', Value: 'monitoring.budget' });
    const { topicArn: _unreadable, ...readable } = inputs;
    expect(actual).toEqual({ id: NAME, inputs: readable, outputs: { name: NAME } });
  });

  it('reads only its own budgets from one DescribeBudgets; none at all reads as gone', async () => {
    const result = await budgetHandler.read(ctx, [{ address: 'a', id: NAME, inputs: {}, outputs: {} }, { address: 'b', id: 'missing', inputs: {}, outputs: {} }]);
    expect([...result.keys()]).toEqual(['a']);
    expect(budgets.commandCalls(DescribeBudgetsCommand)).toHaveLength(1);
    budgets.on(DescribeBudgetsCommand).rejects(awsError('NotFoundException'));
    expect((await budgetHandler.read(ctx, [{ address: 'a', id: NAME, inputs: {}, outputs: {} }])).size).toBe(0);
  });

  it('updates the limit in place and replaces the notifications when the topic changes', async () => {
    budgets.on(UpdateBudgetCommand).resolves({});
    budgets.on(DeleteNotificationCommand).resolves({});
    budgets.on(CreateNotificationCommand).resolves({});
    await budgetHandler.update!(ctx, {
      ...call(), id: NAME, inputs: { ...inputs, limitUsd: 5000, topicArn: `${TOPIC}-2` }, changed: ['limitUsd', 'topicArn'], tags: {},
      previous: { id: NAME, inputs: {}, outputs: {} },
    });
    expect(budgets.commandCalls(UpdateBudgetCommand)[0].args[0].input.NewBudget!.BudgetLimit).toEqual({ Amount: '5000', Unit: 'USD' });
    expect(budgets.commandCalls(DeleteNotificationCommand)).toHaveLength(2);
    expect(budgets.commandCalls(CreateNotificationCommand).map((c) => c.args[0].input.Subscribers)).toEqual([
      [{ SubscriptionType: 'SNS', Address: `${TOPIC}-2` }], [{ SubscriptionType: 'SNS', Address: `${TOPIC}-2` }],
    ]);
  });

  it('deletes, treating NotFound as gone, and waits until it is no longer listed', async () => {
    budgets.on(DeleteBudgetCommand).rejects(awsError('NotFoundException'));
    budgets.on(DescribeBudgetsCommand).resolves({ Budgets: [] });
    await budgetHandler.delete(ctx, { ...call(), id: NAME, inputs, outputs: {} });
  });

  it('compares notifications whatever their order', () => {
    expect(budgetHandler.equal!('notifications', notifications, [...notifications].reverse())).toBe(true);
  });
});
