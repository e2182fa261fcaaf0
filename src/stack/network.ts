import { layoutSubnets, parseCidr } from '../config/cidr.js';
import type { Config } from '../config/schema.js';
import type { DesiredNode, OutputRef } from '../engine/types.js';
import { ref } from '../engine/types.js';
import { addr, type SecurityGroupName } from './addresses.js';
import type { StackEnv, TierBuilder } from './types.js';

/** One security group rule as `ec2.securityGroup` takes it: one port range, one peer (CIDR or group). */
interface Rule {
  protocol: 'tcp';
  fromPort: number;
  toPort: number;
  cidr?: string;
  groupId?: OutputRef;
  description: string;
}

const tcp = (port: number, peer: { cidr: string } | { groupId: OutputRef }, description: string): Rule =>
  ({ protocol: 'tcp', fromPort: port, toPort: port, ...peer, description });

const fromGroup = (name: SecurityGroupName) => ({ groupId: ref(addr.securityGroup(name), 'groupId') });

export function flowLogGroupName(workspace: string): string {
  return `/morpheus-ws/${workspace}/vpc-flow-logs`;
}

function securityGroupRules(config: Config): Record<SecurityGroupName, { description: string; ingress: Rule[]; egress: Rule[] }> {
  const vpc = { cidr: config.network.vpcCidr };
  const clients = config.network.allowedIngressCidrs;
  return {
    alb: {
      description: 'Morpheus load balancer',
      ingress: clients.flatMap((cidr) => [tcp(443, { cidr }, 'HTTPS from allowed clients'), tcp(80, { cidr }, 'HTTP redirect from allowed clients')]),
      egress: [tcp(443, vpc, 'HTTPS to the app nodes')],
    },
    app: {
      description: 'Morpheus app nodes',
      ingress: [tcp(443, fromGroup('alb'), 'HTTPS from the load balancer')],
      egress: [
        tcp(443, { cidr: '0.0.0.0/0' }, 'HTTPS for packages and AWS APIs via NAT'),
        tcp(80, { cidr: '0.0.0.0/0' }, 'HTTP for package repositories via NAT'),
        tcp(3306, vpc, 'MySQL to Aurora'),
        tcp(5671, vpc, 'AMQPS to Amazon MQ'),
        tcp(443, vpc, 'HTTPS to OpenSearch and the broker console'),
        tcp(2049, vpc, 'NFS to EFS'),
      ],
    },
    db: { description: 'Morpheus Aurora MySQL', ingress: [tcp(3306, fromGroup('app'), 'MySQL from the app nodes')], egress: [] },
    mq: {
      description: 'Morpheus Amazon MQ RabbitMQ',
      ingress: [tcp(5671, fromGroup('app'), 'AMQPS from the app nodes'), tcp(443, fromGroup('app'), 'Broker management API from the app nodes')],
      egress: [],
    },
    search: { description: 'Morpheus OpenSearch', ingress: [tcp(443, fromGroup('app'), 'HTTPS from the app nodes')], egress: [] },
    efs: { description: 'Morpheus EFS mount targets', ingress: [tcp(2049, fromGroup('app'), 'NFS from the app nodes')], egress: [] },
  };
}

function flowLogNodes(config: Config, env: StackEnv): DesiredNode[] {
  const { accountId, partition } = env;
  const name = flowLogGroupName(config.workspace);
  const groupArn = `arn:${partition}:logs:${config.region}:${accountId}:log-group:${name}`;
  return [
    {
      address: addr.flowLogGroup,
      kind: 'logs.logGroup',
      tier: 'network',
      inputs: { name, retentionDays: config.network.flowLogRetentionDays, kmsKeyArn: ref(addr.kmsKey, 'arn') },
    },
    {
      address: addr.flowLogRole,
      kind: 'iam.role',
      tier: 'network',
      inputs: {
        name: `morpheus-ws-${config.workspace}-vpc-flow-logs`,
        description: `Lets VPC Flow Logs of morpheus-ws ${config.workspace} write to ${name}`,
        assumeRolePolicy: {
          Version: '2012-10-17',
          Statement: [{
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: { 'aws:SourceAccount': accountId },
              ArnLike: { 'aws:SourceArn': `arn:${partition}:ec2:${config.region}:${accountId}:vpc-flow-log/*` },
            },
          }],
        },
        managedPolicyArns: [],
        inlinePolicies: {
          'deliver-flow-logs': {
            Version: '2012-10-17',
            Statement: [{
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
              Resource: [groupArn, `${groupArn}:*`],
            }],
          },
        },
        instanceProfile: false,
      },
    },
    {
      address: addr.flowLog,
      kind: 'ec2.flowLog',
      tier: 'network',
      inputs: {
        vpcId: ref(addr.vpc, 'vpcId'),
        logGroupName: ref(addr.flowLogGroup, 'name'),
        deliveryRoleArn: ref(addr.flowLogRole, 'arn'),
        trafficType: 'ALL',
        maxAggregationInterval: 600,
      },
    },
  ];
}

