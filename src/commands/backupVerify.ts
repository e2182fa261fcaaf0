/**
 * `backup verify`: are there recovery points newer than the RPO for the Aurora cluster and the EFS file system,
 * and (`--restore-test`) does the newest Aurora snapshot really restore? The restore test builds a temporary cluster
 * and one instance in the stack's private subnets and DB security group, times it, and always deletes it: on
 * success, on failure, and on Ctrl-C.
 */
import type { AwsClients } from '../aws/clients.js';
import { formatDuration } from '../aws/wait.js';
import { WORKSPACE_TAG } from '../aws/tags.js';
import { recoveryPointsOf, type RecoveryPoint } from '../resources/backup/recoveryPointCheck.js';
import {
  clusterSnapshots, deleteTemporaryCluster, leftoverRestoreTests, restoreSnapshotToTemporaryCluster, restoreTestClusterId, type ClusterSnapshot,
} from '../resources/data/auroraRestoreTest.js';
import { rpoHoursOf } from '../runbook/facts.js';
import { addr } from '../stack/addresses.js';
import type { StateDoc } from '../state/types.js';
import type { Terminal } from '../ui/terminal.js';
import { CliError } from './errors.js';
import { trapInterrupts } from './interrupts.js';
import { openWorkspace, type GlobalOptions } from './workspace.js';

export interface CheckRow {
  check: string;
  status: 'pass' | 'fail';
  detail: string;
  /** Newest backup found, ISO time. */
  newest?: string;
  ageHours?: number;
  restoreSeconds?: number;
}

export interface Evidence {
  source: string;
  created: Date;
}

/** Pure: the newest piece of evidence against the RPO. */
export function rpoCheck(check: string, evidence: Evidence[], rpoHours: number, now: Date, errors: string[] = []): CheckRow {
  const newest = [...evidence].sort((a, b) => b.created.getTime() - a.created.getTime())[0];
  const problems = errors.length ? ` (${errors.join('; ')})` : '';
  if (!newest) return { check, status: 'fail', detail: `no backup found${problems}` };
  const ageHours = Math.round(((now.getTime() - newest.created.getTime()) / 3_600_000) * 10) / 10;
  const within = ageHours <= rpoHours;
  return {
    check,
    status: within ? 'pass' : 'fail',
    detail: `${within ? 'newest' : 'newest is older than the RPO:'} ${newest.source}, ${ageHours} h old (RPO ${rpoHours} h)${problems}`,
    newest: newest.created.toISOString(),
    ageHours,
  };
}

const completed = (points: RecoveryPoint[]): Evidence[] =>
  points.filter((p) => p.status === 'COMPLETED').map((p) => ({ source: `recovery point in ${p.vault}`, created: p.created }));
const snapshotEvidence = (snapshots: ClusterSnapshot[]): Evidence[] =>
  snapshots.map((s) => ({ source: `${s.type} snapshot ${s.id}`, created: s.created }));

export interface VerifyTargets {
  workspace: string;
  rpoHours: number;
  clusterId?: string;
  clusterArn?: string;
  efsArn?: string;
  restore: {
    dbSubnetGroupName?: string;
    securityGroupId?: string;
    parameterGroupName?: string;
    kmsKeyId?: string;
    instanceClass: string;
  };
}

export function verifyTargets(doc: StateDoc, config: Parameters<typeof rpoHoursOf>[0]): VerifyTargets {
  const out = (address: string, name: string) => doc.resources[address]?.outputs[name] as string | undefined;
  return {
    workspace: config.workspace,
    rpoHours: rpoHoursOf(config),
    clusterId: out(addr.auroraCluster, 'clusterId'),
    clusterArn: out(addr.auroraCluster, 'arn'),
    efsArn: out(addr.efsFileSystem, 'arn'),
    restore: {
      dbSubnetGroupName: out(addr.dbSubnetGroup, 'name'),
      securityGroupId: out(addr.securityGroup('db'), 'groupId'),
      parameterGroupName: out(addr.dbClusterParameterGroup, 'name'),
      kmsKeyId: out(addr.kmsKey, 'arn'),
      instanceClass: config.data.db.instanceClass,
    },
  };
}

async function attempt<T>(work: () => Promise<T>, errors: string[], what: string): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    const e = error as Error;
    const message = (e.message ?? '').split('\n')[0].slice(0, 200);
    errors.push(`${what}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${message}`);
    return undefined;
  }
}

export interface VerifyHooks {
  report(message: string): void;
  /** First Ctrl-C: stop waiting for the restore and go straight to the cleanup. */
  stop?: AbortSignal;
  /** Second Ctrl-C: stop waiting for the cleanup too (the deletions are already requested). */
  abort?: AbortSignal;
  now?: () => Date;
}

/** The checks and, when asked, the restore test. */
export async function verifyBackups(aws: AwsClients, targets: VerifyTargets, restoreTest: boolean, hooks: VerifyHooks): Promise<CheckRow[]> {
  const now = hooks.now ?? (() => new Date());
  const rows: CheckRow[] = [];
  let snapshots: ClusterSnapshot[] = [];
  if (targets.clusterId && targets.clusterArn) {
    const errors: string[] = [];
    snapshots = await attempt(() => clusterSnapshots(aws, targets.clusterId!), errors, 'DescribeDBClusterSnapshots') ?? [];
    const points = await attempt(() => recoveryPointsOf(aws, targets.clusterArn!), errors, 'AWS Backup') ?? [];
    // Either kind restores the cluster: an error on one side only matters when the other has nothing.
    const evidence = [...snapshotEvidence(snapshots), ...completed(points)];
    rows.push(rpoCheck(`Aurora ${targets.clusterId}`, evidence, targets.rpoHours, now(), evidence.length ? [] : errors));
  } else {
    rows.push({ check: 'Aurora', status: 'fail', detail: 'the cluster is not in the state: run morpheus-ws apply' });
  }
  if (targets.efsArn) {
    const errors: string[] = [];
    const points = await attempt(() => recoveryPointsOf(aws, targets.efsArn!), errors, 'AWS Backup') ?? [];
    rows.push(rpoCheck(`EFS ${targets.efsArn.split('/').pop()}`, completed(points), targets.rpoHours, now(), errors));
  } else {
    rows.push({ check: 'EFS', status: 'fail', detail: 'the file system is not in the state: run morpheus-ws apply' });
  }
  if (restoreTest) rows.push(await runRestoreTest(aws, targets, snapshots, hooks, now));
  return rows;
}

