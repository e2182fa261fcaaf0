/**
 * AWS names of the data tier's resources, derived from the workspace name (2–20 chars) so a resource can be found
 * again from its address alone. Each respects its service's limits: DB identifiers ≤ 63 with no double hyphen,
 * MQ broker ≤ 50, OpenSearch domain 3–28 lowercase.
 */
import { addr, ssmPrefix } from '../../stack/addresses.js';

export type SecretName = 'mqAdmin' | 'mqApp' | 'searchMaster' | 'dbApp';
export const SECRET_NAMES: readonly SecretName[] = ['mqAdmin', 'mqApp', 'searchMaster', 'dbApp'];
export type SearchLogKind = 'application' | 'index-slow' | 'search-slow';

/** Address of the CloudWatch Logs resource policy that lets OpenSearch and Amazon MQ write their logs. */
export const SERVICE_LOGS_POLICY_ADDRESS = 'data.logs.resourcePolicy';

export function dataNames(workspace: string) {
  // RDS identifiers refuse consecutive hyphens, which a workspace name may contain.
  const rds = workspace.replace(/-{2,}/g, '-');
  const searchDomain = `${workspace}-search`;
  return {
    dbSubnetGroup: `${rds}-aurora`,
    dbClusterParameterGroup: `${rds}-aurora-mysql8-0`,
    dbCluster: `${rds}-aurora`,
    dbInstance: (n: number) => `${rds}-aurora-${n}`,
    dbMonitoringRole: `${workspace}-rds-monitoring`,
    mqBroker: `${workspace}-rabbitmq`,
    searchDomain,
    searchLogGroup: (kind: SearchLogKind) => `/aws/opensearch/${searchDomain}/${kind}`,
    serviceLogsPolicy: `morpheus-ws-${workspace}-service-logs`,
    secret: (name: SecretName) => `morpheus-ws/${workspace}/${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    ssmParameter: (key: string) => `${ssmPrefix(workspace)}${key}`,
  };
}

/** `<cluster>-final-20260103T120000`: RDS snapshot ids allow letters, digits and single hyphens. */
export function finalSnapshotId(clusterId: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', 't');
  return `${clusterId}-final-${stamp}`;
}

/** The deterministic name of the resource at `address`, for `find` (which is not given the inputs). */
export function nameForAddress(workspace: string, address: string): string | undefined {
  const names = dataNames(workspace);
  const fixed: Record<string, string> = {
    [addr.dbSubnetGroup]: names.dbSubnetGroup,
    [addr.dbClusterParameterGroup]: names.dbClusterParameterGroup,
    [addr.auroraCluster]: names.dbCluster,
    [addr.mqBroker]: names.mqBroker,
    [addr.searchDomain]: names.searchDomain,
    [SERVICE_LOGS_POLICY_ADDRESS]: names.serviceLogsPolicy,
  };
  for (const secret of SECRET_NAMES) fixed[addr.secret(secret)] = names.secret(secret);
  if (fixed[address]) return fixed[address];
  const instance = /^data\.db\.instance\[(\d+)\]$/.exec(address);
  if (instance) return names.dbInstance(Number(instance[1]));
  const parameter = /^data\.ssm\[(.+)\]$/.exec(address);
  if (parameter) return names.ssmParameter(parameter[1]);
  return undefined;
}
