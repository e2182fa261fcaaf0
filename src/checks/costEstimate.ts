/**
 * A monthly cost estimate of the stack the config describes, per tier, from the shipped price table. Pure: it builds
 * the desired graph with placeholder account facts and prices what the nodes ask for, so it needs no AWS call and
 * follows the stack builders as they change (a new priced kind needs a line here).
 */
import type { Config } from '../config/schema.js';
import {
  HOURS_PER_MONTH, instanceHourly, PRICE_SOURCE, PRICE_TABLE_DATE, pricedRegionFor, unitPrice, USAGE, type Price, type PricedRegion,
} from '../config/prices.js';
import type { DesiredNode, Tier } from '../engine/types.js';
import { buildStack } from '../stack/index.js';

export interface CostItem {
  tier: Tier;
  item: string;
  quantity: number;
  /** What is counted: `instance`, `GB-month`… */
  unit: string;
  unitUsd: number;
  /** Whether unitUsd is per hour (× 730 h a month) or per unit a month. */
  per: 'hour' | 'month';
  monthlyUsd: number;
  /** False when a price in this line is an estimate rather than a confirmed list price. */
  confirmed: boolean;
  /** Usage-driven: computed from an assumption in USAGE. */
  assumption?: string;
}

export interface CostEstimate {
  workspace: string;
  region: string;
  /** The priced region used (the stack's own, or the nearest one with prices). */
  pricedRegion: PricedRegion;
  priceDate: string;
  source: string;
  currency: 'USD';
  tiers: { tier: Tier; monthlyUsd: number; items: CostItem[] }[];
  totalMonthlyUsd: number;
  /** Things in the config with no price in the table. */
  unpriced: string[];
  notes: string[];
}

const PLACEHOLDER_ACCOUNT = '000000000000';

function azsOf(config: Config): string[] {
  return config.network.availabilityZones ?? ['a', 'b', 'c'].slice(0, config.network.azCount).map((s) => `${config.region}${s}`);
}

const round = (n: number) => Math.round(n * 100) / 100;

class Lines {
  readonly items: CostItem[] = [];
  readonly unpriced: string[] = [];

  add(tier: Tier, item: string, quantity: number, unit: string, price: Price | undefined, perMonth: number, assumption?: string): void {
    if (!price) {
      this.unpriced.push(item);
      return;
    }
    if (quantity <= 0) return;
    this.items.push({
      tier, item, quantity, unit, unitUsd: price.usd, per: perMonth === HOURS_PER_MONTH ? 'hour' : 'month', monthlyUsd: round(quantity * price.usd * perMonth), confirmed: price.confirmed,
      ...(assumption ? { assumption } : {}),
    });
  }
}

function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' ? value : fallback;
}

