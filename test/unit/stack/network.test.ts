import { describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../../../src/config/schema.js';
import { isRef, type DesiredNode } from '../../../src/engine/types.js';
import { addr } from '../../../src/stack/addresses.js';
import { networkTier } from '../../../src/stack/network.js';
import { kmsKeyPolicy, securityTier } from '../../../src/stack/security.js';
import type { StackEnv } from '../../../src/stack/types.js';

const env: StackEnv = { azs: ['us-east-1a', 'us-east-1b', 'us-east-1c'], accountId: '123456789012', partition: 'aws' };

function config(extra: Partial<ConfigInput> = {}) {
  return configSchema.parse({ workspace: 'demo', region: 'us-east-1', ...extra });
}

function byAddress(nodes: DesiredNode[]): Map<string, DesiredNode> {
  return new Map(nodes.map((n) => [n.address, n]));
}

function refsIn(value: unknown, found: string[] = []): string[] {
  if (isRef(value)) found.push(`${value.$ref}#${value.output}`);
  else if (Array.isArray(value)) value.forEach((v) => refsIn(v, found));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => refsIn(v, found));
  return found;
}

describe('network tier', () => {
  const nodes = networkTier(config(), env);
  const map = byAddress(nodes);

  it('has one node per address, all plain JSON, all in the network tier', () => {
    expect(map.size).toBe(nodes.length);
    for (const node of nodes) {
      expect(node.tier).toBe('network');
      expect(JSON.parse(JSON.stringify(node.inputs))).toEqual(node.inputs);
    }
    // vpc, igw, 3 × (2 subnets, eip, nat, private table), public table, 6 groups, log group, role, flow log
    expect(nodes).toHaveLength(2 + 3 * 5 + 1 + 6 + 3);
  });

  it('lays out the subnets from the VPC CIDR, none mapping public IPs', () => {
    expect(map.get(addr.vpc)?.inputs).toEqual({ cidrBlock: '10.40.0.0/16', enableDnsSupport: true, enableDnsHostnames: true });
    expect(env.azs.map((az) => map.get(addr.privateSubnet(az))?.inputs.cidr)).toEqual(['10.40.0.0/20', '10.40.16.0/20', '10.40.32.0/20']);
    expect(env.azs.map((az) => map.get(addr.publicSubnet(az))?.inputs.cidr)).toEqual(['10.40.48.0/24', '10.40.49.0/24', '10.40.50.0/24']);
    for (const node of nodes.filter((n) => n.kind === 'ec2.subnet')) {
      expect(node.inputs.mapPublicIpOnLaunch).toBe(false);
      expect(refsIn(node.inputs)).toEqual([`${addr.vpc}#vpcId`]);
    }
    expect(map.get(addr.privateSubnet('us-east-1b'))?.inputs.az).toBe('us-east-1b');
  });

  it('gives each AZ its own NAT gateway, in its public subnet with its own EIP, after the IGW', () => {
    for (const az of env.azs) {
      const nat = map.get(addr.natGateway(az))!;
      expect(refsIn(nat.inputs).sort()).toEqual([`${addr.natEip(az)}#allocationId`, `${addr.publicSubnet(az)}#subnetId`]);
      expect(nat.dependsOn).toEqual([addr.internetGateway]);
      const table = map.get(addr.privateRouteTable(az))!;
      expect(table.inputs.routes).toEqual([{ destinationCidr: '0.0.0.0/0', natGatewayId: { $ref: addr.natGateway(az), output: 'natGatewayId' } }]);
      expect(table.inputs.subnetIds).toEqual([{ $ref: addr.privateSubnet(az), output: 'subnetId' }]);
    }
  });

  it('routes the public subnets to the internet gateway through one table', () => {
    const table = map.get(addr.publicRouteTable)!;
    expect(table.inputs.routes).toEqual([{ destinationCidr: '0.0.0.0/0', gatewayId: { $ref: addr.internetGateway, output: 'internetGatewayId' } }]);
    expect(refsIn(table.inputs.subnetIds)).toEqual(env.azs.map((az) => `${addr.publicSubnet(az)}#subnetId`));
  });

  it('opens exactly the documented ports', () => {
    const rules = (name: 'alb' | 'app' | 'db' | 'mq' | 'search' | 'efs', dir: 'ingress' | 'egress') =>
      (map.get(addr.securityGroup(name))!.inputs[dir] as { fromPort: number; cidr?: string; groupId?: { $ref: string } }[])
        .map((r) => `${r.fromPort}<${r.cidr ?? r.groupId?.$ref}`);
    expect(rules('alb', 'ingress')).toEqual(['443<0.0.0.0/0', '80<0.0.0.0/0']);
    expect(rules('alb', 'egress')).toEqual(['443<10.40.0.0/16']);
    expect(rules('app', 'ingress')).toEqual([`443<${addr.securityGroup('alb')}`]);
    expect(rules('app', 'egress')).toEqual(['443<0.0.0.0/0', '80<0.0.0.0/0', '3306<10.40.0.0/16', '5671<10.40.0.0/16', '443<10.40.0.0/16', '2049<10.40.0.0/16']);
    expect(rules('db', 'ingress')).toEqual([`3306<${addr.securityGroup('app')}`]);
    expect(rules('mq', 'ingress')).toEqual([`5671<${addr.securityGroup('app')}`, `443<${addr.securityGroup('app')}`]);
    expect(rules('search', 'ingress')).toEqual([`443<${addr.securityGroup('app')}`]);
    expect(rules('efs', 'ingress')).toEqual([`2049<${addr.securityGroup('app')}`]);
    for (const name of ['db', 'mq', 'search', 'efs'] as const) expect(rules(name, 'egress')).toEqual([]);
    expect(map.get(addr.securityGroup('app'))!.inputs.name).toBe('morpheus-ws-demo-app');
  });

  it('lets the ALB in from each allowed CIDR', () => {
    const sg = byAddress(networkTier(config({ network: { allowedIngressCidrs: ['203.0.113.0/24', '198.51.100.0/24'] } }), env)).get(addr.securityGroup('alb'))!;
    expect((sg.inputs.ingress as { cidr: string }[]).map((r) => r.cidr)).toEqual(['203.0.113.0/24', '203.0.113.0/24', '198.51.100.0/24', '198.51.100.0/24']);
  });

  it('sends flow logs to an encrypted group through a role that may only write to it', () => {
    const group = map.get(addr.flowLogGroup)!;
    expect(group.inputs).toEqual({ name: '/morpheus-ws/demo/vpc-flow-logs', retentionDays: 90, kmsKeyArn: { $ref: addr.kmsKey, output: 'arn' } });
    const role = map.get(addr.flowLogRole)!;
    expect(JSON.stringify(role.inputs.assumeRolePolicy)).toContain('vpc-flow-logs.amazonaws.com');
    const statement = (role.inputs.inlinePolicies as Record<string, { Statement: { Action: string[]; Resource: string[] }[] }>)['deliver-flow-logs'].Statement;
    expect(statement).toHaveLength(1);
    expect(statement[0].Action).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams']);
    expect(statement[0].Resource).toEqual([
      'arn:aws:logs:us-east-1:123456789012:log-group:/morpheus-ws/demo/vpc-flow-logs',
      'arn:aws:logs:us-east-1:123456789012:log-group:/morpheus-ws/demo/vpc-flow-logs:*',
    ]);
    expect(refsIn(map.get(addr.flowLog)!.inputs).sort()).toEqual([`${addr.flowLogGroup}#name`, `${addr.flowLogRole}#arn`, `${addr.vpc}#vpcId`]);
  });

  it('follows azCount and a custom VPC range', () => {
    const two = networkTier(config({ network: { azCount: 2, vpcCidr: '10.9.0.0/20', publicSubnetPrefix: 26, privateSubnetPrefix: 23 } }), { ...env, azs: ['eu-west-1a', 'eu-west-1b'] });
    const m = byAddress(two);
    expect(m.get(addr.privateSubnet('eu-west-1b'))?.inputs.cidr).toBe('10.9.2.0/23');
    expect(m.get(addr.publicSubnet('eu-west-1a'))?.inputs.cidr).toBe('10.9.4.0/26');
    expect(two.filter((n) => n.kind === 'ec2.natGateway')).toHaveLength(2);
  });
});

