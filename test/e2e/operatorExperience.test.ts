/**
 * Operator experience issue, end to end: machine-readable runs (`--json` is NDJSON, one versioned event per line),
 * CI output free of escape codes, errors that say what to do with no stack trace, `--help` with examples for every
 * command, and shell completion generated from the program.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { buildProgram } from '../../src/cli.js';
import { WHICH } from '../../src/commands/rotateCredentials.js';
import { CLI_BIN, REPO_ROOT, runCli, tempWorkdir } from '../support/cli.js';
import { useEmulator } from '../support/e2e.js';

const aws = useEmulator();
const ANSI = /\u001b\[/;
const STACK = /^\s+at .+\(.+:\d+:\d+\)$/m;

interface Event { schema: number; time: string; type: string; [key: string]: unknown }

function ndjson(stdout: string): Event[] {
  const lines = stdout.split('\n').filter((l) => l.length);
  return lines.map((line, i) => {
    try {
      return JSON.parse(line) as Event;
    } catch {
      throw new Error(`line ${i + 1} of the --json output is not JSON: ${line}`);
    }
  });
}

function expectEventStream(events: Event[], action: 'create' | 'delete'): void {
  expect(events.length).toBeGreaterThan(10);
  for (const e of events) {
    expect(e.schema).toBe(1);
    expect(typeof e.type).toBe('string');
    expect(Number.isNaN(Date.parse(e.time)), JSON.stringify(e)).toBe(false);
  }
  const types = new Set(events.map((e) => e.type));
  for (const type of ['plan', 'node_start', 'node_done', 'summary']) expect(types, `event types: ${[...types].join(', ')}`).toContain(type);
  const plan = events.find((e) => e.type === 'plan') as Event & { actions: { address: string; action: string }[] };
  expect(plan.actions.some((a) => a.action === action)).toBe(true);
  const summary = events.at(-1) as Event & { failed: number; done: number };
  expect(summary.type).toBe('summary');
  expect(summary.failed).toBe(0);
  expect(events.filter((e) => e.type === 'node_done')).toHaveLength(summary.done);
}

describe('machine-readable and CI output', () => {
  const WS = 'opsx';
  let dir: string;

  beforeAll(async () => {
    dir = tempWorkdir();
    const init = await aws.cli(['init', '--yes', '--name', WS, '--az-count', '2', '--alarm-email', 'ops@example.com'], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/estimated cost\s+≈ \$[\d,]+ per month/);
    expect(init.stdout + init.stderr).not.toMatch(ANSI);
  });

  it('apply --json prints one versioned JSON event per line: plan, node_start, node_done, summary', async () => {
    const apply = await aws.cli(['apply', '--json', '--yes'], { cwd: dir, timeoutMs: 600_000 });
    expect(apply.code, apply.stderr.slice(-3000)).toBe(0);
    expectEventStream(ndjson(apply.stdout), 'create');
    expect(apply.stdout).not.toMatch(ANSI);
  }, 600_000);

  it('status runs against the applied stack with plain output', async () => {
    const status = await aws.cli(['status'], { cwd: dir, timeoutMs: 180_000 });
    expect([0, 3], status.stdout + status.stderr).toContain(status.code);
    expect(status.stdout + status.stderr).not.toMatch(ANSI);
    const json = await aws.cli(['status', '--json'], { cwd: dir, timeoutMs: 180_000 });
    expect(() => JSON.parse(json.stdout)).not.toThrow();
  }, 400_000);

  it('destroy --json streams the deletions the same way', async () => {
    const destroy = await aws.cli(['destroy', '--json', '--yes', '--skip-final-snapshot', '--force-delete-secrets'], { cwd: dir, timeoutMs: 600_000 });
    expect(destroy.code, destroy.stderr.slice(-3000)).toBe(0);
    expectEventStream(ndjson(destroy.stdout), 'delete');
  }, 600_000);

  it('CI=true apply --yes prints plain timestamped lines with no escape codes', async () => {
    const ci = tempWorkdir();
    expect((await aws.cli(['init', '--yes', '--name', 'opsci', '--az-count', '2'], { cwd: ci })).code).toBe(0);
    // Security, network and data are enough to see every kind of line; the other tiers are covered above.
    const file = join(ci, 'morpheus-ws.yaml');
    const doc = parseDocument(await readFile(file, 'utf8'));
    for (const tier of ['app', 'edge', 'monitoring', 'backup']) doc.setIn([tier, 'enabled'], false);
    await writeFile(file, doc.toString());
    // FORCE_COLOR would make chalk colour even off a terminal: CI must win.
    const apply = await aws.cli(['apply', '--yes'], { cwd: ci, env: { CI: 'true', NO_COLOR: undefined, FORCE_COLOR: '1' }, timeoutMs: 300_000 });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout + apply.stderr).not.toMatch(ANSI);
    expect(apply.stdout).toMatch(/^\[\d\d:\d\d:\d\d\] ✓ network\.vpc: created vpc-/m);
    expect(apply.stdout).toMatch(/Apply complete: \d+ done, 0 failed/);
    if (process.env.MORPHEUS_WS_SESSIONS === '1') {
      writeFileSync(join(REPO_ROOT, 'docs', 'sessions', 'apply-ci.txt'),
        `$ CI=true morpheus-ws apply --yes   # app, edge, monitoring and backup tiers disabled to keep it short\n${apply.stdout}${apply.stderr}`);
    }
    await aws.cli(['destroy', '--yes'], { cwd: ci, timeoutMs: 300_000 });
  }, 600_000);
});

describe('errors say what went wrong, where, and what to do next; no stack trace without --debug', () => {
  it('a missing config names the file and the command that creates it', async () => {
    const result = await runCli(['plan'], { cwd: tempWorkdir() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No config file at morpheus-ws.yaml. Run `morpheus-ws init` to create one, or pass -c/--config PATH.');
    expect(result.stderr).not.toMatch(STACK);
  });

  it('no credentials and an unreachable endpoint: the failed call and how to provide credentials', async () => {
    const dir = tempWorkdir();
    expect((await runCli(['init', '--yes', '--name', 'nocreds'], { cwd: dir })).code).toBe(0);
    const result = await runCli(['plan'], { cwd: dir, env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error \(\w+\.\w+\): Could not load credentials from any providers/m);
    expect(result.stderr).toContain('hint: no valid AWS credentials were found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY');
    expect(result.stderr).toContain('(run with --debug for details)');
    expect(result.stderr).not.toMatch(STACK);

    const closed = await runCli(['plan'], { cwd: dir });
    expect(closed.stderr).toMatch(/ECONNREFUSED 127\.0\.0\.1:9/);
    expect(closed.stderr).toContain('hint: AWS could not be reached: check the network, proxy settings and AWS_ENDPOINT_URL');
    expect(closed.stderr).not.toMatch(STACK);

    const debug = await runCli(['plan', '--debug'], { cwd: dir });
    expect(debug.stderr).toMatch(STACK);
  });

  it('a region typo is refused before anything is written, with the closest region', async () => {
    const dir = tempWorkdir();
    const result = await aws.cli(['init', '--yes', '--region', 'eu-wset-1'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error: --region eu-wset-1: is not enabled for this account; did you mean eu-west-1?');
    const bad = await aws.cli(['init', '--yes', '--search-instance-count', '4'], { cwd: dir });
    expect(bad.stderr).toContain('--search-instance-count 4: 4 data nodes cannot be spread evenly over 3 AZs; use a multiple of 3');
    const noTerminal = await aws.cli(['init'], { cwd: dir });
    expect(noTerminal.stderr).toContain('init needs a terminal to ask questions; pass --yes');
    await expect(readFile(join(dir, 'morpheus-ws.yaml'))).rejects.toThrow(/ENOENT/);
  });

  it('--json turns a failure before any resource into one JSON error event', async () => {
    const result = await runCli(['plan', '--json'], { cwd: tempWorkdir() });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout.trim())).toMatchObject({ schema: 1, type: 'error', error: expect.stringContaining('No config file') });
  });
});

describe('help and completion', () => {
  const commands = (cmd: Command): Command[] => cmd.commands.flatMap((c) => [c, ...commands(c)]);

  it('every command and subcommand shows examples in --help', () => {
    const program = buildProgram();
    for (const cmd of commands(program)) {
      const path = [cmd.parent !== program ? cmd.parent?.name() : '', cmd.name()].filter(Boolean).join(' ');
      const help = execFileSync(process.execPath, [CLI_BIN, ...path.split(' '), '--help'], { encoding: 'utf8' });
      expect(help, `${path} --help`).toMatch(/Examples:\n {2}\$ .*morpheus-ws /);
    }
  });

  it('lists the credentials rotate-credentials accepts', () => {
    const option = buildProgram().commands.find((c) => c.name() === 'rotate-credentials')!.options.find((o) => o.long === '--which')!;
    expect(option.argChoices).toEqual([...WHICH]);
  });

  it('completion bash completes commands, subcommands, options and their choices', () => {
    const script = execFileSync(process.execPath, [CLI_BIN, 'completion', 'bash'], { encoding: 'utf8' });
    const complete = (...words: string[]) => execFileSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _morpheus_ws; echo "\${COMPREPLY[*]}"`], { encoding: 'utf8' }).trim().split(' ');
    expect(complete('morpheus-ws', 'st')).toEqual(['status', 'state']);
    expect(complete('morpheus-ws', 'state', 'mi')).toEqual(['migrate']);
    expect(complete('morpheus-ws', 'apply', '--par')).toEqual(['--parallelism']);
    expect(complete('morpheus-ws', '-c', 'x.yaml', 'state', 'migrate', '--to', '')).toEqual(['local', 's3']);
    expect(complete('morpheus-ws', 'rotate-credentials', '--which', '')).toEqual([...WHICH]);
    expect(complete('morpheus-ws', 'completion', '')).toEqual(['bash', 'zsh']);
    expect(complete('morpheus-ws', 'init', '--dr')).toEqual(['--dr-region']);
  });

  it('completion zsh is a valid compdef script', () => {
    const script = execFileSync(process.execPath, [CLI_BIN, 'completion', 'zsh'], { encoding: 'utf8' });
    expect(script).toMatch(/^#compdef morpheus-ws\n/);
    expect(script).toContain("'state migrate')");
    expect(script).toContain("'--which[which credential (mq-admin only when named)]:value:(mq search db all mq-admin)'");
  });
});
