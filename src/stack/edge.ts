import { certificateSource } from '../config/edge.js';
import type { Config } from '../config/schema.js';
import { ref, type DesiredNode, type OutputRef } from '../engine/types.js';
import { addr } from './addresses.js';
import type { StackEnv, TierBuilder } from './types.js';

export const ACCESS_LOG_PREFIX = 'alb';

/**
 * Regions opened before August 2022 deliver ALB access logs from a regional Elastic Load Balancing account;
 * newer ones from the log-delivery service principal. The bucket policy grants both where both apply.
 */
const ELB_LOG_ACCOUNTS: Record<string, string> = {
  'us-east-1': '127311923021', 'us-east-2': '033677994240', 'us-west-1': '027434742980', 'us-west-2': '797873946194',
  'af-south-1': '098369216593', 'ap-east-1': '754344448648', 'ap-south-1': '718504428378',
  'ap-northeast-1': '582318560864', 'ap-northeast-2': '600734575887', 'ap-northeast-3': '383597477331',
  'ap-southeast-1': '114774131450', 'ap-southeast-2': '783225319266', 'ap-southeast-3': '589379963580',
  'ca-central-1': '985666609251', 'eu-central-1': '054676820928', 'eu-west-1': '156460612806',
  'eu-west-2': '652711504416', 'eu-west-3': '009996457667', 'eu-south-1': '635631232127', 'eu-north-1': '897822967062',
  'me-south-1': '076674570225', 'sa-east-1': '507241528517', 'us-gov-west-1': '048591011584', 'us-gov-east-1': '190560391635',
};

export const edgeNames = (config: Config, env: StackEnv) => ({
  loadBalancer: `${config.workspace}-alb`,
  targetGroup: `${config.workspace}-app-https`,
  accessLogBucket: `${config.workspace}-alb-logs-${env.accountId}-${config.region}`,
});

