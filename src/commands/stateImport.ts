/**
 * `state import ADDRESS ID`: adopt a resource that already exists in AWS at an address the stack declares, so the
 * next plan manages it instead of creating a second one. Nothing in AWS changes: the resource is read through its
 * kind's handler and recorded as it is; `plan` then shows only where it differs from the config.
 */
import { resolveInputs, type Graph } from '../engine/graph.js';
import { diffInputs, handlerFor, type EngineContext } from '../engine/planner.js';
import { UNKNOWN, type Actual, type FieldChange, type Inputs } from '../engine/types.js';
import type { StateStore } from '../state/store.js';
import type { Terminal } from '../ui/terminal.js';
import { CliError } from './errors.js';
import { openStack, openWorkspace, parseDuration, withLock, type GlobalOptions } from './workspace.js';

export interface ImportOptions extends GlobalOptions {
  lockTimeout: string;
}

export interface ImportResult {
  kind: string;
  actual: Actual;
  /** Fields where the resource differs from the config (what the next plan will show). */
  differences: FieldChange[];
  /** Fields that depend on resources not in the state yet, so they cannot be compared now. */
  undetermined: string[];
}

/** Up to five declared addresses sharing the longest prefix with the one asked for (a typo, a wrong index). */
export function similarAddresses(addresses: Iterable<string>, address: string): string[] {
  const common = (a: string) => {
    let n = 0;
    while (n < a.length && n < address.length && a[n] === address[n]) n++;
    return n;
  };
  const scored = [...addresses].map((a) => ({ a, n: common(a) }));
  const best = Math.max(0, ...scored.map((s) => s.n));
  // Sharing only the tier ("network.") is no hint at all.
  if (best <= address.indexOf('.') + 1) return [];
  return scored.filter((s) => s.n === best).map((s) => s.a).sort().slice(0, 5);
}

/**
 * Reads the resource `id` as the kind declared at `address` and records it in the store (not yet persisted).
 * The handler gets the config's inputs, resolved against what the state already holds, as the "last applied"
 * values it may need for fields the API cannot return.
 */
export async function importResource<Ctx>(store: StateStore, graph: Graph, engine: EngineContext<Ctx>, address: string, id: string): Promise<ImportResult> {
  const node = graph.nodes.get(address);
  if (!node) {
    const similar = similarAddresses(graph.nodes.keys(), address);
    throw new CliError(`${address} is not an address this configuration declares` +
      (similar.length ? `; did you mean ${similar.join(', ')}?` : '; see `morpheus-ws graph` for the addresses'));
  }
  const existing = store.resource(address);
  if (existing) {
    throw new CliError(`${address} is already in the state (${existing.kind} ${existing.id}). ` +
      'To adopt another resource there, `morpheus-ws state rm` it first.');
  }
  const twin = Object.entries(store.doc.resources).find(([, r]) => r.kind === node.kind && r.id === id);
  if (twin) throw new CliError(`${node.kind} ${id} is already in the state as ${twin[0]}; one resource cannot be managed at two addresses`);

  const handler = handlerFor(engine.handlers, node.kind, address);
  const { value: desired, unknownFields } = resolveInputs(node.inputs,
    (dep, output) => store.resource(dep)?.outputs[output] ?? UNKNOWN, UNKNOWN);
  const known: Inputs = Object.fromEntries(Object.entries(desired).filter(([field]) => !unknownFields.has(field)));
  const found = await handler.read(engine.ctx, [{ address, id, inputs: known, outputs: {} }]);
  const actual = found.get(address);
  if (!actual) throw new CliError(`no ${node.kind} with id ${id} was found (region and account of this workspace); nothing was imported`);

  store.putResource(address, {
    kind: node.kind, tier: node.tier, id: actual.id, inputs: actual.inputs, outputs: actual.outputs,
    dependsOn: [...(graph.deps.get(address) ?? [])],
  });
  const changes = diffInputs(handler, desired, unknownFields, actual.inputs);
  return {
    kind: node.kind, actual,
    differences: changes.filter((c) => c.after !== UNKNOWN),
    undetermined: changes.filter((c) => c.after === UNKNOWN).map((c) => c.field),
  };
}

export async function stateImportCommand(address: string, id: string, options: ImportOptions, term: Terminal): Promise<number> {
  const workspace = await openWorkspace(options, term);
  return withLock(workspace, 'state import', parseDuration(options.lockTimeout), async (store) => {
    const stack = await openStack(workspace, undefined);
    const result = await importResource(store, stack.graph, stack.engine, address, id);
    await store.persist();
    term.out(`Imported ${address} (${result.kind} ${result.actual.id}) into ${workspace.backend.describe()}. Nothing in AWS was changed.`);
    const replacing = result.differences.filter((c) => c.forcesReplacement).map((c) => c.field);
    if (replacing.length) {
      term.out(term.c.red(`Warning: ${replacing.join(', ')} differ from the config and cannot change in place: ` +
        'the next apply would DELETE and re-create this resource. Check `morpheus-ws plan`, or change the config to match.'));
    }
    const inPlace = result.differences.filter((c) => !c.forcesReplacement).map((c) => c.field);
    if (inPlace.length) term.out(`It differs from the config in ${inPlace.join(', ')}: the next apply would update it in place (see \`morpheus-ws plan\`).`);
    if (result.undetermined.length) {
      term.out(term.c.dim(`Not compared yet: ${result.undetermined.join(', ')} (they refer to resources not in the state).`));
    }
    if (!result.differences.length && !result.undetermined.length) term.out('It matches the config.');
    return 0;
  });
}
