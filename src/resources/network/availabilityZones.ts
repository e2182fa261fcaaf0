/** Which availability zones the stack spreads over, looked up by commands before the stack is built. */
import { DescribeAvailabilityZonesCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../aws/clients.js';

/**
 * The first `count` zones of the region, by name, among those that are available and need no opt-in (Local and
 * Wavelength zones are opt-in and so excluded).
 */
export async function discoverAvailabilityZones(aws: AwsClients, count: number): Promise<string[]> {
  const out = await aws.get(EC2Client).send(new DescribeAvailabilityZonesCommand({
    Filters: [
      { Name: 'state', Values: ['available'] },
      { Name: 'opt-in-status', Values: ['opt-in-not-required'] },
      { Name: 'zone-type', Values: ['availability-zone'] },
    ],
  }));
  const zones = (out.AvailabilityZones ?? [])
    .filter((z) => z.State === 'available' && (z.OptInStatus ?? 'opt-in-not-required') === 'opt-in-not-required')
    .map((z) => z.ZoneName!)
    .filter(Boolean)
    .sort();
  if (zones.length < count) {
    throw new Error(`region ${aws.region} has ${zones.length} available availability zone(s) (${zones.join(', ') || 'none'}) ` +
      `but network.azCount is ${count}; lower network.azCount or choose another region`);
  }
  return zones.slice(0, count);
}
