import { destroyAll, planDestroy } from '../engine/execute.js';
import { refresh } from '../engine/planner.js';
import { renderPlan } from '../ui/planView.js';
import { ProgressView } from '../ui/progress.js';
import type { Terminal } from '../ui/terminal.js';
import { confirmOrYes } from './confirm.js';
import { trapInterrupts } from './interrupts.js';
import { reportRun } from './runReport.js';
import { openStack, openWorkspace, parseDuration, withLock, type GlobalOptions } from './workspace.js';

export interface DestroyOptions extends GlobalOptions {
  yes?: boolean;
  parallelism: string;
  lockTimeout: string;
  skipFinalSnapshot?: boolean;
  forceDeleteSecrets?: boolean;
}

export async function destroyCommand(options: DestroyOptions, term: Terminal): Promise<number> {
  const workspace = await openWorkspace(options, term);
  const view = new ProgressView(term);
  return withLock(workspace, 'destroy', parseDuration(options.lockTimeout), async (store) => {
    const stack = await openStack(workspace, view.onEvent, {
      skipFinalSnapshot: options.skipFinalSnapshot, forceDeleteSecrets: options.forceDeleteSecrets,
    });
    const refreshed = await refresh(store.doc, stack.engine);
    const plan = planDestroy(store.doc, refreshed);
    if (term.json) view.onEvent({ type: 'plan', actions: plan.actions });
    else term.out(renderPlan(plan.actions, term.c, { verb: 'Destroy' }));
    if (!plan.actions.length) {
      await destroyAll(plan, { ...stack.engine, store, parallelism: 1 });
      return 0;
    }
    if (!(await confirmOrYes(term, options.yes, `Destroy all ${plan.actions.length} resources of workspace ${workspace.config.workspace}? This cannot be undone.`))) {
      term.out('Destroy cancelled. Nothing was changed.');
      return 1;
    }
    const interrupts = trapInterrupts(view.onEvent);
    try {
      const result = await destroyAll(plan, {
        ...stack.engine, store, parallelism: Number(options.parallelism), stop: interrupts.stop, abort: interrupts.abort,
      });
      return reportRun(term, view, result, 'Destroy', interrupts.stop.aborted);
    } finally {
      interrupts.dispose();
      view.close();
    }
  });
}
