import { LockHeldError, type LockInfo, type StateBackend, type StateDoc, type StateSnapshot } from '../../../src/state/types.js';

/** A backend that keeps the document in memory and counts writes. */
export class MemoryBackend implements StateBackend {
  doc: StateDoc | undefined;
  writes = 0;
  holder: LockInfo | undefined;
  describe() { return 'memory'; }
  async read(): Promise<StateSnapshot> { return { doc: this.doc && structuredClone(this.doc) }; }
  async write(doc: StateDoc) { this.doc = structuredClone(doc); this.writes++; return undefined; }
  async lock(info: Omit<LockInfo, 'path'>) {
    if (this.holder) throw new LockHeldError(this.holder);
    this.holder = { ...info, path: 'memory' };
    return this.holder;
  }
  async unlock(id: string) { if (this.holder?.id === id) this.holder = undefined; }
  async lockHolder() { return this.holder; }
  async forceUnlock() { this.holder = undefined; }
}
