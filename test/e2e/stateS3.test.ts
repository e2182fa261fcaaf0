/**
 * Shared state in S3, end to end on moto through the built CLI: init with an S3 backend, two applies racing for
 * the lock, pull/push, import after rm, and a local -> s3 -> local migration.
 *
 * The stack here is the security, network and data tiers: the app, edge, monitoring and backup tiers are switched
 * off because they are still being written and do not all apply cleanly on moto yet.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetBucketVersioningCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import type { CliResult } from '../support/cli.js';
import { useEmulator } from '../support/e2e.js';
import type { StateDoc } from '../../src/state/types.js';

// The data tier attaches the AWS-managed AmazonRDSEnhancedMonitoringRole policy; moto only knows AWS-managed
// policies when asked to load them. Set before useEmulator's beforeAll starts moto (it inherits our environment).
const savedManagedPolicies = process.env.MOTO_IAM_LOAD_MANAGED_POLICIES;
process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = 'true';

const aws = useEmulator();
const dirs: string[] = [];
let s3: S3Client;

beforeAll(() => {
  s3 = new S3Client({ ...aws.clientConfig(), forcePathStyle: true });
});

afterAll(() => {
  s3?.destroy();
  if (savedManagedPolicies === undefined) delete process.env.MOTO_IAM_LOAD_MANAGED_POLICIES;
  else process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = savedManagedPolicies;
  if (process.env.MORPHEUS_WS_KEEP_TMP !== '1') for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function workdir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mws-state-s3-'));
  dirs.push(dir);
  return dir;
}

function explain(result: CliResult): string {
  return `exit ${result.code}\n--- stdout ---\n${result.stdout.slice(-4000)}\n--- stderr ---\n${result.stderr.slice(-4000)}`;
}

async function ok(args: string[], cwd: string): Promise<CliResult> {
  const result = await aws.cli(args, { cwd });
  expect(result.code, explain(result)).toBe(0);
  return result;
}

/** Keeps to the tiers that apply on moto today; edits with the Document API so init's comments stay. */
async function limitToWorkingTiers(dir: string): Promise<void> {
  const file = path.join(dir, 'morpheus-ws.yaml');
  const doc = parseDocument(await readFile(file, 'utf8'));
  for (const tier of ['app', 'edge', 'monitoring', 'backup']) doc.setIn([tier, 'enabled'], false);
  await writeFile(file, doc.toString());
}

async function readS3State(bucket: string, key: string): Promise<StateDoc> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse(await object.Body!.transformToString()) as StateDoc;
}

async function readLocalState(dir: string, workspace: string): Promise<StateDoc> {
  return JSON.parse(await readFile(path.join(dir, '.morpheus-ws', `${workspace}.state.json`), 'utf8')) as StateDoc;
}

async function configState(dir: string, file = 'morpheus-ws.yaml'): Promise<unknown> {
  return (parse(await readFile(path.join(dir, file), 'utf8')) as { state?: unknown }).state;
}

