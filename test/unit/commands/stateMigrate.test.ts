import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { CliError } from '../../../src/commands/errors.js';
import {
  isMovedMarker, moveState, movedMarker, rewriteStateSection, targetStateConfig,
} from '../../../src/commands/stateMigrate.js';
import { LocalBackend } from '../../../src/state/localBackend.js';
import { LockHeldError, type StateBackend, type StateDoc } from '../../../src/state/types.js';

async function local(name: string): Promise<LocalBackend> {
  const dir = await mkdtemp(path.join(tmpdir(), `mws-migrate-${name}-`));
  return new LocalBackend(dir, 'demo');
}

const doc = (serial: number, lineage = 'lin-1'): StateDoc => ({
  version: 1, lineage, serial, workspace: 'demo', region: 'us-east-1', intents: {},
  resources: {
    'network.vpc': {
      kind: 'ec2.vpc', tier: 'network', id: 'vpc-1', inputs: { cidr: '10.0.0.0/16' }, inputsHash: 'h', outputs: { vpcId: 'vpc-1' },
      dependsOn: [], createdAt: 't', updatedAt: 't',
    },
  },
});

const info = (id: string) => ({ id, operation: 'apply', who: 'bob', host: 'ci', pid: 1, created: 'now' });

function move(source: StateBackend, target: StateBackend, commit = vi.fn(async () => undefined)) {
  return { commit, result: moveState(source, target, { workspace: 'demo', lockTimeoutMs: 0, commit }) };
}

describe('state migrate: moving the document', () => {
  it('copies the document unchanged (lineage, serial, resources), commits, and leaves the source locked with a marker', async () => {
    const source = await local('src');
    const target = await local('dst');
    await source.write(doc(7));
    const { commit, result } = move(source, target);
    const moved = await result;
    expect(commit).toHaveBeenCalledOnce();
    expect((await target.read()).doc).toEqual(doc(7));
    expect((await source.read()).doc).toEqual(doc(7)); // kept as a backup
    expect(await target.lockHolder()).toBeUndefined();
    const marker = await source.lockHolder();
    expect(marker?.id).toBe(moved.markerLockId);
    expect(marker && isMovedMarker(marker, target.describe())).toBe(true);
    // A run with the old config now stops at the lock, and is told where the state went.
    const error = await source.lock(info('late'), 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as Error).message).toContain(`state migrated to ${target.describe()}`);
  });

  it('moves back over its own older copy, reclaiming the marker it left there', async () => {
    const a = await local('a');
    const b = await local('b');
    await a.write(doc(3));
    await move(a, b).result;
    const later = doc(9);
    await b.write(later); // work continued on the new backend
    const back = await move(b, a).result;
    expect(back.replacedOlderCopy).toBe(true);
    expect((await a.read()).doc).toEqual(later);
    expect((await a.lockHolder())).toBeUndefined();
    expect(isMovedMarker((await b.lockHolder())!, a.describe())).toBe(true);
  });

  it('refuses a target holding a different lineage, and changes nothing', async () => {
    const source = await local('src');
    const target = await local('dst');
    await source.write(doc(5));
    await target.write(doc(2, 'someone-else'));
    const { commit, result } = move(source, target);
    await expect(result).rejects.toThrow(/already holds a different state \(lineage someone-else/);
    expect(commit).not.toHaveBeenCalled();
    expect((await target.read()).doc?.lineage).toBe('someone-else');
    expect(await source.lockHolder()).toBeUndefined();
    expect(await target.lockHolder()).toBeUndefined();
  });

  it('refuses a target holding a newer copy of the same state', async () => {
    const source = await local('src');
    const target = await local('dst');
    await source.write(doc(5));
    await target.write(doc(8));
    await expect(move(source, target).result).rejects.toThrow(/newer copy of this state \(serial 8, here 5\)/);
    expect((await target.read()).doc?.serial).toBe(8);
  });

  it('does not copy when either lock is held by a run, and releases what it took', async () => {
    const source = await local('src');
    const target = await local('dst');
    await source.write(doc(5));
    await target.lock(info('busy'), 0);
    const { commit, result } = move(source, target);
    await expect(result).rejects.toBeInstanceOf(LockHeldError);
    expect(commit).not.toHaveBeenCalled();
    expect(await source.lockHolder()).toBeUndefined();
    expect((await target.read()).doc).toBeUndefined();
  });

  it('does not reclaim a marker pointing somewhere else', async () => {
    const source = await local('src');
    const target = await local('dst');
    await source.write(doc(5));
    await target.lock({ ...info('m'), operation: movedMarker('s3://elsewhere/k') }, 0);
    await expect(move(source, target).result).rejects.toBeInstanceOf(LockHeldError);
  });

  it('keeps the source authoritative when the commit (config rewrite) fails', async () => {
    const source = await local('src');
    const target = await local('dst');
    await source.write(doc(5));
    const { result } = move(source, target, vi.fn(async () => { throw new CliError('disk full'); }));
    await expect(result).rejects.toThrow('disk full');
    expect(await source.lockHolder()).toBeUndefined();
    expect(await target.lockHolder()).toBeUndefined();
    // Retrying is safe: the target now holds the same lineage and serial.
    await expect(move(source, target).result).resolves.toMatchObject({ replacedOlderCopy: true });
  });

  it('with no state yet, only commits the config change and leaves no lock', async () => {
    const source = await local('src');
    const target = await local('dst');
    const { commit, result } = move(source, target);
    expect((await result).doc).toBeUndefined();
    expect(commit).toHaveBeenCalledOnce();
    expect(await source.lockHolder()).toBeUndefined();
  });

  it('refuses to move onto itself and a state of another workspace', async () => {
    const source = await local('src');
    await expect(move(source, source).result).rejects.toThrow(/already at/);
    const target = await local('dst');
    await source.write({ ...doc(1), workspace: 'other' });
    await expect(move(source, target).result).rejects.toThrow(/belongs to workspace "other"/);
  });
});

