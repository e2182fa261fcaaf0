import { afterEach, describe, expect, it, vi } from 'vitest';
import { EVENT_SCHEMA_VERSION, type EngineEvent } from '../../../src/engine/events.js';
import { ProgressView } from '../../../src/ui/progress.js';
import { createTerminal } from '../../../src/ui/terminal.js';

function capture(options: Parameters<typeof createTerminal>[0], isTTY = false) {
  const chunks: string[] = [];
  const stream = { isTTY, write: (s: string) => { chunks.push(s); return true; } } as unknown as NodeJS.WriteStream;
  return { term: createTerminal(options, stream, stream), text: () => chunks.join('') };
}

const run: EngineEvent[] = [
  { type: 'refresh_start', kinds: 2, resources: 3 },
  { type: 'node_start', address: 'data.db.cluster', action: 'create' },
  { type: 'node_progress', address: 'data.db.cluster', action: 'create', message: 'waiting for available (creating) [4m10s]', elapsedMs: 250_000 },
  { type: 'node_done', address: 'data.db.cluster', action: 'create', id: 'cluster-1', ms: 250_000 },
  { type: 'node_failed', address: 'network.sg.db', action: 'delete', error: 'resource sg-1 has a dependent object', code: 'DependencyViolation', operation: 'EC2.DeleteSecurityGroup', ms: 10 },
  { type: 'node_skipped', address: 'network.vpc', action: 'delete', reason: 'depends on network.sg.db, which did not complete' },
  { type: 'summary', done: 1, failed: 1, skipped: 1, ms: 250_100 },
];

describe('progress output', () => {
  afterEach(() => { vi.unstubAllEnvs(); });

  it('prints plain timestamped lines with no escape codes in CI, even on a terminal', () => {
    vi.stubEnv('CI', 'true');
    const { term, text } = capture({}, true);
    const view = new ProgressView(term);
    run.forEach(view.onEvent);
    view.close();
    const out = text();
    expect(out).not.toMatch(/\u001b\[/);
    expect(out).toMatch(/^\[\d\d:\d\d:\d\d\] data\.db\.cluster: creating…$/m);
    expect(out).toContain('✓ data.db.cluster: created cluster-1 [4m10s]');
    expect(out).toContain('✗ network.sg.db: destroying failed (EC2.DeleteSecurityGroup): resource sg-1 has a dependent object');
    expect(out).toContain('hint: something still uses this resource');
    expect(out).toContain('- network.vpc: skipped (depends on network.sg.db, which did not complete)');
  });

  it('prints "still creating" at most every 15 s per resource in plain mode', () => {
    const { term, text } = capture({ noTty: true });
    const view = new ProgressView(term);
    view.onEvent({ type: 'node_start', address: 'a', action: 'create' });
    const started = Date.now();
    const realNow = Date.now;
    try {
      Date.now = () => started + 16_000;
      view.onEvent({ type: 'node_progress', address: 'a', action: 'create', message: 'waiting for available [16s]', elapsedMs: 16_000 });
      view.onEvent({ type: 'node_progress', address: 'a', action: 'create', message: 'waiting for available [16s]', elapsedMs: 16_500 });
    } finally {
      Date.now = realNow;
    }
    expect(text().match(/still creating/g)).toHaveLength(1);
    expect(text()).toContain('a: still creating [16s] (waiting for available)');
  });

  it('--json prints one versioned JSON object per line', () => {
    const { term, text } = capture({ json: true }, true);
    const view = new ProgressView(term);
    run.forEach(view.onEvent);
    const lines = text().trim().split('\n');
    expect(lines).toHaveLength(run.length);
    for (const [i, line] of lines.entries()) {
      const parsed = JSON.parse(line);
      expect(parsed).toMatchObject({ schema: EVENT_SCHEMA_VERSION, type: run[i].type });
      expect(Date.parse(parsed.time)).not.toBeNaN();
    }
  });

  it('the summary table lists failures first, then the slowest resources, capped', () => {
    const { term } = capture({ noTty: true });
    const view = new ProgressView(term);
    run.forEach(view.onEvent);
    for (let i = 0; i < 20; i++) view.onEvent({ type: 'node_done', address: `n${i}`, action: 'create', ms: i * 1000 });
    const table = view.summaryTable().split('\n');
    expect(table[0]).toMatch(/network\.sg\.db\s+failed/);
    expect(table[1]).toMatch(/data\.db\.cluster\s+created\s+4m10s/);
    expect(table[2]).toMatch(/n19\s+created\s+19s/);
    expect(table).toHaveLength(16);
    expect(table[15]).toBe('  …and 8 more');
  });
});
