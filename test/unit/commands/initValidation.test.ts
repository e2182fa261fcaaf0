/** The checks guided `init` runs at each prompt, and the lookups that offer choices. */
import { ACMClient, ListCertificatesCommand } from '@aws-sdk/client-acm';
import { EC2Client, DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { ListHostedZonesCommand, Route53Client } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../src/aws/clients.js';
import { problemWith } from '../../../src/commands/init.js';
import { certificateCovers, listIssuedCertificates } from '../../../src/resources/edge/certificateLookup.js';
import { inZone, listPublicHostedZones } from '../../../src/resources/edge/hostedZoneLookup.js';
import { closestRegion, KNOWN_REGIONS } from '../../../src/resources/network/regionNames.js';
import { listEnabledRegions } from '../../../src/resources/network/regions.js';

describe('problemWith: an answer judged by the config schema, cross-field rules included', () => {
  const draft = { workspace: 'w', region: 'us-east-1', network: { azCount: 3 } };

  it('accepts a valid answer', () => {
    expect(problemWith(draft, [[['app', 'instanceType'], 'm6i.2xlarge']])).toBeUndefined();
  });

  it('gives the schema reason for a bad one', () => {
    expect(problemWith(draft, [[['app', 'instanceType'], 't3.xlarge']])).toMatch(/burstable t\* instance types/);
    expect(problemWith(draft, [[['workspace'], 'Bad_Name']])).toMatch(/lowercase letters/);
  });

  it('applies rules that span sections', () => {
    expect(problemWith(draft, [[['data', 'search', 'instanceCount'], 4]])).toBe('4 data nodes cannot be spread evenly over 3 AZs; use a multiple of 3');
    expect(problemWith(draft, [[['data', 'search', 'instanceCount'], 6]])).toBeUndefined();
  });

  it('looks only at the watched fields', () => {
    const broken = { ...draft, workspace: 'Bad_Name' };
    expect(problemWith(broken, [[['app', 'minSize'], 3]])).toBeUndefined();
  });
});

describe('region names', () => {
  it('suggests the closest known region for a typo, and nothing for noise', () => {
    expect(closestRegion('eu-wset-1', KNOWN_REGIONS)).toBe('eu-west-1');
    expect(closestRegion('us-east1', KNOWN_REGIONS)).toBe('us-east-1');
    expect(closestRegion('mars-north-9', KNOWN_REGIONS)).toBeUndefined();
  });
});

describe('lookups', () => {
  const aws = new AwsClients({ region: 'us-east-1', maxAttempts: 1 });
  afterEach(() => aws.destroy());

  it('lists the enabled regions with one DescribeRegions call, opted-in ones included', async () => {
    const ec2 = mockClient(EC2Client);
    ec2.on(DescribeRegionsCommand).resolves({ Regions: [{ RegionName: 'us-west-2' }, { RegionName: 'eu-west-1' }] });
    expect(await listEnabledRegions(aws)).toEqual(['eu-west-1', 'us-west-2']);
    expect(ec2.commandCalls(DescribeRegionsCommand)[0].args[0].input.Filters).toEqual([{ Name: 'opt-in-status', Values: ['opt-in-not-required', 'opted-in'] }]);
    ec2.restore();
  });

  it('lists ISSUED certificates across pages with every name they cover', async () => {
    const acm = mockClient(ACMClient);
    acm.on(ListCertificatesCommand)
      .resolvesOnce({ CertificateSummaryList: [{ CertificateArn: 'arn:b', DomainName: 'b.example.com' }], NextToken: 't' })
      .resolvesOnce({ CertificateSummaryList: [{ CertificateArn: 'arn:a', DomainName: 'a.example.com', SubjectAlternativeNameSummaries: ['*.a.example.com'] }] });
    const certs = await listIssuedCertificates(aws);
    expect(certs.map((c) => [c.arn, c.names])).toEqual([['arn:a', ['a.example.com', '*.a.example.com']], ['arn:b', ['b.example.com']]]);
    expect(acm.commandCalls(ListCertificatesCommand)[0].args[0].input.CertificateStatuses).toEqual(['ISSUED']);
    acm.restore();
  });

  it('lists public hosted zones only, without the /hostedzone/ prefix and trailing dot', async () => {
    const r53 = mockClient(Route53Client);
    r53.on(ListHostedZonesCommand).resolves({
      HostedZones: [
        { Id: '/hostedzone/Z111', Name: 'example.com.', CallerReference: 'a', Config: { PrivateZone: false } },
        { Id: '/hostedzone/Z222', Name: 'internal.example.com.', CallerReference: 'b', Config: { PrivateZone: true } },
      ],
      IsTruncated: false, MaxItems: 100, Marker: undefined,
    });
    expect(await listPublicHostedZones(aws)).toEqual([{ id: 'Z111', name: 'example.com' }]);
    r53.restore();
  });

  it('matches host names to certificates (one wildcard label) and zones', () => {
    expect(certificateCovers(['*.example.com'], 'morpheus.example.com')).toBe(true);
    expect(certificateCovers(['*.example.com'], 'a.b.example.com')).toBe(false);
    expect(certificateCovers(['morpheus.example.com'], 'MORPHEUS.example.com')).toBe(true);
    expect(inZone('morpheus.example.com', 'example.com')).toBe(true);
    expect(inZone('morpheus.badexample.com', 'example.com')).toBe(false);
  });
});
