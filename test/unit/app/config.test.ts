import { describe, expect, it } from 'vitest';
import { appSchema } from '../../../src/config/app.js';
import { certificateSource, edgeSchema } from '../../../src/config/edge.js';

const messages = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('app config', () => {
  it('has production defaults', () => {
    const app = appSchema.parse({});
    expect(app).toMatchObject({
      instanceType: 'm6i.xlarge', ami: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      minSize: 3, desiredCapacity: 3, maxSize: 6, healthCheckGracePeriodSeconds: 1800, dataVolumeGb: 200,
      instanceRefreshMinHealthyPercent: 66, efsMount: 'efs-utils-tls',
    });
    expect(app.packageUrl).toMatch(/^https:\/\/.*\.rpm$/);
  });

  it('rejects burstable and undersized instance types with a reason', () => {
    expect(messages(appSchema.safeParse({ instanceType: 't3.2xlarge' }))[0]).toMatch(/burstable/);
    expect(messages(appSchema.safeParse({ instanceType: 'm6i.large' }))[0]).toMatch(/4 vCPU/);
    expect(messages(appSchema.safeParse({ instanceType: 'xlarge' }))[0]).toMatch(/EC2 instance type/);
    expect(appSchema.safeParse({ instanceType: 'm7i.2xlarge' }).success).toBe(true);
  });

  it('accepts an AMI id or an SSM parameter path, nothing else', () => {
    expect(appSchema.safeParse({ ami: 'ami-0123456789abcdef0' }).success).toBe(true);
    expect(appSchema.safeParse({ ami: '/my/amis/morpheus' }).success).toBe(true);
    expect(messages(appSchema.safeParse({ ami: 'amazon-linux' }))[0]).toMatch(/AMI id .* or an SSM parameter path/);
  });

  it('keeps sizes within high-availability and Morpheus limits', () => {
    expect(messages(appSchema.safeParse({ minSize: 1 }))[0]).toMatch(/at least 2/);
    expect(messages(appSchema.safeParse({ dataVolumeGb: 100 }))[0]).toMatch(/200 GB/);
    expect(messages(appSchema.safeParse({ minSize: 4, desiredCapacity: 3 }))).toContain('desiredCapacity: must be between minSize 4 and maxSize 6');
    expect(messages(appSchema.safeParse({ minSize: 7 }))[0]).toMatch(/above maxSize/);
    expect(messages(appSchema.safeParse({ healthCheckGracePeriodSeconds: 300 }))[0]).toMatch(/first Morpheus reconfigure/);
  });

  it('needs an http(s) .rpm or .deb package URL', () => {
    expect(messages(appSchema.safeParse({ packageUrl: 'ftp://x/y.rpm' }))[0]).toMatch(/http\(s\) URL/);
    expect(messages(appSchema.safeParse({ packageUrl: 'https://x/y.zip' }))[0]).toMatch(/\.rpm or \.deb/);
    expect(appSchema.safeParse({ packageUrl: 'https://x/morpheus-appliance_8.0.0-1_amd64.deb' }).success).toBe(true);
  });
});

describe('edge config', () => {
  it('defaults to an internet-facing ALB with a TLS 1.2+ policy and a self-signed demo certificate', () => {
    const edge = edgeSchema.parse({});
    expect(edge).toMatchObject({ internal: false, sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', deletionProtection: true });
    expect(certificateSource(edge)).toBe('self-signed');
  });

  it('picks the certificate source from what is configured', () => {
    const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';
    expect(certificateSource(edgeSchema.parse({ hostname: 'm.example.com', certificateArn: arn }))).toBe('existing');
    expect(certificateSource(edgeSchema.parse({ hostname: 'm.example.com', hostedZoneId: 'Z0123456789ABC' }))).toBe('dns-validated');
  });

  it('validates host names, ARNs, zones and TLS policies with clear messages', () => {
    expect(messages(edgeSchema.safeParse({ hostname: 'https://m.example.com' }))[0]).toMatch(/no scheme/);
    expect(messages(edgeSchema.safeParse({ hostname: `${'a'.repeat(50)}.example.com` }))[0]).toMatch(/at most 64/);
    expect(messages(edgeSchema.safeParse({ hostname: 'm.example.com', certificateArn: 'arn:aws:iam::1:x' }))[0]).toMatch(/ACM certificate ARN/);
    expect(messages(edgeSchema.safeParse({ hostedZoneId: 'Z0123456789ABC' }))[0]).toMatch(/hostname: is required with hostedZoneId/);
    expect(messages(edgeSchema.safeParse({ sslPolicy: 'ELBSecurityPolicy-2016-08' }))[0]).toMatch(/TLS 1.2 or newer/);
  });
});
