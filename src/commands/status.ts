import { diffInputs, handlerFor, refresh } from '../engine/planner.js';
import { resolveInputs } from '../engine/graph.js';
import { UNKNOWN } from '../engine/types.js';
import type { Terminal } from '../ui/terminal.js';
import { openStack, openWorkspace, type GlobalOptions } from './workspace.js';

export interface ResourceStatus {
  address: string;
  kind: string;
  tier: string;
  id: string;
  status: 'ok' | 'drifted' | 'missing' | 'not created';
  drift?: string[];
}

/** Live state of every resource, read from AWS: present, drifted (which fields) or gone. Exit 3 when degraded. */
export async function statusCommand(options: GlobalOptions, term: Terminal): Promise<number> {
  const workspace = await openWorkspace(options, term);
  const stack = await openStack(workspace, undefined);
  const { doc } = await workspace.backend.read();
  if (!doc || !Object.keys(doc.resources).length) {
    if (term.json) term.out(JSON.stringify({ workspace: workspace.config.workspace, resources: [], healthy: false }));
    else term.out(`Workspace ${workspace.config.workspace} has nothing deployed (${workspace.backend.describe()}). Run morpheus-ws apply.`);
    return 0;
  }
  const refreshed = await refresh(doc, stack.engine);
  const rows: ResourceStatus[] = [];
  for (const [address, node] of stack.graph.nodes) {
    const resource = doc.resources[address];
    if (!resource) {
      rows.push({ address, kind: node.kind, tier: node.tier, id: '', status: 'not created' });
      continue;
    }
    const actual = refreshed.actual.get(address);
    if (!actual) {
      rows.push({ address, kind: node.kind, tier: node.tier, id: resource.id, status: 'missing' });
      continue;
    }
    const handler = handlerFor(stack.engine.handlers, node.kind, address);
    const lookup = (dep: string, output: string) => refreshed.actual.get(dep)?.outputs[output] ?? doc.resources[dep]?.outputs[output] ?? UNKNOWN;
    const { value, unknownFields } = resolveInputs(node.inputs, lookup, UNKNOWN);
    const drift = diffInputs(handler, value, unknownFields, actual.inputs).map((c) => c.field);
    rows.push({ address, kind: node.kind, tier: node.tier, id: actual.id, status: drift.length ? 'drifted' : 'ok', ...(drift.length ? { drift } : {}) });
  }
  const healthy = rows.every((r) => r.status === 'ok');
  if (term.json) {
    term.out(JSON.stringify({ workspace: workspace.config.workspace, region: workspace.config.region, healthy, resources: rows }));
  } else {
    const width = Math.min(56, Math.max(...rows.map((r) => r.address.length)));
    const { c } = term;
    for (const row of rows) {
      const status = row.status === 'ok' ? c.green('ok') : row.status === 'drifted' ? c.yellow(`drifted: ${row.drift!.join(', ')}`) : c.red(row.status);
      term.out(`${row.address.padEnd(width)}  ${status.padEnd(10)}  ${c.dim(row.id)}`);
    }
    const counts = (s: ResourceStatus['status']) => rows.filter((r) => r.status === s).length;
    term.out(`\n${rows.length} resources: ${counts('ok')} ok, ${counts('drifted')} drifted, ${counts('missing')} missing, ${counts('not created')} not created.`);
  }
  return healthy ? 0 : 3;
}
