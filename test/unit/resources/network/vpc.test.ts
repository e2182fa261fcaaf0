import {
  CreateVpcCommand, DeleteVpcCommand, DescribeVpcAttributeCommand, DescribeVpcsCommand, EC2Client,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { vpcHandler } from '../../../../src/resources/network/vpc.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const ec2 = mockClient(EC2Client);
const ctx = makeCtx();
const inputs = { cidrBlock: '10.40.0.0/16', enableDnsSupport: true, enableDnsHostnames: true };

beforeEach(() => {
  ec2.reset();
  ec2.on(DescribeVpcAttributeCommand, { Attribute: 'enableDnsSupport' }).resolves({ EnableDnsSupport: { Value: true } });
  ec2.on(DescribeVpcAttributeCommand, { Attribute: 'enableDnsHostnames' }).resolves({ EnableDnsHostnames: { Value: true } });
});

describe('ec2.vpc', () => {
  it('reads many VPCs with one filtered DescribeVpcs and leaves out the missing ones', async () => {
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.40.0.0/16', State: 'available' }] });
    const result = await vpcHandler.read(ctx, [
      { address: 'a', id: 'vpc-1', inputs: {}, outputs: {} },
      { address: 'b', id: 'vpc-2', inputs: {}, outputs: {} },
    ]);
    expect(ec2.commandCalls(DescribeVpcsCommand)).toHaveLength(1);
    expect(ec2.commandCalls(DescribeVpcsCommand)[0].args[0].input.Filters).toEqual([{ Name: 'vpc-id', Values: ['vpc-1', 'vpc-2'] }]);
    expect([...result.keys()]).toEqual(['a']);
    expect(result.get('a')).toEqual({ id: 'vpc-1', inputs, outputs: { vpcId: 'vpc-1', cidr: '10.40.0.0/16' } });
  });

  it('creates with tags, waits for available and turns DNS support and hostnames on', async () => {
    ec2.on(CreateVpcCommand).resolves({ Vpc: { VpcId: 'vpc-9' } });
    ec2.on(DescribeVpcsCommand).resolvesOnce({ Vpcs: [{ VpcId: 'vpc-9', CidrBlock: '10.40.0.0/16', State: 'pending' }] })
      .resolves({ Vpcs: [{ VpcId: 'vpc-9', CidrBlock: '10.40.0.0/16', State: 'available' }] });
    ec2.on(ModifyVpcAttributeCommand).resolves({});
    const actual = await withFakeTime(() => vpcHandler.create(ctx, { ...call(), inputs, token: 't', tags: tagsFor('network.vpc') }));
    const create = ec2.commandCalls(CreateVpcCommand)[0].args[0].input;
    expect(create.TagSpecifications?.[0]).toMatchObject({ ResourceType: 'vpc' });
    expect(create.TagSpecifications?.[0].Tags).toContainEqual({ Key: 'morpheus-ws:address', Value: 'network.vpc' });
    const modifies = ec2.commandCalls(ModifyVpcAttributeCommand).map((c) => c.args[0].input);
    expect(modifies).toEqual([
      { VpcId: 'vpc-9', EnableDnsSupport: { Value: true } },
      { VpcId: 'vpc-9', EnableDnsHostnames: { Value: true } },
    ]);
    expect(actual.outputs).toEqual({ vpcId: 'vpc-9', cidr: '10.40.0.0/16' });
  });

  it('finds what an interrupted create made by its workspace tag, matching the address tag exactly', async () => {
    const tags = (address: string) => [{ Key: 'morpheus-ws:workspace', Value: 'demo' }, { Key: 'morpheus-ws:address', Value: address }];
    ec2.on(DescribeVpcsCommand).resolves({
      Vpcs: [
        { VpcId: 'vpc-other', CidrBlock: '10.40.0.0/16', Tags: tags('network.vpc[x]') },
        { VpcId: 'vpc-7', CidrBlock: '10.40.0.0/16', State: 'available', Tags: tags('network.vpc') },
      ],
    });
    const found = await vpcHandler.find(ctx, { address: 'network.vpc', token: 't', inputs, tags: tagsFor('network.vpc') });
    expect(found?.id).toBe('vpc-7');
    expect(ec2.commandCalls(DescribeVpcsCommand)[0].args[0].input.Filters).toEqual([
      { Name: 'tag:morpheus-ws:workspace', Values: ['demo'] },
      { Name: 'tag-key', Values: ['morpheus-ws:address'] },
    ]);
  });

  it('finds nothing when no VPC carries the address tag', async () => {
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-1', Tags: [{ Key: 'morpheus-ws:workspace', Value: 'demo' }] }] });
    expect(await vpcHandler.find(ctx, { address: 'network.vpc', token: 't', inputs, tags: tagsFor('network.vpc') })).toBeUndefined();
  });

  it('updates only the changed DNS attribute', async () => {
    ec2.on(ModifyVpcAttributeCommand).resolves({});
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.40.0.0/16' }] });
    await vpcHandler.update!(ctx, {
      ...call(), id: 'vpc-1', inputs, changed: ['enableDnsHostnames'], tags: {},
      previous: { id: 'vpc-1', inputs: { ...inputs, enableDnsHostnames: false }, outputs: {} },
    });
    expect(ec2.commandCalls(ModifyVpcAttributeCommand).map((c) => c.args[0].input)).toEqual([
      { VpcId: 'vpc-1', EnableDnsHostnames: { Value: true } },
    ]);
  });

  it('retries DependencyViolation on delete and treats NotFound as done', async () => {
    ec2.on(DeleteVpcCommand).rejectsOnce(awsError('DependencyViolation')).rejectsOnce(awsError('InvalidVpcID.NotFound'));
    await withFakeTime(() => vpcHandler.delete(ctx, { ...call(), id: 'vpc-1', inputs, outputs: {} }));
    expect(ec2.commandCalls(DeleteVpcCommand)).toHaveLength(2);
  });

  it('lets other delete errors through', async () => {
    ec2.on(DeleteVpcCommand).rejects(awsError('UnauthorizedOperation'));
    await expect(vpcHandler.delete(ctx, { ...call(), id: 'vpc-1', inputs, outputs: {} })).rejects.toThrow('UnauthorizedOperation');
  });
});
