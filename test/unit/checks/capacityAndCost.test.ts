import { describe, expect, it } from 'vitest';
import { capacityFindings } from '../../../src/checks/capacity.js';
import { estimateMonthlyCost } from '../../../src/checks/costEstimate.js';
import { ec2Spec, rdsSpec } from '../../../src/config/instanceSpecs.js';
import { CONFIRMED, instanceHourly, PRICED_REGIONS, pricedRegionFor, unitPrice } from '../../../src/config/prices.js';
import { configSchema, type ConfigInput } from '../../../src/config/schema.js';

const config = (extra: Partial<ConfigInput> = {}) => configSchema.parse({ workspace: 'demo', region: 'us-east-1', ...extra });

describe('instance specs', () => {
  it('knows the types the config allows', () => {
    expect(ec2Spec('m6i.xlarge')).toEqual({ vcpu: 4, memoryGiB: 16 });
    expect(ec2Spec('c7i.2xlarge')).toEqual({ vcpu: 8, memoryGiB: 16 });
    expect(ec2Spec('r5.xlarge')).toEqual({ vcpu: 4, memoryGiB: 32 });
    expect(rdsSpec('db.r6g.large')).toEqual({ vcpu: 2, memoryGiB: 16 });
  });
});

describe('capacity guidance', () => {
  it('finds nothing to warn about in the default config', () => {
    const findings = capacityFindings(config());
    expect(findings.filter((f) => f.level !== 'ok')).toEqual([]);
    expect(findings.map((f) => f.id)).toEqual(['app.cpu', 'app.memory', 'app.disk', 'db.maxConnections', 'db.classConnections']);
  });

  it('warns below 16 GiB / 4 vCPU and fails below the 8 GiB minimum', () => {
    const c = capacityFindings(config({ app: { instanceType: 'c6i.xlarge' } }));
    expect(c.find((f) => f.id === 'app.memory')).toMatchObject({ level: 'warn', message: expect.stringMatching(/8 GiB/) });
    const low = capacityFindings(config({ app: { instanceType: 'c5.xlarge' } }));
    expect(low.find((f) => f.id === 'app.memory')?.level).toBe('warn');
    const tiny = capacityFindings({ ...config(), app: { ...config().app, instanceType: 'm5.large' } });
    expect(tiny.find((f) => f.id === 'app.cpu')?.level).toBe('warn');
    expect(tiny.find((f) => f.id === 'app.memory')?.level).toBe('warn'); // 8 GiB: the minimum, below the recommendation
    const under = capacityFindings({ ...config(), app: { ...config().app, instanceType: 'c5.large' } });
    expect(under.find((f) => f.id === 'app.memory')?.level).toBe('fail');
  });

  it('fails a data volume under 200 GB and max_connections under 150 per node', () => {
    const base = config();
    const findings = capacityFindings({ ...base, app: { ...base.app, dataVolumeGb: 100, maxSize: 10 }, data: { ...base.data, db: { ...base.data.db, maxConnections: 1000 } } });
    expect(findings.find((f) => f.id === 'app.disk')?.level).toBe('fail');
    expect(findings.find((f) => f.id === 'db.maxConnections')).toMatchObject({ level: 'fail', message: expect.stringMatching(/150 x 10 app nodes = 1500/) });
  });

  it('warns when the DB class cannot hold the configured connections, or a type is not in the table', () => {
    const base = config();
    const big = capacityFindings({ ...base, app: { ...base.app, maxSize: 20 } });
    expect(big.find((f) => f.id === 'db.classConnections')).toMatchObject({ level: 'warn', message: expect.stringMatching(/db\.r6g\.large .* 1000 .* 3000/) });
    const odd = capacityFindings({ ...base, app: { ...base.app, instanceType: 'x2idn.16xlarge' } });
    expect(odd.find((f) => f.id === 'app.instanceType')?.level).toBe('warn');
  });
});

