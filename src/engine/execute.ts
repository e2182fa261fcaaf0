/**
 * apply: walk the graph in parallel and make AWS match the plan, persisting state after every change.
 * destroy: the same walk in reverse over what the state holds.
 */
import { randomUUID } from 'node:crypto';
import type { StateStore } from '../state/store.js';
import { errorSummary } from './errorSummary.js';
import { resolveInputs, reverseEdges, type Graph } from './graph.js';
import { diffInputs, handlerFor, type EngineContext, type Plan } from './planner.js';
import { walkGraph, type WalkResult } from './walker.js';
import { UNKNOWN, type ActionType, type Actual, type NodeCall, type PlannedAction } from './types.js';
import type { StateDoc } from '../state/types.js';

export interface RunOptions<Ctx> extends EngineContext<Ctx> {
  store: StateStore;
  parallelism: number;
  /** No new node starts once aborted (first Ctrl-C). */
  stop?: AbortSignal;
  /** Cancels waits in flight (second Ctrl-C). */
  abort?: AbortSignal;
}

export interface RunResult {
  done: number;
  failed: { address: string; error: unknown }[];
  skipped: { address: string; reason: string }[];
  ms: number;
}

class NodeRunner<Ctx> {
  private readonly started = Date.now();

  constructor(private readonly options: RunOptions<Ctx>) {}

  call(address: string, action: ActionType): NodeCall {
    const begun = Date.now();
    return {
      address,
      signal: this.options.abort ?? new AbortController().signal,
      report: (message) => this.options.emit?.({ type: 'node_progress', address, action, message, elapsedMs: Date.now() - begun }),
    };
  }

  async track(address: string, action: ActionType, work: () => Promise<string | undefined>): Promise<void> {
    const begun = Date.now();
    this.options.emit?.({ type: 'node_start', address, action });
    try {
      const id = await work();
      this.options.emit?.({ type: 'node_done', address, action, id, ms: Date.now() - begun });
    } catch (error) {
      this.options.emit?.({ type: 'node_failed', address, action, ...errorSummary(error), ms: Date.now() - begun });
      throw error;
    }
  }

  result(walks: WalkResult[]): RunResult {
    return {
      done: walks.reduce((n, w) => n + w.done.length, 0),
      failed: walks.flatMap((w) => [...w.failed].map(([address, error]) => ({ address, error }))),
      skipped: walks.flatMap((w) => [...w.skipped].map(([address, reason]) => ({ address, reason }))),
      ms: Date.now() - this.started,
    };
  }
}

async function deleteFromState<Ctx>(options: RunOptions<Ctx>, runner: NodeRunner<Ctx>, address: string): Promise<void> {
  const { store } = options;
  const resource = store.resource(address);
  if (!resource) return;
  const handler = handlerFor(options.handlers, resource.kind, address);
  await handler.delete(options.ctx, { ...runner.call(address, 'delete'), id: resource.id, inputs: resource.inputs, outputs: resource.outputs });
  store.removeResource(address);
  await store.persist();
}

