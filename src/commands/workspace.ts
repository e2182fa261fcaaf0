/**
 * What every AWS-touching command starts from: validated config (before any AWS call), clients, account and AZ
 * facts, the desired graph, and the state backend.
 */
import { hostname, userInfo } from 'node:os';
import { randomUUID } from 'node:crypto';
import { AwsClients } from '../aws/clients.js';
import { resourceTags } from '../aws/tags.js';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { buildGraph, type Graph } from '../engine/graph.js';
import type { EngineContext } from '../engine/planner.js';
import type { EventSink } from '../engine/events.js';
import type { ResourceCtx } from '../resources/context.js';
import { createBackend } from '../state/index.js';
import { StateStore } from '../state/store.js';
import type { LockInfo, StateBackend } from '../state/types.js';
import type { Terminal } from '../ui/terminal.js';

export interface GlobalOptions {
  config: string;
  debug?: boolean;
  json?: boolean;
  tty?: boolean;
  color?: boolean;
}

export interface Workspace {
  loaded: LoadedConfig;
  config: Config;
  aws: AwsClients;
  backend: StateBackend;
}

export interface Stack extends Workspace {
  ctx: ResourceCtx;
  graph: Graph;
  engine: EngineContext<ResourceCtx>;
}

/** Config + backend, no AWS call yet (except the S3 backend's own). */
export async function openWorkspace(options: GlobalOptions, term: Terminal): Promise<Workspace> {
  const loaded = await loadConfig(options.config);
  const { config } = loaded;
  const aws = new AwsClients({ region: config.region });
  if (options.debug) {
    aws.recorder.onCall((call) => term.err(term.c.dim(
      `[aws] ${call.service}.${call.operation} ${call.ms}ms${call.attempts && call.attempts > 1 ? ` attempts=${call.attempts}` : ''}` +
      `${call.requestId ? ` request-id=${call.requestId}` : ''}${call.error ? ` error=${call.error}` : ''}`)));
  }
  const backend = await createBackend(config.state, {
    configDir: loaded.dir, workspace: config.workspace, aws: () => aws, report: (message) => term.err(term.c.dim(message)),
  });
  return { loaded, config, aws, backend };
}

/** Adds what needs AWS: account, AZs, the desired graph and the handlers. */
export async function openStack(workspace: Workspace, emit: EventSink | undefined, extra: Partial<ResourceCtx['options']> = {}): Promise<Stack> {
  // Loaded here, not at start-up: every handler pulls in its AWS SDK client, which commands that fail early
  // (bad config, a held lock) or never touch AWS should not pay for.
  const [{ discoverAvailabilityZones }, { handlerRegistry }, { lookupAccount }, { buildStack }] = await Promise.all([
    import('../resources/network/availabilityZones.js'), import('../resources/registry.js'),
    import('../resources/shared/account.js'), import('../stack/index.js'),
  ]);
  const { config, aws } = workspace;
  const [account, azs] = await Promise.all([
    lookupAccount(aws),
    config.network.availabilityZones ?? discoverAvailabilityZones(aws, config.network.azCount),
  ]);
  const graph = buildGraph(buildStack(config, { azs, ...account }));
  const ctx: ResourceCtx = { aws, workspace: config.workspace, region: config.region, ...account, options: { ...extra } };
  const engine: EngineContext<ResourceCtx> = {
    handlers: handlerRegistry(), ctx, emit,
    tagsFor: (address) => resourceTags(config.workspace, address, config.tags),
  };
  return { ...workspace, ctx, graph, engine };
}

export function lockInfo(operation: string): Omit<LockInfo, 'path'> {
  let who = 'unknown';
  try { who = userInfo().username; } catch { /* no passwd entry in some containers */ }
  return { id: randomUUID(), operation, who, host: hostname(), pid: process.pid, created: new Date().toISOString() };
}

/** Run `work` holding the workspace lock; always release it. */
export async function withLock<T>(workspace: Workspace, operation: string, timeoutMs: number, work: (store: StateStore) => Promise<T>): Promise<T> {
  const lock = await workspace.backend.lock(lockInfo(operation), timeoutMs);
  const release = () => workspace.backend.unlock(lock.id);
  try {
    const store = await StateStore.open(workspace.backend, workspace.config.workspace, workspace.config.region);
    return await work(store);
  } finally {
    await release();
  }
}

export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration (e.g. 30s, 5m, 0)`);
  const n = Number(match[1]);
  return match[2] === 'ms' ? n : match[2] === 'm' ? n * 60_000 : n * 1000;
}
