import { describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../../../src/config/schema.js';
import { isRef, type DesiredNode } from '../../../src/engine/types.js';
import { addr } from '../../../src/stack/addresses.js';
import { appTier } from '../../../src/stack/app.js';
import { edgeTier } from '../../../src/stack/edge.js';
import type { StackEnv } from '../../../src/stack/types.js';

const env: StackEnv = { azs: ['us-east-1a', 'us-east-1b', 'us-east-1c'], accountId: '123456789012', partition: 'aws' };
const config = (extra: Partial<ConfigInput> = {}) => configSchema.parse({ workspace: 'demo', region: 'us-east-1', ...extra });
const byAddress = (nodes: DesiredNode[]) => new Map(nodes.map((n) => [n.address, n]));

interface Statement { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown }

describe('app tier', () => {
  const nodes = appTier(config(), env);
  const map = byAddress(nodes);

  it('is plain JSON with unique addresses', () => {
    expect(new Set(nodes.map((n) => n.address)).size).toBe(nodes.length);
    expect(JSON.parse(JSON.stringify(nodes))).toEqual(nodes);
    expect(nodes.every((n) => n.tier === 'app')).toBe(true);
  });

  it('gives the node role EC2 trust, SSM core and exactly its own secrets, parameters, key, logs and file system', () => {
    const role = map.get(addr.appRole)!;
    expect(role.kind).toBe('iam.role');
    expect(role.inputs.instanceProfile).toBe(true);
    expect(JSON.stringify(role.inputs.assumeRolePolicy)).toContain('"Service":"ec2.amazonaws.com"');
    expect(role.inputs.managedPolicyArns).toEqual(['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore']);
    const statements = (role.inputs.inlinePolicies as Record<string, { Statement: Statement[] }>)['morpheus-app-node'].Statement;
    for (const s of statements) {
      const actions = [s.Action].flat();
      expect(actions.some((a) => a === '*' || a.endsWith(':*'))).toBe(false);
      if (s.Resource === '*') expect(s.Condition).toBeDefined();
    }
    const resources = (sid: string) => [(statements as (Statement & { Sid: string })[]).find((s) => s.Sid === sid)!.Resource].flat();
    expect(resources('ReadOwnSecrets').filter(isRef).map((r) => r.$ref)).toEqual([
      addr.secret('dbApp'), addr.secret('mqAdmin'), addr.secret('mqApp'), addr.secret('searchMaster'), addr.auroraCluster,
    ]);
    expect(resources('ReadOwnParameters')).toEqual([
      'arn:aws:ssm:us-east-1:123456789012:parameter/morpheus-ws/demo', 'arn:aws:ssm:us-east-1:123456789012:parameter/morpheus-ws/demo/*',
    ]);
    expect(resources('MountSharedStorage')).toEqual([{ $ref: addr.efsFileSystem, output: 'arn' }]);
    expect(resources('WriteOwnLogs')).toContain('arn:aws:logs:us-east-1:123456789012:log-group:/morpheus-ws/demo/app/morpheus:log-stream:*');
  });

  it('builds the launch template from config: AL2023 via resolve:ssm, IMDSv2 hop limit, encrypted gp3 volumes', () => {
    const lt = map.get(addr.launchTemplate)!;
    expect(lt.inputs).toMatchObject({
      imageId: 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      instanceType: 'm6i.xlarge', dataVolumeGb: 200, metadataHopLimit: 1, detailedMonitoring: true,
      kmsKeyArn: { $ref: addr.kmsKey, output: 'arn' },
      instanceProfileArn: { $ref: addr.appRole, output: 'instanceProfileArn' },
    });
    expect(appTier(config({ app: { ami: 'ami-0123456789abcdef0' } }), env).find((n) => n.address === addr.launchTemplate)!.inputs.imageId)
      .toBe('ami-0123456789abcdef0');
    const userData = lt.inputs.userData as { template: string; values: Record<string, unknown> };
    expect(userData.values).toEqual({ applianceUrl: { $ref: addr.loadBalancer, output: 'url' } });
    expect(userData.template).toContain("readonly MORPHEUS_UID='999'");
  });

  it('bakes a configured host name into the user data instead of the load balancer URL', () => {
    const nodes2 = appTier(config({ edge: { hostname: 'morpheus.example.com' } }), env);
    const userData = nodes2.find((n) => n.address === addr.launchTemplate)!.inputs.userData as { template: string; values: object };
    expect(userData.values).toEqual({});
    expect(userData.template).toContain("readonly APPLIANCE_URL='https://morpheus.example.com'");
  });

  it('spreads the group over every private subnet behind the target group, following the template version', () => {
    const group = map.get(addr.autoScalingGroup)!;
    expect(group.inputs).toMatchObject({
      minSize: 3, desiredCapacity: 3, maxSize: 6, healthCheckType: 'ELB', healthCheckGracePeriodSeconds: 1800,
      launchTemplateVersion: { $ref: addr.launchTemplate, output: 'version' },
      targetGroupArns: [{ $ref: addr.targetGroup, output: 'arn' }],
      instanceRefresh: { minHealthyPercentage: 66, instanceWarmupSeconds: 1800 },
    });
    expect(group.inputs.subnetIds).toEqual(env.azs.map((az) => ({ $ref: addr.privateSubnet(az), output: 'subnetId' })));
    // Nodes boot against the data tier: its parameters, broker, domain and mount targets must exist first.
    expect(group.dependsOn).toEqual(expect.arrayContaining([addr.ssmParameter('db/endpoint'), addr.mqBroker, addr.searchDomain, addr.efsMountTarget('us-east-1c')]));
    expect(map.get(addr.appScalingPolicy)!.inputs).toMatchObject({ predefinedMetric: 'ASGAverageCPUUtilization', targetValue: 60 });
  });

  it('is empty when disabled', () => {
    expect(appTier(config({ app: { enabled: false } }), env)).toEqual([]);
  });
});

describe('edge tier', () => {
  it('builds an internet-facing ALB in public subnets with HTTPS, a 301 redirect and a self-signed demo certificate', () => {
    const map = byAddress(edgeTier(config(), env));
    expect(map.get(addr.loadBalancer)!.inputs).toMatchObject({
      name: 'demo-alb', scheme: 'internet-facing', deletionProtection: true, dropInvalidHeaderFields: true,
      accessLogs: { bucket: { $ref: addr.accessLogBucket, output: 'name' }, prefix: 'alb' },
    });
    expect(map.get(addr.loadBalancer)!.inputs.subnetIds).toEqual(env.azs.map((az) => ({ $ref: addr.publicSubnet(az), output: 'subnetId' })));
    expect(map.get(addr.httpsListener)!.inputs).toMatchObject({
      port: 443, protocol: 'HTTPS', sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', certificateArn: { $ref: addr.certificate, output: 'arn' },
    });
    expect(map.get(addr.httpListener)!.inputs.defaultAction).toEqual({ type: 'redirect', protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' });
    expect(map.get(addr.certificate)!.inputs).toEqual({ domainName: '*.us-east-1.elb.amazonaws.com', validation: 'SELF_SIGNED', validityDays: 365 });
    expect(map.get(addr.targetGroup)!.inputs).toMatchObject({ name: 'demo-app-https', protocol: 'HTTPS', port: 443, healthCheck: { path: '/ping', matcher: '200' } });
    expect(map.has(addr.dnsRecord)).toBe(false);
  });

  it('keeps names within the ALB and S3 limits for the longest workspace name', () => {
    const nodes = edgeTier(config({ workspace: 'a'.repeat(20) }), env);
    const map = byAddress(nodes);
    expect(String(map.get(addr.loadBalancer)!.inputs.name).length).toBeLessThanOrEqual(32);
    expect(String(map.get(addr.targetGroup)!.inputs.name).length).toBeLessThanOrEqual(32);
    expect(String(map.get(addr.accessLogBucket)!.inputs.name).length).toBeLessThanOrEqual(63);
  });

  it('gives the log bucket a TLS-only policy and the ELB log-delivery grants', () => {
    const policy = JSON.stringify(byAddress(edgeTier(config(), env)).get(addr.accessLogBucket)!.inputs.policy);
    expect(policy).toContain('"aws:SecureTransport":"false"');
    expect(policy).toContain('logdelivery.elasticloadbalancing.amazonaws.com');
    expect(policy).toContain('arn:aws:iam::127311923021:root');
    expect(policy).toContain('/alb/AWSLogs/123456789012/*');
  });

  it('requests a DNS-validated certificate and an alias record when a zone is given', () => {
    const map = byAddress(edgeTier(config({ edge: { hostname: 'morpheus.example.com', hostedZoneId: 'Z0123456789ABC' } }), env));
    expect(map.get(addr.certificate)!.inputs).toEqual({ domainName: 'morpheus.example.com', validation: 'DNS' });
    expect(map.get(addr.certificateValidationRecord)!.inputs).toMatchObject({ type: 'CNAME', values: [{ $ref: addr.certificate, output: 'validationRecordValue' }] });
    expect(map.get(addr.certificateValidation)!.dependsOn).toEqual([addr.certificateValidationRecord]);
    expect(map.get(addr.httpsListener)!.inputs.certificateArn).toEqual({ $ref: addr.certificateValidation, output: 'certificateArn' });
    expect(map.get(addr.dnsRecord)!.inputs).toMatchObject({ name: 'morpheus.example.com', type: 'A', alias: { evaluateTargetHealth: true } });
  });

  it('uses an existing certificate as is, and an internal scheme in private subnets', () => {
    const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';
    const map = byAddress(edgeTier(config({ edge: { hostname: 'm.example.com', certificateArn: arn, internal: true } }), env));
    expect(map.has(addr.certificate)).toBe(false);
    expect(map.get(addr.httpsListener)!.inputs.certificateArn).toBe(arn);
    expect(map.get(addr.loadBalancer)!.inputs.scheme).toBe('internal');
    expect(map.get(addr.loadBalancer)!.inputs.subnetIds).toEqual(env.azs.map((az) => ({ $ref: addr.privateSubnet(az), output: 'subnetId' })));
  });
});
