/**
 * `opensearch.domain`: OpenSearch 2.x in the VPC's private subnets, zone aware, encrypted at rest (CMK) and between
 * nodes, HTTPS only (TLS 1.2), fine-grained access control. The master user's password is read from its secret at
 * create time and handed straight to CreateDomain: it is never an input, an output or a message.
 */
import {
  CreateDomainCommand, DeleteDomainCommand, DescribeDomainsCommand, OpenSearchClient, UpdateDomainConfigCommand,
  UpgradeDomainCommand, type ClusterConfig, type DomainEndpointOptions, type DomainStatus, type EBSOptions, type LogPublishingOption,
  type LogType, type OpenSearchPartitionInstanceType, type TLSSecurityPolicy, type UpdateDomainConfigCommandInput,
} from '@aws-sdk/client-opensearch';
import { hasCode } from '../../aws/errors.js';
import { tagList } from '../../aws/tags.js';
import { retryWhile, waitUntil } from '../../aws/wait.js';
import type { Actual, NodeCall } from '../../engine/types.js';
import { deepEqual, sameMembers } from '../shared/compare.js';
import type { Handler, ResourceCtx } from '../context.js';
import { bareLogGroupArn, chunks, definedOnly, MINUTE } from './common.js';
import { sameKmsKey } from './kms.js';
import { nameForAddress, type SearchLogKind } from './names.js';
import { readCredentials } from './secret.js';
import { searchDomainHealth } from './searchDomainHealth.js';

export interface SearchDomainInputs {
  domainName: string;
  engineVersion: string;
  instanceType: string;
  instanceCount: number;
  availabilityZoneCount: number;
  dedicatedMasterEnabled: boolean;
  dedicatedMasterType?: string;
  dedicatedMasterCount?: number;
  volumeSize: number;
  volumeIops?: number;
  volumeThroughput?: number;
  subnetIds: string[];
  securityGroupIds: string[];
  kmsKeyId: string;
  tlsSecurityPolicy: string;
  accessPolicy: Record<string, unknown>;
  /** Log group ARN per published log. */
  logs: Partial<Record<SearchLogKind, string>>;
  automatedSnapshotStartHour: number;
  masterUsername: string;
  /** Secret holding {"username","password"} of the master user; read at create time, not diffed. */
  masterSecretArn: string;
}

const CREATE_TIMEOUT_MS = 90 * MINUTE;
const UPDATE_TIMEOUT_MS = 120 * MINUTE;
const DELETE_TIMEOUT_MS = 120 * MINUTE;

const LOG_TYPES: Record<SearchLogKind, LogType> = {
  application: 'ES_APPLICATION_LOGS',
  'index-slow': 'INDEX_SLOW_LOGS',
  'search-slow': 'SEARCH_SLOW_LOGS',
};

function client(ctx: ResourceCtx): OpenSearchClient {
  return ctx.aws.get(OpenSearchClient);
}

async function describeMany(ctx: ResourceCtx, names: string[]): Promise<DomainStatus[]> {
  const found: DomainStatus[] = [];
  // DescribeDomains takes at most 5 names; unknown names are simply absent.
  for (const batch of chunks(names, 5)) {
    found.push(...((await client(ctx).send(new DescribeDomainsCommand({ DomainNames: batch }))).DomainStatusList ?? []));
  }
  return found.filter((d) => !d.Deleted);
}

async function describeOne(ctx: ResourceCtx, name: string): Promise<DomainStatus | undefined> {
  return (await describeMany(ctx, [name]))[0];
}

