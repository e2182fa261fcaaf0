/**
 * Region codes known offline, and "did you mean" for a mistyped one. No SDK import: error hints use it at start-up.
 */

/**
 * Commercial and GovCloud region codes known when this was written, for when AWS cannot be asked (no credentials
 * yet). A region missing here is not rejected outright: the caller treats "not listed" as "unverified".
 */
export const KNOWN_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'ca-west-1', 'mx-central-1', 'sa-east-1',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3',
  'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7', 'ap-south-1', 'ap-south-2', 'ap-east-1', 'ap-east-2',
  'me-south-1', 'me-central-1', 'il-central-1', 'af-south-1', 'us-gov-east-1', 'us-gov-west-1',
];

/** The closest region code to a mistyped one (edit distance ≤ 3), for "did you mean …?". */
export function closestRegion(typed: string, regions: readonly string[]): string | undefined {
  let best: { region: string; distance: number } | undefined;
  for (const region of regions) {
    const distance = editDistance(typed, region);
    if (distance <= 3 && (!best || distance < best.distance)) best = { region, distance };
  }
  return best?.region;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
