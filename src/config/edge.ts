import { z } from 'zod';
import { logRetention } from './network.js';

/** Morpheus rejects an appliance_url longer than this (https://<hostname>). */
export const MAX_APPLIANCE_URL = 64;

const hostname = z.string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'must be a lowercase fully qualified host name such as morpheus.example.com (no scheme, no trailing dot)')
  .refine((v) => `https://${v}`.length <= MAX_APPLIANCE_URL,
    `is too long: Morpheus' appliance_url (https://<hostname>) must be at most ${MAX_APPLIANCE_URL} characters`);

const certificateArn = z.string().regex(/^arn:aws(-[a-z]+)*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/,
  'must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>) in the stack region');

/** TLS 1.2+ ALB policies (the TLS 1.3 ones included); older policies would allow TLS 1.0/1.1. */
const sslPolicy = z.string().regex(/^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)[A-Za-z0-9-]+$/,
  'must be an ELB security policy that allows only TLS 1.2 or newer, e.g. ELBSecurityPolicy-TLS13-1-2-2021-06');

/** The edge tier's settings: the Application Load Balancer in front of the app nodes, and its certificate. */
export const edgeSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Deploy this tier.'),
  internal: z.boolean().default(false).describe('Make the load balancer internal (private) instead of internet-facing.'),
  hostname: hostname.optional().describe("The app's public host name (appliance_url); default: the load balancer's DNS name."),
  certificateArn: certificateArn.optional().describe('An existing ACM certificate for the hostname.'),
  hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, 'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ').optional()
    .describe('Route 53 zone of the hostname: a DNS-validated certificate and an alias record are created in it.'),
  createDnsRecord: z.boolean().default(true).describe('With hostedZoneId: create the alias record hostname -> load balancer.'),
  sslPolicy: sslPolicy.default('ELBSecurityPolicy-TLS13-1-2-2021-06').describe('TLS policy of the HTTPS listener.'),
  idleTimeoutSeconds: z.number().int().min(1).max(4000).default(300)
    .describe('Load balancer idle timeout; long enough for Morpheus web sockets and console sessions.'),
  stickinessSeconds: z.number().int().min(1).max(604800).default(86400).describe('Duration of the lb_cookie session stickiness.'),
  deregistrationDelaySeconds: z.number().int().min(0).max(3600).default(60).describe('Connection draining time of a leaving node.'),
  deletionProtection: z.boolean().default(true).describe('Protect the load balancer from deletion outside morpheus-ws (destroy turns it off first).'),
  accessLogRetentionDays: logRetention.default(90).describe('Days the access log objects are kept in their S3 bucket.'),
  selfSignedValidityDays: z.number().int().min(1).max(825).default(365)
    .describe('Validity of the demo-only self-signed certificate used when no certificate or zone is given.'),
}).superRefine((edge, ctx) => {
  if (edge.hostedZoneId && !edge.hostname) {
    ctx.addIssue({ code: 'custom', path: ['hostname'], message: 'is required with hostedZoneId (the certificate and DNS record are for this name)' });
  }
  if (edge.certificateArn && !edge.hostname) {
    ctx.addIssue({ code: 'custom', path: ['hostname'], message: 'is required with certificateArn (the certificate must cover the name users type)' });
  }
});

export type EdgeConfig = z.infer<typeof edgeSchema>;

export type CertificateSource = 'existing' | 'dns-validated' | 'self-signed';

export function certificateSource(edge: EdgeConfig): CertificateSource {
  if (edge.certificateArn) return 'existing';
  if (edge.hostedZoneId && edge.hostname) return 'dns-validated';
  return 'self-signed';
}
