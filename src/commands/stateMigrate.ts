/**
 * `state migrate --to s3|local`: move the state document to another backend, unchanged (same lineage, same
 * serial), then point the config file at it.
 *
 * Both locks are held for the whole move, so no run can write either copy meanwhile. The old copy is not deleted:
 * it stays as a backup, and its lock is left in place with a marker naming the new location. A run started with
 * an outdated config then stops at that lock instead of acting on a stale state (deleting the old copy would be
 * worse: that run would see no state and create the whole stack a second time). Moving back reclaims the marker.
 */
import { readFile } from 'node:fs/promises';
import { isMap, parseDocument } from 'yaml';
import { validateConfig } from '../config/load.js';
import { stateSchema, type StateConfig } from '../config/state.js';
import { createBackend } from '../state/index.js';
import { writeFileAtomic } from '../state/localBackend.js';
import { checkStateBucket, ensureStateBucket, StateBucketError } from '../state/s3StateBucket.js';
import { LockHeldError, type LockInfo, type StateBackend, type StateDoc } from '../state/types.js';
import type { Terminal } from '../ui/terminal.js';
import { CliError } from './errors.js';
import { lockInfo, openWorkspace, parseDuration, type GlobalOptions, type Workspace } from './workspace.js';

export interface MigrateOptions extends GlobalOptions {
  to: 'local' | 's3';
  bucket?: string;
  key?: string;
  region?: string;
  createBucket?: boolean;
  dir?: string;
  lockTimeout: string;
}

const MOVED_PREFIX = 'state migrated to ';

/** The lock operation left on the old copy; LockHeldError shows it to whoever runs with the old config. */
export function movedMarker(target: string): string {
  return `${MOVED_PREFIX}${target} — this copy is a stale backup; use the config that points there`;
}

/** Whether a lock is the marker a migration to `location` left behind. */
export function isMovedMarker(holder: LockInfo, location: string): boolean {
  return holder.operation.startsWith(`${MOVED_PREFIX}${location} `);
}

/** The `state:` section the flags describe, validated like the config file. */
export function targetStateConfig(options: Pick<MigrateOptions, 'to' | 'bucket' | 'key' | 'region' | 'dir'>): StateConfig {
  let raw: Record<string, unknown>;
  if (options.to === 's3') {
    if (!options.bucket) throw new CliError('state migrate --to s3 needs --bucket NAME');
    raw = { backend: 's3', bucket: options.bucket, ...(options.key ? { key: options.key } : {}), ...(options.region ? { region: options.region } : {}) };
  } else if (options.to === 'local') {
    const s3Only = [options.bucket && '--bucket', options.key && '--key', options.region && '--region'].filter(Boolean);
    if (s3Only.length) throw new CliError(`${s3Only.join(', ')} ${s3Only.length > 1 ? 'apply' : 'applies'} only to --to s3`);
    raw = { backend: 'local', ...(options.dir ? { dir: options.dir } : {}) };
  } else {
    throw new CliError(`--to must be local or s3, not ${String(options.to)}`);
  }
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CliError(`invalid target: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'state'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/**
 * The config text with its `state:` section replaced, everything else (comments, order, formatting) as it was.
 * Keys of the section that the new backend does not know are dropped; the section is added when absent.
 */
export function rewriteStateSection(text: string, state: StateConfig): string {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new CliError(`the config is not valid YAML: ${doc.errors[0].message}`);
  const values = Object.entries(state).filter(([, v]) => v !== undefined);
  const section = doc.get('state', true);
  if (isMap(section)) {
    const keep = new Set(values.map(([k]) => k));
    for (const pair of [...section.items]) {
      const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
      if (!keep.has(key)) section.delete(key);
    }
    for (const [k, v] of values) section.set(k, v);
  } else {
    doc.set('state', doc.createNode(Object.fromEntries(values)));
  }
  return doc.toString();
}

export interface MoveResult {
  /** The document moved; undefined when the source held no state (only the config changes then). */
  doc?: StateDoc;
  /** The target already held an older copy of the same state, now overwritten. */
  replacedOlderCopy: boolean;
  /** Lock left on the source as the "moved" marker. */
  markerLockId?: string;
  /** With no source state: what the target already held, which the workspace now uses. */
  adopted?: StateDoc;
}

export interface MoveOptions {
  workspace: string;
  lockTimeoutMs: number;
  /** Runs while both locks are still held, after the copy is verified: rewrites the config. */
  commit(): Promise<void>;
  report?(message: string): void;
}

/** Take the target's lock, reclaiming the marker an earlier migration from the target to `source` left there. */
async function lockTarget(target: StateBackend, source: StateBackend, timeoutMs: number, report?: (m: string) => void): Promise<LockInfo> {
  const info = lockInfo(`state migrate from ${source.describe()}`);
  try {
    return await target.lock(info, timeoutMs);
  } catch (error) {
    if (!(error instanceof LockHeldError) || !isMovedMarker(error.holder, source.describe())) throw error;
    report?.(`reclaiming ${target.describe()}: it was left locked when the state moved from there to ${source.describe()}`);
    await target.forceUnlock(error.holder.id);
    return target.lock(info, timeoutMs);
  }
}

/** Refuses a target that holds a different state, or a newer copy of this one. */
function checkTarget(doc: StateDoc, existing: StateDoc | undefined, where: string): void {
  if (!existing) return;
  if (existing.lineage !== doc.lineage) {
    throw new CliError(`${where} already holds a different state (lineage ${existing.lineage}, serial ${existing.serial}, ` +
      `${Object.keys(existing.resources ?? {}).length} resources); this workspace's state has lineage ${doc.lineage}. ` +
      'Nothing was copied. Choose another key, or remove that object if you are sure it is stale.');
  }
  if (existing.serial > doc.serial) {
    throw new CliError(`${where} holds a newer copy of this state (serial ${existing.serial}, here ${doc.serial}): ` +
      'it has been used since it was copied there. Nothing was copied; point the config at it instead of migrating.');
  }
}

