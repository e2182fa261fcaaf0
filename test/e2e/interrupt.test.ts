/**
 * Ctrl-C during apply (Operator experience issue): the first stops new work, lets in-flight calls finish, saves
 * state, releases the lock and says what is left; a re-run finishes the job.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempWorkdir } from '../support/cli.js';
import { useEmulator } from '../support/e2e.js';

// Hold the Aurora cluster's create call so the run is surely mid-flight when interrupted.
const aws = useEmulator({ delayMs: (call) => (call.operation === 'CreateDBCluster' ? 3000 : 0) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('interrupts', () => {
  it('first Ctrl-C finishes in-flight work, saves state and releases the lock; a re-run completes', async () => {
    const ws = 'intr';
    const dir = tempWorkdir();
    expect((await aws.cli(['init', '--yes', '--name', ws], { cwd: dir })).code).toBe(0);
    const run = aws.startCli(['apply', '--yes'], { cwd: dir, timeoutMs: 300_000 });
    for (let i = 0; i < 3000 && !run.stdout().includes('data.db.cluster: creating'); i++) await sleep(10);
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Interrupted: no new work will start');
    // The cluster's create was in flight: it was allowed to finish and is in the state.
    expect(result.stdout).toMatch(/✓ data\.db\.cluster: created/);
    expect(result.stdout).toMatch(/Apply interrupted: \d+ done, 0 failed, \d+ not started/);
    expect(result.stdout).toContain('State is saved');
    const state = JSON.parse(readFileSync(join(dir, '.morpheus-ws', `${ws}.state.json`), 'utf8'));
    expect(state.resources['data.db.cluster']).toBeDefined();
    expect(state.intents).toEqual({});
    expect(existsSync(join(dir, '.morpheus-ws', `${ws}.lock`))).toBe(false);

    const again = await aws.cli(['apply', '--yes'], { cwd: dir, timeoutMs: 300_000 });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(aws.callsTo('rds', 'CreateDBCluster')).toHaveLength(1);
    expect((await aws.cli(['plan', '--detailed-exitcode'], { cwd: dir })).code).toBe(0);
    expect((await aws.cli(['destroy', '--yes', '--skip-final-snapshot', '--force-delete-secrets'], { cwd: dir, timeoutMs: 300_000 })).code).toBe(0);
  }, 600_000);
});
