/**
 * The runbooks rendered from a fixed state (a default stack applied on the emulator) and config. Golden files:
 * run with UPDATE_GOLDEN=1 to rewrite them after a deliberate change, then review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/config/load.js';
import { DEFAULT_RPO_HOURS, renderRunbooks, runbookFacts, rpoHoursOf } from '../../../src/runbook/index.js';
import type { StateDoc } from '../../../src/state/types.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = (name: string) => readFileSync(join(here, 'fixtures', name), 'utf8');
const doc = JSON.parse(fixture('state.json')) as StateDoc;
const config = validateConfig(parse(fixture('morpheus-ws.yaml')));
const facts = runbookFacts(doc, config, { generatedAt: new Date('2026-03-10T12:00:00Z'), configFile: 'morpheus-ws.yaml' });
const files = renderRunbooks(facts);

describe('runbook rendering', () => {
  for (const name of ['operations.md', 'disaster-recovery.md']) {
    it(`${name} matches its golden file`, () => {
      const golden = join(here, '__golden__', name);
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(golden)) writeFileSync(golden, files[name]);
      expect(files[name]).toBe(readFileSync(golden, 'utf8'));
    });
  }

  it('names the live ids and endpoints from the state', () => {
    const all = Object.values(files).join('\n');
    const out = (address: string, key: string) => doc.resources[address].outputs[key] as string;
    for (const value of [
      out('data.db.cluster', 'clusterId'), out('data.db.cluster', 'endpoint'), out('data.efs.fileSystem', 'fileSystemId'),
      out('edge.alb', 'dnsName'), out('network.sg.db', 'groupId'), out('security.kms.key', 'arn'), out('data.db.subnetGroup', 'name'),
      out('app.asg', 'name'), out('data.secret.dbApp', 'arn'), out('backup.vault', 'name'), out('backup.dr.vault', 'name'),
    ]) expect(all).toContain(value);
    const alarms = Object.values(doc.resources).filter((r) => r.kind === 'cloudwatch.alarm');
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(files['operations.md']).toContain(alarm.outputs.name as string);
  });

  it('gives the exact restore and failover commands for this workspace', () => {
    const dr = files['disaster-recovery.md'];
    expect(dr).toContain('aws rds restore-db-cluster-to-point-in-time');
    expect(dr).toContain('--source-db-cluster-identifier dt-aurora');
    expect(dr).toContain(`--vpc-security-group-ids ${doc.resources['network.sg.db'].outputs.groupId as string}`);
    expect(dr).toContain('aws backup start-restore-job');
    expect(dr).toMatch(/--metadata file-system-id=fs-[0-9a-f]+,newFileSystem=false,Encrypted=true,KmsKeyId=arn:aws:kms:/);
    expect(dr).toContain('--region us-west-2');
    expect(files['operations.md']).toContain('aws autoscaling start-instance-refresh');
    expect(files['operations.md']).toContain('morpheus-ws rotate-credentials');
  });

  it('holds no secret value and no unresolved placeholder for deployed resources', () => {
    const all = Object.values(files).join('\n');
    expect(all).not.toMatch(/password"?\s*[:=]\s*"?[A-Za-z0-9]{16,}/i);
    expect(files['operations.md']).not.toMatch(/<(CLUSTER_ID|EFS_ID|ALB_DNS_NAME|ASG_NAME|TARGET_GROUP_ARN)>/);
  });

  it('uses backup.rpoHours when the config has it, else 26 h', () => {
    expect(rpoHoursOf(config)).toBe(DEFAULT_RPO_HOURS);
    expect(rpoHoursOf({ ...config, backup: { ...config.backup, rpoHours: 12 } as typeof config.backup })).toBe(12);
  });

  it('renders placeholders rather than failing on a partly applied stack', () => {
    const partial = { ...doc, resources: { 'network.vpc': doc.resources['network.vpc'] } } as StateDoc;
    const text = renderRunbooks(runbookFacts(partial, config, { generatedAt: new Date(0), configFile: 'morpheus-ws.yaml' }));
    expect(text['disaster-recovery.md']).toContain('--source-db-cluster-identifier <CLUSTER_ID>');
  });
});
