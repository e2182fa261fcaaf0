import { buildGraph } from '../engine/graph.js';
import type { Tier } from '../engine/types.js';
import { TIERS } from '../engine/types.js';
import { buildStack } from '../stack/index.js';
import { loadConfig } from '../config/load.js';
import type { Terminal } from '../ui/terminal.js';
import { CliError } from './errors.js';
import type { GlobalOptions } from './workspace.js';

/** The resource graph as Graphviz DOT, from the config alone (AZ names are placeholders unless the config lists them). */
export async function graphCommand(options: GlobalOptions & { tier?: string }, term: Terminal): Promise<number> {
  const { config } = await loadConfig(options.config);
  if (options.tier && !TIERS.includes(options.tier as Tier)) throw new CliError(`--tier must be one of ${TIERS.join(', ')}`);
  const azs = config.network.availabilityZones ?? Array.from({ length: config.network.azCount }, (_, i) => `${config.region}${'abc'[i]}`);
  const graph = buildGraph(buildStack(config, { azs, accountId: '000000000000', partition: 'aws' }));
  const keep = (address: string) => !options.tier || graph.nodes.get(address)?.tier === options.tier;
  const lines = ['digraph morpheus_ws {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];'];
  for (const [address, node] of graph.nodes) {
    if (keep(address)) lines.push(`  "${address}" [label="${address}\\n${node.kind}"];`);
  }
  for (const [address, deps] of graph.deps) {
    if (!keep(address)) continue;
    for (const dep of deps) if (keep(dep)) lines.push(`  "${address}" -> "${dep}";`);
  }
  lines.push('}');
  term.out(lines.join('\n'));
  return 0;
}
