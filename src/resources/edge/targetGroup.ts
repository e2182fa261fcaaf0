/** `elbv2.targetGroup`: the app nodes behind the load balancer, HTTPS with a `GET /ping` health check and lb_cookie stickiness. */
import {
  CreateTargetGroupCommand, DeleteTargetGroupCommand, DescribeTargetGroupAttributesCommand, DescribeTargetGroupsCommand,
  ModifyTargetGroupAttributesCommand, ModifyTargetGroupCommand, type ProtocolEnum, type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { hasCode } from '../../aws/errors.js';
import { tagList } from '../../aws/tags.js';
import { retryWhile } from '../../aws/wait.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { deepEqual } from '../shared/compare.js';
import { attributeMap, describeTolerant, elbv2 } from './elbv2Common.js';
import { targetGroupHealth } from './targetGroupHealth.js';

export interface TargetGroupInputs {
  name: string;
  vpcId: string;
  protocol: 'HTTPS' | 'HTTP';
  port: number;
  healthCheck: {
    protocol: 'HTTPS' | 'HTTP';
    path: string;
    matcher: string;
    intervalSeconds: number;
    timeoutSeconds: number;
    healthyThreshold: number;
    unhealthyThreshold: number;
  };
  stickinessSeconds: number;
  deregistrationDelaySeconds: number;
}

// A listener of a load balancer being deleted keeps the group "in use" for a little while.
const DELETE_TIMEOUT_MS = 5 * 60_000;

async function describe(ctx: ResourceCtx, arns: string[]): Promise<TargetGroup[]> {
  return describeTolerant(arns, async (part) => {
    const out = await elbv2(ctx).send(new DescribeTargetGroupsCommand({ TargetGroupArns: part }));
    return out.TargetGroups ?? [];
  }, 'TargetGroupNotFound');
}

async function toActual(ctx: ResourceCtx, group: TargetGroup): Promise<Actual> {
  const attributes = attributeMap((await elbv2(ctx).send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: group.TargetGroupArn }))).Attributes);
  const inputs: TargetGroupInputs = {
    name: group.TargetGroupName!,
    vpcId: group.VpcId!,
    protocol: group.Protocol as TargetGroupInputs['protocol'],
    port: group.Port!,
    healthCheck: {
      protocol: group.HealthCheckProtocol as TargetGroupInputs['protocol'],
      path: group.HealthCheckPath ?? '/',
      matcher: group.Matcher?.HttpCode ?? '200',
      intervalSeconds: group.HealthCheckIntervalSeconds!,
      timeoutSeconds: group.HealthCheckTimeoutSeconds!,
      healthyThreshold: group.HealthyThresholdCount!,
      unhealthyThreshold: group.UnhealthyThresholdCount!,
    },
    stickinessSeconds: attributes['stickiness.enabled'] === 'true' ? Number(attributes['stickiness.lb_cookie.duration_seconds'] ?? 0) : 0,
    deregistrationDelaySeconds: Number(attributes['deregistration_delay.timeout_seconds'] ?? 300),
  };
  return { id: group.TargetGroupArn!, inputs: { ...inputs }, outputs: outputs(group) };
}

function outputs(group: TargetGroup) {
  const arn = group.TargetGroupArn!;
  // `targetgroup/<name>/<id>`: the dimension CloudWatch alarms use.
  return { arn, name: group.TargetGroupName!, arnSuffix: arn.slice(arn.indexOf('targetgroup/')) };
}

function healthCheckParams(inputs: TargetGroupInputs) {
  const h = inputs.healthCheck;
  return {
    HealthCheckEnabled: true,
    HealthCheckProtocol: h.protocol as ProtocolEnum,
    HealthCheckPort: 'traffic-port',
    HealthCheckPath: h.path,
    Matcher: { HttpCode: h.matcher },
    HealthCheckIntervalSeconds: h.intervalSeconds,
    HealthCheckTimeoutSeconds: h.timeoutSeconds,
    HealthyThresholdCount: h.healthyThreshold,
    UnhealthyThresholdCount: h.unhealthyThreshold,
  };
}

async function putAttributes(ctx: ResourceCtx, arn: string, inputs: TargetGroupInputs): Promise<void> {
  const sticky = inputs.stickinessSeconds > 0;
  const attributes = [
    { Key: 'stickiness.enabled', Value: String(sticky) },
    { Key: 'stickiness.type', Value: 'lb_cookie' },
    { Key: 'deregistration_delay.timeout_seconds', Value: String(inputs.deregistrationDelaySeconds) },
  ];
  if (sticky) attributes.push({ Key: 'stickiness.lb_cookie.duration_seconds', Value: String(inputs.stickinessSeconds) });
  await elbv2(ctx).send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: attributes }));
}

export const targetGroupHandler: Handler = {
  kind: 'elbv2.targetGroup',
  health: targetGroupHealth,
  forceNew: ['name', 'vpcId', 'protocol', 'port'],

  async read(ctx, items) {
    const groups = await describe(ctx, items.map((i) => i.id));
    const byArn = new Map(groups.map((g) => [g.TargetGroupArn!, g]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const group = byArn.get(item.id);
      if (group) result.set(item.address, await toActual(ctx, group));
    }
    return result;
  },

  async find(ctx, args) {
    try {
      const out = await elbv2(ctx).send(new DescribeTargetGroupsCommand({ Names: [(args.inputs as unknown as TargetGroupInputs).name] }));
      const group = out.TargetGroups?.[0];
      return group ? toActual(ctx, group) : undefined;
    } catch (error) {
      if (hasCode(error, 'TargetGroupNotFound')) return undefined;
      throw error;
    }
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as TargetGroupInputs;
    // Idempotent by name: the same settings return the existing group.
    const out = await elbv2(ctx).send(new CreateTargetGroupCommand({
      Name: inputs.name,
      VpcId: inputs.vpcId,
      Protocol: inputs.protocol,
      Port: inputs.port,
      TargetType: 'instance',
      ...healthCheckParams(inputs),
      Tags: tagList(args.tags),
    }));
    const group = out.TargetGroups![0];
    await putAttributes(ctx, group.TargetGroupArn!, inputs);
    return { id: group.TargetGroupArn!, inputs: { ...inputs }, outputs: outputs(group) };
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as TargetGroupInputs;
    let group: TargetGroup | undefined;
    if (args.changed.includes('healthCheck')) {
      const out = await elbv2(ctx).send(new ModifyTargetGroupCommand({ TargetGroupArn: args.id, ...healthCheckParams(inputs) }));
      group = out.TargetGroups?.[0];
    }
    if (args.changed.includes('stickinessSeconds') || args.changed.includes('deregistrationDelaySeconds')) {
      await putAttributes(ctx, args.id, inputs);
    }
    group ??= (await describe(ctx, [args.id]))[0];
    return { id: args.id, inputs: { ...inputs }, outputs: outputs(group ?? { TargetGroupArn: args.id, TargetGroupName: inputs.name }) };
  },

  async delete(ctx, args) {
    try {
      await retryWhile(
        () => elbv2(ctx).send(new DeleteTargetGroupCommand({ TargetGroupArn: args.id })),
        (e) => hasCode(e, 'ResourceInUse'),
        { what: `deleting target group ${args.id}`, timeoutMs: DELETE_TIMEOUT_MS, report: args.report, signal: args.signal },
      );
    } catch (error) {
      if (hasCode(error, 'TargetGroupNotFound')) return;
      throw error;
    }
  },

  equal(field, desired, actual) {
    return deepEqual(desired, actual);
  },
};
