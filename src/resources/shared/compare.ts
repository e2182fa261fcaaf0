/** Field comparisons the handlers share: key-order-insensitive JSON and order-insensitive lists. */

/** JSON with object keys sorted, so two equal documents give the same text whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value as object).sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** Same members, whatever the order (lists of strings or of objects). */
export function sameMembers(a: unknown, b: unknown): boolean {
  const members = (list: unknown) => (Array.isArray(list) ? list.map(canonicalJson).sort() : [canonicalJson(list)]);
  const x = members(a);
  const y = members(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
