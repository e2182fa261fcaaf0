import { describe, expect, it } from 'vitest';
import { CONTROLS } from '../../../src/checks/controls.js';
import { countByStatus, evaluateControls } from '../../../src/checks/evaluate.js';
import type { Subject } from '../../../src/checks/types.js';

const subject = (address: string, kind: string, id: string, inputs: Record<string, unknown> = {}, facts: Record<string, unknown> = {}): Subject =>
  ({ address, kind, id, inputs, outputs: {}, facts });

const control = (id: string) => {
  const c = CONTROLS.find((x) => x.id === id);
  if (!c) throw new Error(`no control ${id}`);
  return c;
};

const ALB_RULES = [
  { protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0' },
  { protocol: 'tcp', fromPort: 80, toPort: 80, cidr: '0.0.0.0/0' },
];

/** A live default stack, as the handlers' reads and the inspectors see it. */
function defaultStack(): Subject[] {
  return [
    subject('app.launchTemplate', 'ec2.launchTemplate', 'lt-1', {}, { httpTokens: 'required' }),
    subject('network.vpc', 'ec2.vpc', 'vpc-1'),
    subject('network.flowLogs', 'ec2.flowLog', 'fl-1', { vpcId: 'vpc-1', trafficType: 'ALL' }),
    subject('network.sg.alb', 'ec2.securityGroup', 'sg-alb', { ingress: ALB_RULES.map((r) => ({ ...r })) }),
    subject('network.sg.app', 'ec2.securityGroup', 'sg-app', { ingress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, groupId: 'sg-alb' }] }),
    subject('edge.alb', 'elbv2.loadBalancer', 'arn:lb', { deletionProtection: true, dropInvalidHeaderFields: true, accessLogs: { bucket: 'logs', prefix: 'alb' } }),
    subject('edge.listener.http', 'elbv2.listener', 'arn:l80', { loadBalancerArn: 'arn:lb', protocol: 'HTTP', port: 80, defaultAction: { type: 'redirect', protocol: 'HTTPS', port: '443' } }),
    subject('edge.listener.https', 'elbv2.listener', 'arn:l443', { loadBalancerArn: 'arn:lb', protocol: 'HTTPS', port: 443, defaultAction: { type: 'forward' } }),
    subject('data.db.cluster', 'rds.dbCluster', 'db', { deletionProtection: true, kmsKeyId: 'arn:key' }, { storageEncrypted: true }),
    subject('data.db.instance[0]', 'rds.dbInstance', 'db-0', { clusterId: 'db', availabilityZone: 'us-east-1a', monitoringIntervalSeconds: 60 }),
    subject('data.db.instance[1]', 'rds.dbInstance', 'db-1', { clusterId: 'db', availabilityZone: 'us-east-1b', monitoringIntervalSeconds: 60 }),
    subject('data.efs.fileSystem', 'efs.fileSystem', 'fs-1', { encrypted: true, automaticBackups: true }),
    subject('data.mq.broker', 'mq.broker', 'b-1', { autoMinorVersionUpgrade: true }),
    subject('data.search.domain', 'opensearch.domain', 'search', {
      kmsKeyId: 'arn:key', subnetIds: ['s1', 's2', 's3'], logs: { application: 'arn:lg' }, instanceCount: 3, availabilityZoneCount: 3,
      tlsSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07',
    }, { nodeToNodeEncryption: true, fineGrainedAccessControl: true }),
    subject('security.kms.key', 'kms.key', 'key-1', { enableKeyRotation: true }),
    subject('data.db.cluster.masterUserSecret', 'secretsmanager.secret', 'arn:rds-secret', {}, { rotation: { rotationEnabled: true, lastRotated: '2026-01-02T00:00:00Z' } }),
  ];
}

