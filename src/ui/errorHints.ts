/** What to do next, by AWS error code (and, for network errors, by what the message names). */
import { closestRegion, KNOWN_REGIONS } from '../resources/network/regionNames.js';

type Hint = string | ((match: RegExpExecArray) => string | undefined);

/** `getaddrinfo ENOTFOUND ec2.eu-wset-1.amazonaws.com`: usually a mistyped region rather than a network problem. */
function unresolvedRegionHint(match: RegExpExecArray): string | undefined {
  const region = match[1];
  if (KNOWN_REGIONS.includes(region)) return undefined;
  const near = closestRegion(region, KNOWN_REGIONS);
  return `${region} is not an AWS region${near ? ` (did you mean ${near}?)` : ''}: fix \`region\` in the config (or AWS_REGION), then re-run`;
}

const HINTS: [RegExp, Hint][] = [
  [/ENOTFOUND [a-z0-9-]+\.([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d+)\.amazonaws\.com/, unresolvedRegionHint],
  [/ExpiredToken|TokenRefreshRequired|ExpiredTokenException/, 'your AWS credentials have expired: refresh them (aws sso login, or new keys) and re-run'],
  [/UnrecognizedClient|InvalidClientTokenId|AuthFailure|SignatureDoesNotMatch|CredentialsProviderError|Could not load credentials/, 'no valid AWS credentials were found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run aws sso login'],
  [/OptInRequired|RegionDisabled|UnauthorizedOperation.*region/, 'the region is not enabled for this account: enable it in the AWS console or pick another region'],
  [/AccessDenied|UnauthorizedOperation|AccessDeniedException/, 'the credentials in use lack a permission: grant the action named above to your role/user'],
  [/LimitExceeded|QuotaExceeded|AddressLimitExceeded|VpcLimitExceeded|NatGatewayLimitExceeded|ServiceQuota/, 'an account quota is reached: request an increase in Service Quotas or free some resources'],
  [/DependencyViolation|InUse|ResourceInUse|FileSystemInUse/, 'something still uses this resource (often an ENI AWS has not released yet): wait a few minutes and re-run'],
  [/Throttl|RequestLimitExceeded|TooManyRequests|SlowDown/, 'AWS is throttling requests: re-run, or lower --parallelism'],
  [/InvalidDBClusterStateFault|InvalidDBInstanceState|IncorrectState/, 'the resource is busy with another change: wait until it is available and re-run'],
  [/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|TimeoutError|NetworkingError/, 'AWS could not be reached: check the network, proxy settings and AWS_ENDPOINT_URL'],
];

export function hintFor(code: string | undefined, message = ''): string | undefined {
  const text = `${code ?? ''} ${message}`;
  for (const [pattern, hint] of HINTS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const answer = typeof hint === 'string' ? hint : hint(match);
    if (answer) return answer;
  }
  return undefined;
}
