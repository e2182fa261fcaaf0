import type { Actual, ReadItem } from '../engine/types.js';

/** For kinds whose API has no batch describe: one read per item, in parallel, absent ones left out. */
export async function readEach(items: ReadItem[], readOne: (item: ReadItem) => Promise<Actual | undefined>): Promise<Map<string, Actual>> {
  const actuals = await Promise.all(items.map(readOne));
  const result = new Map<string, Actual>();
  items.forEach((item, i) => { if (actuals[i]) result.set(item.address, actuals[i]!); });
  return result;
}
