import { describe, expect, it } from 'vitest';
import { importResource, similarAddresses } from '../../../src/commands/stateImport.js';
import { buildGraph } from '../../../src/engine/graph.js';
import { planActions, refresh, type EngineContext } from '../../../src/engine/planner.js';
import { ref, type Actual, type DesiredNode, type HandlerRegistry, type ReadItem, type ResourceHandler } from '../../../src/engine/types.js';
import { StateStore } from '../../../src/state/store.js';
import { MemoryBackend } from '../engine/memoryBackend.js';

/** Existing cloud resources by id; `secret` cannot be read back (like a password), `size` changes in place. */
function cloud(resources: Record<string, { name: string; size: number; parentId?: string }>) {
  const reads: ReadItem[][] = [];
  const handler: ResourceHandler<unknown> = {
    kind: 'fake.thing',
    forceNew: ['name'],
    read: async (_ctx, items) => {
      reads.push(items);
      const found = new Map<string, Actual>();
      for (const item of items) {
        const r = resources[item.id];
        if (!r) continue;
        const inputs: Record<string, unknown> = { name: r.name, size: r.size, ...(r.parentId ? { parentId: r.parentId } : {}) };
        if ('secret' in item.inputs) inputs.secret = item.inputs.secret;
        found.set(item.address, { id: item.id, inputs, outputs: { id: item.id } });
      }
      return found;
    },
    find: async () => undefined,
    create: async () => { throw new Error('no create in an import'); },
    update: async () => { throw new Error('no update in an import'); },
    delete: async () => { throw new Error('no delete in an import'); },
  };
  const handlers: HandlerRegistry = new Map([['fake.thing', handler]]);
  const engine: EngineContext<unknown> = { handlers, ctx: {}, tagsFor: () => ({}) };
  return { engine, reads };
}

const nodes: DesiredNode[] = [
  { address: 'network.vpc', kind: 'fake.thing', tier: 'network', inputs: { name: 'vpc', size: 16, secret: 's3cr3t' } },
  { address: 'network.subnet[a]', kind: 'fake.thing', tier: 'network', inputs: { name: 'a', size: 24, parentId: ref('network.vpc', 'id') } },
  { address: 'network.subnet[b]', kind: 'fake.thing', tier: 'network', inputs: { name: 'b', size: 24, parentId: ref('network.vpc', 'id') }, dependsOn: ['network.subnet[a]'] },
];

async function setup(resources: Parameters<typeof cloud>[0]) {
  const backend = new MemoryBackend();
  const store = await StateStore.open(backend, 'demo', 'us-east-1');
  return { backend, store, graph: buildGraph(nodes), ...cloud(resources) };
}

describe('state import', () => {
  it('records what the read returned, with the dependencies of the graph, and the next plan is clean', async () => {
    const s = await setup({ 'v-1': { name: 'vpc', size: 16 }, 's-b': { name: 'b', size: 24, parentId: 'v-1' } });
    const vpc = await importResource(s.store, s.graph, s.engine, 'network.vpc', 'v-1');
    expect(vpc.differences).toEqual([]);
    const subnet = await importResource(s.store, s.graph, s.engine, 'network.subnet[b]', 's-b');
    expect(subnet).toMatchObject({ differences: [], undetermined: [] });
    // The ref was resolved from the state: the handler saw the vpc id it may need to find the subnet.
    expect(s.reads[1][0]).toEqual({ address: 'network.subnet[b]', id: 's-b', inputs: { name: 'b', size: 24, parentId: 'v-1' }, outputs: {} });
    expect(s.store.resource('network.subnet[b]')).toMatchObject({
      kind: 'fake.thing', tier: 'network', id: 's-b', outputs: { id: 's-b' },
      inputs: { name: 'b', size: 24, parentId: 'v-1' }, dependsOn: expect.arrayContaining(['network.vpc', 'network.subnet[a]']),
    });
    await s.store.persist();
    expect(s.backend.writes).toBe(1);

    const refreshed = await refresh(s.store.doc, s.engine);
    const actions = planActions(s.graph, s.store.doc, refreshed, s.engine.handlers);
    expect(actions.map((a) => `${a.address}:${a.action}`)).toEqual(['network.vpc:noop', 'network.subnet[a]:create', 'network.subnet[b]:noop']);
  });

  it('reports real differences, and which would force a replacement', async () => {
    const s = await setup({ 'v-9': { name: 'legacy-vpc', size: 20 } });
    const result = await importResource(s.store, s.graph, s.engine, 'network.vpc', 'v-9');
    expect(result.differences.map((c) => [c.field, c.forcesReplacement])).toEqual([['name', true], ['size', false]]);
  });

  it('leaves fields that refer to resources not in the state undetermined', async () => {
    const s = await setup({ 's-a': { name: 'a', size: 24, parentId: 'v-1' } });
    const result = await importResource(s.store, s.graph, s.engine, 'network.subnet[a]', 's-a');
    expect(result.undetermined).toEqual(['parentId']);
    expect(s.reads[0][0].inputs).toEqual({ name: 'a', size: 24 });
  });

  it('refuses an unknown address (with suggestions), an address already in state, a missing id and an id already managed', async () => {
    const s = await setup({ 'v-1': { name: 'vpc', size: 16 } });
    await expect(importResource(s.store, s.graph, s.engine, 'network.subnet[c]', 'x')).rejects
      .toThrow(/not an address this configuration declares; did you mean network\.subnet\[a\], network\.subnet\[b\]/);
    await expect(importResource(s.store, s.graph, s.engine, 'network.nope', 'v-2')).rejects.toThrow(/not an address this configuration declares; see/);
    await expect(importResource(s.store, s.graph, s.engine, 'network.vpc', 'v-2')).rejects.toThrow(/no fake.thing with id v-2 was found/);
    await importResource(s.store, s.graph, s.engine, 'network.vpc', 'v-1');
    await expect(importResource(s.store, s.graph, s.engine, 'network.vpc', 'v-1')).rejects.toThrow(/already in the state \(fake.thing v-1\)/);
    await expect(importResource(s.store, s.graph, s.engine, 'network.subnet[a]', 'v-1')).rejects.toThrow(/already in the state as network.vpc/);
  });

  it('suggests addresses sharing more than the tier', () => {
    const all = ['network.vpc', 'network.subnet[a]', 'network.subnet[b]', 'data.db.cluster'];
    expect(similarAddresses(all, 'network.vpcx')).toEqual(['network.vpc']);
    expect(similarAddresses(all, 'network.zzz')).toEqual([]);
    expect(similarAddresses(all, 'data.db.clustr')).toEqual(['data.db.cluster']);
  });
});
