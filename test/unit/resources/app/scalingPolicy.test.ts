import { AutoScalingClient, DeletePolicyCommand, DescribePoliciesCommand, PutScalingPolicyCommand } from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { scalingPolicyHandler as handler } from '../../../../src/resources/app/scalingPolicy.js';
import { awsError, call, makeCtx, tagsFor } from '../shared/handlerHarness.js';

const autoscaling = mockClient(AutoScalingClient);
const ctx = makeCtx();
const address = 'app.asg.cpuTargetPolicy';
const inputs = { autoScalingGroupName: 'demo-morpheus-app', policyName: 'demo-cpu', predefinedMetric: 'ASGAverageCPUUtilization', targetValue: 60 };

beforeEach(() => autoscaling.reset());

describe('autoscaling.scalingPolicy', () => {
  it('puts a target-tracking policy on CPU', async () => {
    autoscaling.on(PutScalingPolicyCommand).resolves({ PolicyARN: 'arn:policy' });
    const actual = await handler.create(ctx, { ...call(address), inputs: { ...inputs }, token: 't', tags: tagsFor(address) });
    expect(autoscaling.commandCalls(PutScalingPolicyCommand)[0].args[0].input).toMatchObject({
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: { TargetValue: 60, PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' } },
    });
    expect(actual).toMatchObject({ id: 'demo-morpheus-app/demo-cpu', outputs: { arn: 'arn:policy' } });
  });

  it('reads per group, in the input shape', async () => {
    autoscaling.on(DescribePoliciesCommand).resolves({ ScalingPolicies: [{
      AutoScalingGroupName: 'demo-morpheus-app', PolicyName: 'demo-cpu', PolicyARN: 'arn:policy',
      TargetTrackingConfiguration: { TargetValue: 60, PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' } },
    }] });
    const result = await handler.read(ctx, [{ address, id: 'demo-morpheus-app/demo-cpu', inputs: {}, outputs: {} }]);
    expect(result.get(address)!.inputs).toEqual(inputs);
  });

  it('reads nothing when the group is gone, and deletes idempotently', async () => {
    autoscaling.on(DescribePoliciesCommand).rejects(awsError('ValidationError', 'Group not found'));
    expect((await handler.read(ctx, [{ address, id: 'demo-morpheus-app/demo-cpu', inputs: {}, outputs: {} }])).size).toBe(0);
    autoscaling.on(DeletePolicyCommand).rejects(awsError('ValidationError', 'not found'));
    await handler.delete(ctx, { ...call(address), id: 'demo-morpheus-app/demo-cpu', inputs: {}, outputs: {} });
  });
});
