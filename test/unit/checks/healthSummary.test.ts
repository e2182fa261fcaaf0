import { describe, expect, it } from 'vitest';
import { summarizeStatus, worst, type ResourceStatus } from '../../../src/checks/healthSummary.js';

const row = (address: string, kind: string, tier: string, extra: Partial<ResourceStatus> = {}): ResourceStatus =>
  ({ address, kind, tier, id: `id-${address}`, status: 'ok', ...extra });
const healthy = (summary: string) => ({ state: 'healthy' as const, summary });

function stack(): ResourceStatus[] {
  return [
    row('security.kms.key', 'kms.key', 'security'),
    row('network.vpc', 'ec2.vpc', 'network'),
    row('edge.targetGroup', 'elbv2.targetGroup', 'edge', { health: healthy('3/3 targets healthy') }),
    row('app.asg', 'autoscaling.group', 'app', { health: healthy('3/3 nodes in service') }),
    row('data.db.cluster', 'rds.dbCluster', 'data', { health: healthy('cluster available') }),
    row('data.db.instance[0]', 'rds.dbInstance', 'data', { health: healthy('available in a') }),
    row('data.mq.broker', 'mq.broker', 'data', { health: healthy('broker RUNNING') }),
    row('data.secret.mqAdmin', 'secretsmanager.secret', 'data', {
      health: { state: 'healthy', summary: 'changed 2026-01-01, no automatic rotation', details: { name: 'n', lastChanged: '2026-01-01T00:00:00.000Z', rotationEnabled: false } },
    }),
  ];
}

describe('status summary', () => {
  it('orders tiers edge first and names each component once', () => {
    const report = summarizeStatus({ rows: stack(), alarms: [], alarmPrefix: 'morpheus-ws.demo.', capacity: [] });
    expect(report.state).toBe('healthy');
    expect(report.tiers.map((t) => t.tier)).toEqual(['edge', 'app', 'data', 'security', 'network']);
    const data = report.tiers.find((t) => t.tier === 'data')!;
    expect(data.summary).toBe('database: cluster available; broker: broker RUNNING (4/4 resources present)');
    expect(data.components.map((c) => c.kind)).toEqual(['rds.dbCluster', 'rds.dbInstance', 'mq.broker']);
    expect(report.credentials).toEqual([{ address: 'data.secret.mqAdmin', name: 'n', lastChanged: '2026-01-01T00:00:00.000Z', lastRotated: undefined, rotationEnabled: false, summary: 'changed 2026-01-01, no automatic rotation' }]);
  });

  it('is degraded by a degraded component, drift, a missing resource or a firing alarm, and says why', () => {
    const rows = stack();
    rows[2].health = { state: 'degraded', summary: '2/3 targets healthy' };
    rows[1] = { ...rows[1], status: 'drifted', drift: ['enableDnsSupport'] };
    rows.push(row('data.efs.mountTarget[a]', 'efs.mountTarget', 'data', { status: 'missing' }));
    const report = summarizeStatus({ rows, alarms: [{ name: 'morpheus-ws.demo.alb-5xx', kind: 'metric' }], alarmPrefix: 'morpheus-ws.demo.', capacity: [] });
    expect(report.state).toBe('degraded');
    expect(report.reasons).toEqual(['edge degraded', 'data down', '2 resource(s) drifted/missing', '1 alarm(s) in ALARM']);
    expect(report.drift).toMatchObject({ state: 'down', counts: { ok: 7, drifted: 1, missing: 1, 'not created': 0 } });
    expect(report.tiers.find((t) => t.tier === 'data')!.summary).toMatch(/4\/5 resources present, 1 missing/);
    expect(report.alarms.state).toBe('degraded');
  });

  it('unreadable alarms are unknown, not a failure', () => {
    const report = summarizeStatus({ rows: stack(), alarms: { error: 'alarms not readable: AccessDenied' }, alarmPrefix: 'p', capacity: [] });
    expect(report.state).toBe('healthy');
    expect(report.alarms).toMatchObject({ state: 'unknown', error: 'alarms not readable: AccessDenied' });
  });

  it('ranks states', () => {
    expect(worst(['healthy', 'unknown'])).toBe('unknown');
    expect(worst(['degraded', 'down', 'healthy'])).toBe('down');
    expect(worst([])).toBe('healthy');
  });
});
