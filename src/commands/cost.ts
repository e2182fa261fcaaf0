/**
 * `morpheus-ws cost`: the stack's estimated monthly cost per tier, from the config and the price table shipped with
 * the tool (src/config/prices.ts). No AWS call; `~` marks prices that are estimates rather than confirmed list
 * prices. Also shows the capacity guidance (Morpheus's documented sizing vs the config).
 *
 * `--json` prints one document: the CostEstimate of src/checks/costEstimate.ts plus `capacity`:
 *   { workspace, region, pricedRegion, priceDate, source, currency: 'USD', totalMonthlyUsd,
 *     tiers: [{ tier, monthlyUsd, items: [{ tier, item, quantity, unit, unitUsd, per: 'hour'|'month', monthlyUsd, confirmed, assumption? }] }],
 *     unpriced: string[], notes: string[], capacity: [{ id, level, message }] }
 */
import { capacityFindings } from '../checks/capacity.js';
import { estimateMonthlyCost, type CostEstimate } from '../checks/costEstimate.js';
import { loadConfig } from '../config/load.js';
import { USAGE } from '../config/prices.js';
import type { Terminal } from '../ui/terminal.js';
import type { GlobalOptions } from './workspace.js';

const usd = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function renderCost(estimate: CostEstimate, term: Terminal): void {
  const { c } = term;
  term.out(`Estimated monthly cost of workspace ${estimate.workspace} (${estimate.region}), on-demand ${estimate.currency}`);
  term.out(c.dim(`Prices: ${estimate.source}, ${estimate.pricedRegion}, as of ${estimate.priceDate}. ~ = estimate.`));
  const width = Math.max(40, ...estimate.tiers.flatMap((t) => t.items.map((i) => i.item.length)));
  for (const tier of estimate.tiers) {
    term.out(`\n${c.bold(tier.tier)}`);
    for (const i of tier.items) {
      const mark = i.confirmed ? ' ' : '~';
      const rate = `× $${i.unitUsd.toFixed(4)}/${i.per === 'hour' ? 'h' : 'mo'}`;
      term.out(`  ${i.item.padEnd(width)}  ${String(i.quantity).padStart(5)} ${i.unit.padEnd(13)} ${rate.padEnd(15)} ${mark}${usd(i.monthlyUsd).padStart(11)}`);
    }
    term.out(`  ${'subtotal'.padEnd(width)}  ${''.padStart(5)} ${''.padEnd(13)} ${''.padEnd(15)}  ${c.bold(usd(tier.monthlyUsd).padStart(11))}`);
  }
  term.out(`\n${c.bold(`Total ≈ ${usd(estimate.totalMonthlyUsd)} per month`)}`);
  term.out(c.dim(`Usage assumed: ${USAGE.natGbPerMonth} GB through NAT, ${USAGE.albLcus} ALB LCU, ${USAGE.efsGb} GB on EFS, `
    + `${USAGE.auroraStorageGb} GB and ${USAGE.auroraIoMillionsPerMonth} M I/O on Aurora.`));
  for (const note of estimate.notes) term.out(c.dim(note));
  if (estimate.unpriced.length) term.out(c.yellow(`Not in the price table (not counted): ${estimate.unpriced.join(', ')}`));
}

/** Monthly cost estimate per tier, from the config alone. */
export async function costCommand(options: GlobalOptions, term: Terminal): Promise<number> {
  const { config } = await loadConfig(options.config);
  const estimate = estimateMonthlyCost(config);
  const capacity = capacityFindings(config);
  if (term.json) {
    term.out(JSON.stringify({ ...estimate, capacity }));
    return 0;
  }
  renderCost(estimate, term);
  const issues = capacity.filter((f) => f.level !== 'ok');
  term.out(`\n${term.c.bold('Capacity')} (Morpheus sizing guidance)`);
  for (const f of issues.length ? issues : capacity) {
    term.out(`  ${f.level === 'ok' ? term.c.green('ok  ') : f.level === 'warn' ? term.c.yellow('warn') : term.c.red('fail')}  ${f.message}`);
  }
  return 0;
}
