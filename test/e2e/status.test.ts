/**
 * `status` end to end on the emulator: apply the default stack -> `status --json` reports every tier healthy (exit 0)
 * -> a mount target deleted and key rotation turned off out of band -> drift and a degraded data tier (exit 3) ->
 * an alarm set to ALARM is named -> `--watch` repeats until interrupted -> destroy.
 * On the emulator the OpenSearch cluster-status metrics have no data points: the search line says so and stays
 * healthy (no data is not a failure); every other tier reads as on AWS.
 */
import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { DeleteMountTargetCommand, DescribeMountTargetsCommand, EFSClient } from '@aws-sdk/client-efs';
import { DisableKeyRotationCommand, KMSClient } from '@aws-sdk/client-kms';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempWorkdir } from '../support/cli.js';
import { useEmulator } from '../support/e2e.js';

const aws = useEmulator();
const WS = 'stat';
let dir: string;

const state = () => JSON.parse(readFileSync(join(dir, '.morpheus-ws', `${WS}.state.json`), 'utf8'));

describe('status: live health per tier', () => {
  beforeAll(async () => {
    dir = tempWorkdir();
    const init = await aws.cli(['init', '--yes', '--name', WS, '--region', 'us-east-1'], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    const apply = await aws.cli(['apply', '--yes'], { cwd: dir, timeoutMs: 300_000 });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    await aws.cli(['destroy', '--yes', '--skip-final-snapshot', '--force-delete-secrets'], { cwd: dir, timeoutMs: 300_000 });
  }, 300_000);

  it('reports every tier healthy from AWS, exit 0', async () => {
    aws.clear();
    const status = await aws.cli(['status', '--json'], { cwd: dir });
    expect(status.code, status.stdout + status.stderr).toBe(0);
    const doc = JSON.parse(status.stdout);
    expect(doc).toMatchObject({ schema: 1, workspace: WS, state: 'healthy', healthy: true, reasons: [] });
    const tiers = Object.fromEntries(doc.tiers.map((t: { tier: string }) => [t.tier, t]));
    for (const tier of ['edge', 'app', 'data', 'security', 'network']) expect(tiers[tier]?.state, tier).toBe('healthy');
    expect(tiers.edge.summary).toMatch(/targets: 3\/3 targets healthy/);
    expect(tiers.app.summary).toMatch(/nodes: 3\/3 nodes in service/);
    expect(tiers.data.summary).toMatch(/database: cluster available, writer \S+ available, 1\/1 readers available/);
    expect(tiers.data.summary).toMatch(/broker: broker RUNNING/);
    expect(tiers.data.summary).toMatch(/search: ready/);
    expect(tiers.data.summary).toMatch(/shared storage: available, 3\/3 mount targets available/);
    expect(doc.credentials).toHaveLength(4);
    expect(doc.credentials[0].lastChanged).toMatch(/^\d{4}-\d\d-\d\d/);
    expect(doc.alarms).toMatchObject({ state: 'healthy', prefix: `morpheus-ws.${WS}.`, inAlarm: [] });
    expect(doc.drift.counts.missing + doc.drift.counts.drifted + doc.drift.counts['not created']).toBe(0);
    expect(doc.capacity.every((f: { level: string }) => f.level === 'ok')).toBe(true);
    // The live reads behind it, and nothing but reads.
    for (const [service, op] of [['elasticloadbalancing', 'DescribeTargetHealth'], ['autoscaling', 'DescribeAutoScalingGroups'],
      ['mq', 'DescribeBroker'], ['es', 'DescribeDomains'], ['monitoring', 'DescribeAlarms'], ['secretsmanager', 'DescribeSecret']]) {
      expect(aws.calls.some((c) => c.service === service && c.operation.includes(op)), `${service} ${op}`).toBe(true);
    }
    expect(aws.calls.filter((c) => !/^(Describe|Get|List|Head)/.test(c.operation) && !c.operation.startsWith('GET ')).map((c) => `${c.service}.${c.operation}`)).toEqual([]);
  });

  it('prints one line per tier for a person', async () => {
    const status = await aws.cli(['status'], { cwd: dir });
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toMatch(/Workspace stat \(us-east-1\) at .*: HEALTHY/);
    for (const label of ['edge', 'app', 'data', 'security', 'network', 'alarms', 'drift', 'credentials', 'capacity']) {
      expect(status.stdout).toMatch(new RegExp(`^  ${label}\\s+\\S+\\s+\\S`, 'm'));
    }
  });

  it('reports a deleted mount target and a changed key as drift and a degraded stack, exit 3', async () => {
    const efs = new EFSClient(aws.clientConfig());
    const fsId = state().resources['data.efs.fileSystem'].id as string;
    const { MountTargets } = await efs.send(new DescribeMountTargetsCommand({ FileSystemId: fsId }));
    const victim = MountTargets![0];
    await efs.send(new DeleteMountTargetCommand({ MountTargetId: victim.MountTargetId }));
    await new KMSClient(aws.clientConfig()).send(new DisableKeyRotationCommand({ KeyId: state().resources['security.kms.key'].id }));

    const status = await aws.cli(['status', '--json'], { cwd: dir });
    expect(status.code, status.stdout + status.stderr).toBe(3);
    const doc = JSON.parse(status.stdout);
    expect(doc.state).toBe('degraded');
    const missing = doc.drift.resources.find((r: { status: string }) => r.status === 'missing');
    expect(missing.address).toMatch(/^data\.efs\.mountTarget\[/);
    expect(doc.drift.resources).toContainEqual(expect.objectContaining({ address: 'security.kms.key', status: 'drifted', drift: ['enableKeyRotation'] }));
    const data = doc.tiers.find((t: { tier: string }) => t.tier === 'data');
    expect(data.state).not.toBe('healthy');
    expect(data.summary).toMatch(/2\/2 mount targets available|1 missing/);
    expect(doc.reasons.join('; ')).toMatch(/data (degraded|down)/);

    const human = await aws.cli(['status'], { cwd: dir });
    expect(human.code).toBe(3);
    expect(human.stdout).toMatch(/DEGRADED/);
    expect(human.stdout).toMatch(/data\.efs\.mountTarget\[\S+\]: missing/);
    expect(human.stdout).toMatch(/security\.kms\.key: drifted \(enableKeyRotation\)/);
  });

  it('names an alarm that fires', async () => {
    const cloudwatch = new CloudWatchClient(aws.clientConfig());
    const name = `morpheus-ws.${WS}.alb-5xx`;
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'test: 5xx above threshold' }));
    const status = await aws.cli(['status'], { cwd: dir });
    expect(status.code).toBe(3);
    expect(status.stdout).toMatch(/alarms\s+degraded\s+1 in ALARM: alb-5xx/);
    expect(status.stdout).toContain(`${name} since`);
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'OK', StateReason: 'test: recovered' }));
  });

  it('--watch repeats the report until interrupted', async () => {
    const run = aws.startCli(['status', '--watch', '1'], { cwd: dir, timeoutMs: 60_000 });
    const started = Date.now();
    while ((run.stdout().match(/^Workspace /gm) ?? []).length < 2 && Date.now() - started < 45_000) await new Promise((r) => setTimeout(r, 200));
    run.child.kill('SIGINT');
    const result = await run.done;
    expect((result.stdout.match(/^Workspace /gm) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(result.stdout).not.toMatch(/\u001b\[2J/); // no screen clearing without a terminal
    expect(result.code).toBe(3);
  });
});
