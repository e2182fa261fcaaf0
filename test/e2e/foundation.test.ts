/**
 * The Foundation issue end to end: the built CLI against moto behind the recording proxy.
 * init --yes -> apply --yes -> (read AWS directly) -> plan --detailed-exitcode = 0 -> destroy --yes -> nothing left.
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeAddressesCommand, DescribeFlowLogsCommand, DescribeInternetGatewaysCommand, DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcAttributeCommand,
  DescribeVpcsCommand, EC2Client, type Filter,
} from '@aws-sdk/client-ec2';
import { DescribeKeyCommand, GetKeyRotationStatusCommand, KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempWorkdir } from '../support/cli.js';
import { useEmulator } from '../support/e2e.js';

const aws = useEmulator();
const WS = 'found';
const byWorkspace: Filter[] = [{ Name: 'tag:morpheus-ws:workspace', Values: [WS] }];
let dir: string;
let ec2: EC2Client;

const state = () => JSON.parse(readFileSync(join(dir, '.morpheus-ws', `${WS}.state.json`), 'utf8'));
const ANSI = /\u001b\[/;

describe('foundation: network and encryption core', () => {
  beforeAll(async () => {
    dir = tempWorkdir();
    ec2 = new EC2Client(aws.clientConfig());
    const init = await aws.cli(['init', '--yes', '--name', WS, '--region', 'us-east-1'], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    const apply = await aws.cli(['apply', '--yes'], { cwd: dir, timeoutMs: 300_000 });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/Apply complete: \d+ done, 0 failed/);
    expect(apply.stdout + apply.stderr).not.toMatch(ANSI);
    console.log(`apply: ${apply.ms} ms, ${aws.calls.length} AWS calls`);
  }, 300_000);

  it('creates a VPC with DNS support and hostnames, tagged for the workspace and address', async () => {
    const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ Filters: byWorkspace }));
    expect(Vpcs).toHaveLength(1);
    const vpc = Vpcs![0];
    expect(vpc.CidrBlock).toBe('10.40.0.0/16');
    expect(vpc.Tags).toEqual(expect.arrayContaining([{ Key: 'morpheus-ws:address', Value: 'network.vpc' }]));
    for (const Attribute of ['enableDnsSupport', 'enableDnsHostnames'] as const) {
      const attr = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpc.VpcId, Attribute }));
      expect(attr.EnableDnsSupport?.Value ?? attr.EnableDnsHostnames?.Value).toBe(true);
    }
    // Tags are set at creation (TagSpecifications), not by a later CreateTags call.
    const createVpc = aws.callsTo('ec2', 'CreateVpc');
    expect(createVpc).toHaveLength(1);
    expect(JSON.stringify(createVpc[0].params)).toContain('morpheus-ws:address');
  });

  it('spreads public and private subnets over 3 AZs with no auto-assigned public IPs', async () => {
    const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ Filters: byWorkspace }));
    expect(Subnets).toHaveLength(6);
    expect(new Set(Subnets!.map((s) => s.AvailabilityZone)).size).toBe(3);
    expect(Subnets!.every((s) => s.MapPublicIpOnLaunch === false)).toBe(true);
  });

  it('routes each private subnet through the NAT gateway of its own AZ, and public subnets through the IGW', async () => {
    const { NatGateways } = await ec2.send(new DescribeNatGatewaysCommand({}));
    const nats = NatGateways!.filter((n) => n.State === 'available' && n.Tags?.some((t) => t.Key === 'morpheus-ws:workspace' && t.Value === WS));
    expect(nats).toHaveLength(3);
    const { Addresses } = await ec2.send(new DescribeAddressesCommand({ Filters: byWorkspace }));
    expect(Addresses).toHaveLength(3);
    const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ Filters: byWorkspace }));
    const azOf = new Map(Subnets!.map((s) => [s.SubnetId!, s.AvailabilityZone!]));
    const { RouteTables } = await ec2.send(new DescribeRouteTablesCommand({ Filters: byWorkspace }));
    expect(RouteTables).toHaveLength(4);
    const { InternetGateways } = await ec2.send(new DescribeInternetGatewaysCommand({ Filters: byWorkspace }));
    expect(InternetGateways).toHaveLength(1);
    for (const table of RouteTables!) {
      const defaultRoute = table.Routes!.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')!;
      const subnets = table.Associations!.filter((a) => a.SubnetId).map((a) => a.SubnetId!);
      if (defaultRoute.GatewayId?.startsWith('igw-')) {
        expect(subnets).toHaveLength(3);
        continue;
      }
      expect(subnets).toHaveLength(1);
      const nat = nats.find((n) => n.NatGatewayId === defaultRoute.NatGatewayId)!;
      expect(azOf.get(nat.SubnetId!)).toBe(azOf.get(subnets[0]));
    }
  });

  it('opens only the least-privilege paths between tiers', async () => {
    const { SecurityGroups } = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: byWorkspace }));
    const byName = new Map(SecurityGroups!.map((g) => [g.Tags!.find((t) => t.Key === 'morpheus-ws:address')!.Value!.replace('network.sg.', ''), g]));
    expect([...byName.keys()].sort()).toEqual(['alb', 'app', 'db', 'efs', 'mq', 'search']);
    const ports = (name: string) => byName.get(name)!.IpPermissions!.map((p) => ({
      port: p.FromPort, from: p.UserIdGroupPairs?.map((u) => u.GroupId) ?? [], cidrs: p.IpRanges?.map((r) => r.CidrIp) ?? [],
    }));
    const app = byName.get('app')!.GroupId;
    const alb = byName.get('alb')!.GroupId;
    expect(ports('alb').sort((a, b) => a.port! - b.port!)).toEqual([{ port: 80, from: [], cidrs: ['0.0.0.0/0'] }, { port: 443, from: [], cidrs: ['0.0.0.0/0'] }]);
    expect(ports('app')).toEqual([{ port: 443, from: [alb], cidrs: [] }]);
    expect(ports('db')).toEqual([{ port: 3306, from: [app], cidrs: [] }]);
    expect(ports('efs')).toEqual([{ port: 2049, from: [app], cidrs: [] }]);
    expect(ports('search')).toEqual([{ port: 443, from: [app], cidrs: [] }]);
    expect(ports('mq').sort((a, b) => a.port! - b.port!)).toEqual([{ port: 443, from: [app], cidrs: [] }, { port: 5671, from: [app], cidrs: [] }]);
    for (const name of ['db', 'efs', 'search', 'mq']) expect(byName.get(name)!.IpPermissionsEgress).toEqual([]);
  });

  it('encrypts the flow log group with the workspace key, which rotates and has an alias', async () => {
    const kms = new KMSClient(aws.clientConfig());
    const keyArn = state().resources['security.kms.key'].outputs.arn as string;
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: keyArn }));
    expect(KeyMetadata?.KeyManager).toBe('CUSTOMER');
    expect((await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyArn }))).KeyRotationEnabled).toBe(true);
    const { Aliases } = await kms.send(new ListAliasesCommand({}));
    expect(Aliases!.find((a) => a.AliasName === `alias/morpheus-ws/${WS}`)?.TargetKeyId).toBe(KeyMetadata!.KeyId);

    const logs = new CloudWatchLogsClient(aws.clientConfig());
    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/morpheus-ws/${WS}/vpc-flow-logs` }));
    expect(logGroups![0]).toMatchObject({ kmsKeyId: keyArn, retentionInDays: 90 });
    const vpcId = state().resources['network.vpc'].id;
    const { FlowLogs } = await ec2.send(new DescribeFlowLogsCommand({ Filter: [{ Name: 'resource-id', Values: [vpcId] }] }));
    expect(FlowLogs).toHaveLength(1);
    expect(FlowLogs![0]).toMatchObject({ LogGroupName: `/morpheus-ws/${WS}/vpc-flow-logs`, TrafficType: 'ALL' });
  });

  it('keeps ids, not secrets, in a 0600 state file', () => {
    const doc = state();
    expect(doc).toMatchObject({ version: 1, workspace: WS, region: 'us-east-1', intents: {} });
    expect(doc.serial).toBeGreaterThan(0);
    expect(doc.lineage).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('re-plans to no changes with a handful of batched reads', async () => {
    aws.clear();
    const plan = await aws.cli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/No changes\. \d+ resources match/);
    const describeSubnets = aws.callsTo('ec2', 'DescribeSubnets');
    expect(describeSubnets).toHaveLength(1); // one filtered read for all six subnets
    expect(aws.calls.filter((c) => !/^(Describe|Get|List|Head)/.test(c.operation) && !c.operation.startsWith('GET ')).map((c) => `${c.service}.${c.operation}`)).toEqual([]);
    console.log(`no-op plan: ${plan.ms} ms, ${aws.calls.length} AWS calls`);
  });

  it('plan --json prints parseable events with a plan of no-ops', async () => {
    const plan = await aws.cli(['plan', '--json'], { cwd: dir });
    expect(plan.code).toBe(0);
    const events = plan.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const planEvent = events.find((e) => e.type === 'plan');
    expect(planEvent.schema).toBe(1);
    expect(planEvent.actions.every((a: { action: string }) => a.action === 'noop')).toBe(true);
  });

  it('destroys everything it created (the key is left pending deletion)', async () => {
    const destroy = await aws.cli(['destroy', '--yes', '--skip-final-snapshot', '--force-delete-secrets'], { cwd: dir, timeoutMs: 300_000 });
    expect(destroy.code, destroy.stdout + destroy.stderr).toBe(0);
    console.log(`destroy: ${destroy.ms} ms`);
    expect((await ec2.send(new DescribeVpcsCommand({ Filters: byWorkspace }))).Vpcs).toEqual([]);
    expect((await ec2.send(new DescribeSubnetsCommand({ Filters: byWorkspace }))).Subnets).toEqual([]);
    expect((await ec2.send(new DescribeSecurityGroupsCommand({ Filters: byWorkspace }))).SecurityGroups).toEqual([]);
    expect((await ec2.send(new DescribeRouteTablesCommand({ Filters: byWorkspace }))).RouteTables).toEqual([]);
    expect((await ec2.send(new DescribeAddressesCommand({ Filters: byWorkspace }))).Addresses).toEqual([]);
    expect((await ec2.send(new DescribeInternetGatewaysCommand({ Filters: byWorkspace }))).InternetGateways).toEqual([]);
    const { NatGateways } = await ec2.send(new DescribeNatGatewaysCommand({}));
    expect(NatGateways!.filter((n) => n.State !== 'deleted')).toEqual([]);
    expect((await ec2.send(new DescribeFlowLogsCommand({}))).FlowLogs).toEqual([]);
    const logs = new CloudWatchLogsClient(aws.clientConfig());
    expect((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/morpheus-ws/${WS}/` }))).logGroups).toEqual([]);
    const kms = new KMSClient(aws.clientConfig());
    const { Aliases } = await kms.send(new ListAliasesCommand({}));
    expect(Aliases!.find((a) => a.AliasName === `alias/morpheus-ws/${WS}`)).toBeUndefined();
    // EIPs are released only after their NAT is deleted.
    const deleteNat = aws.callsTo('ec2', 'DeleteNatGateway').map((c) => c.seq);
    const release = aws.callsTo('ec2', 'ReleaseAddress').map((c) => c.seq);
    expect(Math.min(...release)).toBeGreaterThan(Math.min(...deleteNat));
    expect(state().resources).toEqual({});
  });
});
