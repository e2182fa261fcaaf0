/**
 * `morpheus-ws status`: a live health report, read from AWS (not from state), one line per tier.
 *
 *   edge        healthy target count of the target group (DescribeTargetHealth)
 *   app         nodes in service vs desired (Auto Scaling)
 *   data        Aurora cluster + writer + readers, broker state, OpenSearch processing and cluster health
 *               (ClusterStatus.red/yellow metrics when CloudWatch has them), EFS mount targets available
 *   other tiers resources present
 *   alarms      the workspace's CloudWatch alarms in ALARM (name prefix of the monitoring tier)
 *   drift       resources in state but gone from AWS, or whose settings differ from the config
 *   credentials last change / rotation of the secrets morpheus-ws owns
 *   capacity    the config against Morpheus's documented sizing (no AWS call)
 *
 * Exit codes: 0 healthy, 3 degraded (anything down, degraded, missing, drifted, not created, or an alarm firing;
 * also when nothing is deployed), 1 error. `--watch [seconds]` repeats the report until Ctrl-C (clearing the screen
 * on a terminal; one block, or one JSON document per line with --json, per refresh otherwise).
 *
 * `--json` prints one document (per refresh):
 *   {
 *     schema: 1, workspace, region, checkedAt: ISO time,
 *     state: 'healthy' | 'degraded', healthy: boolean, reasons: string[],
 *     tiers: [{ tier, state: 'healthy'|'degraded'|'down'|'unknown', summary,
 *               components: [{ label, address, kind, state, summary, details? }] }],
 *     drift: { state, counts: { ok, drifted, missing, 'not created' }, resources: ResourceStatus[] (those not ok) },
 *     alarms: { state, prefix, inAlarm: [{ name, kind, reason?, since?, metric? }], error? },
 *     credentials: [{ address, name?, lastChanged?, lastRotated?, rotationEnabled?, summary }],
 *     capacity: [{ id, level: 'ok'|'warn'|'fail', message }],
 *     resources: [{ address, kind, tier, id, status: 'ok'|'drifted'|'missing'|'not created', drift?, health? }]
 *   }
 */
import { capacityFindings } from '../checks/capacity.js';
import { summarizeStatus, type ResourceStatus, type StatusReport } from '../checks/healthSummary.js';
import { sleep } from '../aws/wait.js';
import { resolveInputs } from '../engine/graph.js';
import { diffInputs, handlerFor, refresh } from '../engine/planner.js';
import { UNKNOWN, type Health, type ReadItem } from '../engine/types.js';
import { alarmsInAlarm } from '../resources/monitoring/cloudwatchAlarm.js';
import { alarmNamePrefix } from '../stack/monitoringCatalog.js';
import type { Terminal } from '../ui/terminal.js';
import { CliError } from './errors.js';
import { openStack, openWorkspace, type GlobalOptions, type Stack } from './workspace.js';

export type { ResourceStatus } from '../checks/healthSummary.js';

export interface StatusOptions extends GlobalOptions {
  /** `--watch` alone is true; `--watch 30` is '30'. */
  watch?: boolean | string;
}

export const DEFAULT_WATCH_SECONDS = 10;

export function watchSeconds(watch: boolean | string | undefined): number | undefined {
  if (watch === undefined || watch === false) return undefined;
  if (watch === true) return DEFAULT_WATCH_SECONDS;
  const n = Number(watch);
  if (!Number.isFinite(n) || n < 1) throw new CliError(`--watch takes a number of seconds (at least 1), not "${watch}"`);
  return n;
}

interface Collected {
  deployed: boolean;
  report: StatusReport;
  rows: ResourceStatus[];
}

