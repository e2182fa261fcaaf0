/** Small helpers the data tier's handlers share. */
import type { Inputs } from '../../engine/types.js';

/**
 * Drops keys whose value is undefined, so a field the API did not return is absent from `Actual.inputs` (and
 * therefore not diffed) rather than present as `undefined`.
 */
export function definedOnly<T extends object>(value: T): Inputs {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Every page of a Marker/NextToken style listing. */
export async function allPages<T>(page: (token?: string) => Promise<{ items?: T[]; next?: string }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const { items, next } = await page(token);
    all.push(...(items ?? []));
    token = next;
  } while (token);
  return all;
}

/** Log group ARNs come as `...:log-group:name` or `...:log-group:name:*`; services want the former. */
export function bareLogGroupArn(arn: string): string {
  return arn.endsWith(':*') ? arn.slice(0, -2) : arn;
}

export const MINUTE = 60_000;
