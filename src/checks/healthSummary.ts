/**
 * Rolls what `status` read from AWS up into one line per tier, plus drift, firing alarms, credential rotation and
 * capacity guidance, and decides the overall verdict. Pure: the command does the reading.
 */
import type { Health, Tier } from '../engine/types.js';
import type { FiringAlarm } from '../resources/monitoring/cloudwatchAlarm.js';
import type { CapacityFinding } from './capacity.js';

export type HealthState = Health['state'];

export interface ResourceStatus {
  address: string;
  kind: string;
  tier: string;
  id: string;
  status: 'ok' | 'drifted' | 'missing' | 'not created';
  drift?: string[];
  health?: Health;
}

export interface ComponentHealth {
  label: string;
  address: string;
  kind: string;
  state: HealthState;
  summary: string;
  details?: Record<string, unknown>;
}

export interface TierHealth {
  tier: Tier | string;
  state: HealthState;
  summary: string;
  components: ComponentHealth[];
}

export interface Credential {
  address: string;
  name?: string;
  lastChanged?: string;
  lastRotated?: string;
  rotationEnabled?: boolean;
  summary: string;
}

export interface StatusReport {
  state: 'healthy' | 'degraded';
  /** Why the verdict is degraded, one short reason each. */
  reasons: string[];
  tiers: TierHealth[];
  drift: { state: HealthState; counts: Record<ResourceStatus['status'], number>; resources: ResourceStatus[] };
  alarms: { state: HealthState; prefix: string; inAlarm: FiringAlarm[]; error?: string };
  credentials: Credential[];
  capacity: CapacityFinding[];
}

/** How a kind's health is named in its tier's line; kinds without a label count in the state but are not repeated. */
const LABELS: Record<string, string> = {
  'elbv2.targetGroup': 'targets',
  'autoscaling.group': 'nodes',
  'rds.dbCluster': 'database',
  'mq.broker': 'broker',
  'opensearch.domain': 'search',
  'efs.fileSystem': 'shared storage',
};

const RANK: Record<HealthState, number> = { healthy: 0, unknown: 1, degraded: 2, down: 3 };

export function worst(states: HealthState[]): HealthState {
  return states.reduce<HealthState>((w, s) => (RANK[s] > RANK[w] ? s : w), 'healthy');
}

const TIER_ORDER = ['edge', 'app', 'data', 'security', 'network', 'monitoring', 'backup'];

function tierHealth(tier: string, rows: ResourceStatus[]): TierHealth {
  const components: ComponentHealth[] = rows.filter((r) => r.health && r.kind !== 'secretsmanager.secret').map((r) => ({
    label: LABELS[r.kind] ?? r.address, address: r.address, kind: r.kind, state: r.health!.state, summary: r.health!.summary,
    ...(r.health!.details ? { details: r.health!.details } : {}),
  }));
  const present = rows.filter((r) => r.status === 'ok' || r.status === 'drifted').length;
  const missing = rows.filter((r) => r.status === 'missing').length;
  const notCreated = rows.filter((r) => r.status === 'not created').length;
  const parts = components.filter((c) => LABELS[c.kind]).map((c) => `${c.label}: ${c.summary}`);
  const inventory = `${present}/${rows.length} resources present${missing ? `, ${missing} missing` : ''}${notCreated ? `, ${notCreated} not created` : ''}`;
  const states = components.map((c) => c.state);
  if (missing) states.push('down');
  if (notCreated) states.push('degraded');
  return { tier, state: worst(states), summary: parts.length ? `${parts.join('; ')} (${inventory})` : inventory, components };
}

export function summarizeStatus(input: {
  rows: ResourceStatus[];
  alarms: FiringAlarm[] | { error: string };
  alarmPrefix: string;
  capacity: CapacityFinding[];
}): StatusReport {
  const { rows } = input;
  const tiers = [...new Set(rows.map((r) => r.tier))]
    .sort((a, b) => (TIER_ORDER.indexOf(a) + 99) % 99 - (TIER_ORDER.indexOf(b) + 99) % 99)
    .map((tier) => tierHealth(tier, rows.filter((r) => r.tier === tier)));

  const counts: Record<ResourceStatus['status'], number> = { ok: 0, drifted: 0, missing: 0, 'not created': 0 };
  for (const r of rows) counts[r.status]++;
  const off = rows.filter((r) => r.status !== 'ok');
  const drift = { state: (counts.missing ? 'down' : off.length ? 'degraded' : 'healthy') as HealthState, counts, resources: off };

  const alarms = 'error' in input.alarms
    ? { state: 'unknown' as HealthState, prefix: input.alarmPrefix, inAlarm: [], error: input.alarms.error }
    : { state: (input.alarms.length ? 'degraded' : 'healthy') as HealthState, prefix: input.alarmPrefix, inAlarm: input.alarms };

  const credentials: Credential[] = rows.filter((r) => r.kind === 'secretsmanager.secret' && r.health).map((r) => {
    const d = (r.health!.details ?? {}) as Partial<Credential> & { name?: string };
    return {
      address: r.address, name: d.name, lastChanged: d.lastChanged, lastRotated: d.lastRotated, rotationEnabled: d.rotationEnabled,
      summary: r.health!.summary,
    };
  });
  const credentialState = worst(rows.filter((r) => r.kind === 'secretsmanager.secret' && r.health).map((r) => r.health!.state));

  const reasons: string[] = [];
  for (const t of tiers) if (t.state === 'degraded' || t.state === 'down') reasons.push(`${t.tier} ${t.state}`);
  if (off.length) reasons.push(`${off.length} resource(s) ${[counts.drifted && 'drifted', counts.missing && 'missing', counts['not created'] && 'not created'].filter(Boolean).join('/')}`);
  if (alarms.inAlarm.length) reasons.push(`${alarms.inAlarm.length} alarm(s) in ALARM`);
  if (credentialState === 'down' || credentialState === 'degraded') reasons.push('a credential is scheduled for deletion');
  return { state: reasons.length ? 'degraded' : 'healthy', reasons, tiers, drift, alarms, credentials, capacity: input.capacity };
}
