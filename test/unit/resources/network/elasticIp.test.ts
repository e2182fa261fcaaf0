import { AllocateAddressCommand, DescribeAddressesCommand, EC2Client, ReleaseAddressCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { elasticIpHandler } from '../../../../src/resources/network/elasticIp.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const ec2 = mockClient(EC2Client);
const ctx = makeCtx();

beforeEach(() => ec2.reset());

describe('ec2.elasticIp', () => {
  it('allocates a VPC address with tags', async () => {
    ec2.on(AllocateAddressCommand).resolves({ AllocationId: 'eipalloc-1', PublicIp: '3.3.3.3', Domain: 'vpc' });
    const actual = await elasticIpHandler.create(ctx, { ...call(), inputs: { domain: 'vpc' }, token: 't', tags: tagsFor('network.eip.nat[a]') });
    expect(ec2.commandCalls(AllocateAddressCommand)[0].args[0].input).toMatchObject({ Domain: 'vpc' });
    expect(ec2.commandCalls(AllocateAddressCommand)[0].args[0].input.TagSpecifications?.[0].ResourceType).toBe('elastic-ip');
    expect(actual).toEqual({ id: 'eipalloc-1', inputs: { domain: 'vpc' }, outputs: { allocationId: 'eipalloc-1', publicIp: '3.3.3.3' } });
  });

  it('reads many addresses with one DescribeAddresses filtered by allocation id', async () => {
    ec2.on(DescribeAddressesCommand).resolves({ Addresses: [{ AllocationId: 'eipalloc-1', PublicIp: '3.3.3.3', Domain: 'vpc' }] });
    const result = await elasticIpHandler.read(ctx, [
      { address: 'a', id: 'eipalloc-1', inputs: {}, outputs: {} }, { address: 'b', id: 'eipalloc-2', inputs: {}, outputs: {} },
    ]);
    expect(ec2.commandCalls(DescribeAddressesCommand)).toHaveLength(1);
    expect(ec2.commandCalls(DescribeAddressesCommand)[0].args[0].input.Filters).toEqual([{ Name: 'allocation-id', Values: ['eipalloc-1', 'eipalloc-2'] }]);
    expect([...result.keys()]).toEqual(['a']);
  });

  it('finds an address by its tags', async () => {
    const tags = (address: string) => [{ Key: 'morpheus-ws:workspace', Value: 'demo' }, { Key: 'morpheus-ws:address', Value: address }];
    ec2.on(DescribeAddressesCommand).resolves({
      Addresses: [
        { AllocationId: 'eipalloc-4', PublicIp: '4.4.4.3', Domain: 'vpc', Tags: tags('network.eip.nat[b]') },
        { AllocationId: 'eipalloc-5', PublicIp: '4.4.4.4', Domain: 'vpc', Tags: tags('network.eip.nat[a]') },
      ],
    });
    const found = await elasticIpHandler.find(ctx, { address: 'network.eip.nat[a]', token: 't', inputs: {}, tags: tagsFor('network.eip.nat[a]') });
    expect(found?.id).toBe('eipalloc-5');
    expect(ec2.commandCalls(DescribeAddressesCommand)[0].args[0].input.Filters).toContainEqual({ Name: 'tag:morpheus-ws:workspace', Values: ['demo'] });
  });

  it('keeps retrying the release while the deleted NAT gateway still holds the association', async () => {
    ec2.on(ReleaseAddressCommand)
      .rejectsOnce(awsError('InvalidIPAddress.InUse'))
      .rejectsOnce(awsError('AuthFailure', 'You do not have permission to access the specified resource.'))
      .resolves({});
    await withFakeTime(() => elasticIpHandler.delete(ctx, { ...call(), id: 'eipalloc-1', inputs: {}, outputs: {} }));
    expect(ec2.commandCalls(ReleaseAddressCommand)).toHaveLength(3);
  });

  it('does not retry AuthFailure for long: a real permission problem surfaces', async () => {
    ec2.on(ReleaseAddressCommand).rejects(awsError('AuthFailure'));
    await expect(withFakeTime(() => elasticIpHandler.delete(ctx, { ...call(), id: 'eipalloc-1', inputs: {}, outputs: {} })))
      .rejects.toThrow('AuthFailure');
  });

  it('treats an already released address as deleted', async () => {
    ec2.on(ReleaseAddressCommand).rejects(awsError('InvalidAllocationID.NotFound'));
    await elasticIpHandler.delete(ctx, { ...call(), id: 'eipalloc-1', inputs: {}, outputs: {} });
  });
});