function priceNodes(nodes: DesiredNode[], config: Config, region: PricedRegion, lines: Lines): void {
  const count = (kind: string) => nodes.filter((n) => n.kind === kind).length;
  const hourly = HOURS_PER_MONTH;
  const nats = count('ec2.natGateway');
  lines.add('network', 'NAT gateway', nats, 'gateway', unitPrice(region, 'natGatewayHour'), hourly);
  lines.add('network', 'Public IPv4 of the NAT gateways', count('ec2.elasticIp'), 'address', unitPrice(region, 'publicIpv4Hour'), hourly);
  if (nats) {
    lines.add('network', `NAT data processed (${USAGE.natGbPerMonth} GB)`, USAGE.natGbPerMonth, 'GB', unitPrice(region, 'natGatewayGb'), 1,
      'outbound traffic of the app nodes');
  }
  lines.add('security', 'KMS customer-managed key', count('kms.key'), 'key', unitPrice(region, 'kmsKeyMonth'), 1);

  for (const n of nodes) {
    const i = n.inputs;
    switch (n.kind) {
      case 'rds.dbInstance':
        lines.add('data', `Aurora MySQL ${String(i.instanceClass)} (${n.address})`, 1, 'instance', instanceHourly('rds', String(i.instanceClass), region), hourly);
        break;
      case 'rds.dbCluster':
        lines.add('data', `Aurora storage (${USAGE.auroraStorageGb} GB)`, USAGE.auroraStorageGb, 'GB-month', unitPrice(region, 'auroraStorageGbMonth'), 1, 'database size');
        lines.add('data', `Aurora I/O (${USAGE.auroraIoMillionsPerMonth} M requests)`, USAGE.auroraIoMillionsPerMonth, 'million requests', unitPrice(region, 'auroraIoMillion'), 1, 'I/O rate');
        break;
      case 'mq.broker': {
        const nodesOf = i.deploymentMode === 'CLUSTER_MULTI_AZ' ? 3 : 1;
        lines.add('data', `Amazon MQ RabbitMQ ${String(i.hostInstanceType)} × ${nodesOf}`, nodesOf, 'broker node', instanceHourly('mq', String(i.hostInstanceType), region), hourly);
        break;
      }
      case 'opensearch.domain': {
        const data = num(i.instanceCount);
        lines.add('data', `OpenSearch ${String(i.instanceType)} data nodes`, data, 'node', instanceHourly('search', String(i.instanceType), region), hourly);
        if (i.dedicatedMasterEnabled) {
          lines.add('data', `OpenSearch ${String(i.dedicatedMasterType)} master nodes`, num(i.dedicatedMasterCount), 'node',
            instanceHourly('search', String(i.dedicatedMasterType), region), hourly);
        }
        lines.add('data', `OpenSearch gp3 storage (${num(i.volumeSize)} GB × ${data})`, num(i.volumeSize) * data, 'GB-month', unitPrice(region, 'searchGp3GbMonth'), 1);
        break;
      }
      case 'efs.fileSystem':
        lines.add('data', `EFS Standard storage (${USAGE.efsGb} GB)`, USAGE.efsGb, 'GB-month', unitPrice(region, 'efsStandardGbMonth'), 1, 'shared storage used');
        break;
      case 'secretsmanager.secret':
        lines.add('data', `Secrets Manager secret (${n.address})`, 1, 'secret', unitPrice(region, 'secretMonth'), 1);
        break;
      case 'elbv2.loadBalancer':
        lines.add('edge', 'Application Load Balancer', 1, 'load balancer', unitPrice(region, 'albHour'), hourly);
        lines.add('edge', `ALB capacity (${USAGE.albLcus} LCU)`, USAGE.albLcus, 'LCU', unitPrice(region, 'albLcuHour'), hourly, 'traffic');
        if (i.scheme !== 'internal') {
          lines.add('edge', 'Public IPv4 of the load balancer (one per AZ)', (i.subnetIds as unknown[] | undefined)?.length ?? 0, 'address', unitPrice(region, 'publicIpv4Hour'), hourly);
        }
        break;
      case 'cloudwatch.alarm':
        break;
      case 'cloudwatch.dashboard':
        lines.add('monitoring', 'CloudWatch dashboard', 1, 'dashboard', unitPrice(region, 'dashboardMonth'), 1);
        break;
    }
  }
  lines.add('monitoring', 'CloudWatch alarms', count('cloudwatch.alarm'), 'alarm', unitPrice(region, 'alarmMonth'), 1);

  const template = nodes.find((n) => n.kind === 'ec2.launchTemplate');
  const group = nodes.find((n) => n.kind === 'autoscaling.group');
  if (template && group) {
    const t = template.inputs;
    const nodesRunning = num(group.inputs.desiredCapacity, config.app.desiredCapacity);
    lines.add('app', `EC2 ${String(t.instanceType)} app nodes (desired ${nodesRunning}, max ${num(group.inputs.maxSize)})`, nodesRunning, 'instance',
      instanceHourly('ec2', String(t.instanceType), region), hourly);
    const gb = num(t.rootVolumeGb) + num(t.dataVolumeGb);
    lines.add('app', `EBS gp3 (${gb} GB per node)`, gb * nodesRunning, 'GB-month', unitPrice(region, 'ebsGp3GbMonth'), 1);
    const extraIops = Math.max(0, num(t.volumeIops) - 3000) * 2 * nodesRunning;
    lines.add('app', 'EBS gp3 IOPS above 3000', extraIops, 'IOPS-month', unitPrice(region, 'ebsGp3IopsMonth'), 1);
    const extraMbps = Math.max(0, num(t.volumeThroughputMbps) - 125) * 2 * nodesRunning;
    lines.add('app', 'EBS gp3 throughput above 125 MB/s', extraMbps, 'MB/s-month', unitPrice(region, 'ebsGp3MbpsMonth'), 1);
  }
}

const TIER_ORDER: Tier[] = ['security', 'network', 'data', 'app', 'edge', 'monitoring', 'backup'];

export function estimateMonthlyCost(config: Config): CostEstimate {
  const pricedRegion = pricedRegionFor(config.region);
  const nodes = buildStack(config, { azs: azsOf(config), accountId: PLACEHOLDER_ACCOUNT, partition: 'aws' });
  const lines = new Lines();
  priceNodes(nodes, config, pricedRegion, lines);
  const tiers = TIER_ORDER.map((tier) => {
    const items = lines.items.filter((i) => i.tier === tier);
    return { tier, monthlyUsd: round(items.reduce((sum, i) => sum + i.monthlyUsd, 0)), items };
  }).filter((t) => t.items.length);
  const notes = [
    'On-demand list prices; Savings Plans and Reserved Instances lower them, taxes are not included.',
    'Not included: data transfer out, CloudWatch Logs ingestion and storage, backups beyond the free allowance, Performance Insights beyond 7 days.',
  ];
  if (pricedRegion !== config.region) notes.unshift(`No prices for ${config.region} in the table: ${pricedRegion} prices are used.`);
  return {
    workspace: config.workspace, region: config.region, pricedRegion, priceDate: PRICE_TABLE_DATE, source: PRICE_SOURCE, currency: 'USD',
    tiers, totalMonthlyUsd: round(tiers.reduce((sum, t) => sum + t.monthlyUsd, 0)), unpriced: [...new Set(lines.unpriced)], notes,
  };
}
