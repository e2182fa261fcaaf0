/**
 * `autoscaling.group`: the app nodes. A new launch-template version rolls the instances through an instance
 * refresh; delete scales to zero, force-deletes and waits until every instance is terminated.
 */
import {
  AttachLoadBalancerTargetGroupsCommand, AutoScalingClient, CancelInstanceRefreshCommand, CreateAutoScalingGroupCommand, DeleteAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand, DetachLoadBalancerTargetGroupsCommand, DisableMetricsCollectionCommand, EnableMetricsCollectionCommand,
  StartInstanceRefreshCommand, UpdateAutoScalingGroupCommand, type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { hasCode } from '../../aws/errors.js';
import { ADDRESS_TAG } from '../../aws/tags.js';
import { retryWhile, waitUntil } from '../../aws/wait.js';
import type { Actual, ReadItem, UpdateArgs } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { deepEqual, sameMembers } from '../shared/compare.js';
import { autoScalingGroupHealth } from './autoScalingGroupHealth.js';

export interface AutoScalingGroupInputs {
  name: string;
  launchTemplateId: string;
  launchTemplateVersion: string;
  subnetIds: string[];
  targetGroupArns: string[];
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  healthCheckType: 'ELB' | 'EC2';
  healthCheckGracePeriodSeconds: number;
  metricsCollection: boolean;
  instanceRefresh: { minHealthyPercentage: number; instanceWarmupSeconds: number };
}

const CREATE_TIMEOUT_MS = 15 * 60_000;
const DELETE_TIMEOUT_MS = 30 * 60_000;
// A fresh instance profile can be "invalid" for Auto Scaling for a minute or two (IAM is eventually consistent).
const PROFILE_PROPAGATION_TIMEOUT_MS = 3 * 60_000;

function asg(ctx: ResourceCtx): AutoScalingClient {
  return ctx.aws.get(AutoScalingClient);
}

async function describeGroups(ctx: ResourceCtx, names: string[]): Promise<AutoScalingGroup[]> {
  const groups: AutoScalingGroup[] = [];
  for (let i = 0; i < names.length; i += 50) {
    let token: string | undefined;
    do {
      const out = await asg(ctx).send(new DescribeAutoScalingGroupsCommand({
        AutoScalingGroupNames: names.slice(i, i + 50), NextToken: token,
      }));
      groups.push(...(out.AutoScalingGroups ?? []));
      token = out.NextToken;
    } while (token);
  }
  return groups;
}

function toActual(group: AutoScalingGroup): Actual {
  const inputs: Partial<AutoScalingGroupInputs> = {
    name: group.AutoScalingGroupName!,
    launchTemplateId: group.LaunchTemplate?.LaunchTemplateId,
    launchTemplateVersion: group.LaunchTemplate?.Version,
    subnetIds: (group.VPCZoneIdentifier ?? '').split(',').filter(Boolean),
    targetGroupArns: group.TargetGroupARNs ?? [],
    minSize: group.MinSize,
    maxSize: group.MaxSize,
    desiredCapacity: group.DesiredCapacity,
    healthCheckType: group.HealthCheckType as 'ELB' | 'EC2',
    healthCheckGracePeriodSeconds: group.HealthCheckGracePeriod,
    metricsCollection: (group.EnabledMetrics ?? []).length > 0,
  };
  for (const key of Object.keys(inputs) as (keyof AutoScalingGroupInputs)[]) if (inputs[key] === undefined) delete inputs[key];
  return { id: group.AutoScalingGroupName!, inputs, outputs: outputs(group.AutoScalingGroupName!, group.AutoScalingGroupARN) };
}

function outputs(name: string, arn: string | undefined) {
  return { name, arn: arn ?? '' };
}

function groupTags(name: string, tags: Record<string, string>) {
  // Instances carry the workspace tags; the address tag names the group, not them.
  return Object.entries(tags).map(([Key, Value]) => ({
    ResourceId: name, ResourceType: 'auto-scaling-group', Key, Value, PropagateAtLaunch: Key !== ADDRESS_TAG,
  }));
}

/** Named rather than left implicit, so what the dashboards and alarms rely on is stated here. */
export const GROUP_METRICS = [
  'GroupMinSize', 'GroupMaxSize', 'GroupDesiredCapacity', 'GroupInServiceInstances', 'GroupPendingInstances',
  'GroupStandbyInstances', 'GroupTerminatingInstances', 'GroupTotalInstances',
];

async function enableMetrics(ctx: ResourceCtx, name: string, enabled: boolean): Promise<void> {
  if (enabled) {
    await asg(ctx).send(new EnableMetricsCollectionCommand({ AutoScalingGroupName: name, Granularity: '1Minute', Metrics: GROUP_METRICS }));
  }
  else await asg(ctx).send(new DisableMetricsCollectionCommand({ AutoScalingGroupName: name }));
}

/** Instances of the group that are not terminated yet (Auto Scaling forgets them before EC2 is done). */
async function liveInstances(ctx: ResourceCtx, name: string): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const out = await ctx.aws.get(EC2Client).send(new DescribeInstancesCommand({
      Filters: [
        { Name: 'tag:aws:autoscaling:groupName', Values: [name] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'shutting-down', 'stopping', 'stopped'] },
      ],
      NextToken: token,
    }));
    for (const r of out.Reservations ?? []) for (const i of r.Instances ?? []) if (i.InstanceId) ids.push(i.InstanceId);
    token = out.NextToken;
  } while (token);
  return ids;
}

