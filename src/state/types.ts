/** The state document and the backend contract. The engine and commands only see these types. */
import type { Inputs, Outputs, Tier } from '../engine/types.js';

export const STATE_VERSION = 1;

export interface ResourceState {
  kind: string;
  tier: Tier;
  id: string;
  /** Inputs last applied, resolved (no refs), secrets never (handlers never take secret values as inputs). */
  inputs: Inputs;
  /** sha256 of the canonical JSON of `inputs`. */
  inputsHash: string;
  outputs: Outputs;
  /** Addresses this resource depended on when applied: destroy walks them in reverse. */
  dependsOn: string[];
  createdAt: string;
  updatedAt: string;
}

/** Written before a create call, so a crash between the call and the state write can be resolved. */
export interface Intent {
  kind: string;
  tier: Tier;
  token: string;
  started: string;
  dependsOn: string[];
  /** The resolved inputs of the create call (never secret values): what `find` looks the resource up by. */
  inputs: Inputs;
}

export interface StateDoc {
  version: number;
  lineage: string;
  serial: number;
  workspace: string;
  region: string;
  resources: Record<string, ResourceState>;
  intents: Record<string, Intent>;
}

export interface LockInfo {
  id: string;
  operation: string;
  who: string;
  host: string;
  pid: number;
  created: string;
  /** Where the lock lives (file path or s3://bucket/key), for messages. */
  path?: string;
}

/** What a backend returns with a read: an opaque version (ETag for S3) for optimistic concurrency. */
export interface StateSnapshot {
  doc: StateDoc | undefined;
  version?: string;
}

export interface StateBackend {
  /** `local file .morpheus-ws/demo.state.json`, `s3://bucket/key` */
  describe(): string;
  read(): Promise<StateSnapshot>;
  /**
   * Persist the document. `expectedVersion` is the version last read or written; a backend that can check it
   * (S3 If-Match) refuses to overwrite a newer write by someone else with StateConflictError.
   */
  write(doc: StateDoc, expectedVersion?: string): Promise<string | undefined>;
  /** Take the workspace lock, waiting up to timeoutMs; throws LockHeldError naming the holder. */
  lock(info: Omit<LockInfo, 'path'>, timeoutMs: number): Promise<LockInfo>;
  unlock(id: string): Promise<void>;
  /** Who holds the lock now, if anyone. */
  lockHolder(): Promise<LockInfo | undefined>;
  /** Remove the lock whatever it holds, if its id matches. */
  forceUnlock(id: string): Promise<void>;
}

export class LockHeldError extends Error {
  constructor(readonly holder: LockInfo, extra = '') {
    super(`the workspace is locked by ${holder.who}@${holder.host} (pid ${holder.pid}, ${holder.operation}, since ${holder.created}, lock id ${holder.id})${extra}. ` +
      `Wait for it to finish, retry with --lock-timeout, or if that run is dead: morpheus-ws force-unlock ${holder.id}`);
    this.name = 'LockHeldError';
  }
}

export class StateConflictError extends Error {
  constructor(where: string) {
    super(`the state at ${where} was changed by someone else since it was read; nothing was overwritten. Re-run the command.`);
    this.name = 'StateConflictError';
  }
}