describe('state migrate: the target section', () => {
  it('builds and validates the S3 and local sections', () => {
    expect(targetStateConfig({ to: 's3', bucket: 'acme-state' })).toEqual({ backend: 's3', bucket: 'acme-state', key: 'morpheus-ws/{workspace}.state.json' });
    expect(targetStateConfig({ to: 's3', bucket: 'acme-state', key: 'k/{workspace}', region: 'eu-west-1' }))
      .toEqual({ backend: 's3', bucket: 'acme-state', key: 'k/{workspace}', region: 'eu-west-1' });
    expect(targetStateConfig({ to: 'local' })).toEqual({ backend: 'local', dir: '.morpheus-ws' });
    expect(() => targetStateConfig({ to: 's3' })).toThrow(/needs --bucket/);
    expect(() => targetStateConfig({ to: 's3', bucket: 'Bad_Bucket' })).toThrow(/valid S3 bucket name/);
    expect(() => targetStateConfig({ to: 'local', bucket: 'b' })).toThrow(/--bucket applies only to --to s3/);
  });
});

describe('state migrate: rewriting the config', () => {
  const config = [
    '# team config: do not reformat',
    'workspace: demo # prod-like',
    'region: us-east-1',
    'network:',
    '  azCount: 2 # two is enough here',
    '# state below',
    'state:',
    '  backend: local',
    '  dir: .state # custom dir',
    'tags:',
    '  team: ops',
    '',
  ].join('\n');

  it('replaces only the state section; comments and the rest of the file survive', () => {
    const text = rewriteStateSection(config, { backend: 's3', bucket: 'acme-state', key: 'morpheus-ws/{workspace}.state.json' });
    expect(parse(text)).toEqual({
      workspace: 'demo', region: 'us-east-1', network: { azCount: 2 }, tags: { team: 'ops' },
      state: { backend: 's3', bucket: 'acme-state', key: 'morpheus-ws/{workspace}.state.json' },
    });
    for (const comment of ['# team config: do not reformat', '# prod-like', '# two is enough here', '# state below']) expect(text).toContain(comment);
    expect(text).not.toContain('dir:');
    expect(text.indexOf('state:')).toBeLessThan(text.indexOf('tags:'));
  });

  it('goes back to local, dropping the S3 keys', () => {
    const s3 = rewriteStateSection(config, { backend: 's3', bucket: 'acme-state', key: 'k', region: 'eu-west-1', kmsKeyId: 'alias/x' });
    expect(parse(rewriteStateSection(s3, { backend: 'local', dir: '.morpheus-ws' })).state).toEqual({ backend: 'local', dir: '.morpheus-ws' });
  });

  it('adds the section when the file has none', () => {
    const text = rewriteStateSection('# mine\nworkspace: demo\nregion: us-east-1\n', { backend: 's3', bucket: 'acme-state', key: 'k' });
    expect(text.startsWith('# mine\n')).toBe(true);
    expect(parse(text).state).toEqual({ backend: 's3', bucket: 'acme-state', key: 'k' });
  });
});
