/**
 * "Killing apply with SIGKILL mid-way and running it again ends with exactly one of each resource" (Foundation issue),
 * plus saved plans: `plan --out` then `apply FILE`, and the refusal of a stale one.
 */
import { DescribeNatGatewaysCommand, DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempWorkdir } from '../support/cli.js';
import { useEmulator } from '../support/e2e.js';

const aws = useEmulator();

interface StateFile { resources: Record<string, unknown>; intents: Record<string, unknown>; serial: number }

function readState(dir: string, ws: string): StateFile | undefined {
  const file = join(dir, '.morpheus-ws', `${ws}.state.json`);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StateFile;
  } catch {
    return undefined; // mid-rename: try again
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crash safety', () => {
  it('SIGKILL mid-apply, then apply again: exactly one of each resource, nothing created twice', async () => {
    const ws = 'crash';
    const dir = tempWorkdir();
    expect((await aws.cli(['init', '--yes', '--name', ws], { cwd: dir })).code).toBe(0);
    aws.clear();
    const run = aws.startCli(['apply', '--yes'], { cwd: dir, timeoutMs: 300_000 });
    let killedAt: StateFile | undefined;
    for (let i = 0; i < 3000 && !killedAt; i++) {
      const state = readState(dir, ws);
      if (state && Object.keys(state.resources).length >= 12 && Object.keys(state.intents).length > 0) {
        run.child.kill('SIGKILL');
        killedAt = state;
      }
      await sleep(10);
    }
    const first = await run.done;
    expect(killedAt, 'the apply finished before it could be killed').toBeDefined();
    expect(first.signal).toBe('SIGKILL');
    const afterKill = readState(dir, ws)!;
    console.log(`killed with ${Object.keys(afterKill.resources).length} resources in state and ${Object.keys(afterKill.intents).length} intents in flight`);

    // The lock of the dead run is on disk: it is reported, and force-unlock clears it.
    const locked = await aws.cli(['apply', '--yes'], { cwd: dir });
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/locked by .*no longer running/);
    const lockId = /force-unlock (\S+)/.exec(locked.stderr)![1];
    expect((await aws.cli(['force-unlock', lockId, '--yes'], { cwd: dir })).code).toBe(0);

    const second = await aws.cli(['apply', '--yes'], { cwd: dir, timeoutMs: 300_000 });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const final = readState(dir, ws)!;
    expect(final.intents).toEqual({});

    // Across both runs each create call was made once per resource: adoption, never a duplicate.
    const creates = (op: string) => aws.callsTo('ec2', op).length;
    expect(creates('CreateVpc')).toBe(1);
    expect(creates('CreateSubnet')).toBe(6);
    expect(creates('AllocateAddress')).toBe(3);
    expect(creates('CreateNatGateway')).toBe(3);
    expect(creates('CreateSecurityGroup')).toBe(6);
    // One workspace key, and one in the DR region for the backup copy vault.
    expect(aws.callsTo('kms', 'CreateKey').map((c) => c.region).sort()).toEqual(['us-east-1', 'us-west-2']);

    const ec2 = new EC2Client(aws.clientConfig());
    const filter = [{ Name: 'tag:morpheus-ws:workspace', Values: [ws] }];
    expect((await ec2.send(new DescribeVpcsCommand({ Filters: filter }))).Vpcs).toHaveLength(1);
    expect((await ec2.send(new DescribeSubnetsCommand({ Filters: filter }))).Subnets).toHaveLength(6);
    const nats = (await ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways!
      .filter((n) => n.State !== 'deleted' && n.Tags?.some((t) => t.Value === ws));
    expect(nats).toHaveLength(3);

    const plan = await aws.cli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code, plan.stdout).toBe(0);
    expect((await aws.cli(['destroy', '--yes', '--skip-final-snapshot', '--force-delete-secrets'], { cwd: dir, timeoutMs: 300_000 })).code).toBe(0);
  }, 600_000);

  it('applies a saved plan, and refuses one made stale by a later change', async () => {
    const ws = 'saved';
    const dir = tempWorkdir();
    expect((await aws.cli(['init', '--yes', '--name', ws], { cwd: dir })).code).toBe(0);
    const plan = await aws.cli(['plan', '--out', 'plan.json', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code).toBe(2);
    const stale = await aws.cli(['plan', '--out', 'stale.json'], { cwd: dir });
    expect(stale.code).toBe(0);
    const applied = await aws.cli(['apply', 'plan.json'], { cwd: dir, timeoutMs: 300_000 });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    // stale.json was made against serial 0; the state has moved on.
    const refused = await aws.cli(['apply', 'stale.json'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/saved plan is stale: the state changed since it was made/);
    // A config change also makes a plan stale.
    const noop = await aws.cli(['plan', '--out', 'noop.json'], { cwd: dir });
    expect(noop.code).toBe(0);
    const configFile = join(dir, 'morpheus-ws.yaml');
    writeFileSync(configFile, readFileSync(configFile, 'utf8').replace('flowLogRetentionDays: 90', 'flowLogRetentionDays: 30'));
    const changed = await aws.cli(['apply', 'noop.json'], { cwd: dir });
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/the configuration changed since it was made/);
    expect((await aws.cli(['destroy', '--yes', '--skip-final-snapshot', '--force-delete-secrets'], { cwd: dir, timeoutMs: 300_000 })).code).toBe(0);
  }, 600_000);
});
