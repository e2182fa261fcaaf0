/**
 * The AWS Foundational Security Best Practices (FSBP) controls that apply to a morpheus-ws stack, as data. Each is
 * evaluated on the live resources of one kind (their `read` inputs plus inspected facts). A default stack passes
 * every one; SecretsManager.1 is a documented exception for the credentials morpheus-ws generates (see below).
 */
import { addr } from '../stack/addresses.js';
import type { Control, Finding, Subject } from './types.js';

const pass = (detail: string): Finding => ({ status: 'pass', detail });
const fail = (detail: string): Finding => ({ status: 'fail', detail });
const unknown = (detail: string): Finding => ({ status: 'unknown', detail });

/** FSBP EC2.19's high-risk ports. */
export const HIGH_RISK_PORTS = [20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300];
/** FSBP EC2.18's default authorized ports for unrestricted ingress. */
export const AUTHORIZED_PUBLIC_PORTS = [80, 443];
/** Addresses of the credentials morpheus-ws generates (data.secret.*). */
export const GENERATED_SECRET_PREFIX = 'data.secret.';
export const TLS12_SEARCH_POLICIES = ['Policy-Min-TLS-1-2-2019-07', 'Policy-Min-TLS-1-2-PFS-2023-10', 'Policy-Min-TLS-1-2-RFC9151-FIPS-2024-08'];

interface Rule {
  protocol: string;
  fromPort: number;
  toPort: number;
  cidr?: string;
  ipv6Cidr?: string;
}

const openToWorld = (r: Rule) => r.cidr === '0.0.0.0/0' || r.ipv6Cidr === '::/0';
const allPorts = (r: Rule) => r.protocol === '-1' || (r.fromPort <= 0 && r.toPort >= 65535);
const covers = (r: Rule, port: number) => allPorts(r) || (r.fromPort <= port && port <= r.toPort);
const portText = (r: Rule) => (allPorts(r) ? 'all ports' : r.fromPort === r.toPort ? `port ${r.fromPort}` : `ports ${r.fromPort}-${r.toPort}`);

function ingress(subject: Subject): Rule[] | undefined {
  return Array.isArray(subject.inputs.ingress) ? subject.inputs.ingress as Rule[] : undefined;
}

function imdsV2(subject: Subject): Finding {
  const tokens = subject.facts.httpTokens;
  if (tokens === undefined) return unknown('the launch template version reports no metadata options');
  return tokens === 'required' ? pass('IMDSv2 required (HttpTokens=required)') : fail(`HttpTokens=${String(tokens)}: instances accept IMDSv1`);
}

function bool(subject: Subject, field: string, on: string, off: string, source: 'inputs' | 'facts' = 'inputs'): Finding {
  const value = subject[source][field];
  if (value === undefined) return unknown(`AWS did not report ${field}`);
  return value === true ? pass(on) : fail(off);
}

