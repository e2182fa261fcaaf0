import { describe, expect, it } from 'vitest';
import { dataNames, finalSnapshotId, nameForAddress } from '../../../../src/resources/data/names.js';
import { generatePassword } from '../../../../src/resources/data/password.js';

describe('data tier names', () => {
  const longest = 'a2345678901234567890';

  it('respect every service limit for the longest workspace name', () => {
    const names = dataNames(longest);
    expect(names.mqBroker.length).toBeLessThanOrEqual(50);
    expect(names.searchDomain).toMatch(/^[a-z][a-z0-9-]{2,27}$/);
    for (const id of [names.dbCluster, names.dbInstance(15), names.dbSubnetGroup, names.dbClusterParameterGroup]) {
      expect(id.length).toBeLessThanOrEqual(63);
      expect(id).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
    }
    expect(names.dbMonitoringRole.length).toBeLessThanOrEqual(64);
    expect(finalSnapshotId(names.dbCluster, new Date('2026-01-03T12:00:00.123Z'))).toBe(`${longest}-aurora-final-20260103t120000`);
  });

  it('never give RDS a double hyphen', () => {
    expect(dataNames('my--ws').dbCluster).toBe('my-ws-aurora');
  });

  it('map addresses back to names for find', () => {
    expect(nameForAddress('demo', 'data.db.instance[1]')).toBe('demo-aurora-1');
    expect(nameForAddress('demo', 'data.ssm[db/endpoint]')).toBe('/morpheus-ws/demo/db/endpoint');
    expect(nameForAddress('demo', 'data.secret.searchMaster')).toBe('morpheus-ws/demo/search-master');
    expect(nameForAddress('demo', 'data.unknown')).toBeUndefined();
  });

  it('generate passwords with every required class and no ambiguous characters', () => {
    for (let i = 0; i < 50; i++) {
      const password = generatePassword({ length: 32, symbols: '-_.~' });
      expect(password).toHaveLength(32);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[-_.~]/);
      expect(password).not.toMatch(/[O0Il1,:=]/);
    }
  });
});
