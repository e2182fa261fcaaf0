/** The tags every resource carries so it can be found again (adoption, status, cleanup). */

export const WORKSPACE_TAG = 'morpheus-ws:workspace';
export const ADDRESS_TAG = 'morpheus-ws:address';

export function resourceTags(workspace: string, address: string, userTags: Record<string, string> = {}): Record<string, string> {
  return { ...userTags, Name: userTags.Name ?? `${workspace}-${address}`, [WORKSPACE_TAG]: workspace, [ADDRESS_TAG]: address };
}

/** `[{ Key, Value }]`, the shape of EC2, RDS, ELB, ASG, SSM, Secrets Manager, KMS (TagKey/TagValue aside). */
export function tagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function tagMap(list: { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const map: Record<string, string> = {};
  for (const tag of list ?? []) if (tag.Key !== undefined) map[tag.Key] = tag.Value ?? '';
  return map;
}
