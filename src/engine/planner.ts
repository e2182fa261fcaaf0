/**
 * refresh (read what exists, batched per kind) + diff per field -> one action per node.
 */
import { deepEqual } from './canonical.js';
import type { EventSink } from './events.js';
import { resolveInputs, topologicalOrder, type Graph } from './graph.js';
import {
  UNKNOWN, type Actual, type FieldChange, type HandlerRegistry, type Inputs, type PlannedAction, type ResourceHandler,
} from './types.js';
import type { StateDoc } from '../state/types.js';

export interface EngineContext<Ctx> {
  handlers: HandlerRegistry<Ctx>;
  ctx: Ctx;
  tagsFor(address: string): Record<string, string>;
  emit?: EventSink;
}

export interface Refreshed {
  /** What exists now, by address (state resources still there, plus resources found for pending intents). */
  actual: Map<string, Actual>;
  /** Intents whose resource was found: they are adopted into state when the plan is applied. */
  adopted: Set<string>;
  /** In state but no longer in AWS. */
  gone: Set<string>;
}

export interface Plan {
  actions: PlannedAction[];
  refreshed: Refreshed;
}

export function handlerFor<Ctx>(handlers: HandlerRegistry<Ctx>, kind: string, address: string): ResourceHandler<Ctx> {
  const handler = handlers.get(kind);
  if (!handler) throw new Error(`${address}: no handler for kind ${kind} (is this state from a newer morpheus-ws?)`);
  return handler;
}

export async function refresh<Ctx>(state: StateDoc, engine: EngineContext<Ctx>): Promise<Refreshed> {
  const started = Date.now();
  const byKind = new Map<string, string[]>();
  for (const [address, resource] of Object.entries(state.resources)) {
    byKind.set(resource.kind, [...(byKind.get(resource.kind) ?? []), address]);
  }
  engine.emit?.({ type: 'refresh_start', kinds: byKind.size, resources: Object.keys(state.resources).length });
  const actual = new Map<string, Actual>();
  const gone = new Set<string>();
  const adopted = new Set<string>();
  await Promise.all([...byKind].map(async ([kind, addresses]) => {
    const handler = handlerFor(engine.handlers, kind, addresses[0]);
    const found = await handler.read(engine.ctx, addresses.map((address) => {
      const r = state.resources[address];
      return { address, id: r.id, inputs: r.inputs, outputs: r.outputs };
    }));
    for (const address of addresses) {
      const item = found.get(address);
      if (item) actual.set(address, item);
      else gone.add(address);
    }
  }));
  await Promise.all(Object.entries(state.intents).map(async ([address, intent]) => {
    if (state.resources[address]) return;
    const handler = handlerFor(engine.handlers, intent.kind, address);
    const found = await handler.find(engine.ctx, { address, token: intent.token, inputs: intent.inputs ?? {}, tags: engine.tagsFor(address) });
    if (found) {
      actual.set(address, found);
      adopted.add(address);
    }
  }));
  engine.emit?.({ type: 'refresh_done', ms: Date.now() - started });
  return { actual, adopted, gone };
}

/** Per-field differences between desired (resolved) inputs and what AWS has. */
export function diffInputs<Ctx>(handler: ResourceHandler<Ctx>, desired: Inputs, unknownFields: ReadonlySet<string>, actual: Inputs | undefined): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [field, after] of Object.entries(desired)) {
    if (handler.ignoreDiff?.includes(field)) continue;
    const sensitive = handler.sensitive?.includes(field) ?? false;
    const forcesReplacement = handler.forceNew?.includes(field) ?? false;
    if (!actual) {
      changes.push({ field, before: undefined, after: unknownFields.has(field) ? UNKNOWN : after, forcesReplacement: false, sensitive });
      continue;
    }
    if (unknownFields.has(field)) {
      changes.push({ field, before: actual[field], after: UNKNOWN, forcesReplacement, sensitive });
      continue;
    }
    if (!(field in actual)) continue; // the API cannot tell: not diffed
    const equal = handler.equal ? handler.equal(field, after, actual[field]) : deepEqual(after, actual[field]);
    if (!equal) changes.push({ field, before: actual[field], after, forcesReplacement, sensitive });
  }
  return changes;
}

