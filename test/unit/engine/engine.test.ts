import { describe, expect, it } from 'vitest';
import { applyPlan, destroyAll, planDestroy } from '../../../src/engine/execute.js';
import { buildGraph, topologicalOrder, GraphError } from '../../../src/engine/graph.js';
import { planActions, refresh, type EngineContext } from '../../../src/engine/planner.js';
import { ref, type DesiredNode, type HandlerRegistry } from '../../../src/engine/types.js';
import type { EngineEvent } from '../../../src/engine/events.js';
import { StateStore } from '../../../src/state/store.js';
import { FakeCloud } from './fakeCloud.js';
import { MemoryBackend } from './memoryBackend.js';

function node(address: string, inputs: Record<string, unknown> = {}, dependsOn?: string[]): DesiredNode {
  return { address, kind: 'fake.thing', tier: 'network', inputs: { name: address, ...inputs }, dependsOn };
}

/** vpc <- subnet[a], subnet[b] <- nat[a] ; sg independent */
function stack(extra: Record<string, unknown> = {}): DesiredNode[] {
  return [
    node('vpc', { cidr: '10.0.0.0/16', ...extra }),
    node('subnet[a]', { vpcId: ref('vpc', 'id') }),
    node('subnet[b]', { vpcId: ref('vpc', 'id') }),
    node('nat[a]', { subnetId: ref('subnet[a]', 'id') }),
    node('sg', { rules: [1, 2] }),
  ];
}

async function setup() {
  const cloud = new FakeCloud();
  const handlers: HandlerRegistry = new Map([['fake.thing', cloud.handler()]]);
  const backend = new MemoryBackend();
  const events: EngineEvent[] = [];
  const engine: EngineContext<unknown> = { handlers, ctx: {}, tagsFor: (a) => ({ address: a }), emit: (e) => events.push(e) };
  const open = () => StateStore.open(backend, 'demo', 'us-east-1');
  return { cloud, handlers, backend, events, engine, open };
}

async function applyStack(s: Awaited<ReturnType<typeof setup>>, desired: DesiredNode[], parallelism = 10) {
  const store = await s.open();
  const graph = buildGraph(desired);
  const refreshed = await refresh(store.doc, s.engine);
  const actions = planActions(graph, store.doc, refreshed, s.handlers);
  const result = await applyPlan(graph, { actions, refreshed }, { ...s.engine, store, parallelism });
  return { store, actions, result };
}

async function planOnly(s: Awaited<ReturnType<typeof setup>>, desired: DesiredNode[]) {
  const store = await s.open();
  const refreshed = await refresh(store.doc, s.engine);
  return planActions(buildGraph(desired), store.doc, refreshed, s.handlers);
}

describe('graph', () => {
  it('orders dependencies first and infers them from refs', () => {
    const graph = buildGraph(stack());
    expect([...graph.deps.get('nat[a]')!]).toEqual(['subnet[a]']);
    const order = topologicalOrder(graph.deps);
    expect(order.indexOf('vpc')).toBeLessThan(order.indexOf('subnet[a]'));
    expect(order.indexOf('subnet[a]')).toBeLessThan(order.indexOf('nat[a]'));
  });

  it('names the cycle and unknown references', () => {
    expect(() => buildGraph([node('a', { x: ref('b', 'id') }), node('b', { x: ref('a', 'id') })])).toThrow(/cycle: a -> b -> a/);
    expect(() => buildGraph([node('a', { x: ref('zzz', 'id') })])).toThrow(GraphError);
    expect(() => buildGraph([node('a'), node('a')])).toThrow(/share the address a/);
  });
});

