import { CreateNatGatewayCommand, DeleteNatGatewayCommand, DescribeNatGatewaysCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { natGatewayHandler } from '../../../../src/resources/network/natGateway.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const ec2 = mockClient(EC2Client);
const ctx = makeCtx();
const nat = (state: string, extra = {}) => ({
  NatGatewayId: 'nat-1', SubnetId: 'subnet-pub', State: state as never,
  NatGatewayAddresses: [{ AllocationId: 'eipalloc-1', PublicIp: '3.3.3.3', IsPrimary: true }], ...extra,
});
const inputs = { subnetId: 'subnet-pub', allocationId: 'eipalloc-1' };

beforeEach(() => ec2.reset());

describe('ec2.natGateway', () => {
  it('creates with the idempotency token and tags, and waits for available', async () => {
    ec2.on(CreateNatGatewayCommand).resolves({ NatGateway: nat('pending') });
    ec2.on(DescribeNatGatewaysCommand).resolvesOnce({ NatGateways: [nat('pending')] }).resolvesOnce({ NatGateways: [nat('pending')] })
      .resolves({ NatGateways: [nat('available')] });
    const actual = await withFakeTime(() => natGatewayHandler.create(ctx, { ...call(), inputs, token: 'tok-123', tags: tagsFor('network.nat[a]') }));
    const input = ec2.commandCalls(CreateNatGatewayCommand)[0].args[0].input;
    expect(input).toMatchObject({ SubnetId: 'subnet-pub', AllocationId: 'eipalloc-1', ClientToken: 'tok-123', ConnectivityType: 'public' });
    expect(input.TagSpecifications?.[0].ResourceType).toBe('natgateway');
    expect(ec2.commandCalls(DescribeNatGatewaysCommand)).toHaveLength(3);
    expect(actual).toEqual({ id: 'nat-1', inputs, outputs: { natGatewayId: 'nat-1', publicIp: '3.3.3.3' } });
  });

  it('fails with the AWS reason when the gateway ends up failed', async () => {
    ec2.on(CreateNatGatewayCommand).resolves({ NatGateway: nat('pending') });
    ec2.on(DescribeNatGatewaysCommand).resolves({ NatGateways: [nat('failed', { FailureCode: 'Gateway.NotAttached', FailureMessage: 'no IGW' })] });
    await expect(withFakeTime(() => natGatewayHandler.create(ctx, { ...call(), inputs, token: 't', tags: tagsFor('n') })))
      .rejects.toThrow(/Gateway.NotAttached/);
  });

  it('reads deleted and failed gateways as gone, with one call for all', async () => {
    ec2.on(DescribeNatGatewaysCommand).resolves({ NatGateways: [nat('available'), nat('deleted', { NatGatewayId: 'nat-2' })] });
    const result = await natGatewayHandler.read(ctx, [
      { address: 'a', id: 'nat-1', inputs: {}, outputs: {} }, { address: 'b', id: 'nat-2', inputs: {}, outputs: {} },
    ]);
    expect(ec2.commandCalls(DescribeNatGatewaysCommand)).toHaveLength(1);
    expect(ec2.commandCalls(DescribeNatGatewaysCommand)[0].args[0].input.Filter).toEqual([{ Name: 'nat-gateway-id', Values: ['nat-1', 'nat-2'] }]);
    expect([...result.keys()]).toEqual(['a']);
  });

  it('finds a live gateway by tags, matching its own address only', async () => {
    const tags = (address: string) => [{ Key: 'morpheus-ws:workspace', Value: 'demo' }, { Key: 'morpheus-ws:address', Value: address }];
    ec2.on(DescribeNatGatewaysCommand).resolves({
      NatGateways: [nat('available', { NatGatewayId: 'nat-b', Tags: tags('network.nat[b]') }), nat('pending', { Tags: tags('network.nat[a]') })],
    });
    const found = await natGatewayHandler.find(ctx, { address: 'network.nat[a]', token: 't', inputs, tags: tagsFor('network.nat[a]') });
    expect(found?.id).toBe('nat-1');
    expect(ec2.commandCalls(DescribeNatGatewaysCommand)[0].args[0].input.Filter).toContainEqual({ Name: 'state', Values: ['pending', 'available'] });
  });

  it('delete returns only once the gateway is deleted (so its EIP can be released)', async () => {
    ec2.on(DeleteNatGatewayCommand).resolves({ NatGatewayId: 'nat-1' });
    ec2.on(DescribeNatGatewaysCommand).resolvesOnce({ NatGateways: [nat('deleting')] }).resolvesOnce({ NatGateways: [nat('deleting')] })
      .resolves({ NatGateways: [nat('deleted')] });
    await withFakeTime(() => natGatewayHandler.delete(ctx, { ...call(), id: 'nat-1', inputs, outputs: {} }));
    expect(ec2.commandCalls(DescribeNatGatewaysCommand)).toHaveLength(3);
  });

  it('treats an unknown gateway as deleted', async () => {
    ec2.on(DeleteNatGatewayCommand).rejects(awsError('NatGatewayNotFound'));
    await natGatewayHandler.delete(ctx, { ...call(), id: 'nat-1', inputs, outputs: {} });
    expect(ec2.commandCalls(DescribeNatGatewaysCommand)).toHaveLength(0);
  });
});
