import {
  CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand, DeleteLaunchTemplateCommand, DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand, EC2Client, ModifyLaunchTemplateCommand,
} from '@aws-sdk/client-ec2';
import { randomBytes } from 'node:crypto';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  decodeUserData, launchTemplateData, launchTemplateHandler as handler, MAX_USER_DATA_BYTES, type LaunchTemplateInputs,
} from '../../../../src/resources/app/launchTemplate.js';
import { configSchema } from '../../../../src/config/schema.js';
import { appTier } from '../../../../src/stack/app.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const ec2 = mockClient(EC2Client);
const ctx = makeCtx();
const address = 'app.launchTemplate';

const inputs: LaunchTemplateInputs = {
  name: 'demo-morpheus-app',
  imageId: 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
  instanceType: 'm6i.xlarge',
  instanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/demo-morpheus-app',
  securityGroupIds: ['sg-app'],
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k',
  rootDeviceName: '/dev/xvda',
  rootVolumeGb: 50,
  dataVolumeGb: 200,
  volumeIops: 3000,
  volumeThroughputMbps: 125,
  metadataHopLimit: 1,
  detailedMonitoring: true,
  userData: { template: "#!/bin/bash\nURL='{{applianceUrl}}'\n", values: { applianceUrl: 'https://lb.example.com' } },
};

beforeEach(() => ec2.reset());