describe('a workspace whose state lives in S3', () => {
  const BUCKET = 'mws-e2e-shared-state';
  const WORKSPACE = 'teamws';
  const KEY = `morpheus-ws/${WORKSPACE}.state.json`;
  let dir: string;

  beforeAll(() => {
    dir = workdir();
  });

  it('init --yes --state-backend s3 --state-create-bucket creates a versioned bucket and writes the state section', async () => {
    const result = await ok(['init', '--yes', '--name', WORKSPACE, '--az-count', '2',
      '--state-backend', 's3', '--state-bucket', BUCKET, '--state-create-bucket'], dir);
    expect(result.stdout).toContain(`Created the state bucket ${BUCKET}`);
    expect(result.stdout).toContain(`state in s3://${BUCKET}/${KEY}`);
    expect(await configState(dir)).toEqual({ backend: 's3', bucket: BUCKET, key: 'morpheus-ws/{workspace}.state.json' });
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }))).Status).toBe('Enabled');
    expect(aws.callsTo('s3', 'CreateBucket')).toHaveLength(1);
    await limitToWorkingTiers(dir);
  });

  it('two applies started together: one runs, the other stops at the lock within 5 s naming the holder', async () => {
    aws.clear();
    const started = Date.now();
    const runs = [aws.startCli(['apply', '--yes'], { cwd: dir }), aws.startCli(['apply', '--yes'], { cwd: dir })];
    const results = await Promise.all(runs.map((r) => r.done));
    const losers = results.map((r, i) => ({ r, i })).filter(({ r }) => /the workspace is locked by/.test(r.stderr));
    expect(losers, results.map(explain).join('\n=====\n')).toHaveLength(1);
    const loser = losers[0].r;
    const winnerIndex = 1 - losers[0].i;
    const winner = results[winnerIndex];

    // Where the loser's time goes: Node start-up (module loading), then the lock, its first AWS call, then exit.
    const lockPuts = aws.callsTo('s3', 'PutObject').filter((c) => c.params.Key === `${KEY}.lock`);
    const at = (status: number) => {
      const call = lockPuts.find((c) => c.status === status);
      return call ? `+${Date.parse(call.time) - started} ms` : 'never';
    };
    console.info(`[lock contention] first AWS call +${Date.parse(aws.calls[0].time) - started} ms; lock taken ${at(200)}, ` +
      `refused ${at(412)}; loser exited ${loser.code} after ${loser.ms} ms; winner applied in ${winner.ms} ms`);

    expect(winner.code, explain(winner)).toBe(0);
    expect(winner.stdout).toMatch(/Apply complete: \d+ done, 0 failed/);
    expect(loser.code, explain(loser)).toBe(1);
    // No waiting at the lock (the default --lock-timeout is 0): the loser exits right after its refused create.
    const refusedAt = Date.parse(lockPuts.find((c) => c.status === 412)!.time) - started;
    expect(loser.ms - refusedAt).toBeLessThan(1000);
    // End to end, start-up included: start-up dominates, and grows with CPU contention on the machine.
    expect(loser.ms).toBeLessThan(5000);
    expect(loser.stderr).toMatch(new RegExp(`locked by \\S+@\\S+ \\(pid ${runs[winnerIndex].child.pid}, apply, since .*lock id [0-9a-f-]{36}\\)`));
    expect(loser.stderr).toContain('force-unlock');

    // One lock object was created (the winner's); the loser's conditional create was refused.
    expect(lockPuts.map((c) => c.status).sort()).toEqual([200, 412]);
    const lockTaken = lockPuts.find((c) => c.status === 200)!;
    const lockReleased = aws.callsTo('s3', 'DeleteObject').find((c) => c.params.Key === `${KEY}.lock`)!;
    expect(lockReleased.status).toBeLessThan(300);

    // Every state write happened while the winner held the lock, and each one is exactly one serial step.
    const stateWrites = aws.callsTo('s3', 'PutObject').filter((c) => c.params.Key === KEY);
    expect(stateWrites.length).toBeGreaterThan(0);
    expect(stateWrites.every((c) => c.status === 200 && c.seq > lockTaken.seq && c.seq < lockReleased.seq)).toBe(true);
    const state = await readS3State(BUCKET, KEY);
    expect(state.serial).toBe(stateWrites.length);
    expect(Object.keys(state.resources).length).toBeGreaterThan(40);

    const plan = await aws.cli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code, explain(plan)).toBe(0);
  }, 180_000);

  it('state list/show/pull read the S3 state; push checks lineage and serial', async () => {
    const state = await readS3State(BUCKET, KEY);
    const list = JSON.parse((await ok(['state', 'list', '--json'], dir)).stdout) as { address: string }[];
    expect(list.map((r) => r.address).sort()).toEqual(Object.keys(state.resources).sort());
    const show = JSON.parse((await ok(['state', 'show', 'network.vpc'], dir)).stdout) as { id: string };
    expect(show.id).toBe(state.resources['network.vpc'].id);

    const pulled = (await ok(['state', 'pull'], dir)).stdout;
    expect(JSON.parse(pulled)).toMatchObject({ lineage: state.lineage, serial: state.serial });
    const file = path.join(dir, 'pulled.json');
    await writeFile(file, pulled);
    await ok(['state', 'push', file], dir);
    expect(await readS3State(BUCKET, KEY)).toMatchObject({ lineage: state.lineage, serial: state.serial + 1 });

    const older = path.join(dir, 'older.json');
    await writeFile(older, pulled); // now one serial behind
    const stale = await aws.cli(['state', 'push', older], { cwd: dir });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/older than the workspace's/);
    const foreign = path.join(dir, 'foreign.json');
    await writeFile(foreign, JSON.stringify({ ...JSON.parse(pulled), lineage: 'another-lineage', serial: 999 }));
    const refused = await aws.cli(['state', 'push', foreign], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/lineage another-lineage, the workspace has/);
    expect((await readS3State(BUCKET, KEY)).serial).toBe(state.serial + 1);
  }, 60_000);

  it('state import adopts what state rm forgot, and plan shows no difference', async () => {
    const before = await readS3State(BUCKET, KEY);
    const subnet = 'network.subnet.private[us-east-1a]';
    const ids = { vpc: before.resources['network.vpc'].id, subnet: before.resources[subnet].id };
    await ok(['state', 'rm', 'network.vpc', subnet, '--yes'], dir);
    const drift = await aws.cli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(drift.code, explain(drift)).toBe(2);

    const rejected = await aws.cli(['state', 'import', 'network.vpc', 'vpc-00000000000000000'], { cwd: dir });
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/no ec2.vpc with id vpc-00000000000000000 was found/);

    aws.clear();
    const imported = await ok(['state', 'import', 'network.vpc', ids.vpc], dir);
    expect(imported.stdout).toContain(`Imported network.vpc (ec2.vpc ${ids.vpc})`);
    expect(aws.calls.filter((c) => /^(Create|Modify|Delete|Put|Attach)/.test(c.operation) && c.service !== 's3')).toEqual([]);
    await ok(['state', 'import', subnet, ids.subnet], dir);
    const again = await aws.cli(['state', 'import', 'network.vpc', ids.vpc], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already in the state/);

    const after = await readS3State(BUCKET, KEY);
    expect(after.lineage).toBe(before.lineage);
    expect(after.resources[subnet].dependsOn).toEqual(before.resources[subnet].dependsOn);
    const plan = await aws.cli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code, explain(plan)).toBe(0);
  }, 60_000);
});

