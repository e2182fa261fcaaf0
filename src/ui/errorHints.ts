/** What to do next, by AWS error code. */

const HINTS: [RegExp, string][] = [
  [/ExpiredToken|TokenRefreshRequired|ExpiredTokenException/, 'your AWS credentials have expired: refresh them (aws sso login, or new keys) and re-run'],
  [/UnrecognizedClient|InvalidClientTokenId|AuthFailure|SignatureDoesNotMatch|CredentialsProviderError/, 'no valid AWS credentials were found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run aws sso login'],
  [/OptInRequired|RegionDisabled|UnauthorizedOperation.*region/, 'the region is not enabled for this account: enable it in the AWS console or pick another region'],
  [/AccessDenied|UnauthorizedOperation|AccessDeniedException/, 'the credentials in use lack a permission: grant the action named above to your role/user'],
  [/LimitExceeded|QuotaExceeded|AddressLimitExceeded|VpcLimitExceeded|NatGatewayLimitExceeded|ServiceQuota/, 'an account quota is reached: request an increase in Service Quotas or free some resources'],
  [/DependencyViolation|InUse|ResourceInUse|FileSystemInUse/, 'something still uses this resource (often an ENI AWS has not released yet): wait a few minutes and re-run'],
  [/Throttl|RequestLimitExceeded|TooManyRequests|SlowDown/, 'AWS is throttling requests: re-run, or lower --parallelism'],
  [/InvalidDBClusterStateFault|InvalidDBInstanceState|IncorrectState/, 'the resource is busy with another change: wait until it is available and re-run'],
  [/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|TimeoutError|NetworkingError/, 'AWS could not be reached: check the network, proxy settings and AWS_ENDPOINT_URL'],
];

export function hintFor(code: string | undefined, message = ''): string | undefined {
  const text = `${code ?? ''} ${message}`;
  return HINTS.find(([pattern]) => pattern.test(text))?.[1];
}
