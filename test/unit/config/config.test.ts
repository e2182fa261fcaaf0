import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutSubnets, parseCidr } from '../../../src/config/cidr.js';
import { ConfigError, loadConfig, validateConfig } from '../../../src/config/load.js';
import { configJsonSchema } from '../../../src/config/schema.js';

const problems = (raw: unknown): string[] => {
  try {
    validateConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  return [];
};

describe('config validation', () => {
  it('fills production defaults from a minimal file', () => {
    const config = validateConfig({ workspace: 'demo', region: 'us-east-1' });
    expect(config.network).toMatchObject({ azCount: 3, vpcCidr: '10.40.0.0/16', allowedIngressCidrs: ['0.0.0.0/0'] });
    expect(config.state).toEqual({ backend: 'local', dir: '.morpheus-ws' });
    expect(config.kms.deletionWindowDays).toBe(30);
  });

  it.each([
    [{ workspace: 'Demo_1', region: 'us-east-1' }, 'workspace: must be 2–20 characters'],
    [{ workspace: 'demo', region: 'mars-1' }, 'region: must be an AWS region code'],
    [{ workspace: 'demo', region: 'us-east-1', network: { azCount: 4 } }, 'network.azCount: at most 3 AZs'],
    [{ workspace: 'demo', region: 'us-east-1', network: { azCount: 1 } }, 'network.azCount: at least 2 AZs'],
    [{ workspace: 'demo', region: 'us-east-1', network: { vpcCidr: '10.0.0.1/16' } }, 'network.vpcCidr: must be an IPv4 network'],
    [{ workspace: 'demo', region: 'us-east-1', network: { vpcCidr: '10.0.0.0/20', privateSubnetPrefix: 21 } }, 'network.vpcCidr: 10.0.0.0/20 is too small for 3 private /21'],
    [{ workspace: 'demo', region: 'us-east-1', network: { privateSubnetPrefix: 16 } }, 'network.privateSubnetPrefix: /16 is not smaller than the VPC'],
    [{ workspace: 'demo', region: 'us-east-1', network: { allowedIngressCidrs: ['10.40.1.0/24'] } }, 'network.allowedIngressCidrs.0: 10.40.1.0/24 overlaps the VPC'],
    [{ workspace: 'demo', region: 'us-east-1', network: { availabilityZones: ['us-east-1a'] } }, 'network.availabilityZones: lists 1 zones but azCount is 3'],
    [{ workspace: 'demo', region: 'us-east-1', netwrk: {} }, '(top level): unknown key "netwrk"'],
    [{ workspace: 'demo', region: 'us-east-1', network: { vpcCIDR: 'x' } }, 'network: unknown key "vpcCIDR"'],
    [{ workspace: 'demo', region: 'us-east-1', tags: { 'aws:x': 'y' } }, 'tags.aws:x'],
    [{ workspace: 'demo', region: 'us-east-1', network: { flowLogRetentionDays: 42 } }, 'network.flowLogRetentionDays: must be one of'],
    [{ workspace: 'demo', region: 'us-east-1', data: { search: { instanceCount: 4 } } }, 'data.search.instanceCount: 4 data nodes cannot be spread evenly over 3 AZs'],
  ])('rejects %j naming the field', (raw, expected) => {
    expect(problems(raw).join('\n')).toContain(expected);
  });

  it('loads YAML, and says what to do when the file is missing or broken', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mws-config-'));
    const file = path.join(dir, 'morpheus-ws.yaml');
    await expect(loadConfig(file)).rejects.toThrow(/Run `morpheus-ws init`/);
    await writeFile(file, 'workspace: [unclosed');
    await expect(loadConfig(file)).rejects.toThrow(/not valid YAML/);
    await writeFile(file, 'workspace: demo\nregion: eu-west-1\n');
    const loaded = await loadConfig(file);
    expect(loaded.config.region).toBe('eu-west-1');
    expect(loaded.dir).toBe(dir);
  });

  it('exports a JSON Schema that rejects unknown keys', () => {
    const schema = configJsonSchema() as { properties: Record<string, unknown>; additionalProperties: boolean };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['workspace', 'region', 'network', 'data', 'app', 'edge', 'state']));
  });
});

describe('subnet layout', () => {
  it('carves aligned, non-overlapping private and public subnets', () => {
    const layout = layoutSubnets(parseCidr('10.40.0.0/16')!, 3, 24, 20)!;
    expect(layout.private).toEqual(['10.40.0.0/20', '10.40.16.0/20', '10.40.32.0/20']);
    expect(layout.public).toEqual(['10.40.48.0/24', '10.40.49.0/24', '10.40.50.0/24']);
  });

  it('returns undefined when the subnets do not fit', () => {
    expect(layoutSubnets(parseCidr('10.0.0.0/22')!, 3, 24, 23)).toBeUndefined();
  });
});
