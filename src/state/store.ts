/**
 * The state document in memory plus its backend: every change is persisted at once (serialised writes, serial
 * bumped per write), so a crash loses at most the call in flight — which the write-ahead intent covers.
 */
import { randomUUID } from 'node:crypto';
import { hashOf } from '../engine/canonical.js';
import { STATE_VERSION, type Intent, type ResourceState, type StateBackend, type StateDoc } from './types.js';

export function emptyState(workspace: string, region: string): StateDoc {
  return { version: STATE_VERSION, lineage: randomUUID(), serial: 0, workspace, region, resources: {}, intents: {} };
}

export class StateStore {
  private chain: Promise<void> = Promise.resolve();
  private dirty = false;

  private constructor(readonly backend: StateBackend, private current: StateDoc, private version: string | undefined) {}

  static async open(backend: StateBackend, workspace: string, region: string): Promise<StateStore> {
    const { doc, version } = await backend.read();
    if (doc) {
      if (doc.version > STATE_VERSION) {
        throw new Error(`${backend.describe()} was written by a newer morpheus-ws (state version ${doc.version}); upgrade morpheus-ws`);
      }
      if (doc.workspace !== workspace) {
        throw new Error(`${backend.describe()} belongs to workspace "${doc.workspace}", not "${workspace}"`);
      }
      doc.intents ??= {};
    }
    return new StateStore(backend, doc ?? emptyState(workspace, region), version);
  }

  get doc(): Readonly<StateDoc> {
    return this.current;
  }

  resource(address: string): ResourceState | undefined {
    return this.current.resources[address];
  }

  putResource(address: string, resource: Omit<ResourceState, 'inputsHash' | 'createdAt' | 'updatedAt'>): void {
    const now = new Date().toISOString();
    const previous = this.current.resources[address];
    this.current.resources[address] = {
      ...resource, inputsHash: hashOf(resource.inputs), createdAt: previous?.createdAt ?? now, updatedAt: now,
    };
    delete this.current.intents[address];
    this.dirty = true;
  }

  removeResource(address: string): void {
    delete this.current.resources[address];
    delete this.current.intents[address];
    this.dirty = true;
  }

  putIntent(address: string, intent: Intent): void {
    this.current.intents[address] = intent;
    this.dirty = true;
  }

  removeIntent(address: string): void {
    if (!this.current.intents[address]) return;
    delete this.current.intents[address];
    this.dirty = true;
  }

  /** Replace the whole document (state push, migration). */
  replace(doc: StateDoc): void {
    this.current = doc;
    this.dirty = true;
  }

  /** Write the document if it changed since the last write. Writes are serialised; each bumps the serial. */
  persist(): Promise<void> {
    const next = this.chain.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      this.current.serial += 1;
      const snapshot = structuredClone(this.current);
      try {
        this.version = await this.backend.write(snapshot, this.version);
      } catch (error) {
        this.dirty = true;
        this.current.serial -= 1;
        throw error;
      }
    });
    // A failed write must not poison later ones; the caller of this persist() still sees the error.
    this.chain = next.catch(() => undefined);
    return next;
  }
}
