/** Comparing KMS key references: services answer with a key ARN where we passed an ARN, id or alias. */
export function sameKmsKey(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const keyId = (v: string) => /key\/([0-9a-f-]+)$/i.exec(v)?.[1] ?? v;
  return keyId(a) === keyId(b);
}
