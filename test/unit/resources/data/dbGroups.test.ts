import {
  CreateDBClusterParameterGroupCommand, CreateDBSubnetGroupCommand, DeleteDBClusterParameterGroupCommand, DeleteDBSubnetGroupCommand,
  DescribeDBClusterParameterGroupsCommand, DescribeDBClusterParametersCommand, DescribeDBSubnetGroupsCommand,
  ModifyDBClusterParameterGroupCommand, RDSClient, ResetDBClusterParameterGroupCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dbClusterParameterGroupHandler } from '../../../../src/resources/data/dbClusterParameterGroup.js';
import { dbSubnetGroupHandler } from '../../../../src/resources/data/dbSubnetGroup.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const rds = mockClient(RDSClient);
const ctx = makeCtx();

beforeEach(() => rds.reset());

describe('rds.dbSubnetGroup', () => {
  const group = { DBSubnetGroupName: 'demo-aurora', DBSubnetGroupDescription: 'd', DBSubnetGroupArn: 'arn:sg', Subnets: [{ SubnetIdentifier: 'subnet-b' }, { SubnetIdentifier: 'subnet-a' }] };

  it('creates with tags and reads back in the desired shape (subnet order does not matter)', async () => {
    rds.on(CreateDBSubnetGroupCommand).resolves({ DBSubnetGroup: group });
    const actual = await dbSubnetGroupHandler.create(ctx, { ...call(), inputs: { name: 'demo-aurora', description: 'd', subnetIds: ['subnet-a', 'subnet-b'] }, token: 't', tags: tagsFor('data.db.subnetGroup') });
    expect(rds.commandCalls(CreateDBSubnetGroupCommand)[0].args[0].input.Tags).toContainEqual({ Key: 'morpheus-ws:address', Value: 'data.db.subnetGroup' });
    expect(dbSubnetGroupHandler.equal!('subnetIds', ['subnet-a', 'subnet-b'], actual.inputs.subnetIds)).toBe(true);
    expect(actual.outputs).toEqual({ name: 'demo-aurora', arn: 'arn:sg' });
  });

  it('reads every group with one paginated listing', async () => {
    rds.on(DescribeDBSubnetGroupsCommand).resolvesOnce({ DBSubnetGroups: [{ ...group, DBSubnetGroupName: 'other' }], Marker: 'm' }).resolves({ DBSubnetGroups: [group] });
    const result = await dbSubnetGroupHandler.read(ctx, [{ address: 'data.db.subnetGroup', id: 'demo-aurora', inputs: {}, outputs: {} }]);
    expect(result.get('data.db.subnetGroup')?.id).toBe('demo-aurora');
    expect(rds.commandCalls(DescribeDBSubnetGroupsCommand)[1].args[0].input.Marker).toBe('m');
  });

  it('retries deletion while the group is still in use by a vanishing cluster', async () => {
    rds.on(DeleteDBSubnetGroupCommand).rejectsOnce(awsError('InvalidDBSubnetGroupStateFault')).resolves({});
    await withFakeTime(() => dbSubnetGroupHandler.delete(ctx, { ...call(), id: 'demo-aurora', inputs: {}, outputs: {} }));
    expect(rds.commandCalls(DeleteDBSubnetGroupCommand)).toHaveLength(2);
  });
});

describe('rds.dbClusterParameterGroup', () => {
  const pg = { DBClusterParameterGroupName: 'demo-aurora-mysql8-0', DBParameterGroupFamily: 'aurora-mysql8.0', Description: 'd', DBClusterParameterGroupArn: 'arn:pg' };
  const parameters = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`p_${i}`, String(i)]));

  it('creates, then sets parameters 20 at a time: static ones pending-reboot, dynamic ones immediately', async () => {
    rds.on(CreateDBClusterParameterGroupCommand).resolves({ DBClusterParameterGroup: pg });
    rds.on(DescribeDBClusterParametersCommand, { DBClusterParameterGroupName: pg.DBClusterParameterGroupName, Source: undefined, Marker: undefined })
      .resolves({ Parameters: [{ ParameterName: 'p_0', ApplyType: 'static' }, { ParameterName: 'p_1', ApplyType: 'dynamic' }] });
    rds.on(DescribeDBClusterParametersCommand, { Source: 'user' }).resolves({ Parameters: Object.entries(parameters).map(([ParameterName, ParameterValue]) => ({ ParameterName, ParameterValue })) });
    rds.on(ModifyDBClusterParameterGroupCommand).resolves({});
    const actual = await dbClusterParameterGroupHandler.create(ctx, { ...call(), inputs: { name: pg.DBClusterParameterGroupName, family: 'aurora-mysql8.0', description: 'd', parameters }, token: 't', tags: {} });
    const calls = rds.commandCalls(ModifyDBClusterParameterGroupCommand);
    expect(calls.map((c) => c.args[0].input.Parameters!.length)).toEqual([20, 5]);
    expect(calls[0].args[0].input.Parameters![0]).toEqual({ ParameterName: 'p_0', ParameterValue: '0', ApplyMethod: 'pending-reboot' });
    expect(calls[0].args[0].input.Parameters![1]).toEqual({ ParameterName: 'p_1', ParameterValue: '1', ApplyMethod: 'immediate' });
    expect(actual.inputs.parameters).toEqual(parameters);
  });

  it('updates only changed parameters and resets the ones no longer wanted', async () => {
    rds.on(DescribeDBClusterParametersCommand).resolves({ Parameters: [] });
    rds.on(ModifyDBClusterParameterGroupCommand).resolves({});
    rds.on(ResetDBClusterParameterGroupCommand).resolves({});
    rds.on(DescribeDBClusterParameterGroupsCommand).resolves({ DBClusterParameterGroups: [pg] });
    await dbClusterParameterGroupHandler.update!(ctx, {
      ...call(), id: pg.DBClusterParameterGroupName, changed: ['parameters'], tags: {},
      inputs: { name: pg.DBClusterParameterGroupName, family: 'aurora-mysql8.0', description: 'd', parameters: { max_connections: '1200', time_zone: 'UTC' } },
      previous: { id: 'x', outputs: {}, inputs: { parameters: { max_connections: '900', time_zone: 'UTC', long_query_time: '2' } } },
    });
    expect(rds.commandCalls(ModifyDBClusterParameterGroupCommand)[0].args[0].input.Parameters).toEqual([{ ParameterName: 'max_connections', ParameterValue: '1200', ApplyMethod: 'immediate' }]);
    expect(rds.commandCalls(ResetDBClusterParameterGroupCommand)[0].args[0].input.Parameters).toEqual([{ ParameterName: 'long_query_time', ApplyMethod: 'pending-reboot' }]);
  });

  it('retries deletion while the cluster still uses the group; NotFound is done', async () => {
    rds.on(DeleteDBClusterParameterGroupCommand).rejectsOnce(awsError('InvalidDBParameterGroupState')).rejectsOnce(awsError('DBParameterGroupNotFound'));
    await withFakeTime(() => dbClusterParameterGroupHandler.delete(ctx, { ...call(), id: 'demo', inputs: {}, outputs: {} }));
    expect(rds.commandCalls(DeleteDBClusterParameterGroupCommand)).toHaveLength(2);
  });
});
