/**
 * The monitoring tier: one KMS-encrypted SNS topic per workspace (optional email subscriptions), the alarms of
 * every tier and a dashboard — both generated from monitoringCatalog.ts — and a monthly cost budget notifying the
 * same topic. Pure: config -> desired nodes.
 */
import type { Config } from '../config/schema.js';
import { WORKSPACE_TAG } from '../aws/tags.js';
import { ref, type DesiredNode, type OutputRef } from '../engine/types.js';
import { addr } from './addresses.js';
import { alarmCatalog, alarmNamePrefix, dashboardBody, type AlarmDefinition, type MetricRef } from './monitoringCatalog.js';
import type { StackEnv, TierBuilder } from './types.js';

export const monitoringNames = (workspace: string) => ({
  topic: `morpheus-ws-${workspace}-alarms`,
  dashboard: `morpheus-ws-${workspace}`,
  budget: `morpheus-ws-${workspace}-monthly`,
});

function node(address: string, kind: string, inputs: Record<string, unknown>): DesiredNode {
  return { address, kind, tier: 'monitoring', inputs };
}

/** The topic's owner manages it; CloudWatch alarms of this workspace and this account's budgets may publish. */
export function topicPolicy(config: Config, env: StackEnv): object {
  const { accountId, partition } = env;
  const topicArn = `arn:${partition}:sns:${config.region}:${accountId}:${monitoringNames(config.workspace).topic}`;
  return {
    Version: '2012-10-17',
    Id: 'morpheus-ws-alarm-topic',
    Statement: [
      {
        Sid: 'AccountOwnerManages',
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: [
          'sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:AddPermission', 'sns:RemovePermission', 'sns:DeleteTopic',
          'sns:Subscribe', 'sns:ListSubscriptionsByTopic', 'sns:Publish',
        ],
        Resource: topicArn,
      },
      {
        Sid: 'CloudWatchAlarmsPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicArn,
        Condition: {
          StringEquals: { 'aws:SourceAccount': accountId },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${config.region}:${accountId}:alarm:${alarmNamePrefix(config.workspace)}*` },
        },
      },
      {
        Sid: 'BudgetsPublish',
        Effect: 'Allow',
        Principal: { Service: 'budgets.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicArn,
        Condition: {
          StringEquals: { 'aws:SourceAccount': accountId },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:budgets::${accountId}:*` },
        },
      },
    ],
  };
}

function metricInputs(metric: MetricRef): Record<string, unknown> {
  return { namespace: metric.namespace, metricName: metric.metricName, dimensions: metric.dimensions.map((d) => ({ ...d })) };
}

/** `cloudwatch.alarm` inputs of one catalog entry. */
export function alarmInputs(alarm: AlarmDefinition, topicArn: string | OutputRef): Record<string, unknown> {
  const common = {
    name: alarm.name,
    description: alarm.description,
    evaluationPeriods: alarm.evaluationPeriods,
    datapointsToAlarm: alarm.datapointsToAlarm,
    threshold: alarm.threshold,
    comparison: alarm.comparison,
    treatMissingData: alarm.treatMissingData,
    alarmActions: [topicArn],
    okActions: [topicArn],
  };
  if (alarm.math) {
    return {
      ...common,
      metrics: [
        { id: 'e1', expression: alarm.math.expression, label: alarm.math.label, returnData: true },
        ...Object.entries(alarm.math.metrics).map(([id, metric]) => ({
          id, returnData: false, metric: { ...metricInputs(metric), stat: alarm.statistic, periodSeconds: alarm.periodSeconds },
        })),
      ],
    };
  }
  return { ...common, ...metricInputs(alarm), statistic: alarm.statistic, periodSeconds: alarm.periodSeconds };
}

function budgetNode(config: Config, topicArn: OutputRef): DesiredNode {
  const budget = config.monitoring.budget;
  return node(addr.budget, 'budgets.budget', {
    name: monitoringNames(config.workspace).budget,
    limitUsd: budget.monthlyUsd,
    timeUnit: 'MONTHLY',
    // Needs the workspace tag activated as a cost allocation tag (Billing console), else the budget stays at 0.
    costFilters: { TagKeyValue: [`user:${WORKSPACE_TAG}$${config.workspace}`] },
    notifications: [
      { type: 'ACTUAL', comparison: 'GREATER_THAN', thresholdPercent: budget.actualPercent },
      { type: 'FORECASTED', comparison: 'GREATER_THAN', thresholdPercent: budget.forecastedPercent },
    ],
    topicArn,
  });
}

/** The monitoring tier's resources. */
export const monitoringTier: TierBuilder = (config, env) => {
  if (!config.monitoring.enabled) return [];
  const names = monitoringNames(config.workspace);
  const topicArn = ref(addr.alarmTopic, 'arn');
  const alarms = alarmCatalog(config, env);
  const nodes: DesiredNode[] = [
    node(addr.alarmTopic, 'sns.topic', {
      name: names.topic,
      displayName: `morpheus-ws ${config.workspace} alarms`,
      kmsMasterKeyId: ref(addr.kmsKey, 'arn'),
      policy: topicPolicy(config, env),
    }),
    ...config.monitoring.alarmEmails.map((email) => node(addr.alarmSubscription(email), 'sns.subscription', {
      topicArn, protocol: 'email', endpoint: email,
    })),
    ...alarms.map((alarm) => node(alarm.address, 'cloudwatch.alarm', alarmInputs(alarm, topicArn))),
  ];
  if (config.monitoring.dashboard) {
    nodes.push(node(addr.dashboard, 'cloudwatch.dashboard', { name: names.dashboard, body: dashboardBody(alarms, config.region) }));
  }
  if (config.monitoring.budget.enabled) nodes.push(budgetNode(config, topicArn));
  return nodes;
};
