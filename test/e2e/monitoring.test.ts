/**
 * Monitoring and day-2 resources end to end: the built CLI applies the full stack on moto behind the recording
 * proxy; then AWS is read directly for the alarms of every tier, the dashboard, the topic, the backup plan with its
 * DR copy, the selection (as the proxy recorded it: moto lacks selections) and the budget; a re-plan is empty;
 * destroy removes all of it.
 */
import { BackupClient, DescribeBackupVaultCommand, GetBackupPlanCommand, ListBackupPlansCommand, ListBackupVaultsCommand } from '@aws-sdk/client-backup';
import { BudgetsClient, DescribeBudgetsCommand, DescribeNotificationsForBudgetCommand } from '@aws-sdk/client-budgets';
import { CloudWatchClient, DescribeAlarmsCommand, GetDashboardCommand, ListDashboardsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { GetTopicAttributesCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempWorkdir } from '../support/cli.js';
import { useEmulator } from '../support/e2e.js';

const aws = useEmulator();
const WS = 'mon';
const ACCOUNT = '123456789012';
const PREFIX = `morpheus-ws.${WS}.`;
let dir: string;

const state = () => JSON.parse(readFileSync(join(dir, '.morpheus-ws', `${WS}.state.json`), 'utf8'));
const outputs = (address: string) => state().resources[address].outputs as Record<string, string>;

async function alarms(): Promise<MetricAlarm[]> {
  const cloudwatch = new CloudWatchClient(aws.clientConfig());
  const out = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: PREFIX, MaxRecords: 100 }));
  return out.MetricAlarms ?? [];
}

