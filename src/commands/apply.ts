import { applyPlan } from '../engine/execute.js';
import { hasChanges, planActions, refresh } from '../engine/planner.js';
import { renderPlan } from '../ui/planView.js';
import { ProgressView } from '../ui/progress.js';
import type { Terminal } from '../ui/terminal.js';
import { confirmOrYes } from './confirm.js';
import { trapInterrupts } from './interrupts.js';
import { checkPlanFresh, loadPlan } from './planFile.js';
import { reportRun } from './runReport.js';
import { openStack, openWorkspace, parseDuration, withLock, type GlobalOptions } from './workspace.js';

export interface ApplyOptions extends GlobalOptions {
  yes?: boolean;
  parallelism: string;
  lockTimeout: string;
}

export async function applyCommand(planFile: string | undefined, options: ApplyOptions, term: Terminal): Promise<number> {
  const parallelism = Number(options.parallelism);
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 50) throw new Error('--parallelism must be a whole number from 1 to 50');
  const saved = planFile ? await loadPlan(planFile) : undefined;
  const workspace = await openWorkspace(options, term);
  const view = new ProgressView(term);
  // Lock first: a second run learns who holds the workspace before spending any AWS call.
  return withLock(workspace, 'apply', parseDuration(options.lockTimeout), async (store) => {
    const stack = await openStack(workspace, view.onEvent);
    const refreshed = await refresh(store.doc, stack.engine);
    const actions = planActions(stack.graph, store.doc, refreshed, stack.engine.handlers);
    if (saved) checkPlanFresh(saved, workspace.config, store.doc, actions);
    if (term.json) view.onEvent({ type: 'plan', actions });
    else term.out(renderPlan(actions, term.c));
    const pendingBookkeeping = refreshed.adopted.size > 0 || refreshed.gone.size > 0;
    if (!hasChanges(actions) && !pendingBookkeeping) return 0;
    if (hasChanges(actions) && !saved && !(await confirmOrYes(term, options.yes, `Apply these changes to workspace ${workspace.config.workspace}?`))) {
      term.out('Apply cancelled. Nothing was changed.');
      return 1;
    }
    const interrupts = trapInterrupts(view.onEvent);
    try {
      const result = await applyPlan(stack.graph, { actions, refreshed }, {
        ...stack.engine, store, parallelism, stop: interrupts.stop, abort: interrupts.abort,
      });
      view.close();
      return reportRun(term, view, result, 'Apply', interrupts.stop.aborted, store.doc);
    } finally {
      interrupts.dispose();
      view.close();
    }
  });
}
