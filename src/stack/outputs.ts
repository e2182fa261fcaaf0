/** The values `morpheus-ws output` shows: ids and endpoints, never secret values (secret ARNs only). */
import { addr } from './addresses.js';

export interface StackOutput {
  name: string;
  address: string;
  output: string;
  description: string;
}

export const STACK_OUTPUTS: StackOutput[] = [
  { name: 'url', address: addr.loadBalancer, output: 'url', description: 'Morpheus URL' },
  { name: 'albDnsName', address: addr.loadBalancer, output: 'dnsName', description: 'Load balancer DNS name' },
  { name: 'vpcId', address: addr.vpc, output: 'vpcId', description: 'VPC' },
  { name: 'kmsKeyArn', address: addr.kmsKey, output: 'arn', description: 'Workspace KMS key' },
  { name: 'dbEndpoint', address: addr.auroraCluster, output: 'endpoint', description: 'Aurora writer endpoint' },
  { name: 'dbReaderEndpoint', address: addr.auroraCluster, output: 'readerEndpoint', description: 'Aurora reader endpoint' },
  { name: 'dbMasterSecretArn', address: addr.auroraCluster, output: 'masterSecretArn', description: 'Aurora master secret (managed by RDS)' },
  { name: 'mqAmqpsEndpoint', address: addr.mqBroker, output: 'amqpsEndpoint', description: 'Amazon MQ AMQPS endpoint' },
  { name: 'searchEndpoint', address: addr.searchDomain, output: 'endpoint', description: 'OpenSearch VPC endpoint' },
  { name: 'efsFileSystemId', address: addr.efsFileSystem, output: 'fileSystemId', description: 'EFS file system' },
  { name: 'mqAdminSecretArn', address: addr.secret('mqAdmin'), output: 'arn', description: 'Amazon MQ admin secret' },
  { name: 'mqAppSecretArn', address: addr.secret('mqApp'), output: 'arn', description: 'Amazon MQ app user secret' },
  { name: 'searchMasterSecretArn', address: addr.secret('searchMaster'), output: 'arn', description: 'OpenSearch master user secret' },
  { name: 'dbAppSecretArn', address: addr.secret('dbApp'), output: 'arn', description: 'Morpheus database user secret' },
  { name: 'autoScalingGroup', address: addr.autoScalingGroup, output: 'name', description: 'App Auto Scaling group' },
];