/** The edge tier: the Application Load Balancer, its listeners, certificate, target group and access-log bucket. */
export const edgeTier: TierBuilder = (config, env) => {
  if (!config.edge.enabled) return [];
  const edge = config.edge;
  const names = edgeNames(config, env);
  const nodes: DesiredNode[] = [];

  nodes.push({
    address: addr.accessLogBucket,
    kind: 's3.bucket',
    tier: 'edge',
    inputs: {
      name: names.accessLogBucket,
      policy: accessLogBucketPolicy(names.accessLogBucket, config, env),
      expirationDays: edge.accessLogRetentionDays,
    },
  });

  const certificateArn = certificateNodes(config, nodes);

  nodes.push({
    address: addr.targetGroup,
    kind: 'elbv2.targetGroup',
    tier: 'edge',
    inputs: {
      name: names.targetGroup,
      vpcId: ref(addr.vpc, 'vpcId'),
      protocol: 'HTTPS',
      port: 443,
      healthCheck: {
        protocol: 'HTTPS', path: '/ping', matcher: '200',
        intervalSeconds: 30, timeoutSeconds: 10, healthyThreshold: 3, unhealthyThreshold: 3,
      },
      stickinessSeconds: edge.stickinessSeconds,
      deregistrationDelaySeconds: edge.deregistrationDelaySeconds,
    },
  });

  nodes.push({
    address: addr.loadBalancer,
    kind: 'elbv2.loadBalancer',
    tier: 'edge',
    inputs: {
      name: names.loadBalancer,
      scheme: edge.internal ? 'internal' : 'internet-facing',
      subnetIds: env.azs.map((az) => ref(edge.internal ? addr.privateSubnet(az) : addr.publicSubnet(az), 'subnetId')),
      securityGroupIds: [ref(addr.securityGroup('alb'), 'groupId')],
      deletionProtection: edge.deletionProtection,
      dropInvalidHeaderFields: true,
      idleTimeoutSeconds: edge.idleTimeoutSeconds,
      accessLogs: { bucket: ref(addr.accessLogBucket, 'name'), prefix: ACCESS_LOG_PREFIX },
    },
  });

  nodes.push({
    address: addr.httpsListener,
    kind: 'elbv2.listener',
    tier: 'edge',
    inputs: {
      loadBalancerArn: ref(addr.loadBalancer, 'arn'),
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: edge.sslPolicy,
      certificateArn,
      defaultAction: { type: 'forward', targetGroupArn: ref(addr.targetGroup, 'arn') },
    },
  });
  nodes.push({
    address: addr.httpListener,
    kind: 'elbv2.listener',
    tier: 'edge',
    inputs: {
      loadBalancerArn: ref(addr.loadBalancer, 'arn'),
      port: 80,
      protocol: 'HTTP',
      defaultAction: { type: 'redirect', protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' },
    },
  });

  if (edge.hostedZoneId && edge.hostname && edge.createDnsRecord) {
    nodes.push({
      address: addr.dnsRecord,
      kind: 'route53.record',
      tier: 'edge',
      inputs: {
        hostedZoneId: edge.hostedZoneId,
        name: edge.hostname,
        type: 'A',
        alias: {
          dnsName: ref(addr.loadBalancer, 'dnsName'),
          hostedZoneId: ref(addr.loadBalancer, 'canonicalHostedZoneId'),
          evaluateTargetHealth: true,
        },
      },
    });
  }
  return nodes;
};

/** Adds the certificate nodes the configured source needs; returns the ARN the HTTPS listener uses. */
function certificateNodes(config: Config, nodes: DesiredNode[]): string | OutputRef {
  const edge = config.edge;
  switch (certificateSource(edge)) {
    case 'existing':
      return edge.certificateArn!;
    case 'dns-validated':
      nodes.push({
        address: addr.certificate,
        kind: 'acm.certificate',
        tier: 'edge',
        inputs: { domainName: edge.hostname!, validation: 'DNS' },
      });
      nodes.push({
        address: addr.certificateValidationRecord,
        kind: 'route53.record',
        tier: 'edge',
        inputs: {
          hostedZoneId: edge.hostedZoneId!,
          name: ref(addr.certificate, 'validationRecordName'),
          type: 'CNAME',
          ttl: 300,
          values: [ref(addr.certificate, 'validationRecordValue')],
        },
      });
      nodes.push({
        address: addr.certificateValidation,
        kind: 'acm.certificateValidation',
        tier: 'edge',
        inputs: { certificateArn: ref(addr.certificate, 'arn') },
        dependsOn: [addr.certificateValidationRecord],
      });
      return ref(addr.certificateValidation, 'certificateArn');
    case 'self-signed':
      nodes.push({
        address: addr.certificate,
        kind: 'acm.certificate',
        tier: 'edge',
        inputs: {
          // Without a host name, users reach the load balancer's own name: cover every ELB name of the region.
          domainName: edge.hostname ?? `*.${config.region}.elb.amazonaws.com`,
          validation: 'SELF_SIGNED',
          validityDays: edge.selfSignedValidityDays,
        },
      });
      return ref(addr.certificate, 'arn');
  }
}

/** TLS only, and the ELB log delivery may write under the access-log prefix and nowhere else. */
function accessLogBucketPolicy(bucket: string, config: Config, env: StackEnv): object {
  const bucketArn = `arn:${env.partition}:s3:::${bucket}`;
  const logObjects = `${bucketArn}/${ACCESS_LOG_PREFIX}/AWSLogs/${env.accountId}/*`;
  const elbAccount = ELB_LOG_ACCOUNTS[config.region];
  const statements: object[] = [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'ElbLogDelivery',
      Effect: 'Allow',
      Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: logObjects,
    },
  ];
  if (elbAccount) {
    statements.push({
      Sid: 'ElbLogDeliveryLegacyRegion',
      Effect: 'Allow',
      Principal: { AWS: `arn:${env.partition}:iam::${elbAccount}:root` },
      Action: 's3:PutObject',
      Resource: logObjects,
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}
