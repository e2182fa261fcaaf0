/** The parts of an error worth showing: message, AWS error code and the operation that failed. */

export interface ErrorSummary {
  error: string;
  code?: string;
  operation?: string;
}

export function errorSummary(error: unknown): ErrorSummary {
  if (!(error instanceof Error)) return { error: String(error) };
  const e = error as Error & { $operation?: string; Code?: string };
  const code = e.Code ?? (e.name && e.name !== 'Error' ? e.name : undefined);
  return { error: e.message || code || 'unknown error', code, operation: e.$operation };
}