/** Reads everything the report needs from AWS: existence and drift (refresh), each kind's health hook, alarms. */
async function collect(stack: Stack): Promise<Collected> {
  const { config } = stack;
  const prefix = alarmNamePrefix(config.workspace);
  const capacity = capacityFindings(config);
  const { doc } = await stack.backend.read();
  if (!doc || !Object.keys(doc.resources).length) {
    return { deployed: false, rows: [], report: summarizeStatus({ rows: [], alarms: [], alarmPrefix: prefix, capacity }) };
  }
  const refreshed = await refresh(doc, stack.engine);
  const rows: ResourceStatus[] = [];
  for (const [address, node] of stack.graph.nodes) {
    const resource = doc.resources[address];
    if (!resource) {
      rows.push({ address, kind: node.kind, tier: node.tier, id: '', status: 'not created' });
      continue;
    }
    const actual = refreshed.actual.get(address);
    if (!actual) {
      rows.push({ address, kind: node.kind, tier: node.tier, id: resource.id, status: 'missing' });
      continue;
    }
    const handler = handlerFor(stack.engine.handlers, node.kind, address);
    const lookup = (dep: string, output: string) => refreshed.actual.get(dep)?.outputs[output] ?? doc.resources[dep]?.outputs[output] ?? UNKNOWN;
    const { value, unknownFields } = resolveInputs(node.inputs, lookup, UNKNOWN);
    const drift = diffInputs(handler, value, unknownFields, actual.inputs).map((c) => c.field);
    rows.push({ address, kind: node.kind, tier: node.tier, id: actual.id, status: drift.length ? 'drifted' : 'ok', ...(drift.length ? { drift } : {}) });
  }
  // In state but no longer in the config: still reported, so nothing the stack owns goes unseen.
  for (const [address, resource] of Object.entries(doc.resources)) {
    if (stack.graph.nodes.has(address)) continue;
    const actual = refreshed.actual.get(address);
    rows.push({ address, kind: resource.kind, tier: resource.tier, id: actual?.id ?? resource.id, status: actual ? 'drifted' : 'missing', ...(actual ? { drift: ['(no longer in the config)'] } : {}) });
  }

  const byKind = new Map<string, ReadItem[]>();
  for (const row of rows) {
    const actual = refreshed.actual.get(row.address);
    if (!actual) continue;
    const resource = doc.resources[row.address];
    byKind.set(row.kind, [...(byKind.get(row.kind) ?? []), { address: row.address, id: actual.id, inputs: resource.inputs, outputs: actual.outputs }]);
  }
  const health = new Map<string, Health>();
  await Promise.all([...byKind].map(async ([kind, items]) => {
    const handler = stack.engine.handlers.get(kind);
    if (!handler?.health) return;
    for (const [address, h] of await handler.health(stack.ctx, items)) health.set(address, h);
  }));
  for (const row of rows) {
    const h = health.get(row.address);
    if (h) row.health = h;
  }

  let alarms: Awaited<ReturnType<typeof alarmsInAlarm>> | { error: string };
  try {
    alarms = await alarmsInAlarm(stack.ctx, prefix);
  } catch (error) {
    alarms = { error: `alarms not readable: ${(error as Error).message}` };
  }
  return { deployed: true, rows, report: summarizeStatus({ rows, alarms, alarmPrefix: prefix, capacity }) };
}

function jsonDocument(stack: Stack, collected: Collected, checkedAt: string): object {
  const { report } = collected;
  const reasons = collected.deployed ? report.reasons : ['nothing deployed'];
  return {
    schema: 1, workspace: stack.config.workspace, region: stack.config.region, checkedAt,
    state: collected.deployed ? report.state : 'degraded', healthy: collected.deployed && report.state === 'healthy', reasons,
    tiers: report.tiers, drift: report.drift, alarms: report.alarms, credentials: report.credentials, capacity: report.capacity,
    resources: collected.rows,
  };
}

