import {
  AttachInternetGatewayCommand, CreateInternetGatewayCommand, DeleteInternetGatewayCommand,
  DescribeInternetGatewaysCommand, DetachInternetGatewayCommand, EC2Client,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { internetGatewayHandler } from '../../../../src/resources/network/internetGateway.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const ec2 = mockClient(EC2Client);
const ctx = makeCtx();
const attached = { InternetGatewayId: 'igw-1', Attachments: [{ VpcId: 'vpc-1', State: 'available' as never }] };

beforeEach(() => ec2.reset());

describe('ec2.internetGateway', () => {
  it('creates with tags and attaches to the VPC, retrying while the new gateway is not visible', async () => {
    ec2.on(CreateInternetGatewayCommand).resolves({ InternetGateway: { InternetGatewayId: 'igw-1' } });
    ec2.on(AttachInternetGatewayCommand).rejectsOnce(awsError('InvalidInternetGatewayID.NotFound')).resolves({});
    ec2.on(DescribeInternetGatewaysCommand).resolves({ InternetGateways: [attached] });
    const actual = await withFakeTime(() => internetGatewayHandler.create(ctx, {
      ...call(), inputs: { vpcId: 'vpc-1' }, token: 't', tags: tagsFor('network.igw'),
    }));
    expect(ec2.commandCalls(CreateInternetGatewayCommand)[0].args[0].input.TagSpecifications?.[0].ResourceType).toBe('internet-gateway');
    expect(ec2.commandCalls(AttachInternetGatewayCommand)).toHaveLength(2);
    expect(actual).toEqual({ id: 'igw-1', inputs: { vpcId: 'vpc-1' }, outputs: { internetGatewayId: 'igw-1' } });
  });

  it('reads with one filtered call', async () => {
    ec2.on(DescribeInternetGatewaysCommand).resolves({ InternetGateways: [attached] });
    const result = await internetGatewayHandler.read(ctx, [
      { address: 'a', id: 'igw-1', inputs: {}, outputs: {} }, { address: 'b', id: 'igw-2', inputs: {}, outputs: {} },
    ]);
    expect(ec2.commandCalls(DescribeInternetGatewaysCommand)).toHaveLength(1);
    expect(result.get('a')?.inputs).toEqual({ vpcId: 'vpc-1' });
    expect(result.has('b')).toBe(false);
  });

  it('deletes by detaching first, retrying while public addresses are still mapped', async () => {
    ec2.on(DescribeInternetGatewaysCommand).resolves({ InternetGateways: [attached] });
    ec2.on(DetachInternetGatewayCommand).rejectsOnce(awsError('DependencyViolation')).resolves({});
    ec2.on(DeleteInternetGatewayCommand).resolves({});
    await withFakeTime(() => internetGatewayHandler.delete(ctx, { ...call(), id: 'igw-1', inputs: {}, outputs: {} }));
    expect(ec2.commandCalls(DetachInternetGatewayCommand)).toHaveLength(2);
    expect(ec2.commandCalls(DeleteInternetGatewayCommand)).toHaveLength(1);
  });

  it('treats a gateway that is already gone as deleted', async () => {
    ec2.on(DescribeInternetGatewaysCommand).resolves({ InternetGateways: [] });
    await internetGatewayHandler.delete(ctx, { ...call(), id: 'igw-1', inputs: {}, outputs: {} });
    expect(ec2.commandCalls(DeleteInternetGatewayCommand)).toHaveLength(0);
  });
});
