/**
 * The app and edge tier issues end to end: the built CLI against moto behind the recording proxy.
 * init --yes -> apply --yes -> read the launch template, IAM role, Auto Scaling group, load balancer, listeners, target
 * group and access-log bucket directly -> `output` -> change the instance type in morpheus-ws.yaml -> plan shows an
 * in-place update of the launch template and the group -> apply rolls the nodes (instance refresh) -> plan = 0 ->
 * destroy leaves nothing.
 */
import { ACMClient, ListCertificatesCommand } from '@aws-sdk/client-acm';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import {
  DescribeInstancesCommand, DescribeLaunchTemplatesCommand, DescribeLaunchTemplateVersionsCommand, EC2Client,
  type ResponseLaunchTemplateData,
} from '@aws-sdk/client-ec2';
import { DescribeFileSystemsCommand, EFSClient } from '@aws-sdk/client-efs';
import {
  DescribeListenersCommand, DescribeLoadBalancerAttributesCommand, DescribeLoadBalancersCommand, DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  GetRoleCommand, GetRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand, ListInstanceProfilesForRoleCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import {
  GetBucketEncryptionCommand, GetPublicAccessBlockCommand, HeadBucketCommand, ListBucketsCommand, S3Client,
} from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { tempWorkdir } from '../support/cli.js';
import { useEmulator } from '../support/e2e.js';

const aws = useEmulator();
const WS = 'apptier';
const APPLY_TIMEOUT_MS = 300_000;
const NEW_INSTANCE_TYPE = 'm6i.2xlarge';
/** TLS 1.2 or newer only (the TLS 1.3 policies included). */
const TLS12_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;

let dir: string;
let ec2: EC2Client;
let autoscaling: AutoScalingClient;
let elbv2: ElasticLoadBalancingV2Client;
let iam: IAMClient;
let s3: S3Client;
/** Identities read from the state after the first apply, for the destroy check. */
let created: { albArn: string; targetGroupArn: string; listenerArns: string[]; templateId: string; groupName: string; bucket: string; certificateArn: string };

interface StateResource { kind: string; id: string; outputs: Record<string, any> }
const resources = (): Record<string, StateResource> =>
  JSON.parse(readFileSync(join(dir, '.morpheus-ws', `${WS}.state.json`), 'utf8')).resources;
const resource = (address: string) => {
  const found = resources()[address];
  if (!found) throw new Error(`${address} is not in the state`);
  return found;
};
const keyArn = () => resource('security.kms.key').outputs.arn as string;
const groupId = (name: string) => resource(`network.sg.${name}`).outputs.groupId as string;
const subnetIds = (kind: 'public' | 'private') => Object.entries(resources())
  .filter(([address]) => address.startsWith(`network.subnet.${kind}[`))
  .map(([, r]) => r.outputs.subnetId as string).sort();
const sorted = (values: readonly (string | undefined)[] | undefined) => [...(values ?? [])].map(String).sort();

function decodeUserData(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** IAM policy documents come back URL-encoded from the API. */
function policyDocument(text: string): { Statement: Record<string, any>[] } {
  return JSON.parse(text.trimStart().startsWith('{') ? text : decodeURIComponent(text));
}
const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);

async function defaultTemplateData(): Promise<ResponseLaunchTemplateData> {
  const { LaunchTemplateVersions } = await ec2.send(new DescribeLaunchTemplateVersionsCommand({
    LaunchTemplateId: resource('app.launchTemplate').id, Versions: ['$Default'],
  }));
  expect(LaunchTemplateVersions).toHaveLength(1);
  return LaunchTemplateVersions![0].LaunchTemplateData!;
}

async function group(): Promise<AutoScalingGroup> {
  const { AutoScalingGroups } = await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [resource('app.asg').id] }));
  expect(AutoScalingGroups).toHaveLength(1);
  return AutoScalingGroups![0];
}

/** Every password of the workspace: the generated credentials and the RDS-managed master password. */
async function passwords(): Promise<string[]> {
  const secrets = new SecretsManagerClient(aws.clientConfig());
  const arns = ['mqAdmin', 'mqApp', 'searchMaster', 'dbApp'].map((name) => resource(`data.secret.${name}`).outputs.arn as string);
  arns.push(resource('data.db.cluster').outputs.masterSecretArn as string);
  const values: string[] = [];
  for (const arn of arns) {
    const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
    values.push((JSON.parse(SecretString!) as { password: string }).password);
  }
  return values;
}