describe('monitoring and day-2 resources', () => {
  beforeAll(async () => {
    dir = tempWorkdir();
    const init = await aws.cli(['init', '--yes', '--name', WS, '--region', 'us-east-1'], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    const apply = await aws.cli(['apply', '--yes'], { cwd: dir, timeoutMs: 540_000 });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    console.log(`apply: ${apply.ms} ms, ${aws.calls.length} AWS calls`);
  }, 600_000);

  it('alarms on all six tiers, every one notifying the workspace topic', async () => {
    const topicArn = outputs('monitoring.topic').arn;
    const list = await alarms();
    const namespaces = new Set(list.flatMap((a) => [a.Namespace, ...(a.Metrics ?? []).map((m) => m.MetricStat?.Metric?.Namespace)]).filter(Boolean));
    expect([...namespaces].sort()).toEqual(['AWS/AmazonMQ', 'AWS/ApplicationELB', 'AWS/AutoScaling', 'AWS/EC2', 'AWS/EFS', 'AWS/ES', 'AWS/RDS']);
    for (const alarm of list) {
      expect(alarm.AlarmActions, alarm.AlarmName).toEqual([topicArn]);
      expect(alarm.OKActions, alarm.AlarmName).toEqual([topicArn]);
    }
    const byName = new Map(list.map((a) => [a.AlarmName!.slice(PREFIX.length), a]));
    expect(byName.get('alb-unhealthy-hosts')!.Dimensions!.map((d) => d.Name).sort()).toEqual(['LoadBalancer', 'TargetGroup']);
    expect(byName.get('alb-unhealthy-hosts')!.Dimensions!.find((d) => d.Name === 'LoadBalancer')!.Value).toBe(outputs('edge.alb').arnSuffix);
    expect(byName.get('alb-latency')!.ExtendedStatistic).toBe('p95');
    expect(byName.get('app-in-service')).toMatchObject({ MetricName: 'GroupInServiceInstances', ComparisonOperator: 'LessThanThreshold', Threshold: 3 });
    expect(byName.get('aurora-connections[0]')!.Dimensions).toEqual([{ Name: 'DBInstanceIdentifier', Value: outputs('data.db.instance[0]').instanceId }]);
    expect(byName.get('opensearch-red')!.Dimensions).toEqual([
      { Name: 'ClientId', Value: ACCOUNT }, { Name: 'DomainName', Value: outputs('data.search.domain').domainName },
    ]);
    expect(byName.get('mq-memory')!.Metrics!.find((m) => m.Expression)!.Expression).toBe('100 * used / limit');
    expect(byName.get('efs-io-limit')!.Dimensions).toEqual([{ Name: 'FileSystemId', Value: outputs('data.efs.fileSystem').fileSystemId }]);
  });

  it('encrypts the topic with the workspace key and lets CloudWatch and Budgets publish', async () => {
    const sns = new SNSClient(aws.clientConfig());
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: outputs('monitoring.topic').arn }));
    expect(Attributes!.KmsMasterKeyId).toBe(outputs('security.kms.key').arn);
    const policy = JSON.parse(Attributes!.Policy!);
    const principals = policy.Statement.map((s: { Principal: { Service?: string } }) => s.Principal.Service).filter(Boolean);
    expect(principals.sort()).toEqual(['budgets.amazonaws.com', 'cloudwatch.amazonaws.com']);
  });

  it('builds a dashboard with the metrics of every tier', async () => {
    const cloudwatch = new CloudWatchClient(aws.clientConfig());
    const { DashboardBody } = await cloudwatch.send(new GetDashboardCommand({ DashboardName: `morpheus-ws-${WS}` }));
    const body = JSON.parse(DashboardBody!);
    const headers = body.widgets.filter((w: { type: string }) => w.type === 'text').map((w: { properties: { markdown: string } }) => w.properties.markdown);
    expect(headers).toHaveLength(6);
    expect(body.widgets.filter((w: { type: string }) => w.type === 'metric').length).toBe((await alarms()).length);
    expect(DashboardBody).toContain(outputs('edge.alb').arnSuffix);
  });

  it('backs up daily into the workspace vault and copies to a vault in us-west-2', async () => {
    const backup = new BackupClient(aws.clientConfig());
    const plans = (await backup.send(new ListBackupPlansCommand({}))).BackupPlansList!.filter((p) => p.BackupPlanName === `morpheus-ws-${WS}` && !p.DeletionDate);
    expect(plans).toHaveLength(1);
    const { BackupPlan } = await backup.send(new GetBackupPlanCommand({ BackupPlanId: plans[0].BackupPlanId }));
    const rule = BackupPlan!.Rules![0];
    expect(rule).toMatchObject({ TargetBackupVaultName: `morpheus-ws-${WS}`, ScheduleExpression: 'cron(0 5 ? * * *)', Lifecycle: { DeleteAfterDays: 35 } });
    const destination = rule.CopyActions![0].DestinationBackupVaultArn!;
    expect(destination).toMatch(/^arn:aws:backup:us-west-2:/);
    const dr = new BackupClient(aws.clientConfig('us-west-2'));
    const drVault = await dr.send(new DescribeBackupVaultCommand({ BackupVaultName: `morpheus-ws-${WS}-dr` }));
    expect(drVault.BackupVaultArn).toBe(destination);
    expect(drVault.EncryptionKeyArn).toMatch(/^arn:aws:kms:us-west-2:/);
    const primary = await backup.send(new DescribeBackupVaultCommand({ BackupVaultName: `morpheus-ws-${WS}` }));
    expect(primary.EncryptionKeyArn).toBe(outputs('security.kms.key').arn);
  });

  it('selects the Aurora cluster and the EFS file system with a role AWS Backup assumes', () => {
    const [create] = aws.callsTo('backup', 'CreateBackupSelection');
    expect(create.params.BackupPlanId).toBe(outputs('backup.plan').planId);
    const selection = create.params.BackupSelection;
    expect(selection.Resources.sort()).toEqual([outputs('data.db.cluster').arn, outputs('data.efs.fileSystem').arn].sort());
    expect(selection.IamRoleArn).toBe(outputs('backup.role').arn);
    expect(create.params.CreatorRequestId).toBeTruthy();
  });

  it('budgets the workspace monthly with actual and forecast notifications', async () => {
    const budgets = new BudgetsClient(aws.clientConfig());
    const { Budgets } = await budgets.send(new DescribeBudgetsCommand({ AccountId: ACCOUNT }));
    const budget = Budgets!.find((b) => b.BudgetName === `morpheus-ws-${WS}-monthly`)!;
    expect(budget).toMatchObject({ TimeUnit: 'MONTHLY', BudgetType: 'COST', CostFilters: { TagKeyValue: [`user:morpheus-ws:workspace$${WS}`] } });
    expect(Number(budget.BudgetLimit!.Amount)).toBe(3000);
    const { Notifications } = await budgets.send(new DescribeNotificationsForBudgetCommand({ AccountId: ACCOUNT, BudgetName: budget.BudgetName }));
    expect(Notifications!.map((n) => n.NotificationType).sort()).toEqual(['ACTUAL', 'FORECASTED']);
    const create = aws.callsTo('budgets', 'CreateBudget')[0];
    expect(create.params.NotificationsWithSubscribers[0].Subscribers).toEqual([{ SubscriptionType: 'SNS', Address: outputs('monitoring.topic').arn }]);
  });

  it('re-plans to no changes, reading every alarm in one call', async () => {
    aws.clear();
    const plan = await aws.cli(['plan', '--detailed-exitcode'], { cwd: dir, timeoutMs: 180_000 });
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(aws.callsTo('monitoring', 'DescribeAlarms')).toHaveLength(1);
  }, 200_000);

  it('destroys alarms, dashboard, topic, budget, plan and both vaults', async () => {
    const destroy = await aws.cli(['destroy', '--yes', '--skip-final-snapshot', '--force-delete-secrets'], { cwd: dir, timeoutMs: 540_000 });
    expect(destroy.code, destroy.stdout + destroy.stderr).toBe(0);
    expect(await alarms()).toEqual([]);
    const cloudwatch = new CloudWatchClient(aws.clientConfig());
    expect((await cloudwatch.send(new ListDashboardsCommand({ DashboardNamePrefix: `morpheus-ws-${WS}` }))).DashboardEntries ?? []).toEqual([]);
    const sns = new SNSClient(aws.clientConfig());
    expect((await sns.send(new ListTopicsCommand({}))).Topics!.filter((t) => t.TopicArn!.endsWith(`morpheus-ws-${WS}-alarms`))).toEqual([]);
    const budgets = new BudgetsClient(aws.clientConfig());
    const left = await budgets.send(new DescribeBudgetsCommand({ AccountId: ACCOUNT })).then((o) => o.Budgets ?? [], () => []);
    expect(left.filter((b) => b.BudgetName?.startsWith(`morpheus-ws-${WS}`))).toEqual([]);
    const backup = new BackupClient(aws.clientConfig());
    expect((await backup.send(new ListBackupPlansCommand({}))).BackupPlansList!.filter((p) => p.BackupPlanName === `morpheus-ws-${WS}` && !p.DeletionDate)).toEqual([]);
    for (const region of ['us-east-1', 'us-west-2']) {
      const client = new BackupClient(aws.clientConfig(region));
      expect((await client.send(new ListBackupVaultsCommand({}))).BackupVaultList!.filter((v) => v.BackupVaultName!.startsWith(`morpheus-ws-${WS}`))).toEqual([]);
    }
    // Selections go before their plan.
    const deleteSelection = aws.callsTo('backup', 'DeleteBackupSelection').map((c) => c.seq);
    const deletePlan = aws.callsTo('backup', 'DeleteBackupPlan').map((c) => c.seq);
    expect(deleteSelection.length).toBeGreaterThan(0);
    expect(Math.max(...deleteSelection)).toBeLessThan(Math.min(...deletePlan));
    expect(state().resources).toEqual({});
  }, 600_000);
});