describe('ec2.launchTemplate', () => {
  it('tells the planner that an update makes a new version, so the Auto Scaling group re-plans onto it', () => {
    expect(handler.volatileOutputs).toEqual(expect.arrayContaining(['version']));
  });

  it('builds hardened launch data: IMDSv2, no public IP, encrypted gp3, monitoring, rendered user data', () => {
    const data = launchTemplateData(inputs, tagsFor(address));
    expect(data.MetadataOptions).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    expect(data.NetworkInterfaces![0]).toMatchObject({ AssociatePublicIpAddress: false, Groups: ['sg-app'] });
    expect(data.BlockDeviceMappings).toEqual([
      expect.objectContaining({ DeviceName: '/dev/xvda', Ebs: expect.objectContaining({ VolumeType: 'gp3', Encrypted: true, KmsKeyId: inputs.kmsKeyArn, VolumeSize: 50 }) }),
      expect.objectContaining({ DeviceName: '/dev/sdf', Ebs: expect.objectContaining({ VolumeSize: 200, Encrypted: true }) }),
    ]);
    expect(data.Monitoring).toEqual({ Enabled: true });
    expect(decodeUserData(data.UserData!)).toBe("#!/bin/bash\nURL='https://lb.example.com'\n");
    expect(Buffer.from(data.UserData!, 'base64').subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(data.KeyName).toBeUndefined();
    // Instances carry the workspace tags, not the template's address.
    const instanceTags = data.TagSpecifications!.find((t) => t.ResourceType === 'instance')!.Tags!;
    expect(instanceTags.map((t) => t.Key)).not.toContain('morpheus-ws:address');
  });

  it('keeps the real boot script within the EC2 user-data limit', () => {
    const template = appTier(configSchema.parse({ workspace: 'a'.repeat(20), region: 'us-east-1' }), { azs: ['us-east-1a'], accountId: '123456789012', partition: 'aws' })
      .find((n) => n.address === address)!.inputs.userData as { template: string };
    const data = launchTemplateData({ ...inputs, userData: { template: template.template, values: { applianceUrl: 'https://x.example.com' } } }, {});
    expect(Buffer.from(data.UserData!, 'base64').length).toBeLessThan(MAX_USER_DATA_BYTES / 2);
    expect(() => launchTemplateData({ ...inputs, userData: { template: randomBytes(20_000).toString('hex'), values: {} } }, {})).toThrow(/at most 16384/);
  });

  it('refuses user data with an unfilled placeholder', () => {
    expect(() => launchTemplateData({ ...inputs, userData: { template: '{{applianceUrl}}', values: {} } }, {})).toThrow(/no value/);
  });

  it('creates with the client token and tags, and outputs the version', async () => {
    ec2.on(CreateLaunchTemplateCommand).resolves({
      LaunchTemplate: { LaunchTemplateId: 'lt-1', LaunchTemplateName: inputs.name, DefaultVersionNumber: 1, LatestVersionNumber: 1 },
    });
    const actual = await handler.create(ctx, { ...call(address), inputs: { ...inputs }, token: 'tok-1', tags: tagsFor(address) });
    const sent = ec2.commandCalls(CreateLaunchTemplateCommand)[0].args[0].input;
    expect(sent.ClientToken).toBe('tok-1');
    expect(sent.TagSpecifications![0].ResourceType).toBe('launch-template');
    expect(actual).toMatchObject({ id: 'lt-1', outputs: { launchTemplateId: 'lt-1', version: '1' } });
  });

  it('reads the default version back in the input shape, keeping the template when it still renders the same', async () => {
    const data = launchTemplateData(inputs, tagsFor(address));
    ec2.on(DescribeLaunchTemplatesCommand).resolves({
      LaunchTemplates: [{ LaunchTemplateId: 'lt-1', LaunchTemplateName: inputs.name, DefaultVersionNumber: 3, LatestVersionNumber: 3 }],
    });
    ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [{ LaunchTemplateData: data as never }] });
    const result = await handler.read(ctx, [
      { address, id: 'lt-1', inputs: { ...inputs }, outputs: {} },
      { address: 'gone', id: 'lt-gone', inputs: {}, outputs: {} },
    ]);
    expect(result.get(address)!.inputs).toEqual(inputs);
    expect(result.get(address)!.outputs).toMatchObject({ version: '3' });
    expect(result.has('gone')).toBe(false);
    expect(ec2.commandCalls(DescribeLaunchTemplatesCommand)[0].args[0].input.Filters).toEqual([{ Name: 'tag:morpheus-ws:workspace', Values: ['demo'] }]);
  });

  it('sees user data edited outside morpheus-ws as a change', async () => {
    const data = { ...launchTemplateData(inputs, {}), UserData: Buffer.from('#!/bin/bash\necho edited\n').toString('base64') };
    expect(decodeUserData(data.UserData)).toBe('#!/bin/bash\necho edited\n');
    ec2.on(DescribeLaunchTemplatesCommand).resolves({ LaunchTemplates: [{ LaunchTemplateId: 'lt-1', LaunchTemplateName: inputs.name, DefaultVersionNumber: 1 }] });
    ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [{ LaunchTemplateData: data as never }] });
    const actual = (await handler.read(ctx, [{ address, id: 'lt-1', inputs: { ...inputs }, outputs: {} }])).get(address)!;
    expect(handler.equal!('userData', inputs.userData, actual.inputs.userData)).toBe(false);
    expect(handler.equal!('userData', { template: 'a={{x}}', values: { x: '1' } }, { template: 'a=1', values: {} })).toBe(true);
  });

  it('updates by a new version made the default, with a deterministic client token', async () => {
    ec2.on(CreateLaunchTemplateVersionCommand).resolves({ LaunchTemplateVersion: { VersionNumber: 4 } });
    ec2.on(ModifyLaunchTemplateCommand).resolves({ LaunchTemplate: { LaunchTemplateId: 'lt-1', LaunchTemplateName: inputs.name, DefaultVersionNumber: 4, LatestVersionNumber: 4 } });
    const args = { ...call(address), id: 'lt-1', inputs: { ...inputs, instanceType: 'm6i.2xlarge' }, previous: { id: 'lt-1', inputs: {}, outputs: {} }, changed: ['instanceType'], tags: tagsFor(address) };
    const actual = await handler.update!(ctx, args);
    await handler.update!(ctx, args);
    const tokens = ec2.commandCalls(CreateLaunchTemplateVersionCommand).map((c) => c.args[0].input.ClientToken);
    expect(tokens[0]).toBe(tokens[1]);
    expect(ec2.commandCalls(ModifyLaunchTemplateCommand)[0].args[0].input.DefaultVersion).toBe('4');
    expect(actual.outputs.version).toBe('4');
  });

  it('finds a template of its name only when it belongs to the workspace', async () => {
    ec2.on(DescribeLaunchTemplatesCommand).resolves({ LaunchTemplates: [{ LaunchTemplateId: 'lt-9', LaunchTemplateName: inputs.name, DefaultVersionNumber: 1, Tags: [{ Key: 'morpheus-ws:workspace', Value: 'other' }] }] });
    expect(await handler.find(ctx, { address, token: 't', inputs: { ...inputs }, tags: tagsFor(address) })).toBeUndefined();
  });

  it('deletes, retrying while in use and treating NotFound as done', async () => {
    ec2.on(DeleteLaunchTemplateCommand).rejectsOnce(awsError('DependencyViolation')).resolves({});
    await withFakeTime(() => handler.delete(ctx, { ...call(address), id: 'lt-1', inputs: {}, outputs: {} }));
    expect(ec2.commandCalls(DeleteLaunchTemplateCommand)).toHaveLength(2);
    ec2.reset();
    ec2.on(DeleteLaunchTemplateCommand).rejects(awsError('InvalidLaunchTemplateId.NotFound'));
    await handler.delete(ctx, { ...call(address), id: 'lt-1', inputs: {}, outputs: {} });
  });
});
