#!/usr/bin/env node
/**
 * `npm run bench`: how close apply gets to the critical path, and what a no-op plan costs.
 *
 * moto makes every resource available at once, so the recording proxy holds the create calls of slow kinds for a
 * scaled-down stand-in of their real provisioning time (DESIGN.md §6, 1 minute -> 100 ms). The critical path of the
 * stack's graph under those delays is the floor no tool can beat; apply is measured against it at several
 * parallelism settings, all in one run (the machine is shared: compare ratios, not absolute times).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRecordingProxy } from '../test/support/emulator/recordingProxy.mjs';
import { startMotoServer } from '../test/support/motoServer.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(REPO, 'bin', 'morpheus-ws');

/** Real provisioning minutes (midpoints of DESIGN.md §6) per create operation; 1 min -> 100 ms here. */
const MINUTES = {
  CreateNatGateway: 5, CreateDBCluster: 12, CreateDBInstance: 12, CreateBroker: 20, CreateDomain: 20,
  CreateLoadBalancer: 3, CreateMountTarget: 1.5, CreateFileSystem: 0.5, CreateAutoScalingGroup: 1,
};
const MS_PER_MINUTE = 100;
const delayFor = (operation) => (MINUTES[operation] ?? 0) * MS_PER_MINUTE;

/** Runs the CLI as a child process (asynchronously: the proxy lives in this process and must keep serving). */
function run(args, cwd, endpoint) {
  const env = { ...process.env, AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', CI: 'true', NO_COLOR: '1' };
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`morpheus-ws ${args.join(' ')} failed (${code}):\n${stdout}\n${stderr}`));
      else resolvePromise({ ms: performance.now() - started, stdout });
    });
  });
}

/** Longest path through the graph, weighting each node by the delay of its create call. */
async function criticalPathMs(cwd, endpoint) {
  const dot = (await run(['graph'], cwd, endpoint)).stdout;
  const kinds = new Map([...dot.matchAll(/^\s+"([^"]+)" \[label="[^\\]+\\n([^"]+)"\];$/gm)].map((m) => [m[1], m[2]]));
  const deps = new Map([...kinds.keys()].map((a) => [a, []]));
  for (const m of dot.matchAll(/^\s+"([^"]+)" -> "([^"]+)";$/gm)) deps.get(m[1]).push(m[2]);
  const weight = {
    'ec2.natGateway': 'CreateNatGateway', 'rds.dbCluster': 'CreateDBCluster', 'rds.dbInstance': 'CreateDBInstance',
    'mq.broker': 'CreateBroker', 'opensearch.domain': 'CreateDomain', 'elbv2.loadBalancer': 'CreateLoadBalancer',
    'efs.mountTarget': 'CreateMountTarget', 'efs.fileSystem': 'CreateFileSystem', 'autoscaling.group': 'CreateAutoScalingGroup',
  };
  const memo = new Map();
  const finish = (address) => {
    if (memo.has(address)) return memo.get(address);
    const own = delayFor(weight[kinds.get(address)]);
    const value = own + Math.max(0, ...deps.get(address).map(finish));
    memo.set(address, value);
    return value;
  };
  const total = [...kinds.keys()].reduce((sum, a) => sum + delayFor(weight[kinds.get(a)]), 0);
  return { critical: Math.max(...[...kinds.keys()].map(finish)), serial: total, nodes: kinds.size };
}

const moto = await startMotoServer();
const proxy = await startRecordingProxy(moto.endpoint, { delayMs: (call) => delayFor(call.operation) });
const rows = [];
try {
  for (const parallelism of [1, 4, 10, 20]) {
    const cwd = mkdtempSync(join(tmpdir(), 'mws-bench-'));
    try {
      await run(['init', '--yes', '--name', `b${parallelism}`], cwd, proxy.endpoint);
      const path = await criticalPathMs(cwd, proxy.endpoint);
      if (parallelism === 1) {
        console.log(`stack: ${path.nodes} resources; simulated provisioning: critical path ${(path.critical / 1000).toFixed(1)} s, all in series ${(path.serial / 1000).toFixed(1)} s`);
        rows.push(['critical path (floor)', path.critical, '']);
      }
      proxy.clear();
      const apply = await run(['apply', '--yes', '--parallelism', String(parallelism)], cwd, proxy.endpoint);
      const applyCalls = proxy.calls.length;
      rows.push([`apply --parallelism ${parallelism}`, apply.ms, `${(apply.ms / path.critical).toFixed(2)}x critical path, ${applyCalls} AWS calls`]);
      if (parallelism === 10) {
        proxy.clear();
        const plan = await run(['plan'], cwd, proxy.endpoint);
        rows.push(['no-op plan', plan.ms, `${proxy.calls.length} AWS calls for ${path.nodes} resources`]);
        proxy.clear();
        const destroy = await run(['destroy', '--yes', '--skip-final-snapshot', '--force-delete-secrets'], cwd, proxy.endpoint);
        rows.push(['destroy', destroy.ms, `${proxy.calls.length} AWS calls`]);
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }
} finally {
  await proxy.stop();
  await moto.stop();
}
for (const [name, ms, note] of rows) console.log(`${name.padEnd(26)} ${(ms / 1000).toFixed(1).padStart(6)} s  ${note}`);