export async function moveState(source: StateBackend, target: StateBackend, options: MoveOptions): Promise<MoveResult> {
  if (source.describe() === target.describe()) throw new CliError(`the state is already at ${target.describe()}`);
  const sourceLock = await source.lock({ ...lockInfo(movedMarker(target.describe())), pid: 0 }, options.lockTimeoutMs);
  let leaveMarker = false;
  try {
    const targetLock = await lockTarget(target, source, options.lockTimeoutMs, options.report);
    try {
      const { doc } = await source.read();
      if (doc && doc.workspace !== options.workspace) {
        throw new CliError(`${source.describe()} belongs to workspace "${doc.workspace}", not "${options.workspace}"`);
      }
      const existing = await target.read();
      if (!doc) {
        await options.commit();
        return { replacedOlderCopy: false, adopted: existing.doc };
      }
      checkTarget(doc, existing.doc, target.describe());
      await target.write(structuredClone(doc), existing.version);
      const copy = (await target.read()).doc;
      if (!copy || copy.lineage !== doc.lineage || copy.serial !== doc.serial
        || Object.keys(copy.resources).length !== Object.keys(doc.resources).length) {
        throw new Error(`the copy at ${target.describe()} does not read back as written; the config was not changed`);
      }
      await options.commit();
      leaveMarker = true;
      return { doc, replacedOlderCopy: !!existing.doc, markerLockId: sourceLock.id };
    } finally {
      await target.unlock(targetLock.id);
    }
  } finally {
    if (!leaveMarker) await source.unlock(sourceLock.id);
  }
}

/** The target bucket: created when asked, otherwise checked (it must exist and be versioned). */
async function prepareBucket(workspace: Workspace, bucket: string, region: string | undefined, create: boolean, term: Terminal): Promise<void> {
  const bucketRegion = region ?? workspace.config.region;
  try {
    const warnings = create
      ? (await ensureStateBucket(workspace.aws, {
        bucket, region: bucketRegion, tags: workspace.config.tags, report: (m) => term.err(term.c.dim(`  ${m}`)),
      })).warnings
      : await checkStateBucket(workspace.aws, bucket, bucketRegion);
    for (const warning of warnings) term.err(term.c.yellow(`warning: ${warning}`));
  } catch (error) {
    if (!(error instanceof StateBucketError)) throw error;
    const hint = error.message.replace('morpheus-ws init --state-create-bucket', `morpheus-ws state migrate --to s3 --bucket ${bucket} --create-bucket`);
    throw new CliError(`${hint}. Nothing was moved.`);
  }
}

export async function stateMigrateCommand(options: MigrateOptions, term: Terminal): Promise<number> {
  const targetConfig = targetStateConfig(options);
  if (options.createBucket && targetConfig.backend !== 's3') throw new CliError('--create-bucket only applies to --to s3');
  const workspace = await openWorkspace(options, term);
  const { config, loaded } = workspace;
  if (targetConfig.backend === 's3') await prepareBucket(workspace, targetConfig.bucket, targetConfig.region, !!options.createBucket, term);
  const target = await createBackend(targetConfig, { configDir: loaded.dir, workspace: config.workspace, aws: () => workspace.aws });

  const original = await readFile(loaded.file, 'utf8');
  const rewritten = rewriteStateSection(original, targetConfig);
  validateConfig(parseDocument(rewritten).toJS(), loaded.file);

  const result = await moveState(workspace.backend, target, {
    workspace: config.workspace,
    lockTimeoutMs: parseDuration(options.lockTimeout),
    report: (message) => term.err(term.c.dim(message)),
    commit: async () => {
      // The file must not have changed under us since it was read: we would silently drop that edit.
      if ((await readFile(loaded.file, 'utf8')) !== original) throw new CliError(`${loaded.file} changed while migrating; nothing was changed, re-run`);
      await writeFileAtomic(loaded.file, rewritten);
    },
  });

  const from = workspace.backend.describe();
  const to = target.describe();
  if (!result.doc) {
    term.out(`There was no state at ${from} yet: nothing to copy. ${loaded.file} now keeps the state at ${to}.`);
    const adopted = result.adopted;
    if (adopted) {
      term.out(`${to} already holds a state (lineage ${adopted.lineage}, serial ${adopted.serial}, ` +
        `${Object.keys(adopted.resources).length} resources): this workspace now uses it.`);
    }
    return 0;
  }
  const count = Object.keys(result.doc.resources).length;
  term.out(`Moved the state of workspace ${config.workspace} (lineage ${result.doc.lineage}, serial ${result.doc.serial}, ${count} resources)`);
  term.out(`  from ${from}`);
  term.out(`  to   ${to}${result.replacedOlderCopy ? ' (replacing an older copy of the same state)' : ''}`);
  term.out(`Updated the state section of ${loaded.file}; the rest of the file is unchanged. Share it with everyone who runs this workspace.`);
  term.out(`The old copy stays at ${from} as a backup, locked (lock id ${result.markerLockId}) so that a run with an outdated config stops there instead of using it.`);
  return 0;
}
