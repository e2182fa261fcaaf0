import {
  AssociateRouteTableCommand, CreateRouteCommand, CreateRouteTableCommand, DeleteRouteCommand, DeleteRouteTableCommand,
  DescribeRouteTablesCommand, DisassociateRouteTableCommand, EC2Client, ReplaceRouteCommand,
  ReplaceRouteTableAssociationCommand, type RouteTable,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { routeTableHandler } from '../../../../src/resources/network/routeTable.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const ec2 = mockClient(EC2Client);
const ctx = makeCtx();

const local = { DestinationCidrBlock: '10.40.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable' as const, State: 'active' as const };
function table(routes: RouteTable['Routes'], subnets: string[]): RouteTable {
  return {
    RouteTableId: 'rtb-1', VpcId: 'vpc-1', Routes: [local, ...(routes ?? [])],
    Associations: [
      { Main: false, RouteTableId: 'rtb-1', RouteTableAssociationId: 'rtbassoc-main', AssociationState: { State: 'associated' } },
      ...subnets.map((s) => ({ Main: false, SubnetId: s, RouteTableAssociationId: `rtbassoc-${s}`, AssociationState: { State: 'associated' as const } })),
    ],
  };
}
const natRoute = (nat: string) => ({ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat, Origin: 'CreateRoute' as const });

beforeEach(() => ec2.reset());

describe('ec2.routeTable', () => {
  it('creates with its token and tags, then adds routes and associations', async () => {
    ec2.on(CreateRouteTableCommand).resolves({ RouteTable: { RouteTableId: 'rtb-1' } });
    ec2.on(DescribeRouteTablesCommand).resolvesOnce({ RouteTables: [table([], [])] })
      .resolves({ RouteTables: [table([natRoute('nat-1')], ['subnet-a'])] });
    ec2.on(CreateRouteCommand).rejectsOnce(awsError('InvalidNatGatewayID.NotFound')).resolves({ Return: true });
    ec2.on(AssociateRouteTableCommand).resolves({ AssociationId: 'rtbassoc-subnet-a' });
    const actual = await withFakeTime(() => routeTableHandler.create(ctx, {
      ...call(), token: 'tok', tags: tagsFor('network.routeTable.private[a]'),
      inputs: { vpcId: 'vpc-1', routes: [{ destinationCidr: '0.0.0.0/0', natGatewayId: 'nat-1' }], subnetIds: ['subnet-a'] },
    }));
    expect(ec2.commandCalls(CreateRouteTableCommand)[0].args[0].input).toMatchObject({ VpcId: 'vpc-1', ClientToken: 'tok' });
    expect(ec2.commandCalls(CreateRouteCommand)[1].args[0].input).toEqual({ RouteTableId: 'rtb-1', DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1' });
    expect(ec2.commandCalls(AssociateRouteTableCommand)[0].args[0].input).toEqual({ RouteTableId: 'rtb-1', SubnetId: 'subnet-a' });
    expect(actual.inputs).toEqual({ vpcId: 'vpc-1', routes: [{ destinationCidr: '0.0.0.0/0', natGatewayId: 'nat-1' }], subnetIds: ['subnet-a'] });
    expect(actual.outputs).toEqual({ routeTableId: 'rtb-1' });
  });

  it('reads without the local route and the main association, one call for all tables', async () => {
    ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [table([natRoute('nat-1')], ['subnet-b', 'subnet-a'])] });
    const result = await routeTableHandler.read(ctx, [
      { address: 'a', id: 'rtb-1', inputs: {}, outputs: {} }, { address: 'b', id: 'rtb-2', inputs: {}, outputs: {} },
    ]);
    expect(ec2.commandCalls(DescribeRouteTablesCommand)).toHaveLength(1);
    expect(result.get('a')?.inputs).toEqual({
      vpcId: 'vpc-1', routes: [{ destinationCidr: '0.0.0.0/0', natGatewayId: 'nat-1' }], subnetIds: ['subnet-a', 'subnet-b'],
    });
    expect(result.has('b')).toBe(false);
  });

  it('updates by replacing, adding and removing routes and associations', async () => {
    ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [table([natRoute('nat-old'), { DestinationCidrBlock: '192.168.0.0/16', GatewayId: 'igw-1', Origin: 'CreateRoute' }], ['subnet-a', 'subnet-b'])],
    });
    ec2.on(ReplaceRouteCommand).resolves({});
    ec2.on(CreateRouteCommand).resolves({ Return: true });
    ec2.on(DeleteRouteCommand).resolves({});
    ec2.on(DisassociateRouteTableCommand).resolves({});
    ec2.on(AssociateRouteTableCommand).resolves({});
    await routeTableHandler.update!(ctx, {
      ...call(), id: 'rtb-1', tags: {}, changed: ['routes', 'subnetIds'],
      previous: { id: 'rtb-1', inputs: {}, outputs: {} },
      inputs: {
        vpcId: 'vpc-1',
        routes: [{ destinationCidr: '0.0.0.0/0', natGatewayId: 'nat-new' }, { destinationCidr: '172.16.0.0/12', gatewayId: 'igw-1' }],
        subnetIds: ['subnet-b', 'subnet-c'],
      },
    });
    expect(ec2.commandCalls(ReplaceRouteCommand)[0].args[0].input).toEqual({ RouteTableId: 'rtb-1', DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-new' });
    expect(ec2.commandCalls(DeleteRouteCommand)[0].args[0].input).toEqual({ RouteTableId: 'rtb-1', DestinationCidrBlock: '192.168.0.0/16' });
    expect(ec2.commandCalls(CreateRouteCommand)[0].args[0].input).toEqual({ RouteTableId: 'rtb-1', DestinationCidrBlock: '172.16.0.0/12', GatewayId: 'igw-1' });
    expect(ec2.commandCalls(DisassociateRouteTableCommand).map((c) => c.args[0].input)).toEqual([{ AssociationId: 'rtbassoc-subnet-a' }]);
    expect(ec2.commandCalls(AssociateRouteTableCommand).map((c) => c.args[0].input)).toEqual([{ RouteTableId: 'rtb-1', SubnetId: 'subnet-c' }]);
  });

  it('moves a subnet held by another table with ReplaceRouteTableAssociation', async () => {
    ec2.on(DescribeRouteTablesCommand, { Filters: [{ Name: 'route-table-id', Values: ['rtb-1'] }] }).resolves({ RouteTables: [table([], [])] });
    ec2.on(DescribeRouteTablesCommand, { Filters: [{ Name: 'association.subnet-id', Values: ['subnet-x'] }] })
      .resolves({ RouteTables: [{ RouteTableId: 'rtb-other', Associations: [{ SubnetId: 'subnet-x', RouteTableAssociationId: 'rtbassoc-x' }] }] });
    ec2.on(AssociateRouteTableCommand).rejects(awsError('Resource.AlreadyAssociated'));
    ec2.on(ReplaceRouteTableAssociationCommand).resolves({});
    await routeTableHandler.update!(ctx, {
      ...call(), id: 'rtb-1', tags: {}, changed: ['subnetIds'], previous: { id: 'rtb-1', inputs: {}, outputs: {} },
      inputs: { vpcId: 'vpc-1', routes: [], subnetIds: ['subnet-x'] },
    });
    expect(ec2.commandCalls(ReplaceRouteTableAssociationCommand)[0].args[0].input).toEqual({ AssociationId: 'rtbassoc-x', RouteTableId: 'rtb-1' });
    expect(ec2.commandCalls(AssociateRouteTableCommand)).toHaveLength(0);
  });

  it('moves the subnet anyway when another table takes it between the check and the association', async () => {
    ec2.on(DescribeRouteTablesCommand, { Filters: [{ Name: 'route-table-id', Values: ['rtb-1'] }] }).resolves({ RouteTables: [table([], [])] });
    ec2.on(DescribeRouteTablesCommand, { Filters: [{ Name: 'association.subnet-id', Values: ['subnet-x'] }] })
      .resolvesOnce({ RouteTables: [] })
      .resolves({ RouteTables: [{ RouteTableId: 'rtb-other', Associations: [{ SubnetId: 'subnet-x', RouteTableAssociationId: 'rtbassoc-x' }] }] });
    ec2.on(AssociateRouteTableCommand).rejects(awsError('Resource.AlreadyAssociated'));
    ec2.on(ReplaceRouteTableAssociationCommand).resolves({});
    await routeTableHandler.update!(ctx, {
      ...call(), id: 'rtb-1', tags: {}, changed: ['subnetIds'], previous: { id: 'rtb-1', inputs: {}, outputs: {} },
      inputs: { vpcId: 'vpc-1', routes: [], subnetIds: ['subnet-x'] },
    });
    expect(ec2.commandCalls(ReplaceRouteTableAssociationCommand)).toHaveLength(1);
  });

  it('deletes after disassociating its subnets', async () => {
    ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [table([], ['subnet-a'])] });
    ec2.on(DisassociateRouteTableCommand).resolves({});
    ec2.on(DeleteRouteTableCommand).resolves({});
    await routeTableHandler.delete(ctx, { ...call(), id: 'rtb-1', inputs: {}, outputs: {} });
    const order = ec2.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name);
    expect(order).toEqual(['DescribeRouteTablesCommand', 'DisassociateRouteTableCommand', 'DeleteRouteTableCommand']);
  });

  it('compares routes and subnets whatever their order', () => {
    expect(routeTableHandler.equal!('subnetIds', ['b', 'a'], ['a', 'b'])).toBe(true);
    expect(routeTableHandler.equal!('subnetIds', ['a'], ['a', 'b'])).toBe(false);
    expect(routeTableHandler.equal!('routes',
      [{ destinationCidr: '1.0.0.0/8', gatewayId: 'igw' }, { destinationCidr: '0.0.0.0/0', natGatewayId: 'nat' }],
      [{ destinationCidr: '0.0.0.0/0', natGatewayId: 'nat' }, { gatewayId: 'igw', destinationCidr: '1.0.0.0/8' }])).toBe(true);
  });
});
