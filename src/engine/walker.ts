/**
 * Parallel DAG walk: each node starts the moment its dependencies have finished, bounded by a concurrency limit.
 * A failure stops the nodes that depend on it (transitively), never independent branches.
 */
import pLimit from 'p-limit';

export interface WalkOptions {
  parallelism: number;
  /** When aborted, no new node starts; running ones finish. */
  stop?: AbortSignal;
  onSkip?: (address: string, reason: string) => void;
}

export interface WalkResult {
  done: string[];
  failed: Map<string, unknown>;
  skipped: Map<string, string>;
}

export async function walkGraph(
  deps: ReadonlyMap<string, ReadonlySet<string>>,
  run: (address: string) => Promise<void>,
  options: WalkOptions,
): Promise<WalkResult> {
  const limit = pLimit(Math.max(1, options.parallelism));
  const result: WalkResult = { done: [], failed: new Map(), skipped: new Map() };
  const pending = new Map<string, Promise<boolean>>();

  // Memoised per node: resolves true when the node succeeded.
  const visit = (address: string): Promise<boolean> => {
    let promise = pending.get(address);
    if (promise) return promise;
    promise = (async () => {
      const depResults = await Promise.all([...(deps.get(address) ?? [])].filter((d) => deps.has(d))
        .map(async (dep) => [dep, await visit(dep)] as const));
      const blocked = depResults.filter(([, ok]) => !ok).map(([dep]) => dep);
      if (blocked.length) {
        const reason = `depends on ${blocked.join(', ')}, which did not complete`;
        result.skipped.set(address, reason);
        options.onSkip?.(address, reason);
        return false;
      }
      return limit(async () => {
        if (options.stop?.aborted) {
          const reason = 'interrupted before it started';
          result.skipped.set(address, reason);
          options.onSkip?.(address, reason);
          return false;
        }
        try {
          await run(address);
          result.done.push(address);
          return true;
        } catch (error) {
          result.failed.set(address, error);
          return false;
        }
      });
    })();
    pending.set(address, promise);
    return promise;
  };

  await Promise.all([...deps.keys()].map(visit));
  return result;
}
