import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalBackend } from '../../../src/state/localBackend.js';
import { StateStore } from '../../../src/state/store.js';
import { LockHeldError } from '../../../src/state/types.js';

const info = (id: string, pid = process.pid) => ({ id, operation: 'apply', who: 'tester', host: hostname(), pid, created: new Date().toISOString() });

async function backend() {
  const dir = await mkdtemp(path.join(tmpdir(), 'mws-state-'));
  return new LocalBackend(path.join(dir, '.morpheus-ws'), 'demo');
}

describe('local state backend', () => {
  it('writes atomically with mode 0600 and bumps the serial per write', async () => {
    const b = await backend();
    const store = await StateStore.open(b, 'demo', 'us-east-1');
    store.putResource('network.vpc', { kind: 'ec2.vpc', tier: 'network', id: 'vpc-1', inputs: { cidr: '10.0.0.0/16' }, outputs: {}, dependsOn: [] });
    await store.persist();
    store.putIntent('network.igw', { kind: 'ec2.internetGateway', tier: 'network', token: 't', started: 'now', dependsOn: [], inputs: {} });
    await store.persist();
    const doc = JSON.parse(await readFile(b.file, 'utf8'));
    expect(doc).toMatchObject({ version: 1, serial: 2, workspace: 'demo', region: 'us-east-1' });
    expect(doc.lineage).toMatch(/^[0-9a-f-]{36}$/);
    expect((await stat(b.file)).mode & 0o777).toBe(0o600);
    const reopened = await StateStore.open(b, 'demo', 'us-east-1');
    expect(reopened.doc.lineage).toBe(doc.lineage);
    expect(reopened.doc.intents['network.igw'].token).toBe('t');
  });

  it('does not write when nothing changed', async () => {
    const b = await backend();
    const store = await StateStore.open(b, 'demo', 'us-east-1');
    await store.persist();
    expect((await b.read()).doc).toBeUndefined();
  });

  it('refuses a state of another workspace', async () => {
    const b = await backend();
    const store = await StateStore.open(b, 'demo', 'us-east-1');
    store.removeIntent('x');
    store.putIntent('x', { kind: 'k', tier: 'network', token: 't', started: 'now', dependsOn: [], inputs: {} });
    await store.persist();
    const doc = (await b.read()).doc!;
    await b.write({ ...doc, workspace: 'other' });
    await expect(StateStore.open(b, 'demo', 'us-east-1')).rejects.toThrow(/belongs to workspace "other"/);
  });

  it('locks exclusively, names the holder, waits up to the timeout, and releases only its own lock', async () => {
    const b = await backend();
    const first = await b.lock(info('one'), 0);
    expect(first.path).toBe(b.lockFile);
    const started = Date.now();
    await expect(b.lock(info('two'), 0)).rejects.toThrow(/locked by tester@.*lock id one/);
    expect(Date.now() - started).toBeLessThan(1000);
    await b.unlock('two');
    expect((await b.lockHolder())?.id).toBe('one');
    setTimeout(() => void b.unlock('one'), 300);
    const second = await b.lock(info('two'), 5000);
    expect(second.id).toBe('two');
  });

  it('reports a lock left by a dead process and lets force-unlock remove it', async () => {
    const b = await backend();
    await b.lock(info('dead', 2 ** 22 + 12345), 0);
    const error = await b.lock(info('next'), 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as Error).message).toMatch(/no longer running/);
    await expect(b.forceUnlock('wrong')).rejects.toThrow(/does not match/);
    await b.forceUnlock('dead');
    expect(await b.lockHolder()).toBeUndefined();
  });

  it('says so when the state file is corrupt', async () => {
    const b = await backend();
    await b.write({ version: 1, lineage: 'l', serial: 1, workspace: 'demo', region: 'us-east-1', resources: {}, intents: {} });
    await writeFile(b.file, '{ nope');
    await expect(b.read()).rejects.toThrow(/not valid JSON/);
  });
});