export async function applyPlan<Ctx>(graph: Graph, plan: Plan, options: RunOptions<Ctx>): Promise<RunResult> {
  const { store, handlers, ctx } = options;
  const runner = new NodeRunner(options);
  const planned = new Map(plan.actions.map((a) => [a.address, a]));

  // Adopt what interrupted runs created; forget what vanished from AWS.
  for (const address of plan.refreshed.adopted) {
    const actual = plan.refreshed.actual.get(address)!;
    const intent = store.doc.intents[address];
    store.putResource(address, {
      kind: intent.kind, tier: intent.tier, id: actual.id, inputs: actual.inputs, outputs: actual.outputs, dependsOn: intent.dependsOn,
    });
  }
  for (const address of plan.refreshed.gone) store.removeResource(address);
  await store.persist();

  const emitSkip = (address: string, reason: string) => {
    const action = planned.get(address)?.action ?? 'noop';
    options.emit?.({ type: 'node_skipped', address, action, reason });
  };

  // 1. What left the config: dependants first.
  const orphans = new Map<string, Set<string>>();
  for (const action of plan.actions) {
    if (action.action === 'delete') orphans.set(action.address, new Set(store.resource(action.address)?.dependsOn ?? []));
  }
  const deletions = await walkGraph(reverseEdges(orphans), (address) =>
    runner.track(address, 'delete', async () => { await deleteFromState(options, runner, address); return undefined; }),
  { parallelism: options.parallelism, stop: options.stop, onSkip: emitSkip });

  // 2. The desired graph, each node as soon as its dependencies are done.
  const forward = await walkGraph(graph.deps, async (address) => {
    const node = graph.nodes.get(address)!;
    const handler = handlerFor(handlers, node.kind, address);
    const lookup = (dep: string, output: string) => store.resource(dep)?.outputs[output] ?? UNKNOWN;
    const { value: inputs, unknownFields } = resolveInputs(node.inputs, lookup, UNKNOWN);
    if (unknownFields.size) throw new Error(`${address}: inputs ${[...unknownFields].join(', ')} refer to outputs that do not exist`);
    const dependsOn = [...(graph.deps.get(address) ?? [])];
    const existing = store.resource(address);
    let actual: Actual | undefined = existing ? plan.refreshed.actual.get(address) : undefined;
    let type: ActionType;
    if (!existing || !actual || planned.get(address)?.action === 'create') type = 'create';
    else if (existing.kind !== node.kind) type = 'replace';
    else {
      // Re-diff now that dependencies are applied: their outputs may have changed since the plan.
      const changes = diffInputs(handler, inputs, new Set(), actual.inputs);
      type = changes.some((c) => c.forcesReplacement) || (changes.length && !handler.update) ? 'replace'
        : changes.length ? 'update' : 'noop';
      if (type === 'update') {
        const changed = changes.map((c) => c.field);
        const tags = options.tagsFor(address);
        await runner.track(address, 'update', async () => {
          actual = await handler.update!(ctx, { ...runner.call(address, 'update'), id: actual!.id, inputs, previous: actual!, changed, tags });
          store.putResource(address, { kind: node.kind, tier: node.tier, id: actual.id, inputs, outputs: actual.outputs, dependsOn });
          await store.persist();
          return actual.id;
        });
        return;
      }
      if (type === 'noop') {
        if (existing.inputsHash !== undefined && JSON.stringify(existing.outputs) !== JSON.stringify(actual.outputs)) {
          store.putResource(address, { kind: node.kind, tier: node.tier, id: actual.id, inputs, outputs: actual.outputs, dependsOn });
          await store.persist();
        }
        return;
      }
    }
    await runner.track(address, type, async () => {
      if (type === 'replace') {
        await deleteFromState(options, runner, address);
        actual = undefined;
      }
      const intent = store.doc.intents[address];
      const token = intent?.token ?? randomUUID();
      store.putIntent(address, { kind: node.kind, tier: node.tier, token, started: new Date().toISOString(), dependsOn, inputs });
      await store.persist();
      const tags = options.tagsFor(address);
      const created = await handler.create(ctx, { ...runner.call(address, type), inputs, token, tags });
      store.putResource(address, { kind: node.kind, tier: node.tier, id: created.id, inputs, outputs: created.outputs, dependsOn });
      await store.persist();
      return created.id;
    });
  }, { parallelism: options.parallelism, stop: options.stop, onSkip: emitSkip });

  return runner.result([deletions, forward]);
}

/** Delete everything the state holds (and anything an interrupted create left), dependants first. */
export async function destroyAll<Ctx>(plan: Plan, options: RunOptions<Ctx>): Promise<RunResult> {
  const { store } = options;
  const runner = new NodeRunner(options);
  for (const address of plan.refreshed.adopted) {
    const actual = plan.refreshed.actual.get(address)!;
    const intent = store.doc.intents[address];
    store.putResource(address, { kind: intent.kind, tier: intent.tier, id: actual.id, inputs: actual.inputs, outputs: actual.outputs, dependsOn: intent.dependsOn });
  }
  for (const address of plan.refreshed.gone) store.removeResource(address);
  // Intents that left nothing behind are resolved: nothing to delete.
  for (const address of Object.keys(store.doc.intents)) if (!store.resource(address)) store.removeIntent(address);
  await store.persist();

  const deps = new Map<string, Set<string>>();
  for (const [address, resource] of Object.entries(store.doc.resources)) deps.set(address, new Set(resource.dependsOn));
  const walk = await walkGraph(reverseEdges(deps), (address) =>
    runner.track(address, 'delete', async () => { await deleteFromState(options, runner, address); return undefined; }),
  {
    parallelism: options.parallelism, stop: options.stop,
    onSkip: (address, reason) => options.emit?.({ type: 'node_skipped', address, action: 'delete', reason }),
  });
  return runner.result([walk]);
}

/** The actions `destroy` will take, for its confirmation. */
export function planDestroy(state: StateDoc, refreshed: Plan['refreshed']): Plan {
  const actions: PlannedAction[] = Object.entries(state.resources).filter(([address]) => !refreshed.gone.has(address))
    .map(([address, r]) => ({ address, kind: r.kind, tier: r.tier, action: 'delete', id: r.id, changes: [] }));
  for (const address of refreshed.adopted) {
    const intent = state.intents[address];
    actions.push({ address, kind: intent.kind, tier: intent.tier, action: 'delete', id: refreshed.actual.get(address)?.id, reason: 'left by an interrupted create', changes: [] });
  }
  return { actions, refreshed };
}
