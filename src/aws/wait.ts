/**
 * Polling with backoff and a hard timeout, reporting "still creating (4m10s)" style progress. The SDK's own
 * waiters start at 15–30 s between polls; ours start fast and back off, so quick resources finish quickly.
 */

export interface WaitOptions {
  /** What is being waited for, e.g. "available". */
  what: string;
  timeoutMs: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  report?: (message: string) => void;
  signal?: AbortSignal;
}

export type PollResult<T> = { done: true; value: T } | { done: false; status?: string } | { failed: string };

export class WaitTimeoutError extends Error {
  constructor(what: string, elapsedMs: number, lastStatus?: string) {
    super(`timed out after ${formatDuration(elapsedMs)} waiting for ${what}` +
      (lastStatus ? ` (last status: ${lastStatus})` : ''));
    this.name = 'WaitTimeoutError';
  }
}

export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return minutes > 0 ? `${minutes}m${String(seconds).padStart(2, '0')}s` : `${seconds}s`;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(signal?.reason ?? new Error('aborted')); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Backoff multiplier; overridable for tests through the environment only for speed, never for behaviour. */
const FACTOR = 1.5;

export async function waitUntil<T>(poll: () => Promise<PollResult<T>>, options: WaitOptions): Promise<T> {
  const started = Date.now();
  let delay = options.minDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 30_000;
  let lastStatus: string | undefined;
  for (;;) {
    const result = await poll();
    if ('failed' in result) throw new Error(`${options.what} failed: ${result.failed}`);
    if (result.done) return result.value;
    lastStatus = result.status ?? lastStatus;
    const elapsed = Date.now() - started;
    if (elapsed >= options.timeoutMs) throw new WaitTimeoutError(options.what, elapsed, lastStatus);
    options.report?.(`waiting for ${options.what}${lastStatus ? ` (${lastStatus})` : ''} [${formatDuration(elapsed)}]`);
    await sleep(Math.min(delay, options.timeoutMs - elapsed), options.signal);
    delay = Math.min(maxDelay, Math.round(delay * FACTOR));
  }
}

/** Retry an operation while it fails with a retryable error (DependencyViolation, IAM propagation…). */
export async function retryWhile<T>(
  operation: () => Promise<T>,
  retryable: (error: unknown) => boolean,
  options: WaitOptions,
): Promise<T> {
  const started = Date.now();
  let delay = options.minDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 20_000;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      const elapsed = Date.now() - started;
      if (!retryable(error) || elapsed >= options.timeoutMs) throw error;
      options.report?.(`retrying: ${options.what} — ${(error as Error).name} [${formatDuration(elapsed)}]`);
      await sleep(Math.min(delay, Math.max(0, options.timeoutMs - elapsed)), options.signal);
      delay = Math.min(maxDelay, Math.round(delay * FACTOR));
    }
  }
}
