/**
 * `state list|show|rm|pull|push`: inspect and repair the state document, whichever backend holds it. Reads need no
 * lock; rm and push take it, and their write is conditional on the version read (S3 If-Match), so a concurrent
 * writer is detected rather than overwritten.
 */
import { readFile } from 'node:fs/promises';
import { STATE_VERSION, type StateDoc } from '../state/types.js';
import type { Terminal } from '../ui/terminal.js';
import { confirmOrYes } from './confirm.js';
import { CliError } from './errors.js';
import { openWorkspace, parseDuration, withLock, type GlobalOptions } from './workspace.js';

type StateOptions = GlobalOptions & { lockTimeout: string; yes?: boolean; force?: boolean };

async function readDoc(options: GlobalOptions, term: Terminal): Promise<StateDoc> {
  const workspace = await openWorkspace(options, term);
  const { doc } = await workspace.backend.read();
  if (!doc) throw new CliError(`no state yet at ${workspace.backend.describe()}`);
  return doc;
}

export async function stateList(options: GlobalOptions, term: Terminal): Promise<number> {
  const doc = await readDoc(options, term);
  const rows = Object.entries(doc.resources).sort(([a], [b]) => a.localeCompare(b));
  if (term.json) term.out(JSON.stringify(rows.map(([address, r]) => ({ address, kind: r.kind, id: r.id }))));
  else for (const [address, r] of rows) term.out(`${address}  ${term.c.dim(`${r.kind} ${r.id}`)}`);
  for (const [address, intent] of Object.entries(doc.intents)) {
    if (!term.json) term.out(term.c.yellow(`${address}  (interrupted ${intent.kind} create since ${intent.started}; the next plan resolves it)`));
  }
  return 0;
}

export async function stateShow(address: string, options: GlobalOptions, term: Terminal): Promise<number> {
  const doc = await readDoc(options, term);
  const resource = doc.resources[address];
  if (!resource) throw new CliError(`${address} is not in the state; see morpheus-ws state list`);
  term.out(JSON.stringify({ address, ...resource }, null, 2));
  return 0;
}

export async function statePull(options: GlobalOptions, term: Terminal): Promise<number> {
  term.out(JSON.stringify(await readDoc(options, term), null, 2));
  return 0;
}

export async function stateRm(addresses: string[], options: StateOptions, term: Terminal): Promise<number> {
  const workspace = await openWorkspace(options, term);
  return withLock(workspace, 'state rm', parseDuration(options.lockTimeout), async (store) => {
    const missing = addresses.filter((a) => !store.resource(a));
    if (missing.length) throw new CliError(`not in the state: ${missing.join(', ')}`);
    if (!(await confirmOrYes(term, options.yes, `Forget ${addresses.length} resource(s)? They stay in AWS, unmanaged.`))) return 1;
    for (const address of addresses) store.removeResource(address);
    await store.persist();
    term.out(`Forgot ${addresses.join(', ')}. They still exist in AWS.`);
    return 0;
  });
}

export async function statePush(file: string, options: StateOptions, term: Terminal): Promise<number> {
  const workspace = await openWorkspace(options, term);
  let incoming: StateDoc;
  try {
    incoming = JSON.parse(await readFile(file, 'utf8')) as StateDoc;
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (typeof incoming.lineage !== 'string' || typeof incoming.serial !== 'number' || typeof incoming.resources !== 'object') {
    throw new CliError(`${file} is not a morpheus-ws state document`);
  }
  if (incoming.version > STATE_VERSION) throw new CliError(`${file} was written by a newer morpheus-ws (state version ${incoming.version}); upgrade morpheus-ws`);
  if (incoming.workspace !== workspace.config.workspace) {
    throw new CliError(`${file} is the state of workspace "${incoming.workspace}", not "${workspace.config.workspace}"`);
  }
  return withLock(workspace, 'state push', parseDuration(options.lockTimeout), async (store) => {
    const current = store.doc;
    if (current.serial > 0 && incoming.lineage !== current.lineage && !options.force) {
      throw new CliError(`${file} has lineage ${incoming.lineage}, the workspace has ${current.lineage}: a different state. Pass --force to replace it anyway.`);
    }
    if (current.serial > 0 && incoming.serial < current.serial && !options.force) {
      throw new CliError(`${file} has serial ${incoming.serial}, older than the workspace's ${current.serial}. Pass --force to push it anyway.`);
    }
    // persist() bumps the serial: the pushed document lands one past the newer of the two.
    store.replace({ ...incoming, intents: incoming.intents ?? {}, serial: Math.max(incoming.serial, current.serial) });
    await store.persist();
    term.out(`Pushed ${file} to ${workspace.backend.describe()} (serial ${store.doc.serial}).`);
    return 0;
  });
}
