/** Reading AWS SDK v3 errors by their code, whatever the service's protocol. */

export function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const e = error as { name?: string; Code?: string; code?: string };
  return e.Code ?? e.name ?? e.code ?? '';
}

export function hasCode(error: unknown, ...codes: string[]): boolean {
  const code = errorCode(error);
  return codes.some((c) => code === c || code.startsWith(`${c}.`) || code.endsWith(c));
}

export function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}
