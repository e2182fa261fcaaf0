/** Which of the workspace's CloudWatch alarms are firing now (DescribeAlarms StateValue=ALARM, by name prefix). */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { ResourceCtx } from '../context.js';

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
    const out = await ctx.aws.get(CloudWatchClient).send(new DescribeAlarmsCommand({
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