describe('plan and apply', () => {
  it('creates everything, then a second plan has no changes', async () => {
    const s = await setup();
    const { actions, result } = await applyStack(s, stack());
    expect(actions.map((a) => a.action)).toEqual(Array(5).fill('create'));
    expect(actions.find((a) => a.address === 'subnet[a]')!.changes.find((c) => c.field === 'vpcId')!.after).toBe('(known after apply)');
    expect(result.failed).toEqual([]);
    expect(s.cloud.resources.size).toBe(5);
    const again = await planOnly(s, stack());
    expect(again.every((a) => a.action === 'noop')).toBe(true);
    // Refresh reads are batched: one read call for the one kind, covering all five resources.
    expect(s.cloud.calls.filter((c) => c.startsWith('read'))).toEqual(['read:5']);
  });

  it('state records ids, outputs, dependencies and an inputs hash; serial grows per write', async () => {
    const s = await setup();
    const { store } = await applyStack(s, stack());
    const subnet = store.resource('subnet[a]')!;
    expect(subnet.inputs.vpcId).toBe(store.resource('vpc')!.id);
    expect(subnet.dependsOn).toEqual(['vpc']);
    expect(subnet.inputsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(s.backend.doc!.serial).toBe(s.backend.writes);
    expect(s.backend.doc!.intents).toEqual({});
  });

  it('plans an in-place update per field and a replacement naming the forcing field', async () => {
    const s = await setup();
    await applyStack(s, stack());
    const changed = stack({ cidr: '10.1.0.0/16' });
    changed[4] = node('sg', { rules: [1, 2, 3] });
    changed[0] = { ...changed[0], inputs: { ...changed[0].inputs, name: 'vpc-renamed', cidr: '10.1.0.0/16' } };
    const actions = await planOnly(s, changed);
    const byAddress = Object.fromEntries(actions.map((a) => [a.address, a]));
    expect(byAddress.sg.action).toBe('update');
    expect(byAddress.sg.changes).toEqual([{ field: 'rules', before: [1, 2], after: [1, 2, 3], forcesReplacement: false, sensitive: false }]);
    expect(byAddress.vpc.action).toBe('replace');
    expect(byAddress.vpc.changes.find((c) => c.field === 'name')!.forcesReplacement).toBe(true);
    // Dependants of a replaced node see unknown values.
    expect(byAddress['subnet[a]'].changes[0].after).toBe('(known after apply)');
  });

  it('applies an update in place and deletes what left the config', async () => {
    const s = await setup();
    await applyStack(s, stack());
    const desired = stack().filter((n) => n.address !== 'nat[a]');
    desired[3] = node('sg', { rules: [9] });
    const { actions, result } = await applyStack(s, desired);
    expect(actions.find((a) => a.address === 'nat[a]')!.action).toBe('delete');
    expect(result.failed).toEqual([]);
    expect(s.cloud.calls).toContain('update:sg:rules');
    expect(s.cloud.calls).toContain('delete:nat[a]');
    expect([...s.cloud.resources.values()].map((r) => r.address).sort()).toEqual(['sg', 'subnet[a]', 'subnet[b]', 'vpc']);
  });

  it('recreates a resource deleted out of band', async () => {
    const s = await setup();
    const { store } = await applyStack(s, stack());
    s.cloud.resources.delete(store.resource('sg')!.id);
    const actions = await planOnly(s, stack());
    expect(actions.find((a) => a.address === 'sg')).toMatchObject({ action: 'create', reason: 'in state but gone from AWS' });
  });
});

describe('parallel walk', () => {
  it('runs independent nodes at once, bounded by parallelism', async () => {
    const s = await setup();
    s.cloud.createDelayMs = 30;
    const wide = Array.from({ length: 8 }, (_, i) => node(`n${i}`));
    await applyStack(s, wide, 3);
    expect(s.cloud.maxRunning).toBe(3);
  });

  it('a failure stops its dependants only, reports every failure and keeps what succeeded', async () => {
    const s = await setup();
    s.cloud.failCreate.set('subnet[a]', 'before');
    s.cloud.failCreate.set('sg', 'before');
    const { result, store } = await applyStack(s, stack());
    expect(result.failed.map((f) => f.address).sort()).toEqual(['sg', 'subnet[a]']);
    expect(result.skipped.map((f) => f.address)).toEqual(['nat[a]']);
    expect(Object.keys(store.doc.resources).sort()).toEqual(['subnet[b]', 'vpc']);
    const failed = s.events.find((e) => e.type === 'node_failed' && e.address === 'sg');
    expect(failed).toMatchObject({ error: 'boom sg', code: 'BoomError' });
    // A re-run does only what is left.
    s.cloud.failCreate.clear();
    const again = await applyStack(s, stack());
    expect(again.actions.filter((a) => a.action === 'create').map((a) => a.address).sort()).toEqual(['nat[a]', 'sg', 'subnet[a]']);
  });

  it('stops starting new work once the stop signal fires', async () => {
    const s = await setup();
    const stop = new AbortController();
    const store = await s.open();
    const graph = buildGraph(stack());
    const refreshed = await refresh(store.doc, s.engine);
    const actions = planActions(graph, store.doc, refreshed, s.handlers);
    const engine = { ...s.engine, emit: (e: EngineEvent) => { if (e.type === 'node_done' && e.address === 'vpc') stop.abort(); } };
    const result = await applyPlan(graph, { actions, refreshed }, { ...engine, store, parallelism: 1, stop: stop.signal });
    expect(result.done).toBeGreaterThanOrEqual(1);
    expect(result.skipped.length).toBeGreaterThan(0);
    expect(Object.keys(store.doc.resources)).toContain('vpc');
  });
});

describe('write-ahead intents', () => {
  it('a crash between the create call and the state write is adopted, never created twice', async () => {
    const s = await setup();
    s.cloud.failCreate.set('sg', 'after'); // the resource exists in the cloud, the state never learns its id
    await applyStack(s, stack());
    expect(s.backend.doc!.intents.sg).toMatchObject({ kind: 'fake.thing', inputs: { name: 'sg', rules: [1, 2] } });
    expect(s.backend.doc!.resources.sg).toBeUndefined();
    s.cloud.failCreate.clear();
    const plan = await planOnly(s, stack());
    expect(plan.find((a) => a.address === 'sg')).toMatchObject({ action: 'noop', reason: 'adopted from an interrupted run' });
    await applyStack(s, stack());
    expect([...s.cloud.resources.values()].filter((r) => r.address === 'sg')).toHaveLength(1);
    expect(s.backend.doc!.resources.sg.id).toBeDefined();
    expect(s.backend.doc!.intents).toEqual({});
  });

  it('an intent whose create left nothing is created again with the same token', async () => {
    const s = await setup();
    s.cloud.failCreate.set('sg', 'before');
    await applyStack(s, stack());
    const token = s.backend.doc!.intents.sg.token;
    s.cloud.failCreate.clear();
    const { actions } = await applyStack(s, stack());
    expect(actions.find((a) => a.address === 'sg')).toMatchObject({ action: 'create', reason: 'an interrupted create left nothing behind' });
    expect([...s.cloud.resources.values()].find((r) => r.address === 'sg')!.token).toBe(token);
  });
});

describe('destroy', () => {
  it('deletes dependants before what they depend on, and everything an interrupted create left', async () => {
    const s = await setup();
    s.cloud.failCreate.set('sg', 'after');
    await applyStack(s, stack());
    const store = await s.open();
    const refreshed = await refresh(store.doc, s.engine);
    const plan = planDestroy(store.doc, refreshed);
    expect(plan.actions).toHaveLength(5);
    const result = await destroyAll(plan, { ...s.engine, store, parallelism: 10 });
    expect(result.failed).toEqual([]);
    expect(s.cloud.resources.size).toBe(0);
    const deletes = s.cloud.calls.filter((c) => c.startsWith('delete:'));
    expect(deletes.indexOf('delete:nat[a]')).toBeLessThan(deletes.indexOf('delete:subnet[a]'));
    expect(deletes.indexOf('delete:subnet[a]')).toBeLessThan(deletes.indexOf('delete:vpc'));
    expect(s.backend.doc!.resources).toEqual({});
  });
});
