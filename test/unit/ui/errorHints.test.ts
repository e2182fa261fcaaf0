import { describe, expect, it } from 'vitest';
import { hintFor } from '../../../src/ui/errorHints.js';

describe('hintFor', () => {
  it.each([
    ['ExpiredTokenException', 'The security token included in the request is expired', /credentials have expired/],
    ['InvalidClientTokenId', 'The security token included in the request is invalid', /no valid AWS credentials/],
    ['CredentialsProviderError', 'Could not load credentials from any providers', /set AWS_PROFILE/],
    [undefined, 'Could not load credentials from any providers', /no valid AWS credentials/],
    ['OptInRequired', 'You are not subscribed to this service', /region is not enabled/],
    ['AccessDeniedException', 'User is not authorized to perform: rds:CreateDBCluster', /lack a permission/],
    ['UnauthorizedOperation', 'You are not authorized to perform this operation', /lack a permission/],
    ['VpcLimitExceeded', 'The maximum number of VPCs has been reached', /quota/],
    ['DependencyViolation', 'The vpc has dependencies and cannot be deleted', /still uses this resource/],
    ['ThrottlingException', 'Rate exceeded', /--parallelism/],
    ['InvalidDBClusterStateFault', 'Cluster is not available', /busy with another change/],
    [undefined, 'connect ECONNREFUSED 127.0.0.1:9', /AWS_ENDPOINT_URL/],
  ])('%s: %s', (code, message, hint) => {
    expect(hintFor(code, message)).toMatch(hint);
  });

  it('names a mistyped region and the closest real one when its endpoint does not resolve', () => {
    expect(hintFor(undefined, 'getaddrinfo ENOTFOUND ec2.eu-wset-1.amazonaws.com'))
      .toBe('eu-wset-1 is not an AWS region (did you mean eu-west-1?): fix `region` in the config (or AWS_REGION), then re-run');
    expect(hintFor(undefined, 'getaddrinfo ENOTFOUND sts.xx-nowhere-9.amazonaws.com')).toMatch(/^xx-nowhere-9 is not an AWS region: fix/);
  });

  it('blames the network, not the region, when a real region does not resolve', () => {
    expect(hintFor(undefined, 'getaddrinfo ENOTFOUND ec2.eu-west-1.amazonaws.com')).toMatch(/could not be reached/);
  });

  it('says nothing when there is nothing useful to say', () => {
    expect(hintFor('ValidationError', 'Value at instanceType failed to satisfy constraint')).toBeUndefined();
    expect(hintFor(undefined)).toBeUndefined();
  });
});
