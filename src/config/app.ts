import { z } from 'zod';
import { logRetention } from './network.js';

export const DEFAULT_AMI_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
/** Stands in for a real Morpheus package in the demo; production configs set their own (morpheushub.com). */
export const PLACEHOLDER_PACKAGE_URL = 'https://downloads.morpheusdata.com/files/morpheus-appliance-PLACEHOLDER.el9.x86_64.rpm';

const AMI_ID = /^ami-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SSM_PATH = /^\/[A-Za-z0-9_.\-/]{1,1010}$/;

const instanceType = z.string()
  .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'must be an EC2 instance type such as m6i.xlarge')
  .refine((v) => !/^t\d/.test(v), {
    message: 'burstable t* instance types run out of CPU credits under Morpheus load; use m5/m6i/m7i class (≥ 4 vCPU, 16 GB), e.g. m6i.xlarge',
  })
  .refine((v) => !/\.(nano|micro|small|medium|large)$/.test(v), {
    message: 'Morpheus app nodes need at least 4 vCPU and 16 GB of memory; pick an .xlarge or bigger size',
  });

const packageUrl = z.string()
  .refine((v) => { try { const u = new URL(v); return u.protocol === 'https:' || u.protocol === 'http:'; } catch { return false; } },
    'must be an http(s) URL of the Morpheus appliance package')
  .refine((v) => { try { return /\.(rpm|deb)$/.test(new URL(v).pathname); } catch { return false; } },
    'must point at a .rpm or .deb file (the package format must match the AMI: rpm for Amazon Linux/RHEL, deb for Ubuntu/Debian)');

/** The app tier's settings: Morpheus app nodes in an Auto Scaling group. */
export const appSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Deploy this tier.'),
  instanceType: instanceType.default('m6i.xlarge').describe('EC2 instance type of the app nodes (no burstable t* types).'),
  ami: z.string()
    .refine((v) => AMI_ID.test(v) || SSM_PATH.test(v), 'must be an AMI id (ami-0123456789abcdef0) or an SSM parameter path holding one (/aws/service/…)')
    .default(DEFAULT_AMI_PARAMETER)
    .describe('AMI id, or an SSM parameter path resolved by EC2 at every launch (default: latest Amazon Linux 2023).'),
  rootDeviceName: z.string().regex(/^\/dev\/(xvd[a-z]|sd[a-z]1?)$/, 'must be a device name such as /dev/xvda or /dev/sda1')
    .default('/dev/xvda').describe("The AMI's root device name (Amazon Linux / Debian: /dev/xvda, Ubuntu: /dev/sda1)."),
  packageUrl: packageUrl.default(PLACEHOLDER_PACKAGE_URL)
    .describe('URL of the Morpheus appliance package (.rpm or .deb); the default is a placeholder for the demo.'),
  packageSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256 digest').optional()
    .describe('Expected SHA-256 of the package; the node refuses to install anything else.'),
  minSize: z.number().int().min(2, 'at least 2 app nodes are needed for high availability').default(3)
    .describe('Minimum number of app nodes (≥ 2).'),
  desiredCapacity: z.number().int().min(2).default(3).describe('App nodes at creation; scaling owns it afterwards.'),
  maxSize: z.number().int().min(2).max(50).default(6).describe('Maximum number of app nodes.'),
  healthCheckGracePeriodSeconds: z.number().int().min(600, 'a first Morpheus reconfigure takes 15–30 minutes; use at least 600')
    .max(7200).default(1800).describe('Time a new node has before load-balancer health checks count.'),
  cpuTargetPercent: z.number().min(10).max(90).default(60).describe('Average CPU the target-tracking policy aims for.'),
  instanceRefreshMinHealthyPercent: z.number().int().min(0).max(100).default(66)
    .describe('Share of nodes kept in service while a launch-template change rolls through.'),
  rootVolumeGb: z.number().int().min(30, 'the root volume needs at least 30 GB').max(16384).default(50).describe('Root volume size (gp3, encrypted).'),
  dataVolumeGb: z.number().int().min(200, 'Morpheus needs at least 200 GB of disk for /var/opt/morpheus').max(16384).default(200)
    .describe('Data volume for /var/opt/morpheus (gp3, encrypted).'),
  volumeIops: z.number().int().min(3000).max(16000).default(3000).describe('gp3 IOPS of each volume.'),
  volumeThroughputMbps: z.number().int().min(125).max(1000).default(125).describe('gp3 throughput of each volume (MiB/s).'),
  metadataHopLimit: z.union([z.literal(1), z.literal(2)]).default(1).describe('IMDSv2 PUT response hop limit (1, or 2 for containers).'),
  efsMount: z.enum(['efs-utils-tls', 'nfs']).default('efs-utils-tls')
    .describe('How to mount the shared storage: amazon-efs-utils with TLS and IAM, or plain NFS 4.1.'),
  logRetentionDays: logRetention.default(90).describe('Retention of the app log groups.'),
}).superRefine((app, ctx) => {
  if (app.minSize > app.maxSize) ctx.addIssue({ code: 'custom', path: ['minSize'], message: `minSize ${app.minSize} is above maxSize ${app.maxSize}` });
  if (app.desiredCapacity < app.minSize || app.desiredCapacity > app.maxSize) {
    ctx.addIssue({ code: 'custom', path: ['desiredCapacity'], message: `must be between minSize ${app.minSize} and maxSize ${app.maxSize}` });
  }
});

export type AppConfig = z.infer<typeof appSchema>;

export function isAmiId(ami: string): boolean {
  return AMI_ID.test(ami);
}
