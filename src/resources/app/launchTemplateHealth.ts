/** What `check` inspects in `ec2.launchTemplate` beyond its inputs: the instance metadata options of the default version. */
import { DescribeLaunchTemplateVersionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { hasCode } from '../../aws/errors.js';
import type { ReadItem } from '../../engine/types.js';
import type { ResourceCtx } from '../context.js';

export interface LaunchTemplateFacts {
  /** `required` means IMDSv2 only. */
  httpTokens?: string;
  httpEndpoint?: string;
  hopLimit?: number;
}

export async function inspectLaunchTemplates(ctx: ResourceCtx, items: ReadItem[]): Promise<Map<string, LaunchTemplateFacts>> {
  const result = new Map<string, LaunchTemplateFacts>();
  await Promise.all(items.map(async (item) => {
    try {
      const out = await ctx.aws.get(EC2Client).send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: item.id, Versions: ['$Default'] }));
      const options = out.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.MetadataOptions;
      result.set(item.address, { httpTokens: options?.HttpTokens, httpEndpoint: options?.HttpEndpoint, hopLimit: options?.HttpPutResponseHopLimit });
    } catch (error) {
      if (!hasCode(error, 'InvalidLaunchTemplateId', 'InvalidLaunchTemplateName')) throw error;
    }
  }));
  return result;
}
