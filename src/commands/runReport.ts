import { formatDuration } from '../aws/wait.js';
import type { RunResult } from '../engine/execute.js';
import { errorSummary } from '../engine/errorSummary.js';
import { hintFor } from '../ui/errorHints.js';
import type { ProgressView } from '../ui/progress.js';
import type { StateDoc } from '../state/types.js';
import type { Terminal } from '../ui/terminal.js';

/**
 * The end of apply/destroy: warnings resources carry (e.g. a self-signed demo certificate — never let it scroll by
 * quietly), the summary table, every failure with its hint, what is left. Returns the exit code.
 */
export function reportRun(term: Terminal, view: ProgressView, result: RunResult, verb: string, interrupted: boolean, state?: Readonly<StateDoc>): number {
  for (const [address, resource] of Object.entries(state?.resources ?? {})) {
    const warning = resource.outputs.warning;
    if (typeof warning === 'string' && warning) view.onEvent({ type: 'warning', address, message: warning });
  }
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
