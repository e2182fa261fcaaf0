/** `autoscaling.scalingPolicy`: a target-tracking policy on a predefined metric of the app nodes' group. */
import {
  AutoScalingClient, DeletePolicyCommand, DescribePoliciesCommand, PutScalingPolicyCommand, type ScalingPolicy,
} from '@aws-sdk/client-auto-scaling';
import { hasCode } from '../../aws/errors.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';

export interface ScalingPolicyInputs {
  autoScalingGroupName: string;
  policyName: string;
  predefinedMetric: 'ASGAverageCPUUtilization' | 'ASGAverageNetworkIn' | 'ASGAverageNetworkOut';
  targetValue: number;
}

function asg(ctx: ResourceCtx): AutoScalingClient {
  return ctx.aws.get(AutoScalingClient);
}

/** The id is `<group>/<policy>`: both are needed to delete it, and names are what DescribePolicies filters on. */
const policyId = (group: string, name: string) => `${group}/${name}`;

function splitId(id: string): { group: string; name: string } {
  const slash = id.indexOf('/');
  return { group: id.slice(0, slash), name: id.slice(slash + 1) };
}

async function describePolicies(ctx: ResourceCtx, group: string, names: string[]): Promise<ScalingPolicy[]> {
  const policies: ScalingPolicy[] = [];
  let token: string | undefined;
  try {
    do {
      const out = await asg(ctx).send(new DescribePoliciesCommand({ AutoScalingGroupName: group, PolicyNames: names, NextToken: token }));
      policies.push(...(out.ScalingPolicies ?? []));
      token = out.NextToken;
    } while (token);
  } catch (error) {
    // The group itself is gone: so are its policies.
    if (hasCode(error, 'ValidationError')) return [];
    throw error;
  }
  return policies;
}

function toActual(policy: ScalingPolicy): Actual {
  const config = policy.TargetTrackingConfiguration;
  const inputs: Partial<ScalingPolicyInputs> = {
    autoScalingGroupName: policy.AutoScalingGroupName!,
    policyName: policy.PolicyName!,
    predefinedMetric: config?.PredefinedMetricSpecification?.PredefinedMetricType as ScalingPolicyInputs['predefinedMetric'],
    targetValue: config?.TargetValue,
  };
  for (const key of Object.keys(inputs) as (keyof ScalingPolicyInputs)[]) if (inputs[key] === undefined) delete inputs[key];
  return {
    id: policyId(policy.AutoScalingGroupName!, policy.PolicyName!),
    inputs,
    outputs: { policyName: policy.PolicyName!, arn: policy.PolicyARN ?? '' },
  };
}

async function put(ctx: ResourceCtx, inputs: ScalingPolicyInputs): Promise<Actual> {
  const out = await asg(ctx).send(new PutScalingPolicyCommand({
    AutoScalingGroupName: inputs.autoScalingGroupName,
    PolicyName: inputs.policyName,
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingConfiguration: {
      PredefinedMetricSpecification: { PredefinedMetricType: inputs.predefinedMetric },
      TargetValue: inputs.targetValue,
      DisableScaleIn: false,
    },
  }));
  return {
    id: policyId(inputs.autoScalingGroupName, inputs.policyName),
    inputs: { ...inputs },
    outputs: { policyName: inputs.policyName, arn: out.PolicyARN ?? '' },
  };
}

export const scalingPolicyHandler: Handler = {
  kind: 'autoscaling.scalingPolicy',
  forceNew: ['autoScalingGroupName', 'policyName'],

  async read(ctx, items) {
    const byGroup = new Map<string, string[]>();
    for (const item of items) {
      const { group, name } = splitId(item.id);
      byGroup.set(group, [...(byGroup.get(group) ?? []), name]);
    }
    const found = new Map<string, Actual>();
    for (const [group, names] of byGroup) {
      for (const policy of await describePolicies(ctx, group, names)) {
        const actual = toActual(policy);
        found.set(actual.id, actual);
      }
    }
    const result = new Map<string, Actual>();
    for (const item of items) {
      const actual = found.get(item.id);
      if (actual) result.set(item.address, actual);
    }
    return result;
  },

  async find(ctx, args) {
    const inputs = args.inputs as unknown as ScalingPolicyInputs;
    const [policy] = await describePolicies(ctx, inputs.autoScalingGroupName, [inputs.policyName]);
    return policy ? toActual(policy) : undefined;
  },

  // PutScalingPolicy creates or replaces: the same call is idempotent and serves both.
  create: (ctx, args) => put(ctx, args.inputs as unknown as ScalingPolicyInputs),
  update: (ctx, args) => put(ctx, args.inputs as unknown as ScalingPolicyInputs),

  async delete(ctx, args) {
    const { group, name } = splitId(args.id);
    try {
      await asg(ctx).send(new DeletePolicyCommand({ AutoScalingGroupName: group, PolicyName: name }));
    } catch (error) {
      if (hasCode(error, 'ValidationError')) return; // group or policy already gone
      throw error;
    }
  },
};
