import {
  AddRoleToInstanceProfileCommand, AttachRolePolicyCommand, CreateInstanceProfileCommand, CreateRoleCommand,
  DeleteInstanceProfileCommand, DeleteRoleCommand, DeleteRolePolicyCommand, DetachRolePolicyCommand, GetRoleCommand,
  GetRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand, ListInstanceProfilesForRoleCommand,
  ListRolePoliciesCommand, PutRolePolicyCommand, RemoveRoleFromInstanceProfileCommand, UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { iamRoleHandler } from '../../../../src/resources/shared/iamRole.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from './handlerHarness.js';

const iam = mockClient(IAMClient);
const ctx = makeCtx();
const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const inline = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' }] };
const SSM = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';
const inputs = { name: 'demo-app', assumeRolePolicy: trust, managedPolicyArns: [SSM], inlinePolicies: { logs: inline }, instanceProfile: true, description: 'app' };
const role = (doc = trust) => ({
  RoleName: 'demo-app', Arn: 'arn:aws:iam::123456789012:role/demo-app', Path: '/', RoleId: 'R', CreateDate: new Date(),
  AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(doc)), Description: 'app',
});
const profile = { InstanceProfileName: 'demo-app', Arn: 'arn:aws:iam::123456789012:instance-profile/demo-app', Path: '/', InstanceProfileId: 'P', CreateDate: new Date(), Roles: [] };

function existing(extra: { managed?: string[]; inline?: Record<string, object>; profiles?: typeof profile[] } = {}) {
  iam.on(GetRoleCommand).resolves({ Role: role() });
  iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: (extra.managed ?? [SSM]).map((PolicyArn) => ({ PolicyArn })) });
  const policies = extra.inline ?? { logs: inline };
  iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: Object.keys(policies) });
  for (const [PolicyName, doc] of Object.entries(policies)) {
    iam.on(GetRolePolicyCommand, { PolicyName }).resolves({ RoleName: 'demo-app', PolicyName, PolicyDocument: encodeURIComponent(JSON.stringify(doc)) });
  }
  iam.on(ListInstanceProfilesForRoleCommand).resolves({ InstanceProfiles: extra.profiles ?? [profile] });
}

beforeEach(() => iam.reset());

