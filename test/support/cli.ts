/**
 * Runs the built CLI (bin/morpheus-ws -> dist/) as a child process, the way an operator or a pipeline would,
 * pointed at the emulator and isolated from the developer's own AWS configuration.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CLI_BIN = join(REPO_ROOT, 'bin', 'morpheus-ws');

/** Nothing listens here: a CLI run without an emulator endpoint must never reach real AWS. */
const NOWHERE = 'http://127.0.0.1:9';

export interface CliOptions {
  cwd: string;
  /** The emulator (recording proxy) endpoint; also taken from env.AWS_ENDPOINT_URL. */
  endpoint?: string;
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Default 120 s; the child is killed and the run rejected when exceeded. */
  timeoutMs?: number;
}

export interface CliResult {
  /** Exit code; null when the process ended on a signal (see `signal`). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The environment the CLI sees: the caller's minus every AWS_* setting, plus the emulator settings. */
export function cliEnv(options: Pick<CliOptions, 'endpoint' | 'env' | 'cwd'>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_') && !key.startsWith('MORPHEUS_WS_')) base[key] = value;
  }
  const env: NodeJS.ProcessEnv = {
    ...base,
    AWS_ENDPOINT_URL: options.endpoint ?? NOWHERE,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    // No ~/.aws profiles, no instance metadata lookups.
    AWS_CONFIG_FILE: join(options.cwd, '.no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(options.cwd, '.no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    CI: 'true',
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
  };
  for (const [key, value] of Object.entries(options.env ?? {})) env[key] = value;
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env;
}

export interface RunningCli {
  child: ChildProcess;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process ends. */
  done: Promise<CliResult>;
}

/** Starts the CLI without waiting for it: for tests that interrupt a run (SIGINT mid-apply) or read live output. */
export function startCli(args: string[], options: CliOptions): RunningCli {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: options.cwd,
    env: cliEnv(options),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin?.on('error', () => {}); // the CLI may exit without reading its input
  child.stdin?.end(options.input ?? '');

  const timeoutMs = options.timeoutMs ?? 120_000;
  const done = new Promise<CliResult>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `morpheus-ws ${args.join(' ')} did not finish within ${timeoutMs} ms\n` +
            `--- stdout (tail) ---\n${stdout.slice(-3000)}\n--- stderr (tail) ---\n${stderr.slice(-3000)}`,
        ),
      );
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** Runs `morpheus-ws ...args` to completion. */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return startCli(args, options).done;
}

/**
 * A fresh temporary working directory, removed when the current test finishes (or, outside a test, when the
 * process exits). Set MORPHEUS_WS_KEEP_TMP=1 to keep it for a post-mortem.
 */
export function tempWorkdir(prefix = 'morpheus-ws-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const cleanup = () => {
    if (process.env.MORPHEUS_WS_KEEP_TMP !== '1') rmSync(dir, { recursive: true, force: true });
  };
  try {
    onTestFinished(cleanup);
  } catch {
    process.once('exit', cleanup);
  }
  return dir;
}
