import { formatDuration } from '../aws/wait.js';
import type { RunResult } from '../engine/execute.js';
import { errorSummary } from '../engine/errorSummary.js';
import { hintFor } from '../ui/errorHints.js';
import type { ProgressView } from '../ui/progress.js';
import type { StateDoc } from '../state/types.js';
import type { Terminal } from '../ui/terminal.js';

/** The end of apply/destroy: summary table, every failure with its hint, what is left. Returns the exit code. */
export function reportRun(term: Terminal, view: ProgressView, result: RunResult, verb: string, interrupted: boolean): number {
  view.onEvent({ type: 'summary', done: result.done, failed: result.failed.length, skipped: result.skipped.length, ms: result.ms });
  if (term.json) return result.failed.length || interrupted ? 1 : 0;
  const table = view.summaryTable();
  if (table) term.out(`\n${table}`);
  term.out('');
  for (const failure of result.failed) {
    const summary = errorSummary(failure.error);
    term.err(term.c.red(`Error: ${failure.address}${summary.operation ? ` (${summary.operation})` : ''}: ${summary.error}`));
    const hint = hintFor(summary.code, summary.error);
    if (hint) term.err(`  hint: ${hint}`);
    if (term.debug && failure.error instanceof Error && failure.error.stack) term.err(term.c.dim(failure.error.stack));
  }
  const line = `${verb} ${result.failed.length ? 'finished with errors' : interrupted ? 'interrupted' : 'complete'}: ` +
    `${result.done} done, ${result.failed.length} failed, ${result.skipped.length} not started [${formatDuration(result.ms)}].`;
  term.out(result.failed.length ? term.c.red(line) : term.c.bold(line));
  if (result.failed.length || interrupted) term.out('State is saved. Fix the cause and re-run: only what is left will be done.');
  return result.failed.length || interrupted ? 1 : 0;
}

/** Resources may carry a `warning` output (e.g. a self-signed demo certificate): never let it scroll by quietly. */
export function reportWarnings(term: Terminal, state: Readonly<StateDoc>): void {
  for (const [address, resource] of Object.entries(state.resources)) {
    const warning = resource.outputs.warning;
    if (typeof warning !== 'string' || !warning) continue;
    if (term.json) term.out(JSON.stringify({ schema: 1, type: 'warning', address, message: warning }));
    else term.err(term.c.yellow.bold(`WARNING (${address}): ${warning}`));
  }
}
