/**
 * Addresses shared between tiers, and the outputs each tier may rely on. Changing an address renames a
 * resource in every existing state: treat them as a public contract.
 *
 * Outputs:
 *  - kmsKey:        { keyId, arn }
 *  - vpc:           { vpcId, cidr }
 *  - subnets:       { subnetId, az, cidr }
 *  - securityGroup: { groupId }
 *  - natGateway:    { natGatewayId }
 *  - logGroup:      { name, arn }
 *  - iamRole:       { name, arn }
 */
export type SecurityGroupName = 'alb' | 'app' | 'db' | 'mq' | 'search' | 'efs';
export const SECURITY_GROUPS: readonly SecurityGroupName[] = ['alb', 'app', 'db', 'mq', 'search', 'efs'];

export const addr = {
  kmsKey: 'security.kms.key',
  kmsAlias: 'security.kms.alias',
  vpc: 'network.vpc',
  internetGateway: 'network.igw',
  publicSubnet: (az: string) => `network.subnet.public[${az}]`,
  privateSubnet: (az: string) => `network.subnet.private[${az}]`,
  natEip: (az: string) => `network.eip.nat[${az}]`,
  natGateway: (az: string) => `network.nat[${az}]`,
  publicRouteTable: 'network.routeTable.public',
  privateRouteTable: (az: string) => `network.routeTable.private[${az}]`,
  flowLogGroup: 'network.flowLogs.logGroup',
  flowLogRole: 'network.flowLogs.role',
  flowLog: 'network.flowLogs',
  securityGroup: (name: SecurityGroupName) => `network.sg.${name}`,
} as const;
