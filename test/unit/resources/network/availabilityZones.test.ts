import { DescribeAvailabilityZonesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { discoverAvailabilityZones } from '../../../../src/resources/network/availabilityZones.js';
import { makeCtx } from '../shared/handlerHarness.js';

const ec2 = mockClient(EC2Client);
const { aws } = makeCtx();

beforeEach(() => ec2.reset());

describe('discoverAvailabilityZones', () => {
  it('returns the first zones by name among available, opt-in-free ones', async () => {
    ec2.on(DescribeAvailabilityZonesCommand).resolves({
      AvailabilityZones: [
        { ZoneName: 'us-east-1c', State: 'available', OptInStatus: 'opt-in-not-required' },
        { ZoneName: 'us-east-1a', State: 'available', OptInStatus: 'opt-in-not-required' },
        { ZoneName: 'us-east-1-bos-1a', State: 'available', OptInStatus: 'opted-in' },
        { ZoneName: 'us-east-1b', State: 'impaired', OptInStatus: 'opt-in-not-required' },
        { ZoneName: 'us-east-1d', State: 'available', OptInStatus: 'opt-in-not-required' },
      ],
    });
    expect(await discoverAvailabilityZones(aws, 2)).toEqual(['us-east-1a', 'us-east-1c']);
    expect(ec2.commandCalls(DescribeAvailabilityZonesCommand)[0].args[0].input.Filters).toContainEqual({ Name: 'state', Values: ['available'] });
  });

  it('says clearly when the region has too few zones', async () => {
    ec2.on(DescribeAvailabilityZonesCommand).resolves({
      AvailabilityZones: [
        { ZoneName: 'xx-1a', State: 'available', OptInStatus: 'opt-in-not-required' },
        { ZoneName: 'xx-1b', State: 'available', OptInStatus: 'opt-in-not-required' },
      ],
    });
    await expect(discoverAvailabilityZones(aws, 3)).rejects.toThrow(/has 2 available availability zone\(s\).*azCount is 3/);
  });
});
