/**
 * The price table `cost` estimates from: AWS public on-demand prices (Linux, shared tenancy, USD), as published on
 * the AWS pricing pages of each service (aws.amazon.com/<service>/pricing) and the AWS Pricing Calculator.
 *
 * Honesty about the numbers:
 *  - `CONFIRMED` lists the prices checked against a published source when this table was dated; every other price
 *    is an estimate (the last list price we knew, or a regional factor applied to it) and `cost` marks it "~".
 *  - Instance prices are linear in size within a family (xlarge = 2 × large ...), as AWS prices them; the table
 *    stores the xlarge (or large) price and scales.
 *  - Regions other than us-east-1 / us-west-2 use a per-service regional factor: estimates.
 *  - Usage-driven charges (data transfer, NAT processing, LCUs, Aurora I/O, backups, logs) depend on traffic; the
 *    estimate uses the stated USAGE assumptions so the total is comparable, not exact.
 */

export const PRICE_TABLE_DATE = '2026-06-01';
export const PRICE_SOURCE = 'AWS public on-demand prices (Linux, shared tenancy), AWS pricing pages and Pricing Calculator';
export const HOURS_PER_MONTH = 730;
export const PRICED_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1'] as const;
export type PricedRegion = (typeof PRICED_REGIONS)[number];

/** us-east-1 hourly price of the xlarge size of each EC2 family. */
const EC2_XLARGE: Record<string, number> = {
  m5: 0.192, m6i: 0.192, m6a: 0.1728, m7i: 0.2016, m7a: 0.23184,
  c5: 0.17, c6i: 0.17, c6a: 0.153, c7i: 0.1785, c7a: 0.20527,
  r5: 0.252, r6i: 0.252, r6a: 0.2268, r7i: 0.2646, r7a: 0.30429,
};
/** us-east-1 hourly price of the large size of each Aurora MySQL class family. */
const AURORA_LARGE: Record<string, number> = { r5: 0.29, r6g: 0.26, r6i: 0.29, r7g: 0.276, r7i: 0.3045 };
/** us-east-1 hourly price of each Amazon MQ for RabbitMQ broker instance (a cluster runs three). */
const MQ_HOURLY: Record<string, number> = {
  'mq.t3.micro': 0.0216, 'mq.m5.large': 0.288, 'mq.m5.xlarge': 0.576, 'mq.m5.2xlarge': 1.152, 'mq.m5.4xlarge': 2.304,
};
/** us-east-1 hourly price of the large size of each OpenSearch family. */
const SEARCH_LARGE: Record<string, number> = {
  r6g: 0.167, r7g: 0.1786, r5: 0.186, r6i: 0.186, m6g: 0.128, m7g: 0.136, m5: 0.142, m6i: 0.142, c6g: 0.113, c7g: 0.12, c5: 0.125,
};

const SIZE_FACTOR: Record<string, number> = {
  large: 1, xlarge: 2, '2xlarge': 4, '4xlarge': 8, '8xlarge': 16, '12xlarge': 24, '16xlarge': 32, '24xlarge': 48,
};

export interface UnitPrices {
  natGatewayHour: number;
  natGatewayGb: number;
  albHour: number;
  albLcuHour: number;
  publicIpv4Hour: number;
  ebsGp3GbMonth: number;
  ebsGp3IopsMonth: number;
  ebsGp3MbpsMonth: number;
  efsStandardGbMonth: number;
  auroraStorageGbMonth: number;
  auroraIoMillion: number;
  searchGp3GbMonth: number;
  kmsKeyMonth: number;
  secretMonth: number;
  alarmMonth: number;
  dashboardMonth: number;
}

const US_EAST_1: UnitPrices = {
  natGatewayHour: 0.045, natGatewayGb: 0.045, albHour: 0.0225, albLcuHour: 0.008, publicIpv4Hour: 0.005,
  ebsGp3GbMonth: 0.08, ebsGp3IopsMonth: 0.005, ebsGp3MbpsMonth: 0.04, efsStandardGbMonth: 0.30,
  auroraStorageGbMonth: 0.10, auroraIoMillion: 0.20, searchGp3GbMonth: 0.122, kmsKeyMonth: 1, secretMonth: 0.40,
  alarmMonth: 0.10, dashboardMonth: 3,
};

