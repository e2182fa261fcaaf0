/**
 * `ec2.launchTemplate`: the app nodes' launch template. An update is a new version made the default; its number
 * is the `version` output, which the Auto Scaling group follows (and rolls its instances to).
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand, DeleteLaunchTemplateCommand,
  DescribeLaunchTemplatesCommand, DescribeLaunchTemplateVersionsCommand, EC2Client, ModifyLaunchTemplateCommand,
  type LaunchTemplate, type RequestLaunchTemplateData, type ResponseLaunchTemplateData,
} from '@aws-sdk/client-ec2';
import { hasCode } from '../../aws/errors.js';
import { ADDRESS_TAG, WORKSPACE_TAG, tagList } from '../../aws/tags.js';
import { retryWhile } from '../../aws/wait.js';
import type { Actual, ReadItem } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { deepEqual } from '../shared/compare.js';
import { renderTemplate, userDataAsInput, type UserDataInput } from './userDataTemplate.js';

export interface LaunchTemplateInputs {
  name: string;
  /** An AMI id, or `resolve:ssm:<parameter>` resolved by EC2 at each launch. */
  imageId: string;
  instanceType: string;
  instanceProfileArn: string;
  securityGroupIds: string[];
  kmsKeyArn: string;
  rootDeviceName: string;
  rootVolumeGb: number;
  dataVolumeGb: number;
  volumeIops: number;
  volumeThroughputMbps: number;
  metadataHopLimit: number;
  detailedMonitoring: boolean;
  userData: UserDataInput;
}

export const DATA_DEVICE_NAME = '/dev/sdf';
/** EC2 refuses user data above 16 KB (before base64). */
export const MAX_USER_DATA_BYTES = 16_384;

/** Gzipped (cloud-init unpacks it): the boot script is readable, hence larger than EC2's limit in clear. */
export function encodeUserData(text: string): string {
  const packed = gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
  if (packed.length > MAX_USER_DATA_BYTES) {
    throw new Error(`user data is ${packed.length} bytes compressed; EC2 accepts at most ${MAX_USER_DATA_BYTES}`);
  }
  return packed.toString('base64');
}

export function decodeUserData(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  const gzipped = bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
}
const DELETE_TIMEOUT_MS = 5 * 60_000;

function ec2(ctx: ResourceCtx): EC2Client {
  return ctx.aws.get(EC2Client);
}

/** Instances and volumes carry the workspace tags, not the template's address (they belong to the ASG). */
function launchedTags(tags: Record<string, string>): Record<string, string> {
  const { [ADDRESS_TAG]: _address, ...rest } = tags;
  return rest;
}

export function launchTemplateData(inputs: LaunchTemplateInputs, tags: Record<string, string>): RequestLaunchTemplateData {
  const volume = (sizeGb: number) => ({
    VolumeType: 'gp3' as const,
    VolumeSize: sizeGb,
    Iops: inputs.volumeIops,
    Throughput: inputs.volumeThroughputMbps,
    Encrypted: true,
    KmsKeyId: inputs.kmsKeyArn,
    DeleteOnTermination: true,
  });
  const instanceTags = tagList(launchedTags(tags));
  return {
    ImageId: inputs.imageId,
    InstanceType: inputs.instanceType as RequestLaunchTemplateData['InstanceType'],
    IamInstanceProfile: { Arn: inputs.instanceProfileArn },
    // No public IP: the nodes live in private subnets behind the load balancer and reach out through NAT.
    NetworkInterfaces: [{
      DeviceIndex: 0, AssociatePublicIpAddress: false, DeleteOnTermination: true, Groups: inputs.securityGroupIds,
    }],
    BlockDeviceMappings: [
      { DeviceName: inputs.rootDeviceName, Ebs: volume(inputs.rootVolumeGb) },
      { DeviceName: DATA_DEVICE_NAME, Ebs: volume(inputs.dataVolumeGb) },
    ],
    MetadataOptions: {
      HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: inputs.metadataHopLimit, InstanceMetadataTags: 'disabled',
    },
    Monitoring: { Enabled: inputs.detailedMonitoring },
    EbsOptimized: true,
    UserData: encodeUserData(renderTemplate(inputs.userData)),
    TagSpecifications: (['instance', 'volume', 'network-interface'] as const).map((ResourceType) => ({ ResourceType, Tags: instanceTags })),
  };
}

