#!/usr/bin/env node
/**
 * `npm run demo`: deploys the whole Morpheus stack against a local AWS emulator, no AWS account needed.
 *
 * Starts moto_server on a free port behind the test harness's proxy (which fills the few operations moto lacks,
 * DESIGN.md §7), then runs the real CLI in .demo/: init, plan, apply, status, output. moto's own logs go to
 * .demo/moto.log and every AWS call to .demo/aws-calls.jsonl. Exit code: the first failing step's.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRecordingProxy } from '../test/support/emulator/recordingProxy.mjs';
import { startMotoServer } from '../test/support/motoServer.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(REPO, 'bin', 'morpheus-ws');
const WORKDIR = join(REPO, '.demo');
const REGION = 'us-east-1';

const STEPS = [
  ['init', '--yes', '--name', 'demo', '--region', REGION, '--force'],
  ['plan'],
  ['apply', '--yes'],
  ['status'],
  ['output'],
];

const say = (line) => process.stdout.write(`${line}\n`);

/** The caller's environment minus any real AWS settings, pointed at the emulator. */
function demoEnv(endpoint) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_')) env[key] = value;
  return {
    ...env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: REGION,
    AWS_CONFIG_FILE: join(WORKDIR, '.no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(WORKDIR, '.no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

let current; // the CLI child running now
let interrupted = false;
let shutdown; // stops the emulator once it runs

function runStep(args, env) {
  return new Promise((resolvePromise) => {
    say(`\n$ morpheus-ws ${args.join(' ')}`);
    current = spawn(process.execPath, [BIN, ...args], { cwd: WORKDIR, env, stdio: 'inherit' });
    current.on('error', (error) => {
      say(`demo: could not run the CLI: ${error.message}`);
      resolvePromise(1);
    });
    current.on('exit', (code, signal) => {
      current = undefined;
      resolvePromise(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
}

async function main() {
  if (!existsSync(BIN)) {
    say(`demo: ${relative(REPO, BIN)} is missing; run \`npm run demo\` from the repository root.`);
    return 1;
  }
  rmSync(WORKDIR, { recursive: true, force: true }); // a fresh emulator has none of the old demo's resources
  mkdirSync(WORKDIR, { recursive: true });

  const motoLog = join(WORKDIR, 'moto.log');
  let moto;
  try {
    moto = await startMotoServer({ logFile: motoLog });
  } catch (error) {
    say(`demo: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  // Recorded without parameters: the calls log must not hold the generated passwords.
  const callsLog = createWriteStream(join(WORKDIR, 'aws-calls.jsonl'));
  const proxy = await startRecordingProxy(moto.endpoint, {
    onCall: ({ seq, time, service, operation, region, status, emulated, ms }) => {
      callsLog.write(`${JSON.stringify({ seq, time, service, operation, region, status, emulated, ms })}\n`);
    },
  });
  const stopEmulator = async () => {
    await proxy.stop();
    await moto.stop();
    await new Promise((done) => callsLog.end(done));
  };
  shutdown = stopEmulator;

  say(`AWS emulator: moto_server on ${moto.endpoint} (its log: ${relative(REPO, motoLog)})`);
  say(`Working directory: ${relative(REPO, WORKDIR)}/ — nothing here touches a real AWS account.`);

  let exitCode = 0;
  try {
    const env = demoEnv(proxy.endpoint);
    for (const args of STEPS) {
      if (interrupted) {
        exitCode = 130;
        break;
      }
      const code = await runStep(args, env);
      if (code !== 0) {
        exitCode = interrupted ? 130 : code;
        say(`\ndemo: \`morpheus-ws ${args[0]}\` ${interrupted ? 'was interrupted' : `failed with exit code ${code}`}.`);
        break;
      }
    }
  } finally {
    const calls = proxy.calls.length;
    const emulated = proxy.calls.filter((c) => c.emulated).length;
    await stopEmulator();
    shutdown = undefined;
    say(
      `\n${calls} AWS API calls (${emulated} answered by the proxy for operations moto lacks); ` +
        `see ${relative(REPO, join(WORKDIR, 'aws-calls.jsonl'))}. Emulator stopped.`,
    );
  }
  if (exitCode === 0) say('Demo finished: the stack above exists only in the emulator, which is now gone.');
  return exitCode;
}

// Ctrl-C reaches the CLI directly (same terminal process group): let it stop cleanly, then main() tears the
// emulator down. A second Ctrl-C does not wait; moto's exit hook still kills it.
// However the demo ends, the CLI it started ends with it (moto's own exit hook covers the emulator).
process.on('exit', () => current?.kill('SIGTERM'));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (interrupted || !shutdown) {
      current?.kill('SIGKILL');
      process.exit(130);
    }
    interrupted = true;
    if (signal !== 'SIGINT') current?.kill(signal);
  });
}

main().then(
  (code) => process.exit(code),
  async (error) => {
    say(`demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await Promise.resolve(shutdown?.()).catch(() => {});
    process.exit(1);
  },
);