/** The network tier: VPC, subnets, gateways, routes, security groups and flow logs. */
export const networkTier: TierBuilder = (config, env) => {
  const net = config.network;
  const vpcCidr = parseCidr(net.vpcCidr);
  const layout = vpcCidr && layoutSubnets(vpcCidr, env.azs.length, net.publicSubnetPrefix, net.privateSubnetPrefix);
  if (!layout) throw new Error(`${net.vpcCidr} cannot hold the subnets of ${env.azs.length} zones`);
  const vpcId = ref(addr.vpc, 'vpcId');
  const nodes: DesiredNode[] = [
    { address: addr.vpc, kind: 'ec2.vpc', tier: 'network', inputs: { cidrBlock: net.vpcCidr, enableDnsSupport: true, enableDnsHostnames: true } },
    { address: addr.internetGateway, kind: 'ec2.internetGateway', tier: 'network', inputs: { vpcId } },
  ];

  env.azs.forEach((az, i) => {
    nodes.push(
      { address: addr.publicSubnet(az), kind: 'ec2.subnet', tier: 'network', inputs: { vpcId, cidr: layout.public[i], az, mapPublicIpOnLaunch: false } },
      { address: addr.privateSubnet(az), kind: 'ec2.subnet', tier: 'network', inputs: { vpcId, cidr: layout.private[i], az, mapPublicIpOnLaunch: false } },
      { address: addr.natEip(az), kind: 'ec2.elasticIp', tier: 'network', inputs: { domain: 'vpc' } },
      {
        address: addr.natGateway(az),
        kind: 'ec2.natGateway',
        tier: 'network',
        inputs: { subnetId: ref(addr.publicSubnet(az), 'subnetId'), allocationId: ref(addr.natEip(az), 'allocationId') },
        // A NAT gateway in a VPC without an attached internet gateway fails (Gateway.NotAttached).
        dependsOn: [addr.internetGateway],
      },
      {
        address: addr.privateRouteTable(az),
        kind: 'ec2.routeTable',
        tier: 'network',
        inputs: {
          vpcId,
          routes: [{ destinationCidr: '0.0.0.0/0', natGatewayId: ref(addr.natGateway(az), 'natGatewayId') }],
          subnetIds: [ref(addr.privateSubnet(az), 'subnetId')],
        },
      },
    );
  });

  nodes.push({
    address: addr.publicRouteTable,
    kind: 'ec2.routeTable',
    tier: 'network',
    inputs: {
      vpcId,
      routes: [{ destinationCidr: '0.0.0.0/0', gatewayId: ref(addr.internetGateway, 'internetGatewayId') }],
      subnetIds: env.azs.map((az) => ref(addr.publicSubnet(az), 'subnetId')),
    },
  });

  for (const [name, group] of Object.entries(securityGroupRules(config)) as [SecurityGroupName, ReturnType<typeof securityGroupRules>[SecurityGroupName]][]) {
    nodes.push({
      address: addr.securityGroup(name),
      kind: 'ec2.securityGroup',
      tier: 'network',
      inputs: {
        vpcId,
        name: `morpheus-ws-${config.workspace}-${name}`,
        description: `${group.description} (morpheus-ws ${config.workspace})`,
        ingress: group.ingress,
        egress: group.egress,
      },
    });
  }

  nodes.push(...flowLogNodes(config, env));
  return nodes;
};