function render(stack: Stack, collected: Collected, checkedAt: string, term: Terminal): void {
  const { c } = term;
  const { report } = collected;
  const paint = (state: string) => (state === 'healthy' || state === 'ok' ? c.green(state) : state === 'unknown' || state === 'info' ? c.dim(state)
    : state === 'down' || state === 'fail' ? c.red(state) : c.yellow(state));
  const line = (label: string, state: string, text: string) => term.out(`  ${label.padEnd(12)}${paint(state)}${' '.repeat(Math.max(1, 10 - state.length))}${text}`);
  const head = `Workspace ${stack.config.workspace} (${stack.config.region}) at ${checkedAt}`;
  if (!collected.deployed) {
    term.out(`${head}: nothing deployed (${stack.backend.describe()}). Run morpheus-ws apply.`);
    return;
  }
  term.out(`${head}: ${report.state === 'healthy' ? c.green('HEALTHY') : c.yellow(`DEGRADED (${report.reasons.join('; ')})`)}`);
  for (const tier of report.tiers) line(tier.tier, tier.state, tier.summary);

  const { alarms } = report;
  line('alarms', alarms.state, alarms.error ?? (alarms.inAlarm.length
    ? `${alarms.inAlarm.length} in ALARM: ${alarms.inAlarm.map((a) => a.name.slice(alarms.prefix.length) || a.name).join(', ')}`
    : `none in ALARM (${alarms.prefix}*)`));
  for (const a of alarms.inAlarm) term.out(c.dim(`              ${a.name}${a.since ? ` since ${a.since}` : ''}${a.reason ? `: ${a.reason}` : ''}`));

  const { drift } = report;
  line('drift', drift.state, drift.resources.length
    ? `${drift.counts.drifted} drifted, ${drift.counts.missing} missing, ${drift.counts['not created']} not created (of ${collected.rows.length})`
    : `${drift.counts.ok} resources match the config`);
  for (const r of drift.resources) {
    term.out(`              ${r.address}: ${r.status === 'drifted' ? `drifted (${r.drift!.join(', ')})` : r.status}${r.id ? c.dim(` ${r.id}`) : ''}`);
  }

  if (report.credentials.length) {
    const latest = report.credentials.map((cr) => cr.lastRotated ?? cr.lastChanged).filter(Boolean).sort()[0];
    line('credentials', 'info', `${report.credentials.length} secrets, oldest changed ${latest?.slice(0, 10) ?? 'unknown'}`);
    for (const cr of report.credentials) term.out(c.dim(`              ${cr.address}: ${cr.summary}`));
  }

  const issues = report.capacity.filter((f) => f.level !== 'ok');
  line('capacity', issues.some((f) => f.level === 'fail') ? 'fail' : issues.length ? 'warn' : 'ok',
    issues.length ? `${issues.length} below Morpheus sizing guidance` : report.capacity.map((f) => f.message).join('; '));
  for (const f of issues) term.out(`              ${f.message}`);
}

async function reportOnce(stack: Stack, term: Terminal): Promise<number> {
  const collected = await collect(stack);
  const checkedAt = new Date().toISOString();
  if (term.json) term.out(JSON.stringify(jsonDocument(stack, collected, checkedAt)));
  else render(stack, collected, checkedAt, term);
  return collected.deployed && collected.report.state === 'healthy' ? 0 : 3;
}

/** Live health of the stack, read from AWS. Exit 0 healthy, 3 degraded, 1 on error. */
export async function statusCommand(options: StatusOptions, term: Terminal): Promise<number> {
  const interval = watchSeconds(options.watch);
  const workspace = await openWorkspace(options, term);
  const stack = await openStack(workspace, undefined);
  if (interval === undefined) return reportOnce(stack, term);

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let code = 0;
  try {
    while (!stop.signal.aborted) {
      if (term.tty) process.stdout.write('\u001b[2J\u001b[H');
      code = await reportOnce(stack, term);
      if (term.tty) term.out(term.c.dim(`\nRefreshing every ${interval}s. Ctrl-C to stop.`));
      else if (!term.json) term.out('');
      await sleep(interval * 1000, stop.signal).catch(() => undefined);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return code;
}