const UNIT_PRICES: Record<PricedRegion, UnitPrices> = {
  'us-east-1': US_EAST_1,
  'us-west-2': US_EAST_1,
  'eu-west-1': {
    ...US_EAST_1, natGatewayHour: 0.048, natGatewayGb: 0.048, albHour: 0.0252, albLcuHour: 0.008, ebsGp3GbMonth: 0.088,
    ebsGp3IopsMonth: 0.0055, ebsGp3MbpsMonth: 0.044, efsStandardGbMonth: 0.33, auroraStorageGbMonth: 0.11, auroraIoMillion: 0.22,
    searchGp3GbMonth: 0.134,
  },
  'eu-central-1': {
    ...US_EAST_1, natGatewayHour: 0.052, natGatewayGb: 0.052, albHour: 0.027, albLcuHour: 0.0081, ebsGp3GbMonth: 0.0952,
    ebsGp3IopsMonth: 0.006, ebsGp3MbpsMonth: 0.048, efsStandardGbMonth: 0.36, auroraStorageGbMonth: 0.119, auroraIoMillion: 0.24,
    searchGp3GbMonth: 0.146,
  },
};

/** Instance price of a region relative to us-east-1, per service (estimates). */
const REGION_FACTOR: Record<PricedRegion, Record<'ec2' | 'rds' | 'mq' | 'search', number>> = {
  'us-east-1': { ec2: 1, rds: 1, mq: 1, search: 1 },
  'us-west-2': { ec2: 1, rds: 1, mq: 1, search: 1 },
  'eu-west-1': { ec2: 1.115, rds: 1.1, mq: 1.1, search: 1.1 },
  'eu-central-1': { ec2: 1.198, rds: 1.19, mq: 1.19, search: 1.19 },
};

/** Prices checked against a published source when the table was dated ("region:item"); the rest are estimates. */
export const CONFIRMED: ReadonlySet<string> = new Set([
  'us-east-1:ec2:m5.xlarge', 'us-east-1:ec2:m6i.xlarge', 'us-east-1:ec2:m7i.xlarge',
  'us-east-1:albHour', 'us-east-1:albLcuHour', 'us-east-1:auroraStorageGbMonth', 'us-east-1:auroraIoMillion',
  'us-east-1:publicIpv4Hour', 'us-east-1:kmsKeyMonth', 'us-east-1:secretMonth',
]);

/** What the usage-driven lines assume per month (the estimate is only as good as these). */
export const USAGE = {
  natGbPerMonth: 100,
  albLcus: 1,
  efsGb: 50,
  auroraStorageGb: 50,
  auroraIoMillionsPerMonth: 50,
} as const;

export interface Price {
  usd: number;
  /** False when the price is an estimate (not confirmed against a published source). */
  confirmed: boolean;
}

export function isPricedRegion(region: string): region is PricedRegion {
  return (PRICED_REGIONS as readonly string[]).includes(region);
}

/** The nearest priced region: the same continent's, else us-east-1. Used (and said) when the stack region has no prices. */
export function pricedRegionFor(region: string): PricedRegion {
  if (isPricedRegion(region)) return region;
  if (region.startsWith('eu-')) return 'eu-central-1';
  if (region.startsWith('us-west') || region.startsWith('ca-')) return 'us-west-2';
  return 'us-east-1';
}

function confirmed(region: PricedRegion, item: string): boolean {
  return CONFIRMED.has(`${region}:${item}`) || (region === 'us-west-2' && CONFIRMED.has(`us-east-1:${item}`));
}

export function unitPrice(region: PricedRegion, item: keyof UnitPrices): Price {
  return { usd: UNIT_PRICES[region][item], confirmed: confirmed(region, item) };
}

function scaled(table: Record<string, number>, family: string, size: string, base: 'large' | 'xlarge'): number | undefined {
  const price = table[family];
  const factor = SIZE_FACTOR[size];
  if (price === undefined || factor === undefined) return undefined;
  return (price * factor) / SIZE_FACTOR[base];
}

/** Hourly price of an instance type (`m6i.xlarge`, `db.r6g.large`, `mq.m5.large`, `r6g.large.search`); undefined when not in the table. */
export function instanceHourly(service: 'ec2' | 'rds' | 'mq' | 'search', type: string, region: PricedRegion): Price | undefined {
  let base: number | undefined;
  if (service === 'mq') base = MQ_HOURLY[type];
  else {
    const parts = type.replace(/^db\./, '').replace(/\.search$/, '').split('.');
    if (parts.length !== 2) return undefined;
    const [family, size] = parts;
    base = service === 'ec2' ? scaled(EC2_XLARGE, family, size, 'xlarge')
      : service === 'rds' ? scaled(AURORA_LARGE, family, size, 'large')
        : scaled(SEARCH_LARGE, family, size, 'large');
  }
  if (base === undefined) return undefined;
  return { usd: base * REGION_FACTOR[region][service], confirmed: confirmed(region, `${service}:${type}`) };
}
