/**
 * `cloudwatch.alarm`: one metric alarm (a single metric, or metric math over several). PutMetricAlarm creates
 * and replaces alarms by name, so create and update are the same call; reads are batched 100 names per
 * DescribeAlarms. The alarm definitions themselves come from src/stack/monitoringCatalog.ts.
 */
import {
  CloudWatchClient, DeleteAlarmsCommand, DescribeAlarmsCommand, PutMetricAlarmCommand, type ComparisonOperator,
  type Dimension as SdkDimension, type MetricAlarm, type MetricDataQuery, type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { tagList } from '../../aws/tags.js';
import { waitUntil } from '../../aws/wait.js';
import type { Actual, NodeCall } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { deepEqual } from '../shared/compare.js';

export interface AlarmDimension {
  name: string;
  value: string;
}

export interface AlarmMetric {
  namespace: string;
  metricName: string;
  dimensions: AlarmDimension[];
}

export interface AlarmQuery {
  id: string;
  returnData: boolean;
  expression?: string;
  label?: string;
  metric?: AlarmMetric & { stat: string; periodSeconds: number };
}

export interface CloudWatchAlarmInputs {
  name: string;
  description: string;
  /** Single-metric alarms. */
  namespace?: string;
  metricName?: string;
  dimensions?: AlarmDimension[];
  /** `Average`, `Maximum`… or a percentile such as `p95`. */
  statistic?: string;
  periodSeconds?: number;
  /** Metric-math alarms (instead of the single-metric fields). */
  metrics?: AlarmQuery[];
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparison: string;
  treatMissingData: string;
  alarmActions: string[];
  okActions: string[];
}

const TIMEOUT_MS = 2 * 60_000;
const BATCH = 100;
const PLAIN_STATISTICS = new Set(['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount']);

const cloudwatch = (ctx: ResourceCtx) => ctx.aws.get(CloudWatchClient);

const toSdkDimensions = (dimensions: AlarmDimension[]): SdkDimension[] => dimensions.map((d) => ({ Name: d.name, Value: d.value }));
const fromSdkDimensions = (dimensions: SdkDimension[] | undefined): AlarmDimension[] =>
  (dimensions ?? []).map((d) => ({ name: d.Name!, value: d.Value! })).sort((a, b) => a.name.localeCompare(b.name));

function putInput(inputs: CloudWatchAlarmInputs): PutMetricAlarmCommandInput {
  const input: PutMetricAlarmCommandInput = {
    AlarmName: inputs.name,
    AlarmDescription: inputs.description,
    EvaluationPeriods: inputs.evaluationPeriods,
    DatapointsToAlarm: inputs.datapointsToAlarm,
    Threshold: inputs.threshold,
    ComparisonOperator: inputs.comparison as ComparisonOperator,
    TreatMissingData: inputs.treatMissingData,
    ActionsEnabled: true,
    AlarmActions: inputs.alarmActions,
    OKActions: inputs.okActions,
  };
  if (inputs.metrics) {
    input.Metrics = inputs.metrics.map((query): MetricDataQuery => ({
      Id: query.id,
      ReturnData: query.returnData,
      ...(query.expression !== undefined ? { Expression: query.expression } : {}),
      ...(query.label !== undefined ? { Label: query.label } : {}),
      ...(query.metric ? {
        MetricStat: {
          Metric: { Namespace: query.metric.namespace, MetricName: query.metric.metricName, Dimensions: toSdkDimensions(query.metric.dimensions) },
          Period: query.metric.periodSeconds,
          Stat: query.metric.stat,
        },
      } : {}),
    }));
    return input;
  }
  input.Namespace = inputs.namespace;
  input.MetricName = inputs.metricName;
  input.Dimensions = toSdkDimensions(inputs.dimensions ?? []);
  input.Period = inputs.periodSeconds;
  if (inputs.statistic && PLAIN_STATISTICS.has(inputs.statistic)) input.Statistic = inputs.statistic as PutMetricAlarmCommandInput['Statistic'];
  else input.ExtendedStatistic = inputs.statistic;
  return input;
}

function queryOf(query: MetricDataQuery): AlarmQuery {
  const stat = query.MetricStat;
  return {
    id: query.Id!,
    returnData: query.ReturnData ?? true,
    ...(query.Expression !== undefined ? { expression: query.Expression } : {}),
    ...(query.Label !== undefined ? { label: query.Label } : {}),
    ...(stat?.Metric ? {
      metric: {
        namespace: stat.Metric.Namespace!, metricName: stat.Metric.MetricName!, dimensions: fromSdkDimensions(stat.Metric.Dimensions),
        stat: stat.Stat!, periodSeconds: stat.Period!,
      },
    } : {}),
  };
}

function toActual(alarm: MetricAlarm): Actual {
  const inputs: Record<string, unknown> = {
    name: alarm.AlarmName!,
    description: alarm.AlarmDescription ?? '',
    evaluationPeriods: alarm.EvaluationPeriods,
    datapointsToAlarm: alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods,
    threshold: alarm.Threshold,
    comparison: alarm.ComparisonOperator,
    treatMissingData: alarm.TreatMissingData ?? 'missing',
    alarmActions: alarm.AlarmActions ?? [],
    okActions: alarm.OKActions ?? [],
  };
  if (alarm.Metrics?.length) {
    inputs.metrics = alarm.Metrics.map(queryOf);
  } else {
    inputs.namespace = alarm.Namespace;
    inputs.metricName = alarm.MetricName;
    inputs.dimensions = fromSdkDimensions(alarm.Dimensions);
    inputs.statistic = alarm.Statistic ?? alarm.ExtendedStatistic;
    inputs.periodSeconds = alarm.Period;
  }
  return { id: alarm.AlarmName!, inputs, outputs: { name: alarm.AlarmName!, arn: alarm.AlarmArn ?? '' } };
}

/** The metric alarms among `names`, 100 names per DescribeAlarms, paginated. */
export async function describeAlarms(ctx: ResourceCtx, names: string[]): Promise<MetricAlarm[]> {
  const found: MetricAlarm[] = [];
  for (let i = 0; i < names.length; i += BATCH) {
    let NextToken: string | undefined;
    do {
      const page = await cloudwatch(ctx).send(new DescribeAlarmsCommand({
        AlarmNames: names.slice(i, i + BATCH), AlarmTypes: ['MetricAlarm'], NextToken,
      }));
      found.push(...(page.MetricAlarms ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return found;
}

async function readOne(ctx: ResourceCtx, name: string): Promise<MetricAlarm | undefined> {
  return (await describeAlarms(ctx, [name])).find((a) => a.AlarmName === name);
}

async function put(ctx: ResourceCtx, inputs: CloudWatchAlarmInputs, call: NodeCall, tags?: Record<string, string>): Promise<Actual> {
  await cloudwatch(ctx).send(new PutMetricAlarmCommand({ ...putInput(inputs), ...(tags ? { Tags: tagList(tags) } : {}) }));
  return waitUntil(async () => {
    const alarm = await readOne(ctx, inputs.name);
    return alarm ? { done: true, value: toActual(alarm) } : { done: false, status: 'not visible yet' };
  }, { what: `alarm ${inputs.name}`, timeoutMs: TIMEOUT_MS, minDelayMs: 1000, report: call.report, signal: call.signal });
}

/** Which of the workspace's alarms are firing now (DescribeAlarms StateValue=ALARM, by name prefix), for `status`. */
export interface FiringAlarm {
  name: string;
  kind: 'metric' | 'composite';
  reason?: string;
  since?: string;
  metric?: string;
}

export async function alarmsInAlarm(ctx: ResourceCtx, namePrefix: string): Promise<FiringAlarm[]> {
  const firing: FiringAlarm[] = [];
  let token: string | undefined;
  do {
    const out = await cloudwatch(ctx).send(new DescribeAlarmsCommand({
      AlarmNamePrefix: namePrefix, StateValue: 'ALARM', AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], NextToken: token,
    }));
    // The state is checked on the answer too: a filter an endpoint ignores must not turn every alarm into a firing one.
    for (const a of (out.MetricAlarms ?? []).filter((x) => x.StateValue === 'ALARM')) {
      firing.push({
        name: a.AlarmName!, kind: 'metric', reason: a.StateReason, since: a.StateUpdatedTimestamp?.toISOString(),
        metric: a.MetricName ? `${a.Namespace}/${a.MetricName}` : undefined,
      });
    }
    for (const a of (out.CompositeAlarms ?? []).filter((x) => x.StateValue === 'ALARM')) {
      firing.push({ name: a.AlarmName!, kind: 'composite', reason: a.StateReason, since: a.StateUpdatedTimestamp?.toISOString() });
    }
    token = out.NextToken;
  } while (token);
  return firing.sort((a, b) => a.name.localeCompare(b.name));
}

export const cloudwatchAlarmHandler: Handler = {
  kind: 'cloudwatch.alarm',
  forceNew: ['name'],

  async read(ctx, items) {
    const alarms = await describeAlarms(ctx, items.map((item) => item.id));
    const byName = new Map(alarms.map((alarm) => [alarm.AlarmName!, alarm]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const alarm = byName.get(item.id);
      if (alarm) result.set(item.address, toActual(alarm));
    }
    return result;
  },

  /** Alarm names are unique per account and region and deterministic here. */
  async find(ctx, args) {
    const name = (args.inputs as Partial<CloudWatchAlarmInputs>).name;
    const alarm = name ? await readOne(ctx, name) : undefined;
    return alarm ? toActual(alarm) : undefined;
  },

  async create(ctx, args) {
    return put(ctx, args.inputs as unknown as CloudWatchAlarmInputs, args, args.tags);
  },

  /** PutMetricAlarm replaces the whole definition (tags are kept). */
  async update(ctx, args) {
    return put(ctx, args.inputs as unknown as CloudWatchAlarmInputs, args);
  },

  async delete(ctx, args) {
    // DeleteAlarms ignores names that do not exist.
    await cloudwatch(ctx).send(new DeleteAlarmsCommand({ AlarmNames: [args.id] }));
    await waitUntil(async () => ((await readOne(ctx, args.id)) ? { done: false, status: 'deleting' } : { done: true, value: undefined }),
      { what: `deletion of alarm ${args.id}`, timeoutMs: TIMEOUT_MS, minDelayMs: 1000, report: args.report, signal: args.signal });
  },

  equal(field, desired, actual) {
    return deepEqual(desired, actual);
  },
};
