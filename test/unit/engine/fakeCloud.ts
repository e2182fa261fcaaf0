/** An in-memory cloud with one generic kind, to test the engine without AWS. */
import type { Actual, Handler } from './handlerTypes.js';

export interface FakeResource {
  id: string;
  token: string;
  address: string;
  inputs: Record<string, unknown>;
}

export class FakeCloud {
  readonly resources = new Map<string, FakeResource>();
  readonly calls: string[] = [];
  private next = 1;
  /** Addresses whose create throws (after creating, when `afterCreate`) */
  failCreate = new Map<string, 'before' | 'after'>();
  /** Resolve these to let a create finish; used to observe parallelism. */
  createDelayMs = 0;
  running = 0;
  maxRunning = 0;

  handler(kind = 'fake.thing', forceNew: string[] = ['name']): Handler {
    const toActual = (r: FakeResource): Actual => ({ id: r.id, inputs: { ...r.inputs }, outputs: { id: r.id, name: r.inputs.name } });
    return {
      kind,
      forceNew,
      read: async (_ctx, items) => {
        this.calls.push(`read:${items.length}`);
        const map = new Map<string, Actual>();
        for (const item of items) {
          const r = this.resources.get(item.id);
          if (r) map.set(item.address, toActual(r));
        }
        return map;
      },
      find: async (_ctx, args) => {
        this.calls.push(`find:${args.address}`);
        const r = [...this.resources.values()].find((x) => x.token === args.token || x.address === args.address);
        return r && toActual(r);
      },
      create: async (_ctx, args) => {
        this.calls.push(`create:${args.address}`);
        this.running++;
        this.maxRunning = Math.max(this.maxRunning, this.running);
        try {
          if (this.createDelayMs) await new Promise((r) => setTimeout(r, this.createDelayMs));
          const fail = this.failCreate.get(args.address);
          if (fail === 'before') throw Object.assign(new Error(`boom ${args.address}`), { name: 'BoomError' });
          const existing = [...this.resources.values()].find((x) => x.token === args.token);
          if (existing) return toActual(existing);
          const r: FakeResource = { id: `f-${this.next++}`, token: args.token, address: args.address, inputs: { ...args.inputs } };
          this.resources.set(r.id, r);
          if (fail === 'after') throw Object.assign(new Error(`crash after create ${args.address}`), { name: 'CrashError' });
          return toActual(r);
        } finally {
          this.running--;
        }
      },
      update: async (_ctx, args) => {
        this.calls.push(`update:${args.address}:${args.changed.join(',')}`);
        const r = this.resources.get(args.id)!;
        r.inputs = { ...args.inputs };
        return toActual(r);
      },
      delete: async (_ctx, args) => {
        this.calls.push(`delete:${args.address}`);
        this.resources.delete(args.id);
      },
    };
  }
}
