/**
 * Which regions the account may use, for `init` to validate a region before anything is written. DescribeRegions
 * (without AllRegions) answers only the regions enabled for the account: default ones and opted-in ones.
 */
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../aws/clients.js';

/** The regions enabled for the account, sorted. Throws what the SDK throws (no credentials, no network). */
export async function listEnabledRegions(aws: AwsClients): Promise<string[]> {
  const out = await aws.get(EC2Client).send(new DescribeRegionsCommand({
    Filters: [{ Name: 'opt-in-status', Values: ['opt-in-not-required', 'opted-in'] }],
  }));
  return (out.Regions ?? []).map((r) => r.RegionName).filter((name): name is string => !!name).sort();
}
