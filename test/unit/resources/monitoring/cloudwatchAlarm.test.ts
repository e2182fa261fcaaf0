import { CloudWatchClient, DeleteAlarmsCommand, DescribeAlarmsCommand, PutMetricAlarmCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudwatchAlarmHandler } from '../../../../src/resources/monitoring/cloudwatchAlarm.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const cw = mockClient(CloudWatchClient);
const ctx = makeCtx();
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:morpheus-ws-demo-alarms';
const common = {
  description: 'd', evaluationPeriods: 3, datapointsToAlarm: 3, threshold: 2, comparison: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching', alarmActions: [TOPIC], okActions: [TOPIC],
};
const latency = {
  ...common, name: 'morpheus-ws.demo.alb-latency', namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime',
  dimensions: [{ name: 'LoadBalancer', value: 'app/demo-alb/123' }], statistic: 'p95', periodSeconds: 300,
};
const memory = {
  ...common, name: 'morpheus-ws.demo.mq-memory',
  metrics: [
    { id: 'e1', expression: '100 * used / limit', label: 'Memory used', returnData: true },
    { id: 'used', returnData: false, metric: { namespace: 'AWS/AmazonMQ', metricName: 'RabbitMQMemUsed', dimensions: [{ name: 'Broker', value: 'demo-rabbitmq' }], stat: 'Maximum', periodSeconds: 60 } },
  ],
};

/** What DescribeAlarms returns for what PutMetricAlarm was given. */
function described(name: string): MetricAlarm {
  const put = cw.commandCalls(PutMetricAlarmCommand).map((c) => c.args[0].input).reverse().find((i) => i.AlarmName === name)!;
  const { Tags: _tags, ...rest } = put;
  return { ...rest, AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}` } as MetricAlarm;
}

beforeEach(() => {
  cw.reset();
  cw.on(PutMetricAlarmCommand).resolves({});
  cw.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames: string[] }) => ({
    MetricAlarms: input.AlarmNames.filter((n) => cw.commandCalls(PutMetricAlarmCommand).some((c) => c.args[0].input.AlarmName === n)).map(described),
  }));
});

describe('cloudwatch.alarm', () => {
  it('creates a percentile alarm with ExtendedStatistic, tags, and reads it back in the input shape', async () => {
    const actual = await cloudwatchAlarmHandler.create(ctx, { ...call(), inputs: latency, token: 't', tags: tagsFor('monitoring.alarm[alb-latency]') });
    const input = cw.commandCalls(PutMetricAlarmCommand)[0].args[0].input;
    expect(input).toMatchObject({ ExtendedStatistic: 'p95', Dimensions: [{ Name: 'LoadBalancer', Value: 'app/demo-alb/123' }], AlarmActions: [TOPIC], OKActions: [TOPIC] });
    expect(input.Statistic).toBeUndefined();
    expect(input.Tags).toContainEqual({ Key: 'morpheus-ws:address', Value: 'monitoring.alarm[alb-latency]' });
    expect(actual.inputs).toEqual(latency);
    expect(actual.outputs).toEqual({ name: latency.name, arn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${latency.name}` });
  });

  it('creates a metric-math alarm and reads its queries back unchanged', async () => {
    const actual = await cloudwatchAlarmHandler.create(ctx, { ...call(), inputs: memory, token: 't', tags: {} });
    const input = cw.commandCalls(PutMetricAlarmCommand)[0].args[0].input;
    expect(input.Namespace).toBeUndefined();
    expect(input.Metrics![1]).toEqual({
      Id: 'used', ReturnData: false,
      MetricStat: { Metric: { Namespace: 'AWS/AmazonMQ', MetricName: 'RabbitMQMemUsed', Dimensions: [{ Name: 'Broker', Value: 'demo-rabbitmq' }] }, Period: 60, Stat: 'Maximum' },
    });
    expect(actual.inputs).toEqual(memory);
  });

  it('reads up to 100 names per DescribeAlarms call', async () => {
    const names = Array.from({ length: 150 }, (_, i) => `morpheus-ws.demo.a${i}`);
    await cloudwatchAlarmHandler.read(ctx, names.map((id) => ({ address: id, id, inputs: {}, outputs: {} })));
    const calls = cw.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.AlarmNames!.length)).toEqual([100, 50]);
    expect(calls[0].AlarmTypes).toEqual(['MetricAlarm']);
  });

  it('updates by putting the whole definition again', async () => {
    await cloudwatchAlarmHandler.create(ctx, { ...call(), inputs: latency, token: 't', tags: {} });
    const actual = await cloudwatchAlarmHandler.update!(ctx, {
      ...call(), id: latency.name, inputs: { ...latency, threshold: 5 }, changed: ['threshold'], tags: {}, previous: { id: latency.name, inputs: {}, outputs: {} },
    });
    expect(actual.inputs.threshold).toBe(5);
    expect(cw.commandCalls(PutMetricAlarmCommand)[1].args[0].input.Tags).toBeUndefined();
  });

  it('deletes and waits until it is no longer described', async () => {
    cw.on(DeleteAlarmsCommand).resolves({});
    cw.on(DescribeAlarmsCommand).resolvesOnce({ MetricAlarms: [{ AlarmName: latency.name }] }).resolves({ MetricAlarms: [] });
    await withFakeTime(() => cloudwatchAlarmHandler.delete(ctx, { ...call(), id: latency.name, inputs: latency, outputs: {} }));
    expect(cw.commandCalls(DeleteAlarmsCommand)[0].args[0].input).toEqual({ AlarmNames: [latency.name] });
    expect(cw.commandCalls(DescribeAlarmsCommand)).toHaveLength(2);
  });

  it('lets throttling errors propagate', async () => {
    cw.on(PutMetricAlarmCommand).rejects(awsError('Throttling'));
    await expect(cloudwatchAlarmHandler.create(ctx, { ...call(), inputs: latency, token: 't', tags: {} })).rejects.toThrow('Throttling');
  });
});
