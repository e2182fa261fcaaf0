/** What `init` is about to write, in words an operator checks before confirming: the answers, the cost, the caveats. */
import type { CostEstimate } from '../checks/costEstimate.js';
import { drRegionFor } from '../config/backup.js';
import { certificateSource } from '../config/edge.js';
import { searchInstanceCount } from '../config/data.js';
import type { Config } from '../config/schema.js';
import type { Terminal } from './terminal.js';

const usd = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;

/** The caveats worth a second look before the file is written. */
export function initWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.edge.enabled && certificateSource(config.edge) === 'self-signed') {
    warnings.push('self-signed certificate: demo only, NOT for production (browsers warn, clients cannot verify the server)');
  }
  if (config.network.allowedIngressCidrs.includes('0.0.0.0/0')) warnings.push('the load balancer is open to the whole internet (0.0.0.0/0)');
  if (config.monitoring.enabled && !config.monitoring.alarmEmails.length) warnings.push('no alarm email: alarms go to an SNS topic nobody is subscribed to');
  if (config.backup.enabled && !config.backup.copyToDrRegion) warnings.push('backups are not copied to another region: a regional outage loses them');
  return warnings;
}

function certificateLine(config: Config): string {
  const edge = config.edge;
  switch (certificateSource(edge)) {
    case 'existing': return `existing ACM certificate ${edge.certificateArn}${edge.hostedZoneId ? ` (alias record in ${edge.hostedZoneId})` : ''}`;
    case 'dns-validated': return `new ACM certificate, DNS-validated in Route 53 zone ${edge.hostedZoneId}`;
    default: return 'self-signed (demo only, NOT for production)';
  }
}

export function renderInitSummary(config: Config, estimate: CostEstimate, term: Terminal, file: string): void {
  const { c } = term;
  const net = config.network;
  const zones = net.availabilityZones?.join(', ') ?? `the first ${net.azCount} of the region (looked up at plan time)`;
  const dr = config.backup.enabled ? (config.backup.copyToDrRegion ? drRegionFor(config) ?? '(none)' : 'no copy') : 'backups off';
  const state = config.state.backend === 's3'
    ? `S3 s3://${config.state.bucket}/${config.state.key.replaceAll('{workspace}', config.workspace)}${config.state.region ? ` (${config.state.region})` : ''}`
    : `local file ${config.state.dir}/${config.workspace}.state.json`;
  const rows: [string, string][] = [
    ['workspace', config.workspace],
    ['region', config.region],
    ['availability zones', zones],
    ['VPC', net.vpcCidr],
    ['allowed clients', net.allowedIngressCidrs.join(', ')],
    ['host name', config.edge.hostname ?? "the load balancer's DNS name"],
    ['certificate', certificateLine(config)],
    ['app nodes', `${config.app.instanceType}, ${config.app.minSize}–${config.app.maxSize} nodes (${config.app.desiredCapacity} at start)`],
    ['database', `Aurora MySQL ${config.data.db.instanceClass} × ${config.data.db.instanceCount}`],
    ['broker', `Amazon MQ ${config.data.mq.instanceType} (${config.data.mq.deploymentMode})`],
    ['search', `OpenSearch ${config.data.search.instanceType} × ${searchInstanceCount(config.data, net.azCount)}`],
    ['alarm email', config.monitoring.alarmEmails.join(', ') || '(none)'],
    ['monthly budget', config.monitoring.budget.enabled ? usd(config.monitoring.budget.monthlyUsd) : 'off'],
    ['DR region', dr],
    ['state', state],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  term.out('');
  term.out(c.bold(`Summary (${file})`));
  for (const [key, value] of rows) term.out(`  ${key.padEnd(width)}  ${value}`);
  const tiers = estimate.tiers.map((t) => `${t.tier} ${usd(t.monthlyUsd)}`).join(', ');
  term.out(`  ${'estimated cost'.padEnd(width)}  ${c.bold(`≈ ${usd(estimate.totalMonthlyUsd)} per month`)} ${c.dim(`(${tiers}; on-demand, ${estimate.pricedRegion} prices of ${estimate.priceDate}; details: morpheus-ws cost)`)}`);
  if (config.monitoring.budget.enabled && config.monitoring.budget.monthlyUsd < estimate.totalMonthlyUsd) {
    term.out(c.yellow(`  warning: the budget ${usd(config.monitoring.budget.monthlyUsd)} is below the estimate; its alerts will fire every month`));
  }
  for (const warning of initWarnings(config)) term.out(c.yellow(`  warning: ${warning}`));
  term.out('');
}
