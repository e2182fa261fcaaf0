import { describe, expect, it } from 'vitest';
import { DEFAULT_WATCH_SECONDS, watchSeconds } from '../../../src/commands/status.js';
import { buildProgram } from '../../../src/cli.js';

describe('status --watch', () => {
  it('takes an optional number of seconds', () => {
    expect(watchSeconds(undefined)).toBeUndefined();
    expect(watchSeconds(true)).toBe(DEFAULT_WATCH_SECONDS);
    expect(watchSeconds('30')).toBe(30);
    expect(() => watchSeconds('soon')).toThrow(/number of seconds/);
    expect(() => watchSeconds('0')).toThrow(/at least 1/);
  });

  it('documents the exit codes in --help of status and check', () => {
    const program = buildProgram();
    const help = (name: string) => {
      const cmd = program.commands.find((c) => c.name() === name)!;
      let text = '';
      cmd.configureOutput({ writeOut: (s) => { text += s; } });
      cmd.outputHelp();
      return text;
    };
    expect(help('status')).toMatch(/Exit codes: 0 healthy, 3 degraded.*1 error/s);
    expect(help('status')).toMatch(/--watch \[seconds\]/);
    expect(help('check')).toMatch(/Exit codes: 0 no control fails, 1 a control fails/);
    expect(help('cost')).toMatch(/no\s+AWS\s+call/);
  });
});