/** One weakened setting per control: the control must fail on it. */
const WEAKEN: Record<string, (stack: Subject[]) => void> = {
  'EC2.8': (s) => { s[0].facts.httpTokens = 'optional'; },
  'EC2.170': (s) => { s[0].facts.httpTokens = 'optional'; },
  'EC2.6': (s) => { s.splice(s.findIndex((x) => x.kind === 'ec2.flowLog'), 1); },
  'EC2.18': (s) => { (s[4].inputs.ingress as object[]).push({ protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0' }); },
  'EC2.19': (s) => { (s[3].inputs.ingress as object[]).push({ protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0' }); },
  'ELB.1': (s) => { s[6].inputs.defaultAction = { type: 'forward' }; },
  'ELB.4': (s) => { s[5].inputs.dropInvalidHeaderFields = false; },
  'ELB.5': (s) => { delete s[5].inputs.accessLogs; },
  'ELB.6': (s) => { s[5].inputs.deletionProtection = false; },
  'RDS.6': (s) => { s[9].inputs.monitoringIntervalSeconds = 0; },
  'RDS.7': (s) => { s[8].inputs.deletionProtection = false; },
  'RDS.15': (s) => { s[10].inputs.availabilityZone = 'us-east-1a'; },
  'RDS.27': (s) => { s[8].facts.storageEncrypted = false; },
  'EFS.1': (s) => { s[11].inputs.encrypted = false; },
  'EFS.7': (s) => { s[11].inputs.automaticBackups = false; },
  'MQ.3': (s) => { s[12].inputs.autoMinorVersionUpgrade = false; },
  'Opensearch.1': (s) => { s[13].inputs.kmsKeyId = ''; },
  'Opensearch.2': (s) => { delete s[13].inputs.subnetIds; },
  'Opensearch.3': (s) => { s[13].facts.nodeToNodeEncryption = false; },
  'Opensearch.4': (s) => { s[13].inputs.logs = { 'index-slow': 'arn:lg' }; },
  'Opensearch.6': (s) => { s[13].inputs.instanceCount = 2; },
  'Opensearch.7': (s) => { s[13].facts.fineGrainedAccessControl = false; },
  'Opensearch.8': (s) => { s[13].inputs.tlsSecurityPolicy = 'Policy-Min-TLS-1-0-2019-07'; },
  'KMS.4': (s) => { s[14].inputs.enableKeyRotation = false; },
  'SecretsManager.1': (s) => { s[15].facts.rotation = { rotationEnabled: false }; },
};

describe('FSBP controls', () => {
  it('covers the controls the stack is held to, each with a fix', () => {
    expect(CONTROLS.map((c) => c.id).sort()).toEqual(Object.keys(WEAKEN).sort());
    for (const c of CONTROLS) expect(c.fix.length, c.id).toBeGreaterThan(20);
  });

  it('passes a default stack on every control', () => {
    const results = evaluateControls(defaultStack());
    expect(results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(new Set(results.map((r) => r.control)).size).toBe(CONTROLS.length);
    expect(results.every((r) => r.fix === undefined)).toBe(true);
  });

  for (const [id, weaken] of Object.entries(WEAKEN)) {
    it(`${id} fails on a weakened setting and names the resource and the fix`, () => {
      const stack = defaultStack();
      weaken(stack);
      const results = evaluateControls(stack);
      const failed = results.filter((r) => r.status === 'fail');
      expect(failed.map((r) => r.control)).toContain(id);
      const mine = failed.find((r) => r.control === id)!;
      expect(mine.fix).toBe(control(id).fix);
      expect(mine.address).toBeTruthy();
      expect(countByStatus(results).fail).toBeGreaterThan(0);
    });
  }

  it('says unknown, not pass or fail, when AWS does not report a field', () => {
    const instance = subject('data.db.instance[0]', 'rds.dbInstance', 'db-0', { clusterId: 'db' });
    expect(control('RDS.6').evaluate(instance, [instance]).status).toBe('unknown');
    const lt = subject('app.launchTemplate', 'ec2.launchTemplate', 'lt-1');
    expect(control('EC2.170').evaluate(lt, [lt]).status).toBe('unknown');
  });

  it('EC2.18 lets only the load balancer group be open to the internet, and only on 80/443', () => {
    const albAllPorts = subject('network.sg.alb', 'ec2.securityGroup', 'sg', { ingress: [{ protocol: '-1', fromPort: -1, toPort: -1, cidr: '0.0.0.0/0' }] });
    expect(control('EC2.18').evaluate(albAllPorts, []).status).toBe('fail');
    expect(control('EC2.19').evaluate(albAllPorts, []).status).toBe('fail');
    const ipv6 = subject('network.sg.alb', 'ec2.securityGroup', 'sg', { ingress: [{ protocol: 'tcp', fromPort: 3389, toPort: 3389, ipv6Cidr: '::/0' }] });
    expect(control('EC2.19').evaluate(ipv6, []).detail).toMatch(/3389/);
    const restricted = subject('network.sg.alb', 'ec2.securityGroup', 'sg', { ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '203.0.113.0/24' }] });
    expect(control('EC2.19').evaluate(restricted, []).status).toBe('pass');
  });

  it('SecretsManager.1: service-managed rotation passes; the generated credentials are a stated warning, not a pass', () => {
    const managed = subject('data.db.cluster.masterUserSecret', 'secretsmanager.secret', 'arn', {}, { rotation: { rotationEnabled: false, owningService: 'rds' } });
    expect(control('SecretsManager.1').evaluate(managed, []).status).toBe('pass');
    const own = subject('data.secret.mqAdmin', 'secretsmanager.secret', 'arn', {}, { rotation: { rotationEnabled: false, lastChanged: '2026-03-04T00:00:00Z' } });
    const finding = control('SecretsManager.1').evaluate(own, []);
    expect(finding.status).toBe('warn');
    expect(finding.detail).toMatch(/Security Hub reports FAILED.*2026-03-04/);
    const results = evaluateControls([own]);
    expect(results[0].fix).toMatch(/rotate-credentials/);
  });

  it('a control that throws is reported as not determinable rather than crashing the run', () => {
    const broken = { ...control('KMS.4'), evaluate: () => { throw new Error('boom'); } };
    const [result] = evaluateControls([subject('security.kms.key', 'kms.key', 'k')], [broken]);
    expect(result).toMatchObject({ status: 'unknown', detail: 'could not evaluate: boom' });
  });
});
