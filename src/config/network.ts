import { z } from 'zod';
import { layoutSubnets, overlaps, parseCidr } from './cidr.js';

export const cidrString = z.string().refine((v) => parseCidr(v) !== undefined, {
  message: 'must be an IPv4 network in CIDR notation with no host bits set, e.g. 10.40.0.0/16',
});

/** The values CloudWatch Logs accepts for retentionInDays. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
export const logRetention = z.number().int().refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
  message: `must be one of CloudWatch Logs' retention values: ${LOG_RETENTION_DAYS.join(', ')}`,
});

export const networkSchema = z.strictObject({
  azCount: z.number().int().min(2, 'at least 2 AZs are needed for high availability').max(3, 'at most 3 AZs are supported').default(3)
    .describe('How many availability zones to spread over (2–3).'),
  availabilityZones: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, 'must be an AZ name like us-east-1a')).optional()
    .describe('Explicit AZ names; by default the first azCount zones of the region.'),
  vpcCidr: cidrString.default('10.40.0.0/16').describe('The VPC address range.'),
  publicSubnetPrefix: z.number().int().min(16).max(28).default(24).describe('Prefix length of each public subnet.'),
  privateSubnetPrefix: z.number().int().min(16).max(28).default(20).describe('Prefix length of each private subnet.'),
  allowedIngressCidrs: z.array(cidrString).min(1).default(['0.0.0.0/0']).describe('Who may reach the load balancer on 443/80.'),
  flowLogRetentionDays: logRetention.default(90).describe('Retention of the VPC flow log group.'),
}).superRefine((net, ctx) => {
  const vpc = parseCidr(net.vpcCidr);
  if (!vpc) return;
  if (vpc.prefix < 16 || vpc.prefix > 24) {
    ctx.addIssue({ code: 'custom', path: ['vpcCidr'], message: 'must be between /16 and /24 (AWS allows /16–/28; the stack needs room for a public and a private subnet per AZ)' });
    return;
  }
  if (net.availabilityZones && net.availabilityZones.length !== net.azCount) {
    ctx.addIssue({ code: 'custom', path: ['availabilityZones'], message: `lists ${net.availabilityZones.length} zones but azCount is ${net.azCount}` });
  }
  if (net.availabilityZones && new Set(net.availabilityZones).size !== net.availabilityZones.length) {
    ctx.addIssue({ code: 'custom', path: ['availabilityZones'], message: 'has the same zone twice' });
  }
  for (const [field, prefix] of [['publicSubnetPrefix', net.publicSubnetPrefix], ['privateSubnetPrefix', net.privateSubnetPrefix]] as const) {
    if (prefix <= vpc.prefix) {
      ctx.addIssue({ code: 'custom', path: [field], message: `/${prefix} is not smaller than the VPC ${net.vpcCidr}` });
      return;
    }
  }
  if (!layoutSubnets(vpc, net.azCount, net.publicSubnetPrefix, net.privateSubnetPrefix)) {
    ctx.addIssue({
      code: 'custom', path: ['vpcCidr'],
      message: `${net.vpcCidr} is too small for ${net.azCount} private /${net.privateSubnetPrefix} and ${net.azCount} public /${net.publicSubnetPrefix} subnets; use a larger VPC or smaller subnets`,
    });
  }
  net.allowedIngressCidrs.forEach((text, i) => {
    const c = parseCidr(text);
    if (c && c.prefix !== 0 && overlaps(c, vpc)) {
      ctx.addIssue({ code: 'custom', path: ['allowedIngressCidrs', i], message: `${text} overlaps the VPC ${net.vpcCidr}; list the clients outside it` });
    }
  });
});

export type NetworkConfig = z.infer<typeof networkSchema>;
