/**
 * The recording proxy against a real moto_server: it forwards, records what the SDK sent, and answers the
 * operations moto lacks in a form the SDK v3 clients parse.
 */
import {
  AutoScalingClient,
  CancelInstanceRefreshCommand,
  CreateAutoScalingGroupCommand,
  DescribeInstanceRefreshesCommand,
  StartInstanceRefreshCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  BackupClient,
  CreateBackupPlanCommand,
  CreateBackupSelectionCommand,
  DeleteBackupPlanCommand,
  DeleteBackupSelectionCommand,
  GetBackupSelectionCommand,
  ListBackupSelectionsCommand,
} from '@aws-sdk/client-backup';
import {
  CreateLaunchTemplateCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateFileSystemCommand, DescribeBackupPolicyCommand, EFSClient, PutBackupPolicyCommand } from '@aws-sdk/client-efs';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBrokerCommand, DescribeBrokerCommand, MqClient } from '@aws-sdk/client-mq';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/e2e.js';

const REFRESH_MS = 400;
const aws = useEmulator({ instanceRefreshMs: REFRESH_MS, iamManagedPolicies: false });

beforeEach(async () => {
  await aws.reset();
});

const only = (service: string, operation: string) => {
  const found = aws.callsTo(service, operation);
  expect(found, `${service} ${operation} calls`).toHaveLength(1);
  return found[0];
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('forwarding and recording', () => {
  it('forwards EC2 (query protocol) calls to moto and records them', async () => {
    const ec2 = new EC2Client(aws.clientConfig());
    const { Vpc } = await ec2.send(
      new CreateVpcCommand({
        CidrBlock: '10.42.0.0/16',
        TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'morpheus-ws:address', Value: 'network.vpc' }] }],
      }),
    );
    const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'vpc-id', Values: [Vpc!.VpcId!] }] }));
    expect(Vpcs?.map((v) => v.CidrBlock)).toEqual(['10.42.0.0/16']);

    const create = only('ec2', 'CreateVpc');
    expect(create).toMatchObject({
      region: 'us-east-1',
      protocol: 'query',
      status: 200,
      emulated: false,
      params: {
        CidrBlock: '10.42.0.0/16',
        TagSpecification: [{ ResourceType: 'vpc', Tag: [{ Key: 'morpheus-ws:address', Value: 'network.vpc' }] }],
      },
    });
    expect(create.fields).toMatchObject({ 'TagSpecification.1.Tag.1.Key': 'morpheus-ws:address' });
    expect(only('ec2', 'DescribeVpcs').params).toEqual({ Filter: [{ Name: 'vpc-id', Value: [Vpc!.VpcId] }] });
    expect(aws.calls.map((c) => c.operation)).toEqual(['CreateVpc', 'DescribeVpcs']);
  });

  it('records JSON-protocol calls (KMS, Secrets Manager) with their parsed bodies', async () => {
    await new KMSClient(aws.clientConfig()).send(new CreateKeyCommand({ Description: 'workspace key' }));
    await new SecretsManagerClient(aws.clientConfig()).send(
      new CreateSecretCommand({ Name: 'demo/mq', SecretString: 'x', ClientRequestToken: 'a'.repeat(32) }),
    );
    expect(only('kms', 'CreateKey')).toMatchObject({ protocol: 'json', status: 200, params: { Description: 'workspace key' } });
    expect(only('secretsmanager', 'CreateSecret')).toMatchObject({
      protocol: 'json',
      params: { Name: 'demo/mq', ClientRequestToken: 'a'.repeat(32) },
    });
  });

  it('names REST calls after their operation, with URI parameters and body (EFS, MQ, S3)', async () => {
    const efs = new EFSClient(aws.clientConfig());
    const fs = await efs.send(new CreateFileSystemCommand({ CreationToken: 'ws-efs', Encrypted: true }));
    expect(only('elasticfilesystem', 'CreateFileSystem')).toMatchObject({
      protocol: 'rest',
      method: 'POST',
      status: 201,
      params: { CreationToken: 'ws-efs', Encrypted: true },
    });
    expect(fs.FileSystemId).toMatch(/^fs-/);

    const mq = new MqClient(aws.clientConfig());
    const broker = await mq.send(
      new CreateBrokerCommand({
        BrokerName: 'demo-mq',
        EngineType: 'RABBITMQ',
        EngineVersion: '3.13',
        HostInstanceType: 'mq.m5.large',
        DeploymentMode: 'CLUSTER_MULTI_AZ',
        PubliclyAccessible: false,
        AutoMinorVersionUpgrade: true,
        Users: [{ Username: 'admin', Password: 'not-a-real-password-1' }],
        CreatorRequestId: 'token-1',
      }),
    );
    await mq.send(new DescribeBrokerCommand({ BrokerId: broker.BrokerId }));
    expect(only('mq', 'CreateBroker').params).toMatchObject({ brokerName: 'demo-mq', creatorRequestId: 'token-1' });
    expect(only('mq', 'DescribeBroker').params).toEqual({ BrokerId: broker.BrokerId });

    const s3 = new S3Client(aws.clientConfig());
    await s3.send(new CreateBucketCommand({ Bucket: 'morpheus-ws-test-state' }));
    await s3.send(new PutObjectCommand({ Bucket: 'morpheus-ws-test-state', Key: 'ws/demo.json', Body: '{}' }));
    expect(only('s3', 'CreateBucket').params).toEqual({ Bucket: 'morpheus-ws-test-state' });
    expect(only('s3', 'PutObject').params).toEqual({ Bucket: 'morpheus-ws-test-state', Key: 'ws/demo.json', bodyBytes: 2 });
  });

  it('clear() forgets recorded calls', async () => {
    await new KMSClient(aws.clientConfig()).send(new CreateKeyCommand({}));
    expect(aws.calls).toHaveLength(1);
    aws.clear();
    expect(aws.calls).toHaveLength(0);
  });
});