async function startInstanceRefresh(ctx: ResourceCtx, args: UpdateArgs, inputs: AutoScalingGroupInputs): Promise<void> {
  const start = () => asg(ctx).send(new StartInstanceRefreshCommand({
    AutoScalingGroupName: inputs.name,
    Strategy: 'Rolling',
    Preferences: {
      MinHealthyPercentage: inputs.instanceRefresh.minHealthyPercentage,
      InstanceWarmup: inputs.instanceRefresh.instanceWarmupSeconds,
      SkipMatching: true,
    },
  }));
  let out;
  try {
    out = await start();
  } catch (error) {
    if (!hasCode(error, 'InstanceRefreshInProgress')) throw error;
    // A refresh towards an older version is pointless now: replace it with one towards the new version.
    args.report('cancelling the instance refresh in progress for the new launch template version');
    await asg(ctx).send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: inputs.name }));
    out = await retryWhile(start, (e) => hasCode(e, 'InstanceRefreshInProgress'),
      { what: 'starting the instance refresh', timeoutMs: 10 * 60_000, report: args.report, signal: args.signal });
  }
  args.report(`instance refresh ${out.InstanceRefreshId ?? ''} started: nodes roll to launch template version ${inputs.launchTemplateVersion} keeping ${inputs.instanceRefresh.minHealthyPercentage}% healthy`);
}