describe('prices', () => {
  it('prices every instance type the defaults use in every priced region', () => {
    for (const region of PRICED_REGIONS) {
      expect(instanceHourly('ec2', 'm6i.xlarge', region)?.usd).toBeGreaterThan(0);
      expect(instanceHourly('rds', 'db.r6g.large', region)?.usd).toBeGreaterThan(0);
      expect(instanceHourly('mq', 'mq.m5.large', region)?.usd).toBeGreaterThan(0);
      expect(instanceHourly('search', 'r6g.large.search', region)?.usd).toBeGreaterThan(0);
      expect(unitPrice(region, 'natGatewayHour').usd).toBeGreaterThan(0);
    }
  });

  it('scales linearly by size and marks what is confirmed', () => {
    expect(instanceHourly('ec2', 'm6i.2xlarge', 'us-east-1')!.usd).toBeCloseTo(0.384);
    expect(instanceHourly('ec2', 'm6i.xlarge', 'us-east-1')).toEqual({ usd: 0.192, confirmed: true });
    expect(instanceHourly('ec2', 'm6i.xlarge', 'eu-central-1')!.confirmed).toBe(false);
    expect(instanceHourly('ec2', 'x9.xlarge', 'us-east-1')).toBeUndefined();
    expect(CONFIRMED.has('us-east-1:albHour')).toBe(true);
    expect(pricedRegionFor('eu-north-1')).toBe('eu-central-1');
    expect(pricedRegionFor('ap-southeast-2')).toBe('us-east-1');
  });
});

describe('cost estimate', () => {
  it('prices the default stack per tier from the config alone', () => {
    const estimate = estimateMonthlyCost(config());
    expect(estimate.tiers.map((t) => t.tier)).toEqual(expect.arrayContaining(['security', 'network', 'data', 'app', 'edge']));
    const items = estimate.tiers.flatMap((t) => t.items);
    const item = (text: RegExp) => items.find((i) => text.test(i.item));
    expect(item(/^NAT gateway$/)).toMatchObject({ quantity: 3, monthlyUsd: 98.55 });
    expect(item(/^EC2 m6i\.xlarge app nodes/)).toMatchObject({ quantity: 3, monthlyUsd: 420.48, confirmed: true });
    expect(items.filter((i) => /^Aurora MySQL db\.r6g\.large/.test(i.item))).toHaveLength(2);
    expect(item(/Amazon MQ RabbitMQ mq\.m5\.large × 3/)?.quantity).toBe(3);
    expect(item(/OpenSearch r6g\.large\.search data nodes/)?.quantity).toBe(3);
    expect(item(/EBS gp3 \(250 GB per node\)/)?.quantity).toBe(750);
    const sum = estimate.tiers.reduce((s, t) => s + t.monthlyUsd, 0);
    expect(estimate.totalMonthlyUsd).toBeCloseTo(sum, 1);
    expect(estimate.totalMonthlyUsd).toBeGreaterThan(1500);
    expect(estimate.totalMonthlyUsd).toBeLessThan(4000);
    expect(estimate.unpriced).toEqual([]);
    expect(estimate.priceDate).toMatch(/^\d{4}-\d\d-\d\d$/);
  });

  it('follows the config: fewer AZs, a single-instance broker, another region', () => {
    const small = estimateMonthlyCost(config({ region: 'eu-west-1', network: { azCount: 2 }, data: { mq: { deploymentMode: 'SINGLE_INSTANCE' } } }));
    const items = small.tiers.flatMap((t) => t.items);
    expect(items.find((i) => i.item === 'NAT gateway')?.quantity).toBe(2);
    expect(items.find((i) => /Amazon MQ/.test(i.item))?.quantity).toBe(1);
    expect(small.pricedRegion).toBe('eu-west-1');
    const far = estimateMonthlyCost(config({ region: 'ap-southeast-2' }));
    expect(far.notes[0]).toMatch(/No prices for ap-southeast-2/);
  });
});