function inputsFromData(data: ResponseLaunchTemplateData, name: string, lastApplied: UserDataInput | undefined): Partial<LaunchTemplateInputs> {
  const root = data.BlockDeviceMappings?.find((m) => m.DeviceName !== DATA_DEVICE_NAME);
  const dataVolume = data.BlockDeviceMappings?.find((m) => m.DeviceName === DATA_DEVICE_NAME);
  const nic = data.NetworkInterfaces?.[0];
  const text = data.UserData ? decodeUserData(data.UserData) : '';
  const inputs: Partial<LaunchTemplateInputs> = {
    name,
    imageId: data.ImageId,
    instanceType: data.InstanceType,
    instanceProfileArn: data.IamInstanceProfile?.Arn,
    securityGroupIds: nic?.Groups ?? data.SecurityGroupIds,
    kmsKeyArn: root?.Ebs?.KmsKeyId,
    rootDeviceName: root?.DeviceName,
    rootVolumeGb: root?.Ebs?.VolumeSize,
    dataVolumeGb: dataVolume?.Ebs?.VolumeSize,
    volumeIops: root?.Ebs?.Iops,
    volumeThroughputMbps: root?.Ebs?.Throughput,
    metadataHopLimit: data.MetadataOptions?.HttpPutResponseHopLimit,
    detailedMonitoring: data.Monitoring?.Enabled ?? false,
    userData: userDataAsInput(text, lastApplied),
  };
  for (const key of Object.keys(inputs) as (keyof LaunchTemplateInputs)[]) if (inputs[key] === undefined) delete inputs[key];
  return inputs;
}

async function defaultVersionData(ctx: ResourceCtx, template: LaunchTemplate): Promise<ResponseLaunchTemplateData | undefined> {
  const out = await ec2(ctx).send(new DescribeLaunchTemplateVersionsCommand({
    LaunchTemplateId: template.LaunchTemplateId, Versions: [String(template.DefaultVersionNumber ?? '$Default')],
  }));
  return out.LaunchTemplateVersions?.[0]?.LaunchTemplateData;
}

async function toActual(ctx: ResourceCtx, template: LaunchTemplate, lastApplied?: UserDataInput): Promise<Actual> {
  const data = await defaultVersionData(ctx, template);
  return {
    id: template.LaunchTemplateId!,
    inputs: data ? inputsFromData(data, template.LaunchTemplateName!, lastApplied) : { name: template.LaunchTemplateName },
    outputs: outputs(template, template.DefaultVersionNumber!),
  };
}

function outputs(template: LaunchTemplate, version: number) {
  return {
    launchTemplateId: template.LaunchTemplateId!,
    name: template.LaunchTemplateName!,
    version: String(version),
    latestVersion: String(template.LatestVersionNumber ?? version),
  };
}

async function describeByFilter(ctx: ResourceCtx, filterName: string, values: string[]): Promise<LaunchTemplate[]> {
  const found: LaunchTemplate[] = [];
  let token: string | undefined;
  do {
    const out = await ec2(ctx).send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: filterName, Values: values }], NextToken: token }));
    found.push(...(out.LaunchTemplates ?? []));
    token = out.NextToken;
  } while (token);
  return found;
}

/** ClientToken of a new version: the same change retried makes the same version, not a second one. */
function versionToken(id: string, data: RequestLaunchTemplateData): string {
  return createHash('sha256').update(id).update(JSON.stringify(data)).digest('hex').slice(0, 64);
}