export const autoScalingGroupHandler: Handler = {
  kind: 'autoscaling.group',
  health: autoScalingGroupHealth,
  forceNew: ['name'],
  // Once created, the scaling policy owns the desired capacity; resetting it on every apply would fight it.
  ignoreDiff: ['desiredCapacity', 'instanceRefresh'],

  async read(ctx, items: ReadItem[]) {
    const groups = items.length ? await describeGroups(ctx, [...new Set(items.map((i) => i.id))]) : [];
    const byName = new Map(groups.filter((g) => g.Status !== 'Delete in progress').map((g) => [g.AutoScalingGroupName!, g]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const group = byName.get(item.id);
      if (group) result.set(item.address, toActual(group));
    }
    return result;
  },

  async find(ctx, args) {
    const [group] = await describeGroups(ctx, [(args.inputs as unknown as AutoScalingGroupInputs).name]);
    if (!group || group.Status === 'Delete in progress') return undefined;
    const ours = group.Tags?.some((t) => t.Key === ADDRESS_TAG && t.Value === args.address);
    return ours ? toActual(group) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as AutoScalingGroupInputs;
    await retryWhile(
      () => asg(ctx).send(new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: inputs.name,
        LaunchTemplate: { LaunchTemplateId: inputs.launchTemplateId, Version: inputs.launchTemplateVersion },
        VPCZoneIdentifier: inputs.subnetIds.join(','),
        TargetGroupARNs: inputs.targetGroupArns,
        MinSize: inputs.minSize,
        MaxSize: inputs.maxSize,
        DesiredCapacity: inputs.desiredCapacity,
        HealthCheckType: inputs.healthCheckType,
        HealthCheckGracePeriod: inputs.healthCheckGracePeriodSeconds,
        Tags: groupTags(inputs.name, args.tags),
      })),
      (e) => hasCode(e, 'ValidationError') && /instance ?profile/i.test((e as Error).message ?? ''),
      { what: 'creating the Auto Scaling group (instance profile propagating)', timeoutMs: PROFILE_PROPAGATION_TIMEOUT_MS, report: args.report, signal: args.signal },
    ).catch((error) => {
      // Retried after an interruption: the group exists already and is ours (adopted by find on the next run).
      if (hasCode(error, 'AlreadyExists')) return undefined;
      throw error;
    });
    if (inputs.metricsCollection) await enableMetrics(ctx, inputs.name, true);
    const group = await waitUntil(async () => {
      const [g] = await describeGroups(ctx, [inputs.name]);
      if (!g) return { done: false, status: 'not visible yet' };
      const inService = (g.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length;
      return inService >= inputs.minSize ? { done: true, value: g } : { done: false, status: `${inService}/${inputs.minSize} instances in service` };
    }, { what: `Auto Scaling group ${inputs.name} instances`, timeoutMs: CREATE_TIMEOUT_MS, minDelayMs: 1000, report: args.report, signal: args.signal });
    return { id: inputs.name, inputs: { ...inputs }, outputs: outputs(inputs.name, group.AutoScalingGroupARN) };
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as AutoScalingGroupInputs;
    const groupFields = ['launchTemplateId', 'launchTemplateVersion', 'subnetIds', 'minSize', 'maxSize', 'healthCheckType', 'healthCheckGracePeriodSeconds'];
    if (args.changed.some((f) => groupFields.includes(f))) {
      await asg(ctx).send(new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: inputs.name,
        LaunchTemplate: { LaunchTemplateId: inputs.launchTemplateId, Version: inputs.launchTemplateVersion },
        VPCZoneIdentifier: inputs.subnetIds.join(','),
        MinSize: inputs.minSize,
        MaxSize: inputs.maxSize,
        HealthCheckType: inputs.healthCheckType,
        HealthCheckGracePeriod: inputs.healthCheckGracePeriodSeconds,
      }));
    }
    if (args.changed.includes('targetGroupArns')) {
      const before = (args.previous.inputs.targetGroupArns as string[] | undefined) ?? [];
      const attach = inputs.targetGroupArns.filter((a) => !before.includes(a));
      const detach = before.filter((a) => !inputs.targetGroupArns.includes(a));
      if (attach.length) await asg(ctx).send(new AttachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: inputs.name, TargetGroupARNs: attach }));
      if (detach.length) await asg(ctx).send(new DetachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: inputs.name, TargetGroupARNs: detach }));
    }
    if (args.changed.includes('metricsCollection')) await enableMetrics(ctx, inputs.name, inputs.metricsCollection);
    if (args.changed.includes('launchTemplateId') || args.changed.includes('launchTemplateVersion')) {
      await startInstanceRefresh(ctx, args, inputs);
    }
    const [group] = await describeGroups(ctx, [inputs.name]);
    return { id: inputs.name, inputs: { ...inputs }, outputs: outputs(inputs.name, group?.AutoScalingGroupARN) };
  },

  async delete(ctx, args) {
    const name = args.id;
    try {
      await asg(ctx).send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, MinSize: 0, MaxSize: 0, DesiredCapacity: 0 }));
    } catch (error) {
      if (!hasCode(error, 'ValidationError')) throw error; // not found, or already being deleted
    }
    try {
      await retryWhile(
        () => asg(ctx).send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: name, ForceDelete: true })),
        (e) => hasCode(e, 'ResourceInUse', 'ScalingActivityInProgress'),
        { what: `deleting Auto Scaling group ${name}`, timeoutMs: DELETE_TIMEOUT_MS, report: args.report, signal: args.signal },
      );
    } catch (error) {
      if (!(hasCode(error, 'ValidationError') && /not found/i.test((error as Error).message ?? ''))) throw error;
    }
    // The launch template and security groups go next: they must not be in use by an instance still shutting down.
    await waitUntil(async () => {
      const [group] = await describeGroups(ctx, [name]);
      const instances = await liveInstances(ctx, name);
      if (!group && instances.length === 0) return { done: true, value: undefined };
      return { done: false, status: `${group ? 'group still present, ' : ''}${instances.length} instances not terminated` };
    }, { what: `Auto Scaling group ${name} and its instances to be gone`, timeoutMs: DELETE_TIMEOUT_MS, report: args.report, signal: args.signal });
  },

  equal(field, desired, actual) {
    if (field === 'subnetIds' || field === 'targetGroupArns') return sameMembers(desired, actual ?? []);
    return deepEqual(desired, actual);
  },
};
