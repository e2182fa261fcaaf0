import {
  AutoScalingClient, CancelInstanceRefreshCommand, CreateAutoScalingGroupCommand, DeleteAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand, EnableMetricsCollectionCommand, StartInstanceRefreshCommand, UpdateAutoScalingGroupCommand,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { autoScalingGroupHandler as handler, type AutoScalingGroupInputs } from '../../../../src/resources/app/autoScalingGroup.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const autoscaling = mockClient(AutoScalingClient);
const ec2 = mockClient(EC2Client);
const ctx = makeCtx();
const address = 'app.asg';

const inputs: AutoScalingGroupInputs = {
  name: 'demo-morpheus-app', launchTemplateId: 'lt-1', launchTemplateVersion: '1', subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
  targetGroupArns: ['arn:tg'], minSize: 3, maxSize: 6, desiredCapacity: 3, healthCheckType: 'ELB', healthCheckGracePeriodSeconds: 1800,
  metricsCollection: true, instanceRefresh: { minHealthyPercentage: 66, instanceWarmupSeconds: 1800 },
};

const group = (extra: Partial<AutoScalingGroup> = {}): AutoScalingGroup => ({
  AutoScalingGroupName: inputs.name, AutoScalingGroupARN: 'arn:asg', MinSize: 3, MaxSize: 6, DesiredCapacity: 3,
  LaunchTemplate: { LaunchTemplateId: 'lt-1', Version: '1' }, VPCZoneIdentifier: 'subnet-c,subnet-a,subnet-b',
  TargetGroupARNs: ['arn:tg'], HealthCheckType: 'ELB', HealthCheckGracePeriod: 1800, EnabledMetrics: [{ Metric: 'GroupInServiceInstances' }],
  DefaultCooldown: 300, AvailabilityZones: [], CreatedTime: new Date(),
  Instances: [1, 2, 3].map((n) => ({ InstanceId: `i-${n}`, LifecycleState: 'InService', AvailabilityZone: 'a', HealthStatus: 'Healthy', ProtectedFromScaleIn: false })),
  ...extra,
});

beforeEach(() => { autoscaling.reset(); ec2.reset(); });

const updateArgs = (changed: string[], next: Partial<AutoScalingGroupInputs> = {}) => ({
  ...call(address), id: inputs.name, inputs: { ...inputs, ...next }, previous: { id: inputs.name, inputs: { ...inputs }, outputs: {} }, changed, tags: tagsFor(address),
});

describe('autoscaling.group', () => {
  it('creates across the subnets with ELB health checks, propagated tags and metrics, and waits for instances', async () => {
    autoscaling.on(CreateAutoScalingGroupCommand).resolves({});
    autoscaling.on(EnableMetricsCollectionCommand).resolves({});
    autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group()] });
    const actual = await handler.create(ctx, { ...call(address), inputs: { ...inputs }, token: 't', tags: tagsFor(address) });
    const sent = autoscaling.commandCalls(CreateAutoScalingGroupCommand)[0].args[0].input;
    expect(sent).toMatchObject({ VPCZoneIdentifier: 'subnet-a,subnet-b,subnet-c', HealthCheckType: 'ELB', HealthCheckGracePeriod: 1800, TargetGroupARNs: ['arn:tg'], LaunchTemplate: { LaunchTemplateId: 'lt-1', Version: '1' } });
    expect(sent.Tags!.find((t) => t.Key === 'morpheus-ws:workspace')!.PropagateAtLaunch).toBe(true);
    expect(sent.Tags!.find((t) => t.Key === 'morpheus-ws:address')!.PropagateAtLaunch).toBe(false);
    expect(autoscaling.commandCalls(EnableMetricsCollectionCommand)[0].args[0].input.Granularity).toBe('1Minute');
    expect(actual.outputs).toEqual({ name: inputs.name, arn: 'arn:asg' });
  });

  it('retries creation while the fresh instance profile is not visible to Auto Scaling yet', async () => {
    autoscaling.on(CreateAutoScalingGroupCommand)
      .rejectsOnce(awsError('ValidationError', 'You must use a valid fully-formed launch template. Value (x) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN'))
      .resolves({});
    autoscaling.on(EnableMetricsCollectionCommand).resolves({});
    autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group()] });
    await withFakeTime(() => handler.create(ctx, { ...call(address), inputs: { ...inputs }, token: 't', tags: tagsFor(address) }));
    expect(autoscaling.commandCalls(CreateAutoScalingGroupCommand)).toHaveLength(2);
  });

  it('reads back in the input shape; subnet order does not matter', async () => {
    autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group()] });
    const actual = (await handler.read(ctx, [{ address, id: inputs.name, inputs: {}, outputs: {} }])).get(address)!;
    const { instanceRefresh: _r, ...readable } = inputs;
    expect(actual.inputs).toEqual({ ...readable, subnetIds: ['subnet-c', 'subnet-a', 'subnet-b'] });
    expect(handler.equal!('subnetIds', inputs.subnetIds, actual.inputs.subnetIds)).toBe(true);
    expect(handler.ignoreDiff).toContain('desiredCapacity');
  });

  it('starts an instance refresh when the launch template version changes', async () => {
    autoscaling.on(UpdateAutoScalingGroupCommand).resolves({});
    autoscaling.on(StartInstanceRefreshCommand).resolves({ InstanceRefreshId: 'ir-1' });
    autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group()] });
    await handler.update!(ctx, updateArgs(['launchTemplateVersion'], { launchTemplateVersion: '2' }));
    expect(autoscaling.commandCalls(UpdateAutoScalingGroupCommand)[0].args[0].input.LaunchTemplate).toEqual({ LaunchTemplateId: 'lt-1', Version: '2' });
    expect(autoscaling.commandCalls(StartInstanceRefreshCommand)[0].args[0].input).toMatchObject({
      AutoScalingGroupName: inputs.name, Strategy: 'Rolling', Preferences: { MinHealthyPercentage: 66, InstanceWarmup: 1800 },
    });
  });

  it('replaces a refresh already in progress', async () => {
    autoscaling.on(UpdateAutoScalingGroupCommand).resolves({});
    autoscaling.on(StartInstanceRefreshCommand).rejectsOnce(awsError('InstanceRefreshInProgress')).resolves({ InstanceRefreshId: 'ir-2' });
    autoscaling.on(CancelInstanceRefreshCommand).resolves({});
    autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group()] });
    await withFakeTime(() => handler.update!(ctx, updateArgs(['launchTemplateVersion'], { launchTemplateVersion: '3' })));
    expect(autoscaling.commandCalls(CancelInstanceRefreshCommand)).toHaveLength(1);
    expect(autoscaling.commandCalls(StartInstanceRefreshCommand)).toHaveLength(2);
  });

  it('does not refresh instances for a size change', async () => {
    autoscaling.on(UpdateAutoScalingGroupCommand).resolves({});
    autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group()] });
    await handler.update!(ctx, updateArgs(['maxSize'], { maxSize: 9 }));
    expect(autoscaling.commandCalls(StartInstanceRefreshCommand)).toHaveLength(0);
    expect(autoscaling.commandCalls(UpdateAutoScalingGroupCommand)[0].args[0].input.MaxSize).toBe(9);
  });

  it('deletes by scaling to zero, force-deleting and waiting until every instance is terminated', async () => {
    autoscaling.on(UpdateAutoScalingGroupCommand).resolves({});
    autoscaling.on(DeleteAutoScalingGroupCommand).resolves({});
    autoscaling.on(DescribeAutoScalingGroupsCommand).resolvesOnce({ AutoScalingGroups: [group({ Status: 'Delete in progress' })] }).resolves({ AutoScalingGroups: [] });
    ec2.on(DescribeInstancesCommand).resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-1' }] }] }).resolves({ Reservations: [] });
    await withFakeTime(() => handler.delete(ctx, { ...call(address), id: inputs.name, inputs: {}, outputs: {} }));
    expect(autoscaling.commandCalls(UpdateAutoScalingGroupCommand)[0].args[0].input).toMatchObject({ MinSize: 0, DesiredCapacity: 0 });
    expect(autoscaling.commandCalls(DeleteAutoScalingGroupCommand)[0].args[0].input.ForceDelete).toBe(true);
    expect(ec2.commandCalls(DescribeInstancesCommand).length).toBeGreaterThanOrEqual(2);
    expect(ec2.commandCalls(DescribeInstancesCommand)[0].args[0].input.Filters).toContainEqual({ Name: 'tag:aws:autoscaling:groupName', Values: [inputs.name] });
  });

  it('treats a group that is already gone as deleted', async () => {
    autoscaling.on(UpdateAutoScalingGroupCommand).rejects(awsError('ValidationError', 'AutoScalingGroup name not found - null'));
    autoscaling.on(DeleteAutoScalingGroupCommand).rejects(awsError('ValidationError', 'AutoScalingGroup name not found - x'));
    autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    await handler.delete(ctx, { ...call(address), id: inputs.name, inputs: {}, outputs: {} });
  });

  it('finds only a group carrying its address tag', async () => {
    autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group({ Tags: [{ Key: 'morpheus-ws:address', Value: address }] })] });
    expect(await handler.find(ctx, { address, token: 't', inputs: { ...inputs }, tags: tagsFor(address) })).toBeDefined();
    autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group({ Tags: [] })] });
    expect(await handler.find(ctx, { address, token: 't', inputs: { ...inputs }, tags: tagsFor(address) })).toBeUndefined();
  });
});