function parsePolicy(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function logsOf(domain: DomainStatus): Partial<Record<SearchLogKind, string>> {
  const logs: Partial<Record<SearchLogKind, string>> = {};
  for (const [kind, type] of Object.entries(LOG_TYPES) as [SearchLogKind, LogType][]) {
    const option = domain.LogPublishingOptions?.[type];
    if (option?.Enabled && option.CloudWatchLogsLogGroupArn) logs[kind] = bareLogGroupArn(option.CloudWatchLogsLogGroupArn);
  }
  return logs;
}

function toActual(domain: DomainStatus): Actual {
  const cluster = domain.ClusterConfig;
  const ebs = domain.EBSOptions;
  return {
    id: domain.DomainName!,
    inputs: definedOnly({
      domainName: domain.DomainName,
      engineVersion: domain.EngineVersion,
      instanceType: cluster?.InstanceType,
      instanceCount: cluster?.InstanceCount,
      availabilityZoneCount: cluster?.ZoneAwarenessEnabled ? cluster.ZoneAwarenessConfig?.AvailabilityZoneCount ?? 2 : 1,
      dedicatedMasterEnabled: cluster?.DedicatedMasterEnabled ?? false,
      dedicatedMasterType: cluster?.DedicatedMasterEnabled ? cluster.DedicatedMasterType : undefined,
      dedicatedMasterCount: cluster?.DedicatedMasterEnabled ? cluster.DedicatedMasterCount : undefined,
      volumeSize: ebs?.VolumeSize,
      volumeIops: ebs?.Iops,
      volumeThroughput: ebs?.Throughput,
      subnetIds: domain.VPCOptions?.SubnetIds,
      securityGroupIds: domain.VPCOptions?.SecurityGroupIds,
      kmsKeyId: domain.EncryptionAtRestOptions?.Enabled ? domain.EncryptionAtRestOptions.KmsKeyId : '',
      tlsSecurityPolicy: domain.DomainEndpointOptions?.EnforceHTTPS ? domain.DomainEndpointOptions.TLSSecurityPolicy : 'https-not-enforced',
      accessPolicy: parsePolicy(domain.AccessPolicies),
      logs: logsOf(domain),
      automatedSnapshotStartHour: domain.SnapshotOptions?.AutomatedSnapshotStartHour,
    }),
    outputs: definedOnly({
      domainName: domain.DomainName,
      arn: domain.ARN,
      domainId: domain.DomainId,
      endpoint: domain.Endpoints?.vpc ?? domain.Endpoint,
    }),
  };
}

function clusterConfig(inputs: SearchDomainInputs): ClusterConfig {
  return {
    InstanceType: inputs.instanceType as OpenSearchPartitionInstanceType,
    InstanceCount: inputs.instanceCount,
    ZoneAwarenessEnabled: inputs.availabilityZoneCount > 1,
    ZoneAwarenessConfig: inputs.availabilityZoneCount > 1 ? { AvailabilityZoneCount: inputs.availabilityZoneCount } : undefined,
    DedicatedMasterEnabled: inputs.dedicatedMasterEnabled,
    DedicatedMasterType: inputs.dedicatedMasterEnabled ? inputs.dedicatedMasterType as OpenSearchPartitionInstanceType : undefined,
    DedicatedMasterCount: inputs.dedicatedMasterEnabled ? inputs.dedicatedMasterCount : undefined,
  };
}

function ebsOptions(inputs: SearchDomainInputs): EBSOptions {
  return { EBSEnabled: true, VolumeType: 'gp3', VolumeSize: inputs.volumeSize, Iops: inputs.volumeIops, Throughput: inputs.volumeThroughput };
}

function logPublishing(inputs: SearchDomainInputs, previous?: Partial<Record<SearchLogKind, string>>): Record<string, LogPublishingOption> {
  const options: Record<string, LogPublishingOption> = {};
  for (const [kind, type] of Object.entries(LOG_TYPES) as [SearchLogKind, LogType][]) {
    const arn = inputs.logs[kind];
    if (arn) options[type] = { CloudWatchLogsLogGroupArn: bareLogGroupArn(arn), Enabled: true };
    else if (previous?.[kind]) options[type] = { Enabled: false };
  }
  return options;
}

function endpointOptions(inputs: SearchDomainInputs): DomainEndpointOptions {
  return { EnforceHTTPS: true, TLSSecurityPolicy: inputs.tlsSecurityPolicy as TLSSecurityPolicy };
}

async function waitSettled(ctx: ResourceCtx, name: string, call: NodeCall, timeoutMs: number): Promise<DomainStatus> {
  return waitUntil(async () => {
    const domain = await describeOne(ctx, name);
    if (!domain) return { done: false, status: 'not visible yet' };
    const endpoint = domain.Endpoints?.vpc ?? domain.Endpoint;
    const ready = domain.Created && !domain.Processing && !domain.UpgradeProcessing && endpoint !== undefined;
    const status = domain.DomainProcessingStatus ?? (domain.Processing ? 'processing' : 'waiting for endpoint');
    return ready ? { done: true, value: domain } : { done: false, status };
  }, { what: `OpenSearch domain ${name} ready`, timeoutMs, minDelayMs: 10_000, maxDelayMs: 60_000, report: call.report, signal: call.signal });
}

/** CloudWatch Logs resource policies take a moment to be honoured by OpenSearch's validation. */
function logPolicyNotYetVisible(error: unknown): boolean {
  return hasCode(error, 'ValidationException', 'InvalidTypeException') && /CloudWatch|log group|resource access policy/i.test((error as Error).message);
}

export const searchDomainHandler: Handler = {
  kind: 'opensearch.domain',
  health: searchDomainHealth,
  forceNew: ['domainName', 'kmsKeyId', 'masterUsername'],
  equal(field, desired, actual) {
    if (field === 'subnetIds' || field === 'securityGroupIds') return sameMembers(desired, actual);
    if (field === 'kmsKeyId') return sameKmsKey(desired, actual);
    if (field === 'logs') {
      const bare = (v: unknown) => Object.fromEntries(Object.entries((v ?? {}) as Record<string, string>).map(([k, a]) => [k, bareLogGroupArn(a)]));
      return deepEqual(bare(desired), bare(actual));
    }
    return deepEqual(desired, actual);
  },

  async read(ctx, items) {
    const byName = new Map((await describeMany(ctx, items.map((i) => i.id))).map((d) => [d.DomainName!, d]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const domain = byName.get(item.id);
      if (domain) result.set(item.address, toActual(domain));
    }
    return result;
  },

  async find(ctx, args) {
    const name = (args.inputs.domainName as string | undefined) ?? nameForAddress(ctx.workspace, args.address);
    const domain = name ? await describeOne(ctx, name) : undefined;
    return domain ? toActual(domain) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as SearchDomainInputs;
    const { password } = await readCredentials(ctx, inputs.masterSecretArn);
    await retryWhile(async () => {
      try {
        await client(ctx).send(new CreateDomainCommand({
          DomainName: inputs.domainName,
          EngineVersion: inputs.engineVersion,
          ClusterConfig: clusterConfig(inputs),
          EBSOptions: ebsOptions(inputs),
          VPCOptions: { SubnetIds: inputs.subnetIds, SecurityGroupIds: inputs.securityGroupIds },
          EncryptionAtRestOptions: { Enabled: true, KmsKeyId: inputs.kmsKeyId },
          NodeToNodeEncryptionOptions: { Enabled: true },
          DomainEndpointOptions: endpointOptions(inputs),
          AdvancedSecurityOptions: {
            Enabled: true, InternalUserDatabaseEnabled: true,
            MasterUserOptions: { MasterUserName: inputs.masterUsername, MasterUserPassword: password },
          },
          AccessPolicies: JSON.stringify(inputs.accessPolicy),
          LogPublishingOptions: logPublishing(inputs),
          SnapshotOptions: { AutomatedSnapshotStartHour: inputs.automatedSnapshotStartHour },
          TagList: tagList(args.tags),
        }));
      } catch (error) {
        // A create interrupted after AWS accepted it.
        if (!hasCode(error, 'ResourceAlreadyExistsException')) throw error;
      }
    }, logPolicyNotYetVisible, { what: `create OpenSearch domain ${inputs.domainName}`, timeoutMs: 5 * MINUTE, minDelayMs: 10_000, report: args.report, signal: args.signal });
    return toActual(await waitSettled(ctx, inputs.domainName, args, CREATE_TIMEOUT_MS));
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as SearchDomainInputs;
    const has = (...fields: (keyof SearchDomainInputs)[]) => fields.some((f) => args.changed.includes(f));
    const request: UpdateDomainConfigCommandInput = { DomainName: inputs.domainName };
    if (has('instanceType', 'instanceCount', 'availabilityZoneCount', 'dedicatedMasterEnabled', 'dedicatedMasterType', 'dedicatedMasterCount')) {
      request.ClusterConfig = clusterConfig(inputs);
    }
    if (has('volumeSize', 'volumeIops', 'volumeThroughput')) request.EBSOptions = ebsOptions(inputs);
    if (has('subnetIds', 'securityGroupIds')) request.VPCOptions = { SubnetIds: inputs.subnetIds, SecurityGroupIds: inputs.securityGroupIds };
    if (has('tlsSecurityPolicy')) request.DomainEndpointOptions = endpointOptions(inputs);
    if (has('accessPolicy')) request.AccessPolicies = JSON.stringify(inputs.accessPolicy);
    if (has('logs')) request.LogPublishingOptions = logPublishing(inputs, args.previous.inputs.logs as Partial<Record<SearchLogKind, string>>);
    if (has('automatedSnapshotStartHour')) request.SnapshotOptions = { AutomatedSnapshotStartHour: inputs.automatedSnapshotStartHour };
    if (Object.keys(request).length > 1) {
      await retryWhile(() => client(ctx).send(new UpdateDomainConfigCommand(request)),
        (e) => logPolicyNotYetVisible(e) || hasCode(e, 'ConflictException'),
        { what: `update OpenSearch domain ${inputs.domainName}`, timeoutMs: 30 * MINUTE, minDelayMs: 15_000, report: args.report, signal: args.signal });
      await waitSettled(ctx, inputs.domainName, args, UPDATE_TIMEOUT_MS);
    }
    if (has('engineVersion')) {
      args.report(`upgrading to ${inputs.engineVersion}`);
      await client(ctx).send(new UpgradeDomainCommand({ DomainName: inputs.domainName, TargetVersion: inputs.engineVersion }));
    }
    return toActual(await waitSettled(ctx, inputs.domainName, args, UPDATE_TIMEOUT_MS));
  },

  async delete(ctx, args) {
    try {
      await client(ctx).send(new DeleteDomainCommand({ DomainName: args.id }));
    } catch (error) {
      if (!hasCode(error, 'ResourceNotFoundException')) throw error;
    }
    // Domains linger (Deleted: true) for a long while; their ENIs keep the subnets busy until they are gone.
    await waitUntil(async () => {
      const found = (await client(ctx).send(new DescribeDomainsCommand({ DomainNames: [args.id] }))).DomainStatusList ?? [];
      return found.length === 0 ? { done: true, value: undefined } : { done: false, status: found[0].Deleted ? 'deleting' : 'active' };
    }, { what: `OpenSearch domain ${args.id} deleted`, timeoutMs: DELETE_TIMEOUT_MS, minDelayMs: 10_000, maxDelayMs: 60_000, report: args.report, signal: args.signal });
  },
};