describe('AWS Backup selections (emulated)', () => {
  const role = 'arn:aws:iam::123456789012:role/backup';

  async function newPlan(backup: BackupClient) {
    const plan = await backup.send(
      new CreateBackupPlanCommand({
        BackupPlan: { BackupPlanName: 'ws-plan', Rules: [{ RuleName: 'daily', TargetBackupVaultName: 'Default' }] },
      }),
    );
    return plan.BackupPlanId!;
  }

  it('round-trips create, get, list and delete through the SDK', async () => {
    const backup = new BackupClient(aws.clientConfig());
    const planId = await newPlan(backup);
    const created = await backup.send(
      new CreateBackupSelectionCommand({
        BackupPlanId: planId,
        CreatorRequestId: 'sel-token',
        BackupSelection: { SelectionName: 'aurora-and-efs', IamRoleArn: role, Resources: ['arn:aws:rds:us-east-1:123456789012:cluster:db'] },
      }),
    );
    expect(created.BackupPlanId).toBe(planId);
    expect(created.CreationDate).toBeInstanceOf(Date);

    // Same CreatorRequestId: the same selection, not a second one.
    const retried = await backup.send(
      new CreateBackupSelectionCommand({
        BackupPlanId: planId,
        CreatorRequestId: 'sel-token',
        BackupSelection: { SelectionName: 'aurora-and-efs', IamRoleArn: role },
      }),
    );
    expect(retried.SelectionId).toBe(created.SelectionId);

    const got = await backup.send(new GetBackupSelectionCommand({ BackupPlanId: planId, SelectionId: created.SelectionId }));
    expect(got).toMatchObject({
      SelectionId: created.SelectionId,
      BackupPlanId: planId,
      CreatorRequestId: 'sel-token',
      BackupSelection: { SelectionName: 'aurora-and-efs', IamRoleArn: role, Resources: ['arn:aws:rds:us-east-1:123456789012:cluster:db'] },
    });

    const listed = await backup.send(new ListBackupSelectionsCommand({ BackupPlanId: planId }));
    expect(listed.BackupSelectionsList).toEqual([
      expect.objectContaining({ SelectionId: created.SelectionId, SelectionName: 'aurora-and-efs', IamRoleArn: role }),
    ]);

    await expect(backup.send(new DeleteBackupPlanCommand({ BackupPlanId: planId }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
    });
    await backup.send(new DeleteBackupSelectionCommand({ BackupPlanId: planId, SelectionId: created.SelectionId }));
    await expect(
      backup.send(new GetBackupSelectionCommand({ BackupPlanId: planId, SelectionId: created.SelectionId })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await backup.send(new DeleteBackupPlanCommand({ BackupPlanId: planId }));

    expect(aws.callsTo('backup').map((c) => [c.operation, c.emulated])).toEqual([
      ['CreateBackupPlan', false],
      ['CreateBackupSelection', true],
      ['CreateBackupSelection', true],
      ['GetBackupSelection', true],
      ['ListBackupSelections', true],
      ['DeleteBackupPlan', true],
      ['DeleteBackupSelection', true],
      ['GetBackupSelection', true],
      ['DeleteBackupPlan', false],
    ]);
  });

  it('refuses a selection on a plan moto does not know', async () => {
    const backup = new BackupClient(aws.clientConfig());
    await expect(
      backup.send(
        new CreateBackupSelectionCommand({
          BackupPlanId: 'no-such-plan',
          BackupSelection: { SelectionName: 's', IamRoleArn: role },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('forgets selections on reset', async () => {
    const backup = new BackupClient(aws.clientConfig());
    const planId = await newPlan(backup);
    const created = await backup.send(
      new CreateBackupSelectionCommand({ BackupPlanId: planId, BackupSelection: { SelectionName: 's', IamRoleArn: role } }),
    );
    await aws.reset();
    await expect(
      backup.send(new GetBackupSelectionCommand({ BackupPlanId: planId, SelectionId: created.SelectionId })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('EFS backup policy (emulated put)', () => {
  it('puts and describes a policy; moto still answers for untouched file systems', async () => {
    const efs = new EFSClient(aws.clientConfig());
    const { FileSystemId } = await efs.send(new CreateFileSystemCommand({ CreationToken: 'policy-fs' }));
    await expect(efs.send(new DescribeBackupPolicyCommand({ FileSystemId }))).rejects.toMatchObject({ name: 'PolicyNotFound' });

    const put = await efs.send(new PutBackupPolicyCommand({ FileSystemId, BackupPolicy: { Status: 'ENABLED' } }));
    expect(put.BackupPolicy).toEqual({ Status: 'ENABLED' });
    const described = await efs.send(new DescribeBackupPolicyCommand({ FileSystemId }));
    expect(described.BackupPolicy).toEqual({ Status: 'ENABLED' });
    expect(only('elasticfilesystem', 'PutBackupPolicy')).toMatchObject({
      emulated: true,
      status: 200,
      params: { FileSystemId, BackupPolicy: { Status: 'ENABLED' } },
    });
  });

  it('answers FileSystemNotFound for an unknown file system', async () => {
    const efs = new EFSClient(aws.clientConfig());
    await expect(
      efs.send(new PutBackupPolicyCommand({ FileSystemId: 'fs-00000000', BackupPolicy: { Status: 'ENABLED' } })),
    ).rejects.toMatchObject({ name: 'FileSystemNotFound', $metadata: { httpStatusCode: 404 } });
  });
});

describe('Auto Scaling instance refresh (emulated)', () => {
  async function newGroup(name: string) {
    const ec2 = new EC2Client(aws.clientConfig());
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
    const { Subnet } = await ec2.send(
      new CreateSubnetCommand({ VpcId: Vpc!.VpcId, CidrBlock: '10.9.1.0/24', AvailabilityZone: 'us-east-1a' }),
    );
    const { LaunchTemplate } = await ec2.send(
      new CreateLaunchTemplateCommand({ LaunchTemplateName: `${name}-lt`, LaunchTemplateData: { InstanceType: 'm6i.xlarge' } }),
    );
    const asg = new AutoScalingClient(aws.clientConfig());
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        MinSize: 0,
        MaxSize: 2,
        LaunchTemplate: { LaunchTemplateId: LaunchTemplate!.LaunchTemplateId, Version: '$Latest' },
        VPCZoneIdentifier: Subnet!.SubnetId,
      }),
    );
    return asg;
  }

  it('starts a refresh that runs, then succeeds, and blocks a second one meanwhile', async () => {
    const asg = await newGroup('app');
    const { InstanceRefreshId } = await asg.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: 'app',
        Preferences: { MinHealthyPercentage: 90, InstanceWarmup: 600, SkipMatching: true },
      }),
    );
    expect(InstanceRefreshId).toBeTruthy();
    await expect(asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'app' }))).rejects.toMatchObject({
      name: 'InstanceRefreshInProgressFault',
    });

    const running = await asg.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'app' }));
    expect(running.InstanceRefreshes).toEqual([
      expect.objectContaining({
        InstanceRefreshId,
        AutoScalingGroupName: 'app',
        Status: 'InProgress',
        StartTime: expect.any(Date),
        Preferences: expect.objectContaining({ MinHealthyPercentage: 90, InstanceWarmup: 600, SkipMatching: true }),
      }),
    ]);

    await sleep(REFRESH_MS + 50);
    const done = await asg.send(
      new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'app', InstanceRefreshIds: [InstanceRefreshId!] }),
    );
    expect(done.InstanceRefreshes?.[0]).toMatchObject({ Status: 'Successful', PercentageComplete: 100, EndTime: expect.any(Date) });
    expect(aws.callsTo('autoscaling', 'StartInstanceRefresh')[0]).toMatchObject({
      emulated: true,
      status: 200,
      params: { AutoScalingGroupName: 'app', Preferences: { MinHealthyPercentage: '90' } },
    });
  });

  it('cancels a running refresh', async () => {
    const asg = await newGroup('app2');
    const { InstanceRefreshId } = await asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'app2' }));
    const cancelled = await asg.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: 'app2' }));
    expect(cancelled.InstanceRefreshId).toBe(InstanceRefreshId);
    const after = await asg.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'app2' }));
    expect(after.InstanceRefreshes?.[0]?.Status).toBe('Cancelled');
    await expect(asg.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: 'app2' }))).rejects.toMatchObject({
      name: 'ActiveInstanceRefreshNotFoundFault',
    });
  });

  it('refuses a refresh for a group moto does not know', async () => {
    const asg = new AutoScalingClient(aws.clientConfig());
    await expect(asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'ghost' }))).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });
});
