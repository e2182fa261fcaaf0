/** Pieces every EC2 handler of this tier shares: tag specs, tag filters, id-filtered paginated reads. */
import type { Filter, ResourceType, Tag } from '@aws-sdk/client-ec2';
import { ADDRESS_TAG, WORKSPACE_TAG, tagList } from '../../aws/tags.js';

/** EC2 accepts up to 200 values per filter; more ids are read in several calls. */
const MAX_FILTER_VALUES = 200;

export function tagSpecifications(resourceType: ResourceType, tags: Record<string, string>) {
  return [{ ResourceType: resourceType, Tags: tagList(tags) }];
}

/**
 * Server-side filter for what this workspace made. The address itself is matched client-side with `isOwnedBy`:
 * EC2 filter values are patterns, and addresses such as `network.subnet.public[us-east-1a]` should be compared
 * as plain text.
 */
export function ownerFilters(tags: Record<string, string>): Filter[] {
  const workspace = tags[WORKSPACE_TAG];
  if (workspace === undefined) throw new Error(`the ${WORKSPACE_TAG} tag is needed to find a resource by its tags`);
  return [{ Name: `tag:${WORKSPACE_TAG}`, Values: [workspace] }, { Name: 'tag-key', Values: [ADDRESS_TAG] }];
}

/** Whether a resource carries this address's workspace and address tags, exactly. */
export function isOwnedBy(resourceTags: Tag[] | undefined, tags: Record<string, string>): boolean {
  return [WORKSPACE_TAG, ADDRESS_TAG].every((key) => tags[key] !== undefined && tagValue(resourceTags, key) === tags[key]);
}

export function chunk<T>(items: readonly T[], size = MAX_FILTER_VALUES): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Follow NextToken until the last page, collecting each page's items. */
export async function allPages<T>(fetch: (token: string | undefined) => Promise<{ items: T[] | undefined; next: string | undefined }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    all.push(...(page.items ?? []));
    token = page.next;
  } while (token);
  return all;
}

/**
 * Read resources by id in as few calls as possible: one filtered Describe per 200 ids, paginated. Filtering
 * (rather than passing ids) means a missing id is simply absent instead of failing the whole call.
 */
export async function describeByIds<T>(
  ids: readonly string[],
  describe: (filter: Filter, token: string | undefined) => Promise<{ items: T[] | undefined; next: string | undefined }>,
  filterName: string,
): Promise<T[]> {
  const unique = [...new Set(ids)];
  const found: T[] = [];
  for (const part of chunk(unique)) {
    found.push(...await allPages((token) => describe({ Name: filterName, Values: part }, token)));
  }
  return found;
}

export function tagValue(tags: Tag[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}