export const CONTROLS: readonly Control[] = [
  {
    id: 'EC2.8', title: 'EC2 instances should use IMDSv2', kind: 'ec2.launchTemplate',
    evaluate: imdsV2,
    fix: 'App instances take their metadata options from the launch template: run `morpheus-ws apply` to restore HttpTokens=required, then let the instance refresh replace the nodes.',
  },
  {
    id: 'EC2.170', title: 'EC2 launch templates should use IMDSv2', kind: 'ec2.launchTemplate',
    evaluate: imdsV2,
    fix: 'Run `morpheus-ws apply`: the launch template is written with MetadataOptions.HttpTokens=required.',
  },
  {
    id: 'EC2.6', title: 'VPC flow logging should be enabled in all VPCs', kind: 'ec2.vpc',
    evaluate(subject, all) {
      const logs = all.filter((s) => s.kind === 'ec2.flowLog' && s.inputs.vpcId === subject.id);
      const good = logs.find((s) => s.inputs.trafficType === 'ALL' || s.inputs.trafficType === 'REJECT');
      if (good) return pass(`flow log ${good.id} captures ${String(good.inputs.trafficType)} traffic`);
      return fail(logs.length ? 'flow logs capture accepted traffic only' : 'no flow log on the VPC');
    },
    fix: 'Run `morpheus-ws apply` to recreate the VPC flow log (ALL traffic to the KMS-encrypted log group).',
  },
  {
    id: 'EC2.18', title: 'Security groups should only allow unrestricted incoming traffic for authorized ports', kind: 'ec2.securityGroup',
    evaluate(subject) {
      const rules = ingress(subject);
      if (!rules) return unknown('ingress rules not reported');
      const isAlb = subject.address === addr.securityGroup('alb');
      const bad = rules.filter(openToWorld).filter((r) => !isAlb || allPorts(r) || !AUTHORIZED_PUBLIC_PORTS.includes(r.fromPort) || r.fromPort !== r.toPort);
      if (bad.length) return fail(`open to the internet on ${bad.map(portText).join(', ')}${isAlb ? '' : ' (only the load balancer group may be)'}`);
      return pass(isAlb ? 'unrestricted ingress only on 80/443 of the load balancer' : 'no unrestricted ingress');
    },
    fix: 'Remove the rule (run `morpheus-ws apply`: each group allows exactly what the stack declares); restrict the load balancer with network.allowedIngressCidrs.',
  },
  {
    id: 'EC2.19', title: 'Security groups should not allow unrestricted access to ports with high risk', kind: 'ec2.securityGroup',
    evaluate(subject) {
      const rules = ingress(subject);
      if (!rules) return unknown('ingress rules not reported');
      const risky = HIGH_RISK_PORTS.filter((port) => rules.some((r) => openToWorld(r) && covers(r, port)));
      return risky.length ? fail(`high-risk ports open to the internet: ${risky.join(', ')}`) : pass('no high-risk port open to the internet');
    },
    fix: 'Remove the rule (run `morpheus-ws apply`); reach nodes through SSM Session Manager, not SSH/RDP.',
  },
  {
    id: 'ELB.1', title: 'Application Load Balancer should be configured to redirect all HTTP requests to HTTPS', kind: 'elbv2.loadBalancer',
    evaluate(subject, all) {
      const http = all.filter((s) => s.kind === 'elbv2.listener' && s.inputs.loadBalancerArn === subject.id && s.inputs.protocol === 'HTTP');
      const notRedirecting = http.filter((s) => {
        const action = s.inputs.defaultAction as { type?: string; protocol?: string } | undefined;
        return action?.type !== 'redirect' || action.protocol !== 'HTTPS';
      });
      if (notRedirecting.length) return fail(`HTTP listener(s) on port ${notRedirecting.map((s) => String(s.inputs.port)).join(', ')} do not redirect to HTTPS`);
      return pass(http.length ? 'HTTP :80 answers with a 301 to HTTPS' : 'no HTTP listener');
    },
    fix: 'Run `morpheus-ws apply` to restore the port 80 listener\'s redirect to HTTPS 443.',
  },
  {
    id: 'ELB.4', title: 'Application Load Balancer should be configured to drop invalid HTTP headers', kind: 'elbv2.loadBalancer',
    evaluate: (s) => bool(s, 'dropInvalidHeaderFields', 'routing.http.drop_invalid_header_fields.enabled=true', 'invalid header fields are forwarded to the app nodes'),
    fix: 'Run `morpheus-ws apply` (the stack sets routing.http.drop_invalid_header_fields.enabled=true).',
  },
  {
    id: 'ELB.5', title: 'Application and Classic Load Balancers logging should be enabled', kind: 'elbv2.loadBalancer',
    evaluate(subject) {
      const logs = subject.inputs.accessLogs as { bucket?: string; prefix?: string } | undefined;
      return logs?.bucket ? pass(`access logs to s3://${logs.bucket}/${logs.prefix ?? ''}`) : fail('access logging is off');
    },
    fix: 'Run `morpheus-ws apply` to turn access logs back on (to the workspace\'s access-log bucket).',
  },
  {
    id: 'ELB.6', title: 'Application Load Balancer deletion protection should be enabled', kind: 'elbv2.loadBalancer',
    evaluate: (s) => bool(s, 'deletionProtection', 'deletion protection on', 'deletion protection off'),
    fix: 'Set edge.deletionProtection: true (the default) and run `morpheus-ws apply`; destroy lifts it itself.',
  },
  {
    id: 'RDS.6', title: 'Enhanced monitoring should be configured for RDS DB instances', kind: 'rds.dbInstance',
    evaluate(subject) {
      const interval = subject.inputs.monitoringIntervalSeconds;
      if (interval === undefined) return unknown('AWS did not report the monitoring interval');
      return typeof interval === 'number' && interval > 0 ? pass(`Enhanced Monitoring every ${interval}s`) : fail('Enhanced Monitoring is off');
    },
    fix: 'Set data.db.monitoringIntervalSeconds (default 60) and run `morpheus-ws apply`.',
  },
  {
    id: 'RDS.7', title: 'RDS clusters should have deletion protection enabled', kind: 'rds.dbCluster',
    evaluate: (s) => bool(s, 'deletionProtection', 'deletion protection on', 'deletion protection off'),
    fix: 'Set data.db.deletionProtection: true (the default) and run `morpheus-ws apply`; destroy lifts it itself.',
  },
  {
    id: 'RDS.15', title: 'RDS DB clusters should be configured for multiple Availability Zones', kind: 'rds.dbCluster',
    evaluate(subject, all) {
      const zones = new Set(all.filter((s) => s.kind === 'rds.dbInstance' && s.inputs.clusterId === subject.id)
        .map((s) => s.inputs.availabilityZone).filter((z): z is string => typeof z === 'string'));
      return zones.size > 1 ? pass(`instances in ${[...zones].sort().join(', ')}`) : fail(zones.size ? `every instance in ${[...zones][0]}` : 'no instance found');
    },
    fix: 'Keep data.db.instanceCount >= 2 (instances are spread round-robin over the AZs) and run `morpheus-ws apply`.',
  },
  {
    id: 'RDS.27', title: 'RDS DB clusters should be encrypted at rest', kind: 'rds.dbCluster',
    evaluate(subject) {
      const encrypted = subject.facts.storageEncrypted;
      if (encrypted === true) return pass(`storage encrypted${subject.inputs.kmsKeyId ? ' with the workspace key' : ''}`);
      if (encrypted === false) return fail('storage is not encrypted');
      return subject.inputs.kmsKeyId ? pass('KMS key set on the cluster') : unknown('AWS did not report storage encryption');
    },
    fix: 'Encryption is chosen at creation: restore a snapshot into a new encrypted cluster (morpheus-ws always creates it encrypted with the workspace key).',
  },
  {
    id: 'EFS.1', title: 'Elastic File System should be configured to encrypt file data at-rest using AWS KMS', kind: 'efs.fileSystem',
    evaluate: (s) => bool(s, 'encrypted', 'encrypted with KMS', 'file data is not encrypted at rest'),
    fix: 'Encryption is chosen at creation: morpheus-ws creates the file system encrypted; copy the data to a new encrypted one (AWS DataSync or Backup restore).',
  },
  {
    id: 'EFS.7', title: 'EFS file systems should have automatic backups enabled', kind: 'efs.fileSystem',
    evaluate: (s) => bool(s, 'automaticBackups', 'automatic backups on', 'automatic backups off'),
    fix: 'Set data.efs.automaticBackups: true (the default) and run `morpheus-ws apply`.',
  },
  {
    id: 'MQ.3', title: 'Amazon MQ brokers should have automatic minor version upgrade enabled', kind: 'mq.broker',
    evaluate: (s) => bool(s, 'autoMinorVersionUpgrade', 'automatic minor upgrades on', 'automatic minor upgrades off'),
    fix: 'Set data.mq.autoMinorVersionUpgrade: true (the default) and run `morpheus-ws apply`.',
  },
  {
    id: 'Opensearch.1', title: 'OpenSearch domains should have encryption at rest enabled', kind: 'opensearch.domain',
    evaluate: (s) => (s.inputs.kmsKeyId === undefined ? unknown('AWS did not report encryption at rest')
      : s.inputs.kmsKeyId ? pass('encrypted at rest with KMS') : fail('encryption at rest is off')),
    fix: 'Encryption at rest is set at creation; morpheus-ws always enables it with the workspace key (replace the domain: change data.search and apply).',
  },
  {
    id: 'Opensearch.2', title: 'OpenSearch domains should not be publicly accessible', kind: 'opensearch.domain',
    evaluate: (s) => (Array.isArray(s.inputs.subnetIds) && s.inputs.subnetIds.length ? pass(`in the VPC (${s.inputs.subnetIds.length} private subnets)`)
      : s.inputs.subnetIds === undefined ? fail('not in a VPC: the endpoint is public') : fail('no VPC subnets')),
    fix: 'A domain cannot move into a VPC: let `morpheus-ws apply` replace it (it is always created in the private subnets).',
  },
  {
    id: 'Opensearch.3', title: 'OpenSearch domains should encrypt data sent between nodes', kind: 'opensearch.domain',
    evaluate: (s) => bool(s, 'nodeToNodeEncryption', 'node-to-node encryption on', 'node-to-node encryption off', 'facts'),
    fix: 'Enable node-to-node encryption (UpdateDomainConfig NodeToNodeEncryptionOptions.Enabled=true); morpheus-ws creates domains with it on.',
  },
  {
    id: 'Opensearch.4', title: 'OpenSearch domain error logging to CloudWatch Logs should be enabled', kind: 'opensearch.domain',
    evaluate(subject) {
      const logs = subject.inputs.logs as Record<string, string> | undefined;
      if (logs === undefined) return unknown('AWS did not report log publishing');
      return logs.application ? pass('error (application) logs published to CloudWatch Logs') : fail('error logs are not published');
    },
    fix: 'Run `morpheus-ws apply` to publish ES_APPLICATION_LOGS to the domain\'s log group again.',
  },
  {
    id: 'Opensearch.6', title: 'OpenSearch domains should have at least three data nodes', kind: 'opensearch.domain',
    evaluate(subject) {
      const count = subject.inputs.instanceCount;
      const zones = subject.inputs.availabilityZoneCount;
      if (typeof count !== 'number') return unknown('AWS did not report the data node count');
      if (count < 3) return fail(`${count} data nodes`);
      if (typeof zones === 'number' && zones < 2) return fail(`${count} data nodes without zone awareness`);
      return pass(`${count} data nodes over ${String(zones ?? '?')} zones`);
    },
    fix: 'Keep data.search.instanceCount >= 3 (default: a multiple of the AZ count) with zone awareness, and run `morpheus-ws apply`.',
  },
  {
    id: 'Opensearch.7', title: 'OpenSearch domains should have fine-grained access control enabled', kind: 'opensearch.domain',
    evaluate: (s) => bool(s, 'fineGrainedAccessControl', 'fine-grained access control on', 'fine-grained access control off', 'facts'),
    fix: 'Enable fine-grained access control (AdvancedSecurityOptions) with a master user; morpheus-ws creates domains with it on.',
  },
  {
    id: 'Opensearch.8', title: 'Connections to OpenSearch domains should be encrypted using the latest TLS security policy', kind: 'opensearch.domain',
    evaluate(subject) {
      const policy = subject.inputs.tlsSecurityPolicy;
      if (policy === undefined) return unknown('AWS did not report the TLS policy');
      return TLS12_SEARCH_POLICIES.includes(String(policy)) ? pass(`HTTPS enforced, ${String(policy)}`) : fail(`TLS policy ${String(policy)}`);
    },
    fix: 'Run `morpheus-ws apply` (HTTPS enforced with Policy-Min-TLS-1-2-2019-07).',
  },
  {
    id: 'KMS.4', title: 'AWS KMS key rotation should be enabled', kind: 'kms.key',
    evaluate: (s) => bool(s, 'enableKeyRotation', 'automatic yearly rotation on', 'automatic rotation off'),
    fix: 'Run `morpheus-ws apply` (the workspace key is kept with rotation on), or EnableKeyRotation on the key.',
  },
  {
    id: 'SecretsManager.1', title: 'Secrets Manager secrets should have automatic rotation enabled', kind: 'secretsmanager.secret',
    evaluate(subject) {
      const rotation = subject.facts.rotation as { rotationEnabled?: boolean; owningService?: string; lastChanged?: string; lastRotated?: string } | undefined;
      if (!rotation) return unknown('AWS did not describe the secret');
      if (rotation.rotationEnabled) return pass(`rotates automatically${rotation.lastRotated ? `, last ${rotation.lastRotated.slice(0, 10)}` : ''}`);
      if (rotation.owningService) return pass(`rotation managed by ${rotation.owningService}`);
      if (!subject.address.startsWith(GENERATED_SECRET_PREFIX)) return fail('automatic rotation is off');
      // The credentials morpheus-ws generates live twice: in the secret and inside RabbitMQ / OpenSearch / MySQL.
      // Rotating only the secret would lock Morpheus out, and no Secrets Manager rotation function is deployed (the
      // rotate-credentials command does it end to end instead): Security Hub still counts it as failed, so say so.
      return {
        status: 'warn',
        detail: `no automatic rotation (Security Hub reports FAILED; accepted: the credential is also set inside its service), last changed ${rotation.lastChanged?.slice(0, 10) ?? 'unknown'}`,
      };
    },
    fix: 'Run `morpheus-ws rotate-credentials` on a schedule (it changes each password in its service and its secret together, then the app nodes); Secrets Manager rotation stays off for these secrets, so suppress this finding for them in Security Hub with that schedule as the reason.',
  },
];