describe('app and edge tiers: launch template, Auto Scaling group, load balancer', () => {
  beforeAll(async () => {
    dir = tempWorkdir();
    const config = aws.clientConfig();
    ec2 = new EC2Client(config);
    autoscaling = new AutoScalingClient(config);
    elbv2 = new ElasticLoadBalancingV2Client(config);
    iam = new IAMClient(config);
    s3 = new S3Client({ ...config, forcePathStyle: true });
    const init = await aws.cli(['init', '--yes', '--name', WS, '--region', 'us-east-1'], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    const apply = await aws.cli(['apply', '--yes'], { cwd: dir, timeoutMs: APPLY_TIMEOUT_MS });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/Apply complete: \d+ done, 0 failed/);
    console.log(`app/edge apply: ${apply.ms} ms, ${aws.calls.length} AWS calls`);
    const listeners = (await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: resource('edge.alb').id }))).Listeners ?? [];
    created = {
      albArn: resource('edge.alb').id,
      targetGroupArn: resource('edge.targetGroup').id,
      listenerArns: listeners.map((l) => l.ListenerArn!),
      templateId: resource('app.launchTemplate').id,
      groupName: resource('app.asg').id,
      bucket: resource('edge.accessLogBucket').id,
      certificateArn: resource('edge.certificate').outputs.arn as string,
    };
  }, APPLY_TIMEOUT_MS);

  it('launch template: IMDSv2 only, no public IP, encrypted gp3 volumes, detailed monitoring, app group and role', async () => {
    const data = await defaultTemplateData();
    expect(data.MetadataOptions).toMatchObject({ HttpTokens: 'required', HttpEndpoint: 'enabled' });
    expect(data.MetadataOptions!.HttpPutResponseHopLimit).toBeLessThanOrEqual(2);
    expect(data.NetworkInterfaces).toHaveLength(1);
    expect(data.NetworkInterfaces![0]).toMatchObject({ DeviceIndex: 0, AssociatePublicIpAddress: false, Groups: [groupId('app')] });
    expect(data.BlockDeviceMappings!.length).toBeGreaterThanOrEqual(1);
    for (const mapping of data.BlockDeviceMappings!) {
      expect(mapping.Ebs, mapping.DeviceName).toMatchObject({ VolumeType: 'gp3', Encrypted: true, KmsKeyId: keyArn() });
    }
    // Morpheus needs >= 200 GB of disk for /var/opt/morpheus.
    expect(Math.max(...data.BlockDeviceMappings!.map((m) => m.Ebs!.VolumeSize!))).toBeGreaterThanOrEqual(200);
    expect(data.Monitoring?.Enabled).toBe(true);
    expect(data.InstanceType).toBe('m6i.xlarge');

    const role = resource('app.role');
    expect(data.IamInstanceProfile?.Arn).toBe(role.outputs.instanceProfileArn);
    const { InstanceProfiles } = await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: role.outputs.name }));
    expect(InstanceProfiles!.map((p) => p.Arn)).toContain(role.outputs.instanceProfileArn);
  });

  it('user data mounts EFS at /var/opt/morpheus/morpheus-ui, writes morpheus.rb, reconfigures, and holds no secret', async () => {
    const data = await defaultTemplateData();
    const gzipped = Buffer.from(data.UserData!, 'base64');
    expect(gzipped.length).toBeLessThanOrEqual(16_384);
    const script = decodeUserData(data.UserData!);
    expect(script).toMatch(/^#!\/bin\/bash\n/);
    expect(script).toContain('/var/opt/morpheus/morpheus-ui');
    expect(script).toContain('/etc/morpheus/morpheus.rb');
    expect(script).toMatch(/^\s*morpheus-ctl reconfigure\s*$/m);
    expect(script).toContain("mysql['enable'] = false");
    expect(script).toContain("rabbitmq['port'] = '5671'");
    expect(script).not.toMatch(/\{\{\w+\}\}/); // every apply-time placeholder filled
    expect(script).toContain(`readonly APPLIANCE_URL='${resource('edge.alb').outputs.url}'`);

    // The script does not bake the file system id in: it reads it at boot from the workspace's SSM prefix, whose
    // parameter holds the real file system.
    expect(script).toContain(`readonly SSM_PREFIX='/morpheus-ws/${WS}/'`);
    expect(script).toMatch(/EFS_ID=\$\(retry param efs\/fileSystemId\)/);
    expect(script).toMatch(/EFS_DNS=\$\(retry param efs\/dnsName\)/);
    const ssm = new SSMClient(aws.clientConfig());
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: `/morpheus-ws/${WS}/efs/fileSystemId` }));
    const { FileSystems } = await new EFSClient(aws.clientConfig()).send(new DescribeFileSystemsCommand({ FileSystemId: Parameter!.Value }));
    expect(FileSystems![0].Tags).toEqual(expect.arrayContaining([{ Key: 'morpheus-ws:workspace', Value: WS }]));
    expect(FileSystems![0].FileSystemId).toBe(resource('data.efs.fileSystem').id);

    for (const [i, password] of (await passwords()).entries()) expect(script.includes(password), `secret ${i + 1} in user data`).toBe(false);
  });

  it('IAM role: trusted by EC2 only, SSM managed core attached, no "*" action on "*" resource', async () => {
    const roleName = resource('app.role').outputs.name as string;
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    const trust = policyDocument(Role!.AssumeRolePolicyDocument!);
    expect(trust.Statement.length).toBeGreaterThan(0);
    for (const statement of trust.Statement) {
      expect(statement.Effect).toBe('Allow');
      expect(statement.Principal).toEqual({ Service: 'ec2.amazonaws.com' });
      expect(list(statement.Action)).toEqual(['sts:AssumeRole']);
    }
    const { AttachedPolicies } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
    expect(AttachedPolicies!.map((p) => p.PolicyArn)).toContain('arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore');
    // Everything else the nodes may do is in inline policies (no other managed policy is attached).
    expect(AttachedPolicies!.filter((p) => !p.PolicyArn!.startsWith('arn:aws:iam::aws:policy/'))).toEqual([]);

    const { PolicyNames } = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
    expect(PolicyNames!.length).toBeGreaterThan(0);
    for (const name of PolicyNames!) {
      const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
      for (const statement of policyDocument(PolicyDocument!).Statement) {
        const actions = list(statement.Action);
        const resourcesOf = list(statement.Resource);
        expect(actions.includes('*') && resourcesOf.includes('*'), `${name} ${statement.Sid ?? ''}`).toBe(false);
        expect(statement.NotAction, `${name} ${statement.Sid ?? ''}`).toBeUndefined();
        // A statement on every resource must at least name its actions exactly.
        if (resourcesOf.includes('*')) for (const action of actions) expect(action, `${name} ${statement.Sid ?? ''}`).not.toContain('*');
      }
    }
  });

  it('Auto Scaling group: private subnets in >= 2 AZs, ELB health checks with a long grace period, target group, min >= 2', async () => {
    const g = await group();
    expect(sorted(g.VPCZoneIdentifier!.split(','))).toEqual(subnetIds('private'));
    expect(new Set(g.AvailabilityZones).size).toBeGreaterThanOrEqual(2);
    expect(g.HealthCheckType).toBe('ELB');
    expect(g.HealthCheckGracePeriod).toBeGreaterThanOrEqual(600);
    expect(g.TargetGroupARNs).toEqual([created.targetGroupArn]);
    expect(g.MinSize).toBeGreaterThanOrEqual(2);
    expect(g.LaunchTemplate).toMatchObject({ LaunchTemplateId: created.templateId, Version: '1' });
    expect((g.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length).toBeGreaterThanOrEqual(g.MinSize!);
  });

  it('load balancer: internet-facing in the public subnets, alb group, deletion protection, drops invalid headers, logs to the bucket', async () => {
    const { LoadBalancers } = await elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [created.albArn] }));
    const lb = LoadBalancers![0];
    expect(lb.Type).toBe('application');
    expect(lb.Scheme).toBe('internet-facing');
    expect(sorted(lb.AvailabilityZones!.map((az) => az.SubnetId))).toEqual(subnetIds('public'));
    expect(lb.SecurityGroups).toEqual([groupId('alb')]);
    const { Attributes } = await elbv2.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: created.albArn }));
    const attribute = new Map(Attributes!.map((a) => [a.Key!, a.Value!]));
    expect(attribute.get('deletion_protection.enabled')).toBe('true');
    expect(attribute.get('routing.http.drop_invalid_header_fields.enabled')).toBe('true');
    expect(attribute.get('access_logs.s3.enabled')).toBe('true');
    expect(attribute.get('access_logs.s3.bucket')).toBe(created.bucket);
  });

  it('listeners: 443 HTTPS with a TLS 1.2+ policy and the certificate, 80 redirects to HTTPS with a 301', async () => {
    const { Listeners } = await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: created.albArn }));
    expect(sorted(Listeners!.map((l) => String(l.Port)))).toEqual(['443', '80']);
    const https = Listeners!.find((l) => l.Port === 443)!;
    expect(https.Protocol).toBe('HTTPS');
    expect(https.SslPolicy).toMatch(TLS12_POLICY);
    expect(https.Certificates!.map((c) => c.CertificateArn)).toEqual([created.certificateArn]);
    expect(https.DefaultActions).toEqual([expect.objectContaining({ Type: 'forward', TargetGroupArn: created.targetGroupArn })]);
    const http = Listeners!.find((l) => l.Port === 80)!;
    expect(http.Protocol).toBe('HTTP');
    expect(http.DefaultActions).toHaveLength(1);
    expect(http.DefaultActions![0]).toMatchObject({ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } });
  });

  it('target group: HTTPS 443, health check GET /ping expecting 200, lb_cookie stickiness', async () => {
    const { TargetGroups } = await elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [created.targetGroupArn] }));
    expect(TargetGroups![0]).toMatchObject({
      Protocol: 'HTTPS', Port: 443, HealthCheckProtocol: 'HTTPS', HealthCheckPath: '/ping', Matcher: { HttpCode: '200' },
      VpcId: resource('network.vpc').outputs.vpcId,
    });
    const { Attributes } = await elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: created.targetGroupArn }));
    const attribute = new Map(Attributes!.map((a) => [a.Key!, a.Value!]));
    expect(attribute.get('stickiness.enabled')).toBe('true');
    expect(attribute.get('stickiness.type')).toBe('lb_cookie');
  });

  it('access-log bucket: public access blocked, SSE-S3', async () => {
    const { PublicAccessBlockConfiguration } = await s3.send(new GetPublicAccessBlockCommand({ Bucket: created.bucket }));
    expect(PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    const { ServerSideEncryptionConfiguration } = await s3.send(new GetBucketEncryptionCommand({ Bucket: created.bucket }));
    expect(ServerSideEncryptionConfiguration!.Rules![0].ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
  });

  it('output prints the URL, the load balancer name and secret ARNs, but no secret value', async () => {
    const { stdout, stderr, code } = await aws.cli(['output'], { cwd: dir });
    expect(code, stderr).toBe(0);
    const alb = resource('edge.alb').outputs;
    expect(stdout).toMatch(new RegExp(`^url\\s+https://${alb.dnsName.replace(/\./g, '\\.')}\\s`, 'm'));
    expect(stdout).toMatch(new RegExp(`^albDnsName\\s+${alb.dnsName.replace(/\./g, '\\.')}\\s`, 'm'));
    for (const name of ['mqAdmin', 'mqApp', 'searchMaster', 'dbApp']) expect(stdout).toContain(resource(`data.secret.${name}`).outputs.arn);
    expect(stdout).toContain(resource('data.db.cluster').outputs.masterSecretArn);
    const json = await aws.cli(['output', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toMatchObject({ url: `https://${alb.dnsName}`, albDnsName: alb.dnsName });
    for (const [i, password] of (await passwords()).entries()) {
      expect((stdout + stderr + json.stdout + json.stderr).includes(password), `secret ${i + 1} in output`).toBe(false);
    }
  });

  it('a new instance type updates the launch template and the group in place and rolls the nodes', async () => {
    const file = join(dir, 'morpheus-ws.yaml');
    const doc = parseDocument(readFileSync(file, 'utf8'));
    expect(doc.getIn(['app', 'instanceType'])).toBe('m6i.xlarge');
    doc.setIn(['app', 'instanceType'], NEW_INSTANCE_TYPE);
    writeFileSync(file, doc.toString());

    const plan = await aws.cli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code, plan.stdout + plan.stderr).toBe(2);
    expect(plan.stdout).toMatch(/^\s*~ app\.launchTemplate\b/m);
    expect(plan.stdout).toMatch(/instanceType: "m6i\.xlarge" -> "m6i\.2xlarge"/);
    expect(plan.stdout).toMatch(/^\s*~ app\.asg\b/m);
    expect(plan.stdout).toMatch(/launchTemplateVersion: "1" -> \(known after apply\)/);
    expect(plan.stdout).toMatch(/Plan: 0 to add, 2 to change, 0 to destroy\./);
    const planJson = await aws.cli(['plan', '--json'], { cwd: dir });
    const planned = planJson.stdout.trim().split('\n').map((line) => JSON.parse(line)).find((e) => e.type === 'plan');
    const changing = planned.actions.filter((a: { action: string }) => a.action !== 'noop').map((a: { address: string; action: string }) => `${a.action} ${a.address}`);
    expect(changing.sort()).toEqual(['update app.asg', 'update app.launchTemplate']);

    aws.clear();
    const apply = await aws.cli(['apply', '--yes'], { cwd: dir, timeoutMs: APPLY_TIMEOUT_MS });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    console.log(`instance type change apply: ${apply.ms} ms`);
    expect(aws.callsTo('ec2', 'CreateLaunchTemplate')).toEqual([]);
    const [newVersion] = aws.callsTo('ec2', 'CreateLaunchTemplateVersion');
    expect(newVersion.params).toMatchObject({ LaunchTemplateId: created.templateId, LaunchTemplateData: { InstanceType: NEW_INSTANCE_TYPE } });
    const [update] = aws.callsTo('autoscaling', 'UpdateAutoScalingGroup');
    expect(update.params).toMatchObject({ AutoScalingGroupName: created.groupName, LaunchTemplate: { LaunchTemplateId: created.templateId, Version: '2' } });
    // moto has no instance refresh: the recording proxy emulates StartInstanceRefresh, so assert the request.
    const refreshes = aws.callsTo('autoscaling', 'StartInstanceRefresh');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0].emulated).toBe(true);
    expect(refreshes[0].params).toMatchObject({ AutoScalingGroupName: created.groupName, Preferences: { MinHealthyPercentage: '66' } });
    expect(refreshes[0].seq).toBeGreaterThan(update.seq);

    const { LaunchTemplates } = await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [created.templateId] }));
    expect(LaunchTemplates![0].DefaultVersionNumber).toBe(2);
    expect((await defaultTemplateData()).InstanceType).toBe(NEW_INSTANCE_TYPE);
    expect((await group()).LaunchTemplate).toMatchObject({ LaunchTemplateId: created.templateId, Version: '2' });

    const again = await aws.cli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(again.code, again.stdout + again.stderr).toBe(0);
  }, APPLY_TIMEOUT_MS);

  it('destroy leaves no load balancer, listener, target group, group, instance, template, bucket or certificate', async () => {
    aws.clear();
    const destroy = await aws.cli(['destroy', '--yes', '--skip-final-snapshot', '--force-delete-secrets'], { cwd: dir, timeoutMs: APPLY_TIMEOUT_MS });
    expect(destroy.code, destroy.stdout + destroy.stderr).toBe(0);
    console.log(`app/edge destroy: ${destroy.ms} ms`);

    const { LoadBalancers } = await elbv2.send(new DescribeLoadBalancersCommand({}));
    expect((LoadBalancers ?? []).map((lb) => lb.LoadBalancerArn)).not.toContain(created.albArn);
    await expect(elbv2.send(new DescribeListenersCommand({ ListenerArns: created.listenerArns }))).rejects.toThrow();
    const { TargetGroups } = await elbv2.send(new DescribeTargetGroupsCommand({}));
    expect((TargetGroups ?? []).map((tg) => tg.TargetGroupArn)).not.toContain(created.targetGroupArn);
    const { AutoScalingGroups } = await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [created.groupName] }));
    expect(AutoScalingGroups).toEqual([]);
    const { Reservations } = await ec2.send(new DescribeInstancesCommand({
      Filters: [{ Name: 'tag:morpheus-ws:workspace', Values: [WS] }, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped', 'shutting-down'] }],
    }));
    expect((Reservations ?? []).flatMap((r) => r.Instances ?? [])).toEqual([]);
    const { LaunchTemplates } = await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'tag:morpheus-ws:workspace', Values: [WS] }] }));
    expect(LaunchTemplates).toEqual([]);
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    expect((Buckets ?? []).map((b) => b.Name)).not.toContain(created.bucket);
    await expect(s3.send(new HeadBucketCommand({ Bucket: created.bucket }))).rejects.toThrow();
    const { CertificateSummaryList } = await new ACMClient(aws.clientConfig()).send(new ListCertificatesCommand({}));
    expect((CertificateSummaryList ?? []).map((c) => c.CertificateArn)).not.toContain(created.certificateArn);
    // Deletion protection is lifted by destroy before the load balancer is deleted.
    const [lift] = aws.callsTo('elasticloadbalancing', 'ModifyLoadBalancerAttributes');
    expect(lift?.fields).toMatchObject({ 'Attributes.member.1.Key': 'deletion_protection.enabled', 'Attributes.member.1.Value': 'false' });
    expect(lift.seq).toBeLessThan(aws.callsTo('elasticloadbalancing', 'DeleteLoadBalancer')[0].seq);
    expect(resources()).toEqual({});
  }, APPLY_TIMEOUT_MS);
});
