import { hasChanges, planActions, refresh } from '../engine/planner.js';
import { renderPlan } from '../ui/planView.js';
import { ProgressView } from '../ui/progress.js';
import type { Terminal } from '../ui/terminal.js';
import { savePlan } from './planFile.js';
import { openStack, openWorkspace, parseDuration, withLock, type GlobalOptions } from './workspace.js';

export interface PlanOptions extends GlobalOptions {
  detailedExitcode?: boolean;
  out?: string;
  lockTimeout: string;
}

/** Exit code: 0 no changes (or changes without --detailed-exitcode), 2 changes with --detailed-exitcode. */
export async function planCommand(options: PlanOptions, term: Terminal): Promise<number> {
  const workspace = await openWorkspace(options, term);
  const view = new ProgressView(term);
  // Lock first: a second run learns who holds the workspace before spending any AWS call.
  return withLock(workspace, 'plan', parseDuration(options.lockTimeout), async (store) => {
    const stack = await openStack(workspace, view.onEvent);
    const refreshed = await refresh(store.doc, stack.engine);
    const actions = planActions(stack.graph, store.doc, refreshed, stack.engine.handlers);
    view.close();
    if (term.json) view.onEvent({ type: 'plan', actions });
    else term.out(renderPlan(actions, term.c));
    if (options.out) {
      await savePlan(options.out, workspace.config, store.doc, actions);
      if (!term.json) term.out(`\nSaved the plan to ${options.out}. Apply it with: morpheus-ws apply ${options.out}`);
    }
    return options.detailedExitcode && hasChanges(actions) ? 2 : 0;
  });
}
