import {
  AuthorizeSecurityGroupEgressCommand, AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand, DescribeSecurityGroupsCommand, EC2Client, RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand, UpdateSecurityGroupRuleDescriptionsIngressCommand, type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { securityGroupHandler } from '../../../../src/resources/network/securityGroup.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const ec2 = mockClient(EC2Client);
const ctx = makeCtx();
const allEgress = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
const group = (extra: Partial<SecurityGroup> = {}): SecurityGroup => ({
  GroupId: 'sg-app', GroupName: 'demo-app', Description: 'app', VpcId: 'vpc-1', IpPermissions: [], IpPermissionsEgress: [allEgress], ...extra,
});
const inputs = {
  vpcId: 'vpc-1', name: 'demo-app', description: 'app',
  ingress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, groupId: 'sg-alb', description: 'HTTPS from the load balancer' }],
  egress: [
    { protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0', description: 'HTTPS out' },
    { protocol: 'tcp', fromPort: 3306, toPort: 3306, cidr: '10.40.0.0/16', description: 'MySQL' },
  ],
};

beforeEach(() => ec2.reset());

describe('ec2.securityGroup', () => {
  it('creates, authorizes the declared rules and revokes the default allow-all egress', async () => {
    ec2.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-app' });
    ec2.on(DescribeSecurityGroupsCommand).resolvesOnce({ SecurityGroups: [group()] }).resolves({
      SecurityGroups: [group({
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: 'sg-alb', Description: 'HTTPS from the load balancer' }] }],
        IpPermissionsEgress: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'HTTPS out' }] },
          { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '10.40.0.0/16', Description: 'MySQL' }] },
        ],
      })],
    });
    ec2.on(AuthorizeSecurityGroupIngressCommand).rejectsOnce(awsError('InvalidGroup.NotFound')).resolves({});
    ec2.on(AuthorizeSecurityGroupEgressCommand).resolves({});
    ec2.on(RevokeSecurityGroupEgressCommand).resolves({});
    const actual = await withFakeTime(() => securityGroupHandler.create(ctx, { ...call(), inputs, token: 't', tags: tagsFor('network.sg.app') }));

    expect(ec2.commandCalls(CreateSecurityGroupCommand)[0].args[0].input).toMatchObject({ GroupName: 'demo-app', Description: 'app', VpcId: 'vpc-1' });
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)[1].args[0].input.IpPermissions).toEqual([
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: 'sg-alb', Description: 'HTTPS from the load balancer' }] },
    ]);
    expect(ec2.commandCalls(AuthorizeSecurityGroupEgressCommand)[0].args[0].input.IpPermissions).toHaveLength(2);
    expect(ec2.commandCalls(RevokeSecurityGroupEgressCommand)[0].args[0].input.IpPermissions).toEqual([
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0', Description: undefined }] },
    ]);
    expect(securityGroupHandler.equal!('ingress', inputs.ingress, actual.inputs.ingress)).toBe(true);
    expect(securityGroupHandler.equal!('egress', [...inputs.egress].reverse(), actual.inputs.egress)).toBe(true);
    expect(actual.outputs).toEqual({ groupId: 'sg-app' });
  });

  it('reads the flat rules of many groups with one call', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [group({
        GroupId: 'sg-db', IpPermissionsEgress: [],
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, UserIdGroupPairs: [{ GroupId: 'sg-app' }, { GroupId: 'sg-b' }] }],
      })],
    });
    const result = await securityGroupHandler.read(ctx, [
      { address: 'db', id: 'sg-db', inputs: {}, outputs: {} }, { address: 'mq', id: 'sg-mq', inputs: {}, outputs: {} },
    ]);
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(1);
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)[0].args[0].input.Filters).toEqual([{ Name: 'group-id', Values: ['sg-db', 'sg-mq'] }]);
    expect(result.get('db')?.inputs.ingress).toEqual([
      { protocol: 'tcp', fromPort: 3306, toPort: 3306, groupId: 'sg-app' },
      { protocol: 'tcp', fromPort: 3306, toPort: 3306, groupId: 'sg-b' },
    ]);
    expect(result.get('db')?.inputs.egress).toEqual([]);
    expect(result.has('mq')).toBe(false);
  });

  it('updates by authorizing and revoking only the difference, and re-describing in place', async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [group({
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: 'sg-alb', Description: 'old text' }] },
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
        IpPermissionsEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'HTTPS out' }] }],
      })],
    });
    ec2.on(UpdateSecurityGroupRuleDescriptionsIngressCommand).resolves({});
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({});
    ec2.on(AuthorizeSecurityGroupEgressCommand).resolves({});
    await securityGroupHandler.update!(ctx, {
      ...call(), id: 'sg-app', inputs, changed: ['ingress', 'egress'], tags: {}, previous: { id: 'sg-app', inputs: {}, outputs: {} },
    });
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0);
    expect(ec2.commandCalls(UpdateSecurityGroupRuleDescriptionsIngressCommand)[0].args[0].input.IpPermissions?.[0].UserIdGroupPairs)
      .toEqual([{ GroupId: 'sg-alb', Description: 'HTTPS from the load balancer' }]);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)[0].args[0].input.IpPermissions)
      .toEqual([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: undefined }] }]);
    expect(ec2.commandCalls(AuthorizeSecurityGroupEgressCommand)[0].args[0].input.IpPermissions)
      .toEqual([{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '10.40.0.0/16', Description: 'MySQL' }] }]);
    expect(ec2.commandCalls(RevokeSecurityGroupEgressCommand)).toHaveLength(0);
  });

  it('keeps retrying delete while the group is still in use', async () => {
    ec2.on(DeleteSecurityGroupCommand)
      .rejectsOnce(awsError('DependencyViolation', 'resource sg-app has a dependent object'))
      .rejectsOnce(awsError('DependencyViolation', 'resource sg-app has a dependent object'))
      .rejectsOnce(awsError('DependencyViolation', 'resource sg-app has a dependent object'))
      .resolves({});
    await withFakeTime(() => securityGroupHandler.delete(ctx, { ...call(), id: 'sg-app', inputs, outputs: {} }));
    expect(ec2.commandCalls(DeleteSecurityGroupCommand)).toHaveLength(4);
  });

  it('gives up after about 15 minutes of DependencyViolation', async () => {
    ec2.on(DeleteSecurityGroupCommand).rejects(awsError('DependencyViolation'));
    await expect(withFakeTime(() => securityGroupHandler.delete(ctx, { ...call(), id: 'sg-app', inputs, outputs: {} })))
      .rejects.toThrow('DependencyViolation');
    expect(ec2.commandCalls(DeleteSecurityGroupCommand).length).toBeGreaterThan(40);
  });

  it('treats a missing group as deleted', async () => {
    ec2.on(DeleteSecurityGroupCommand).rejects(awsError('InvalidGroup.NotFound'));
    await securityGroupHandler.delete(ctx, { ...call(), id: 'sg-app', inputs, outputs: {} });
  });

  it('marks name, description and VPC as forcing a new group', () => {
    expect(securityGroupHandler.forceNew).toEqual(expect.arrayContaining(['name', 'description', 'vpcId']));
  });
});