describe('security tier', () => {
  const nodes = byAddress(securityTier(config({ kms: { deletionWindowDays: 7 } }), env));

  it('declares one rotating key with the configured deletion window and its alias', () => {
    const key = nodes.get(addr.kmsKey)!;
    expect(key.kind).toBe('kms.key');
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowDays: 7 });
    expect(nodes.get(addr.kmsAlias)?.inputs).toEqual({ name: 'alias/morpheus-ws/demo', targetKeyId: { $ref: addr.kmsKey, output: 'keyId' } });
  });

  it('builds a key policy for the account, logs, the account services, Auto Scaling and CloudWatch', () => {
    const policy = kmsKeyPolicy({ accountId: '123456789012', partition: 'aws', region: 'us-east-1' }) as { Statement: Record<string, any>[] };
    const sid = (s: string) => policy.Statement.find((x) => x.Sid === s)!;
    expect(sid('AccountAdministers').Principal).toEqual({ AWS: 'arn:aws:iam::123456789012:root' });
    expect(sid('CloudWatchLogsEncryptsLogGroups').Principal).toEqual({ Service: 'logs.us-east-1.amazonaws.com' });
    expect(sid('CloudWatchLogsEncryptsLogGroups').Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']).toBe('arn:aws:logs:us-east-1:123456789012:*');
    const via = sid('AccountServicesUseKey').Condition.StringEquals['kms:ViaService'];
    expect(via).toEqual(['rds', 'elasticfilesystem', 'mq', 'es', 'secretsmanager', 'ssm', 'ec2', 'backup', 'sns'].map((s) => `${s}.us-east-1.amazonaws.com`));
    expect(sid('AccountServicesCreateGrants').Condition.Bool).toEqual({ 'kms:GrantIsForAWSResource': 'true' });
    expect(sid('AutoScalingCreatesGrantsForEbs').Condition.ArnEquals['aws:PrincipalArn'])
      .toBe('arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling');
    expect(sid('CloudWatchAlarmsPublishToEncryptedTopic').Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
  });
});