describe('iam.role', () => {
  it('creates the role, its policies and its instance profile, riding out IAM propagation', async () => {
    // A small stateful IAM, so the reads after each step see what was done.
    const attached: string[] = [];
    const policies: Record<string, string> = {};
    let hasProfile = false;
    iam.on(CreateRoleCommand).resolves({ Role: role() });
    iam.on(GetRoleCommand).resolves({ Role: role() });
    iam.on(ListAttachedRolePoliciesCommand).callsFake(() => ({ AttachedPolicies: attached.map((PolicyArn) => ({ PolicyArn })) }));
    iam.on(ListRolePoliciesCommand).callsFake(() => ({ PolicyNames: Object.keys(policies) }));
    iam.on(GetRolePolicyCommand).callsFake((i: { PolicyName: string }) => ({ PolicyName: i.PolicyName, PolicyDocument: policies[i.PolicyName] }));
    iam.on(ListInstanceProfilesForRoleCommand).callsFake(() => ({ InstanceProfiles: hasProfile ? [profile] : [] }));
    iam.on(AttachRolePolicyCommand).callsFake((i: { PolicyArn: string }) => { attached.push(i.PolicyArn); return {}; });
    iam.on(PutRolePolicyCommand).rejectsOnce(awsError('NoSuchEntityException', 'role not found'))
      .callsFake((i: { PolicyName: string; PolicyDocument: string }) => { policies[i.PolicyName] = i.PolicyDocument; return {}; });
    iam.on(CreateInstanceProfileCommand).resolves({});
    iam.on(AddRoleToInstanceProfileCommand).rejectsOnce(awsError('NoSuchEntityException')).callsFake(() => { hasProfile = true; return {}; });

    const actual = await withFakeTime(() => iamRoleHandler.create(ctx, { ...call(), inputs, token: 't', tags: tagsFor('app.role') }));
    expect(iam.commandCalls(CreateRoleCommand)[0].args[0].input).toMatchObject({
      RoleName: 'demo-app', AssumeRolePolicyDocument: JSON.stringify(trust), Description: 'app',
    });
    expect(iam.commandCalls(CreateRoleCommand)[0].args[0].input.Tags).toContainEqual({ Key: 'morpheus-ws:address', Value: 'app.role' });
    expect(iam.commandCalls(AttachRolePolicyCommand)[0].args[0].input).toEqual({ RoleName: 'demo-app', PolicyArn: SSM });
    expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(2);
    expect(iam.commandCalls(AddRoleToInstanceProfileCommand)).toHaveLength(2);
    expect(actual.inputs).toEqual(inputs);
    expect(actual.outputs).toEqual({
      name: 'demo-app', arn: 'arn:aws:iam::123456789012:role/demo-app',
      instanceProfileName: 'demo-app', instanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/demo-app',
    });
  });

  it('reads back the same shape as the inputs, decoding URL-encoded documents', async () => {
    existing();
    const result = await iamRoleHandler.read(ctx, [{ address: 'a', id: 'demo-app', inputs: {}, outputs: {} }]);
    expect(result.get('a')?.inputs).toEqual(inputs);
  });

  it('reads a missing role as absent', async () => {
    iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException'));
    expect((await iamRoleHandler.read(ctx, [{ address: 'a', id: 'demo-app', inputs: {}, outputs: {} }])).size).toBe(0);
  });

  it('update syncs trust, managed and inline policies and the instance profile', async () => {
    existing({ managed: ['arn:aws:iam::aws:policy/Old'], inline: { logs: inline, stale: inline }, profiles: [] });
    iam.on(GetRoleCommand).resolves({ Role: role({ ...trust, Statement: [] }) });
    for (const C of [UpdateAssumeRolePolicyCommand, AttachRolePolicyCommand, DetachRolePolicyCommand, DeleteRolePolicyCommand,
      CreateInstanceProfileCommand, AddRoleToInstanceProfileCommand] as const) iam.on(C as never).resolves({} as never);
    await iamRoleHandler.update!(ctx, {
      ...call(), id: 'demo-app', inputs, changed: ['assumeRolePolicy', 'managedPolicyArns', 'inlinePolicies', 'instanceProfile'],
      tags: tagsFor('app.role'), previous: { id: 'demo-app', inputs: {}, outputs: {} },
    });
    expect(iam.commandCalls(UpdateAssumeRolePolicyCommand)).toHaveLength(1);
    expect(iam.commandCalls(AttachRolePolicyCommand)[0].args[0].input.PolicyArn).toBe(SSM);
    expect(iam.commandCalls(DetachRolePolicyCommand)[0].args[0].input.PolicyArn).toBe('arn:aws:iam::aws:policy/Old');
    expect(iam.commandCalls(DeleteRolePolicyCommand)[0].args[0].input.PolicyName).toBe('stale');
    expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(0);
    expect(iam.commandCalls(CreateInstanceProfileCommand)).toHaveLength(1);
  });

  it('delete empties the instance profile, detaches and deletes policies, then deletes both', async () => {
    existing();
    for (const C of [RemoveRoleFromInstanceProfileCommand, DeleteInstanceProfileCommand, DetachRolePolicyCommand,
      DeleteRolePolicyCommand, DeleteRoleCommand] as const) iam.on(C as never).resolves({} as never);
    await iamRoleHandler.delete(ctx, { ...call(), id: 'demo-app', inputs, outputs: {} });
    const order = iam.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name)
      .filter((n) => !n.startsWith('List') && !n.startsWith('Get'));
    expect(order).toEqual(['RemoveRoleFromInstanceProfileCommand', 'DeleteInstanceProfileCommand', 'DetachRolePolicyCommand',
      'DeleteRolePolicyCommand', 'DeleteRoleCommand']);
  });

  it('compares managed policies whatever their order and an absent description as empty', () => {
    expect(iamRoleHandler.equal!('managedPolicyArns', ['b', 'a'], ['a', 'b'])).toBe(true);
    expect(iamRoleHandler.equal!('description', undefined, '')).toBe(true);
    expect(iamRoleHandler.equal!('instanceProfile', undefined, false)).toBe(true);
    expect(iamRoleHandler.equal!('assumeRolePolicy', { Version: '1', Statement: [] }, { Statement: [], Version: '1' })).toBe(true);
  });
});
