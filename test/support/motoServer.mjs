/**
 * Starts and stops a local moto_server. Plain JavaScript so that both the vitest harness (test/support/moto.ts)
 * and the demo script (scripts/demo.mjs, run by plain node) share one implementation.
 *
 * moto runs under a tiny sh watchdog that reads our stdin: when this node process ends in any way (even SIGKILL),
 * the pipe closes, `read` returns and the watchdog kills moto, so no orphan servers are left behind.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';

const HOST = '127.0.0.1';
const MISSING_EXIT_CODE = 127;

// `read` blocks until our end of stdin closes; the traps cover an explicit stop (SIGTERM to the group).
const WATCHDOG = [
  'command -v moto_server >/dev/null 2>&1 || exit 127',
  'moto_server -H "$1" -p "$2" &',
  'moto=$!',
  'trap \'kill $moto 2>/dev/null; exit 0\' TERM INT HUP',
  'read _ignored',
  'kill $moto 2>/dev/null',
  'wait $moto',
].join('\n');

/** Servers this process started and has not stopped yet, killed on exit as a last resort. */
const live = new Set();
let exitHookInstalled = false;

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
}

function killGroup(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** A TCP port that was free a moment ago (bind port 0, read it, release it). */
export function findFreePort(host = HOST) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function httpCall(method, url, timeoutMs) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * moto runs boto3 internally and honours the caller's AWS settings: an AWS_PROFILE it cannot find makes every
 * request fail. It gets none of them. AWS managed IAM policies (AmazonSSMManagedInstanceCore, …) exist in every
 * real account, but moto only knows them when asked to load them.
 */
function motoEnv(iamManagedPolicies) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_')) env[key] = value;
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_EC2_METADATA_DISABLED: 'true',
    // Costs ~1 s on the first EC2/IAM call after each reset, hence optional.
    MOTO_IAM_LOAD_MANAGED_POLICIES: iamManagedPolicies === false ? 'false' : 'true',
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts moto_server on a free port and resolves once it answers HTTP.
 * @param {{ logFile?: string, startTimeoutMs?: number, host?: string, iamManagedPolicies?: boolean }} [options]
 */
export async function startMotoServer(options = {}) {
  const attempts = 3; // a port found free can be taken before moto binds it; try another one
  let lastError;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = await findFreePort(options.host ?? HOST);
    try {
      return await startOnPort(port, options);
    } catch (error) {
      lastError = error;
      if (error instanceof Error && error.name === 'MotoServerMissing') throw error;
    }
  }
  throw lastError;
}

async function startOnPort(port, options) {
  const host = options.host ?? HOST;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const endpoint = `http://${host}:${port}`;
  const child = spawn('/bin/sh', ['-c', WATCHDOG, 'moto-watchdog', host, String(port)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // own process group, so stop() can signal the watchdog and moto together
    env: motoEnv(options.iamManagedPolicies),
  });
  live.add(child);
  installExitHook();

  // Keep moto's chatter out of the caller's terminal: into a file, or a small tail for error messages.
  let tail = '';
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const collect = (chunk) => {
    if (log) log.write(chunk);
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  child.stdin.on('error', () => {}); // EPIPE when the watchdog is already gone
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  let spawnError;
  child.on('error', (error) => {
    spawnError = error;
  });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      killGroup(child, 'SIGTERM');
      const done = await Promise.race([exited, sleep(5000).then(() => undefined)]);
      if (!done) {
        killGroup(child, 'SIGKILL');
        await exited;
      }
    }
    await new Promise((resolve) => (log ? log.end(resolve) : resolve(undefined)));
  };

  const deadline = Date.now() + startTimeoutMs;
  let exitInfo;
  exited.then((info) => {
    exitInfo = info;
  });
  for (;;) {
    if (spawnError) {
      await stop();
      throw new Error(`could not start moto_server: ${spawnError.message}`);
    }
    if (exitInfo) {
      await stop();
      if (exitInfo.code === MISSING_EXIT_CODE) {
        const error = new Error(
          "moto_server is not on PATH. Install the AWS emulator with `pip install 'moto[server]'` (moto 5.x) " +
            'and make sure `moto_server --help` works in this shell.',
        );
        error.name = 'MotoServerMissing';
        throw error;
      }
      throw new Error(`moto_server exited before it was ready (code ${exitInfo.code ?? exitInfo.signal}):\n${tail}`);
    }
    try {
      const status = await httpCall('GET', `${endpoint}/moto-api/data.json`, 1000);
      if (status > 0) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer on ${endpoint} within ${startTimeoutMs} ms:\n${tail}`);
    }
    await sleep(100);
  }

  return {
    port,
    endpoint,
    pid: child.pid,
    /** Clears every service's data in moto (POST /moto-api/reset). */
    async reset() {
      const status = await httpCall('POST', `${endpoint}/moto-api/reset`, 10_000);
      if (status !== 200) throw new Error(`moto reset answered HTTP ${status}`);
    },
    stop,
  };
}