export const launchTemplateHandler: Handler = {
  kind: 'ec2.launchTemplate',
  forceNew: ['name'],
  // Every update makes a new default version: the Auto Scaling group must re-plan on it and roll its instances.
  volatileOutputs: ['version', 'latestVersion'],

  async read(ctx, items: ReadItem[]) {
    // DescribeLaunchTemplates has no id filter and fails on an unknown id: read the workspace's templates instead.
    const templates = items.length ? await describeByFilter(ctx, `tag:${WORKSPACE_TAG}`, [ctx.workspace]) : [];
    const byId = new Map(templates.map((t) => [t.LaunchTemplateId!, t]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const template = byId.get(item.id);
      if (template) result.set(item.address, await toActual(ctx, template, item.inputs.userData as UserDataInput | undefined));
    }
    return result;
  },

  async find(ctx, args) {
    const [template] = await describeByFilter(ctx, 'launch-template-name', [(args.inputs as unknown as LaunchTemplateInputs).name]);
    if (!template) return undefined;
    const tags = Object.fromEntries((template.Tags ?? []).map((t) => [t.Key, t.Value]));
    // A template of that name made by someone else is not ours to adopt.
    if (tags[WORKSPACE_TAG] !== args.tags[WORKSPACE_TAG]) return undefined;
    return toActual(ctx, template, args.inputs.userData as UserDataInput);
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as LaunchTemplateInputs;
    const out = await ec2(ctx).send(new CreateLaunchTemplateCommand({
      LaunchTemplateName: inputs.name,
      ClientToken: args.token,
      VersionDescription: 'morpheus-ws',
      LaunchTemplateData: launchTemplateData(inputs, args.tags),
      TagSpecifications: [{ ResourceType: 'launch-template', Tags: tagList(args.tags) }],
    }));
    const template = out.LaunchTemplate!;
    return { id: template.LaunchTemplateId!, inputs: { ...inputs }, outputs: outputs(template, template.DefaultVersionNumber ?? 1) };
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as LaunchTemplateInputs;
    const data = launchTemplateData(inputs, args.tags);
    const created = await ec2(ctx).send(new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: args.id,
      ClientToken: versionToken(args.id, data),
      VersionDescription: `morpheus-ws: ${args.changed.join(', ')}`.slice(0, 255),
      LaunchTemplateData: data,
    }));
    const version = created.LaunchTemplateVersion!.VersionNumber!;
    const modified = await ec2(ctx).send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: args.id, DefaultVersion: String(version) }));
    args.report(`launch template version ${version} is now the default`);
    const template = modified.LaunchTemplate ?? { LaunchTemplateId: args.id, LaunchTemplateName: inputs.name };
    return { id: args.id, inputs: { ...inputs }, outputs: { ...outputs(template, version), version: String(version) } };
  },

  async delete(ctx, args) {
    try {
      // Auto Scaling may still be terminating instances launched from it.
      await retryWhile(
        () => ec2(ctx).send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: args.id })),
        (e) => hasCode(e, 'DependencyViolation', 'IncorrectState'),
        { what: `deleting launch template ${args.id}`, timeoutMs: DELETE_TIMEOUT_MS, report: args.report, signal: args.signal },
      );
    } catch (error) {
      if (hasCode(error, 'InvalidLaunchTemplateId.NotFound', 'InvalidLaunchTemplateId.Malformed', 'InvalidLaunchTemplateName.NotFoundException')) return;
      throw error;
    }
  },

  equal(field, desired, actual) {
    if (field === 'securityGroupIds') {
      return deepEqual([...(desired as string[])].sort(), [...((actual as string[]) ?? [])].sort());
    }
    if (field === 'userData') {
      // What matters is the text the node receives.
      try {
        return renderTemplate(desired as UserDataInput) === renderTemplate(actual as UserDataInput);
      } catch {
        return false;
      }
    }
    return deepEqual(desired, actual);
  },
};
