/**
 * Live health of `opensearch.domain` for `status`: whether the domain is processing a change, and the cluster health
 * OpenSearch publishes to CloudWatch (ClusterStatus.red / ClusterStatus.yellow, AWS/ES namespace). Also what `check`
 * inspects beyond its inputs: node-to-node encryption and fine-grained access control.
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { DescribeDomainsCommand, OpenSearchClient, type DomainStatus } from '@aws-sdk/client-opensearch';
import { hasCode } from '../../aws/errors.js';
import type { Health, ReadItem } from '../../engine/types.js';
import type { ResourceCtx } from '../context.js';
import { chunks } from './common.js';

/** Latest value of each cluster status metric; undefined when CloudWatch has no data point (or may not be read). */
export interface ClusterStatusMetrics {
  red?: number;
  yellow?: number;
}

const METRIC_WINDOW_MS = 15 * 60_000;

async function describeDomains(ctx: ResourceCtx, names: string[]): Promise<DomainStatus[]> {
  const found: DomainStatus[] = [];
  for (const batch of chunks([...new Set(names)], 5)) {
    found.push(...((await ctx.aws.get(OpenSearchClient).send(new DescribeDomainsCommand({ DomainNames: batch }))).DomainStatusList ?? []));
  }
  return found.filter((d) => !d.Deleted);
}

/** One GetMetricData call for every domain. Metrics are a bonus: without permission or data, status says so. */
async function clusterStatusMetrics(ctx: ResourceCtx, domains: string[]): Promise<Map<string, ClusterStatusMetrics> | undefined> {
  const queries: MetricDataQuery[] = domains.flatMap((name, i) => (['red', 'yellow'] as const).map((color) => ({
    Id: `${color}${i}`,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/ES', MetricName: `ClusterStatus.${color}`,
        Dimensions: [{ Name: 'DomainName', Value: name }, { Name: 'ClientId', Value: ctx.accountId }],
      },
      Period: 60, Stat: 'Maximum',
    },
    ReturnData: true,
  })));
  if (!queries.length) return new Map();
  try {
    const end = new Date();
    const out = await ctx.aws.get(CloudWatchClient).send(new GetMetricDataCommand({
      MetricDataQueries: queries, StartTime: new Date(end.getTime() - METRIC_WINDOW_MS), EndTime: end, ScanBy: 'TimestampDescending',
    }));
    const result = new Map<string, ClusterStatusMetrics>(domains.map((d) => [d, {}]));
    for (const r of out.MetricDataResults ?? []) {
      const match = /^(red|yellow)(\d+)$/.exec(r.Id ?? '');
      if (!match || !r.Values?.length) continue;
      const metrics = result.get(domains[Number(match[2])])!;
      metrics[match[1] as 'red' | 'yellow'] = r.Values[0];
    }
    return result;
  } catch (error) {
    if (hasCode(error, 'AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation')) return undefined;
    throw error;
  }
}

export function searchDomainHealthOf(domain: DomainStatus, metrics: ClusterStatusMetrics | undefined): Health {
  const processing = Boolean(domain.Processing || domain.UpgradeProcessing);
  const processingStatus = domain.DomainProcessingStatus ?? (processing ? 'Modifying' : 'Active');
  const color = metrics?.red !== undefined && metrics.red >= 1 ? 'red'
    : metrics?.yellow !== undefined && metrics.yellow >= 1 ? 'yellow'
      : metrics?.red !== undefined || metrics?.yellow !== undefined ? 'green' : undefined;
  const nodes = `${domain.ClusterConfig?.InstanceCount ?? '?'} × ${domain.ClusterConfig?.InstanceType ?? '?'}`;
  const summary = `${processing ? `processing (${processingStatus})` : 'ready'}, cluster ${color ?? (metrics ? 'status: no metric data yet' : 'status: metrics not readable')}, ${nodes}`;
  let state: Health['state'] = 'healthy';
  if (color === 'red' || domain.Created === false) state = 'down';
  else if (color === 'yellow' || processing || processingStatus === 'Isolated') state = 'degraded';
  return { state, summary, details: { processing, processingStatus, clusterStatus: color ?? null } };
}

export async function searchDomainHealth(ctx: ResourceCtx, items: ReadItem[]): Promise<Map<string, Health>> {
  const domains = await describeDomains(ctx, items.map((i) => i.id));
  const metrics = await clusterStatusMetrics(ctx, domains.map((d) => d.DomainName!));
  const byName = new Map(domains.map((d) => [d.DomainName!, d]));
  const result = new Map<string, Health>();
  for (const item of items) {
    const domain = byName.get(item.id);
    if (domain) result.set(item.address, searchDomainHealthOf(domain, metrics ? metrics.get(domain.DomainName!) ?? {} : undefined));
  }
  return result;
}

export interface SearchDomainFacts {
  nodeToNodeEncryption?: boolean;
  fineGrainedAccessControl?: boolean;
  enforceHttps?: boolean;
}

export async function inspectSearchDomains(ctx: ResourceCtx, items: ReadItem[]): Promise<Map<string, SearchDomainFacts>> {
  const byName = new Map((await describeDomains(ctx, items.map((i) => i.id))).map((d) => [d.DomainName!, d]));
  const result = new Map<string, SearchDomainFacts>();
  for (const item of items) {
    const d = byName.get(item.id);
    if (d) {
      result.set(item.address, {
        nodeToNodeEncryption: d.NodeToNodeEncryptionOptions?.Enabled,
        fineGrainedAccessControl: d.AdvancedSecurityOptions?.Enabled,
        enforceHttps: d.DomainEndpointOptions?.EnforceHTTPS,
      });
    }
  }
  return result;
}
