/**
 * `check` end to end on the emulator: the default stack passes every FSBP control that applies (exit 0); weakening a
 * setting out of band makes `check` fail naming the control (exit 1).
 */
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client, ModifyLoadBalancerAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ModifyDBClusterCommand, RDSClient } from '@aws-sdk/client-rds';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempWorkdir } from '../support/cli.js';
import { useEmulator } from '../support/e2e.js';

const aws = useEmulator();
const WS = 'chk';
let dir: string;

const state = () => JSON.parse(readFileSync(join(dir, '.morpheus-ws', `${WS}.state.json`), 'utf8'));

const EXPECTED = ['EC2.8', 'EC2.170', 'EC2.6', 'EC2.18', 'EC2.19', 'ELB.1', 'ELB.4', 'ELB.5', 'ELB.6', 'RDS.6', 'RDS.7', 'RDS.15', 'RDS.27',
  'EFS.1', 'EFS.7', 'MQ.3', 'Opensearch.1', 'Opensearch.2', 'Opensearch.3', 'Opensearch.4', 'Opensearch.6', 'Opensearch.7', 'Opensearch.8',
  'KMS.4', 'SecretsManager.1'];

describe('check: FSBP controls on the live stack', () => {
  beforeAll(async () => {
    dir = tempWorkdir();
    const init = await aws.cli(['init', '--yes', '--name', WS, '--region', 'us-east-1'], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    const apply = await aws.cli(['apply', '--yes'], { cwd: dir, timeoutMs: 300_000 });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    const destroy = await aws.cli(['destroy', '--yes', '--skip-final-snapshot', '--force-delete-secrets'], { cwd: dir, timeoutMs: 300_000 });
    expect(destroy.code, destroy.stdout + destroy.stderr).toBe(0);
  }, 300_000);

  it('passes the default stack (exit 0), evaluating every applicable control with reads only', async () => {
    aws.clear();
    const check = await aws.cli(['check', '--json'], { cwd: dir });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const doc = JSON.parse(check.stdout);
    expect(doc).toMatchObject({ schema: 1, workspace: WS, passed: true, missing: [] });
    expect(doc.counts.fail).toBe(0);
    expect([...new Set(doc.results.map((r: { control: string }) => r.control))].sort()).toEqual([...EXPECTED].sort());
    // The credentials morpheus-ws generates have no rotation function: an accepted, stated exception; the
    // RDS-managed master secret is rotated by RDS.
    const secrets = doc.results.filter((r: { control: string }) => r.control === 'SecretsManager.1');
    expect(secrets.filter((r: { status: string }) => r.status === 'warn')).toHaveLength(4);
    expect(secrets.find((r: { address: string }) => r.address === 'data.db.cluster.masterUserSecret')?.status).toBe('pass');
    expect(aws.calls.filter((c) => !/^(Describe|Get|List|Head)/.test(c.operation) && !c.operation.startsWith('GET ')).map((c) => `${c.service}.${c.operation}`)).toEqual([]);
  });

  it('prints pass/fail per control for a person', async () => {
    const check = await aws.cli(['check'], { cwd: dir });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(/^KMS\.4\s+AWS KMS key rotation should be enabled$/m);
    expect(check.stdout).toMatch(/PASS {2}security\.kms\.key/);
    expect(check.stdout).toMatch(/0 failed/);
    const strict = await aws.cli(['check', '--strict'], { cwd: dir });
    expect(strict.code).toBe(1); // the SecretsManager.1 warnings fail a strict run
  });

  it('fails naming the control when a setting is weakened out of band (exit 1)', async () => {
    await new RDSClient(aws.clientConfig()).send(new ModifyDBClusterCommand({
      DBClusterIdentifier: state().resources['data.db.cluster'].id, DeletionProtection: false, ApplyImmediately: true,
    }));
    const elb = new ElasticLoadBalancingV2Client(aws.clientConfig());
    const arn = state().resources['edge.alb'].id as string;
    expect((await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] }))).LoadBalancers).toHaveLength(1);
    await elb.send(new ModifyLoadBalancerAttributesCommand({
      LoadBalancerArn: arn, Attributes: [{ Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'false' }],
    }));

    const check = await aws.cli(['check', '--json'], { cwd: dir });
    expect(check.code, check.stdout + check.stderr).toBe(1);
    const doc = JSON.parse(check.stdout);
    const failed = doc.results.filter((r: { status: string }) => r.status === 'fail');
    expect(failed.map((r: { control: string; address: string }) => `${r.control} ${r.address}`).sort()).toEqual(['ELB.4 edge.alb', 'RDS.7 data.db.cluster']);
    expect(failed.every((r: { fix?: string }) => r.fix && r.fix.length > 10)).toBe(true);

    const human = await aws.cli(['check'], { cwd: dir });
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/FAIL {2}data\.db\.cluster {2}deletion protection off/);
    expect(human.stdout).toMatch(/fix: Set data\.db\.deletionProtection: true/);
  });
});