describe('state migrate', () => {
  const BUCKET = 'mws-e2e-migrated-state';

  // A fresh account: the data tier's account-wide service-linked role made by the workspace above would otherwise
  // be in the way (see the report: moto answers EntityAlreadyExists where AWS answers InvalidInput).
  beforeAll(() => aws.reset());
  const WORKSPACE = 'movews';
  const KEY = `morpheus-ws/${WORKSPACE}.state.json`;

  it('moves local -> s3 -> local keeping lineage and resources, and updates the config', async () => {
    const dir = workdir();
    await ok(['init', '--yes', '--name', WORKSPACE, '--az-count', '2'], dir);
    await limitToWorkingTiers(dir);
    const configFile = path.join(dir, 'morpheus-ws.yaml');
    await writeFile(configFile, `# owned by the platform team\n${await readFile(configFile, 'utf8')}`);
    await ok(['apply', '--yes'], dir);
    const original = await readLocalState(dir, WORKSPACE);
    await writeFile(path.join(dir, 'old.yaml'), await readFile(configFile, 'utf8'));

    const toS3 = await ok(['state', 'migrate', '--to', 's3', '--bucket', BUCKET, '--create-bucket'], dir);
    expect(toS3.stdout).toContain(`to   s3://${BUCKET}/${KEY}`);
    const inS3 = await readS3State(BUCKET, KEY);
    expect(inS3).toEqual(original);
    expect(await configState(dir)).toEqual({ backend: 's3', bucket: BUCKET, key: 'morpheus-ws/{workspace}.state.json' });
    const text = await readFile(configFile, 'utf8');
    expect(text.startsWith('# owned by the platform team\n')).toBe(true);
    expect(text).toContain('# morpheus-ws configuration.');
    expect(parse(text).app).toMatchObject({ enabled: false });

    // A teammate still on the old config is stopped, and told where the state went.
    const stale = await aws.cli(['plan', '-c', 'old.yaml'], { cwd: dir });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`state migrated to s3://${BUCKET}/${KEY}`);

    const plan = await aws.cli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code, explain(plan)).toBe(0);

    const toLocal = await ok(['state', 'migrate', '--to', 'local'], dir);
    expect(toLocal.stdout).toContain('replacing an older copy of the same state');
    const back = await readLocalState(dir, WORKSPACE);
    expect(back.lineage).toBe(original.lineage);
    expect(back.serial).toBe(inS3.serial);
    expect(back.resources).toEqual(original.resources);
    expect(await configState(dir)).toEqual({ backend: 'local', dir: '.morpheus-ws' });
    const planBack = await aws.cli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(planBack.code, explain(planBack)).toBe(0);

    // Moving there again reclaims the marker lock the previous move left on the S3 copy.
    const migrateAgain = await aws.cli(['state', 'migrate', '--to', 's3', '--bucket', BUCKET], { cwd: dir });
    expect(migrateAgain.code, explain(migrateAgain)).toBe(0);
    expect((await readS3State(BUCKET, KEY)).lineage).toBe(original.lineage);
  }, 180_000);

  it('refuses to overwrite a different state at the target', async () => {
    // Two unrelated workspaces of the same name, each with an empty state of its own (push needs no AWS call).
    const make = async (lineage: string) => {
      const dir = workdir();
      await ok(['init', '--yes', '--name', 'twin', '--az-count', '2'], dir);
      await limitToWorkingTiers(dir);
      const doc = { version: 1, lineage, serial: 1, workspace: 'twin', region: 'us-east-1', resources: {}, intents: {} };
      await writeFile(path.join(dir, 'fresh.json'), JSON.stringify(doc));
      await ok(['state', 'push', path.join(dir, 'fresh.json')], dir);
      return dir;
    };
    const first = await make('lineage-first');
    await ok(['state', 'migrate', '--to', 's3', '--bucket', BUCKET, '--create-bucket'], first);
    const second = await make('lineage-second');
    const before = await readFile(path.join(second, 'morpheus-ws.yaml'), 'utf8');
    const refused = await aws.cli(['state', 'migrate', '--to', 's3', '--bucket', BUCKET], { cwd: second });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds a different state \(lineage lineage-first, serial 2/);
    expect(await readFile(path.join(second, 'morpheus-ws.yaml'), 'utf8')).toBe(before);
    expect((await readS3State(BUCKET, 'morpheus-ws/twin.state.json')).lineage).toBe('lineage-first');
    // Nothing was left locked: plan takes the second workspace's lock.
    await ok(['plan'], second);
  }, 60_000);
});
