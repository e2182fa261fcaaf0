import {
  CreateSubnetCommand, DeleteSubnetCommand, DescribeSubnetsCommand, EC2Client, ModifySubnetAttributeCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { subnetHandler } from '../../../../src/resources/network/subnet.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const ec2 = mockClient(EC2Client);
const ctx = makeCtx();
const subnet = (id: string, az: string, cidr: string, extra = {}) => ({
  SubnetId: id, VpcId: 'vpc-1', AvailabilityZone: az, CidrBlock: cidr, MapPublicIpOnLaunch: false, State: 'available' as const, ...extra,
});

beforeEach(() => ec2.reset());

describe('ec2.subnet', () => {
  it('reads six subnets with a single DescribeSubnets call filtered by their ids', async () => {
    const ids = ['subnet-1', 'subnet-2', 'subnet-3', 'subnet-4', 'subnet-5', 'subnet-6'];
    ec2.on(DescribeSubnetsCommand).resolves({ Subnets: ids.slice(0, 5).map((id, i) => subnet(id, 'us-east-1a', `10.40.${i}.0/24`)) });
    const result = await subnetHandler.read(ctx, ids.map((id) => ({ address: `s.${id}`, id, inputs: {}, outputs: {} })));
    expect(ec2.commandCalls(DescribeSubnetsCommand)).toHaveLength(1);
    expect(ec2.commandCalls(DescribeSubnetsCommand)[0].args[0].input.Filters).toEqual([{ Name: 'subnet-id', Values: ids }]);
    expect(result.size).toBe(5);
    expect(result.get('s.subnet-1')).toEqual({
      id: 'subnet-1',
      inputs: { vpcId: 'vpc-1', cidr: '10.40.0.0/24', az: 'us-east-1a', mapPublicIpOnLaunch: false },
      outputs: { subnetId: 'subnet-1', az: 'us-east-1a', cidr: '10.40.0.0/24' },
    });
  });

  it('follows NextToken pages', async () => {
    ec2.on(DescribeSubnetsCommand).resolvesOnce({ Subnets: [subnet('subnet-1', 'a', '10.0.0.0/24')], NextToken: 'p2' })
      .resolves({ Subnets: [subnet('subnet-2', 'a', '10.0.1.0/24')] });
    const result = await subnetHandler.read(ctx, [
      { address: 'x', id: 'subnet-1', inputs: {}, outputs: {} }, { address: 'y', id: 'subnet-2', inputs: {}, outputs: {} },
    ]);
    expect(result.size).toBe(2);
    expect(ec2.commandCalls(DescribeSubnetsCommand)[1].args[0].input.NextToken).toBe('p2');
  });

  it('creates in its AZ with tags and switches off public IPs when the VPC default says otherwise', async () => {
    ec2.on(CreateSubnetCommand).resolves({ Subnet: { SubnetId: 'subnet-9' } });
    ec2.on(DescribeSubnetsCommand).resolvesOnce({ Subnets: [subnet('subnet-9', 'us-east-1b', '10.40.0.0/20', { MapPublicIpOnLaunch: true })] })
      .resolves({ Subnets: [subnet('subnet-9', 'us-east-1b', '10.40.0.0/20')] });
    ec2.on(ModifySubnetAttributeCommand).resolves({});
    const actual = await subnetHandler.create(ctx, {
      ...call(), token: 't', tags: tagsFor('network.subnet.private[us-east-1b]'),
      inputs: { vpcId: 'vpc-1', cidr: '10.40.0.0/20', az: 'us-east-1b', mapPublicIpOnLaunch: false },
    });
    expect(ec2.commandCalls(CreateSubnetCommand)[0].args[0].input).toMatchObject({
      VpcId: 'vpc-1', CidrBlock: '10.40.0.0/20', AvailabilityZone: 'us-east-1b',
    });
    expect(ec2.commandCalls(ModifySubnetAttributeCommand)[0].args[0].input).toEqual({ SubnetId: 'subnet-9', MapPublicIpOnLaunch: { Value: false } });
    expect(actual.inputs.mapPublicIpOnLaunch).toBe(false);
  });

  it('retries DependencyViolation while service ENIs linger', async () => {
    ec2.on(DeleteSubnetCommand).rejectsOnce(awsError('DependencyViolation')).rejectsOnce(awsError('DependencyViolation')).resolves({});
    await withFakeTime(() => subnetHandler.delete(ctx, { ...call(), id: 'subnet-1', inputs: {}, outputs: {} }));
    expect(ec2.commandCalls(DeleteSubnetCommand)).toHaveLength(3);
  });
});