async function runRestoreTest(aws: AwsClients, targets: VerifyTargets, snapshots: ClusterSnapshot[], hooks: VerifyHooks, now: () => Date): Promise<CheckRow> {
  const check = 'Aurora restore test';
  const snapshot = snapshots[0];
  const { restore } = targets;
  if (!targets.clusterId || !snapshot) return { check, status: 'fail', detail: 'no available Aurora snapshot to restore' };
  if (!restore.dbSubnetGroupName || !restore.securityGroupId) {
    return { check, status: 'fail', detail: 'the DB subnet group or security group is not in the state' };
  }
  for (const leftover of await leftoverRestoreTests(aws, targets.clusterId)) {
    hooks.report(`deleting ${leftover}, left by an earlier restore test that did not finish`);
    await deleteTemporaryCluster(aws, leftover, { report: hooks.report, signal: hooks.abort });
  }
  const clusterId = restoreTestClusterId(targets.clusterId, now());
  const started = Date.now();
  let restoreMs: number | undefined;
  let failure: string | undefined;
  hooks.report(`restoring ${snapshot.type} snapshot ${snapshot.id} into temporary cluster ${clusterId}`);
  try {
    await restoreSnapshotToTemporaryCluster(aws, {
      clusterId, snapshot, dbSubnetGroupName: restore.dbSubnetGroupName, securityGroupIds: [restore.securityGroupId],
      parameterGroupName: restore.parameterGroupName, kmsKeyId: restore.kmsKeyId, instanceClass: restore.instanceClass,
      tags: { [WORKSPACE_TAG]: targets.workspace, 'morpheus-ws:purpose': 'restore-test', Name: clusterId },
    }, { report: hooks.report, signal: hooks.stop });
    restoreMs = Date.now() - started;
  } catch (error) {
    failure = hooks.stop?.aborted ? 'interrupted' : (error as Error).message;
  } finally {
    // Always, whatever happened above: a forgotten restored cluster costs money and holds a copy of the data.
    hooks.report(`deleting temporary cluster ${clusterId}`);
    try {
      await deleteTemporaryCluster(aws, clusterId, { report: hooks.report, signal: hooks.abort });
    } catch (error) {
      const cleanup = `could not confirm the deletion of ${clusterId} (${(error as Error).message}); delete it with: ` +
        `aws rds delete-db-instance --db-instance-identifier ${clusterId}-0 --skip-final-snapshot && ` +
        `aws rds delete-db-cluster --db-cluster-identifier ${clusterId} --skip-final-snapshot`;
      failure = failure ? `${failure}; ${cleanup}` : cleanup;
    }
  }
  if (failure || restoreMs === undefined) return { check, status: 'fail', detail: `restore of ${snapshot.id} failed: ${failure ?? 'unknown'}` };
  return {
    check, status: 'pass', restoreSeconds: Math.round(restoreMs / 1000), newest: snapshot.created.toISOString(),
    detail: `${snapshot.id} restored and serving in ${formatDuration(restoreMs)}; temporary cluster deleted`,
  };
}

export interface BackupVerifyOptions extends GlobalOptions {
  restoreTest?: boolean;
}

export async function backupVerifyCommand(options: BackupVerifyOptions, term: Terminal): Promise<number> {
  const workspace = await openWorkspace(options, term);
  const { doc } = await workspace.backend.read();
  if (!doc || !Object.keys(doc.resources).length) throw new CliError(`workspace ${workspace.config.workspace} has nothing deployed: run morpheus-ws apply first`);
  const targets = verifyTargets(doc, workspace.config);
  const report = (message: string) => (term.json ? undefined : term.err(term.c.dim(message)));
  const interrupts = trapInterrupts((event) => 'message' in event && term.err(term.c.yellow(
    event.message.startsWith('Interrupted again') ? 'Interrupted again: no longer waiting for the deletion (it was requested).' : 'Interrupted: deleting the temporary cluster (Ctrl-C again to stop waiting).')));
  let rows: CheckRow[];
  try {
    rows = await verifyBackups(workspace.aws, targets, !!options.restoreTest, { report, stop: interrupts.stop, abort: interrupts.abort });
  } finally {
    interrupts.dispose();
  }
  const ok = rows.every((r) => r.status === 'pass');
  if (term.json) {
    term.out(JSON.stringify({ schema: 1, workspace: workspace.config.workspace, rpoHours: targets.rpoHours, ok, checks: rows }));
  } else {
    const width = Math.max(...rows.map((r) => r.check.length));
    for (const row of rows) {
      const mark = row.status === 'pass' ? term.c.green('PASS') : term.c.red('FAIL');
      term.out(`${mark}  ${row.check.padEnd(width)}  ${row.detail}`);
    }
    term.out(`\nBackups: ${rows.filter((r) => r.status === 'pass').length} of ${rows.length} checks passed (RPO ${targets.rpoHours} h).`);
  }
  return ok ? 0 : 1;
}
