import { CreateServiceLinkedRoleCommand, GetRoleCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { serviceLinkedRoleHandler as handler } from '../../../../src/resources/shared/serviceLinkedRole.js';
import { awsError, call, makeCtx, tagsFor } from './handlerHarness.js';

const iam = mockClient(IAMClient);
const SERVICE = 'opensearchservice.amazonaws.com';
const role = { RoleName: 'AWSServiceRoleForAmazonOpenSearchService', Arn: 'arn:aws:iam::123456789012:role/aws-service-role/x', Path: '/', RoleId: 'r', CreateDate: new Date() };
const args = { ...call('data.search.serviceLinkedRole'), inputs: { serviceName: SERVICE }, token: 't', tags: tagsFor('data.search.serviceLinkedRole') };

describe('iam.serviceLinkedRole', () => {
  beforeEach(() => iam.reset());

  it('creates the role and takes its name from the response', async () => {
    iam.on(CreateServiceLinkedRoleCommand).resolves({ Role: role });
    const actual = await handler.create(makeCtx(), args);
    expect(actual).toEqual({ id: role.RoleName, inputs: { serviceName: SERVICE }, outputs: { name: role.RoleName, arn: role.Arn } });
    expect(iam.commandCalls(CreateServiceLinkedRoleCommand)[0].args[0].input).toEqual({ AWSServiceName: SERVICE });
  });

  it.each(['InvalidInput', 'EntityAlreadyExists'])('adopts the role when it exists already (%s)', async (code) => {
    iam.on(CreateServiceLinkedRoleCommand).rejects(awsError(code, 'has been taken'));
    iam.on(ListRolesCommand).resolves({ Roles: [role] });
    const actual = await handler.create(makeCtx(), args);
    expect(actual.id).toBe(role.RoleName);
    expect(iam.commandCalls(ListRolesCommand)[0].args[0].input.PathPrefix).toBe(`/aws-service-role/${SERVICE}/`);
  });

  it('passes other errors through', async () => {
    iam.on(CreateServiceLinkedRoleCommand).rejects(awsError('AccessDenied'));
    await expect(handler.create(makeCtx(), args)).rejects.toThrow('AccessDenied');
  });

  it('reads by name and reports a deleted role as absent', async () => {
    iam.on(GetRoleCommand, { RoleName: 'gone' }).rejects(awsError('NoSuchEntity'));
    iam.on(GetRoleCommand, { RoleName: role.RoleName }).resolves({ Role: role });
    const found = await handler.read(makeCtx(), [
      { address: 'a', id: role.RoleName, inputs: { serviceName: SERVICE }, outputs: {} },
      { address: 'b', id: 'gone', inputs: { serviceName: SERVICE }, outputs: {} },
    ]);
    expect([...found.keys()]).toEqual(['a']);
  });

  it('leaves the account-wide role in place on destroy', async () => {
    await handler.delete(makeCtx(), { ...call(), id: role.RoleName, inputs: {}, outputs: {} });
    expect(iam.calls()).toHaveLength(0);
  });
});