/** Desired graph + state + what AWS has -> actions, in dependency order, then deletions of what left the config. */
export function planActions<Ctx>(graph: Graph, state: StateDoc, refreshed: Refreshed, handlers: HandlerRegistry<Ctx>): PlannedAction[] {
  const actions: PlannedAction[] = [];
  const byAddress = new Map<string, PlannedAction>();
  for (const address of topologicalOrder(graph.deps)) {
    const node = graph.nodes.get(address)!;
    const handler = handlerFor(handlers, node.kind, address);
    const actual = refreshed.actual.get(address);
    const lookup = (dep: string, output: string): unknown => {
      const depAction = byAddress.get(dep);
      if (!depAction || depAction.action === 'create' || depAction.action === 'replace') return UNKNOWN;
      const depNode = graph.nodes.get(dep)!;
      if (depAction.action === 'update' && handlerFor(handlers, depNode.kind, dep).volatileOutputs?.includes(output)) return UNKNOWN;
      return refreshed.actual.get(dep)?.outputs[output] ?? UNKNOWN;
    };
    const { value, unknownFields } = resolveInputs(node.inputs, lookup, UNKNOWN);
    const changes = diffInputs(handler, value, unknownFields, actual?.inputs);
    let action: PlannedAction;
    if (!actual) {
      const reason = state.intents[address] ? 'an interrupted create left nothing behind' :
        refreshed.gone.has(address) ? 'in state but gone from AWS' : undefined;
      action = { address, kind: node.kind, tier: node.tier, action: 'create', reason, changes };
    } else if (state.resources[address] && state.resources[address].kind !== node.kind) {
      action = { address, kind: node.kind, tier: node.tier, action: 'replace', id: actual.id, reason: `kind changed from ${state.resources[address].kind}`, changes };
    } else {
      const replace = changes.some((c) => c.forcesReplacement);
      const type = replace ? 'replace' : changes.length ? (handler.update ? 'update' : 'replace') : 'noop';
      action = {
        address, kind: node.kind, tier: node.tier, action: type, id: actual.id, changes,
        reason: refreshed.adopted.has(address) ? 'adopted from an interrupted run' : undefined,
      };
    }
    byAddress.set(address, action);
    actions.push(action);
  }
  // What the state has but the config no longer wants: delete, dependants first.
  const orphanDeps = new Map<string, Set<string>>();
  for (const [address, resource] of Object.entries(state.resources)) {
    if (!graph.nodes.has(address) && !refreshed.gone.has(address)) orphanDeps.set(address, new Set(resource.dependsOn));
  }
  for (const address of refreshed.adopted) {
    if (!graph.nodes.has(address)) orphanDeps.set(address, new Set(state.intents[address]?.dependsOn ?? []));
  }
  for (const address of topologicalOrder(orphanDeps).reverse()) {
    const kind = state.resources[address]?.kind ?? state.intents[address].kind;
    const tier = state.resources[address]?.tier ?? state.intents[address].tier;
    actions.push({ address, kind, tier, action: 'delete', id: refreshed.actual.get(address)?.id, reason: 'no longer in the config', changes: [] });
  }
  return actions;
}

export function summarize(actions: PlannedAction[]): { add: number; change: number; destroy: number; replace: number } {
  const count = (type: string) => actions.filter((a) => a.action === type).length;
  return { add: count('create'), change: count('update'), destroy: count('delete'), replace: count('replace') };
}

export function hasChanges(actions: PlannedAction[]): boolean {
  return actions.some((a) => a.action !== 'noop');
}
