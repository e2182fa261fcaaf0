/**
 * `morpheus-ws check`: evaluates the LIVE stack against the AWS Foundational Security Best Practices controls that
 * apply to it (src/checks/controls.ts) and prints pass/fail per control and resource, with the fix.
 *
 * Exit codes: 0 when nothing fails, 1 when a control fails (or on error); `--strict` also fails on warnings.
 * `--json` prints one document:
 *   { schema: 1, workspace, region, checkedAt, passed: boolean,
 *     counts: { pass, fail, warn, unknown },
 *     results: [{ control, title, status: 'pass'|'fail'|'warn'|'unknown', address, resourceId, detail, fix? }],
 *     missing: string[] (addresses in state that AWS no longer has: run status / apply) }
 */
import { countByStatus, evaluateControls } from '../checks/evaluate.js';
import { gatherSubjects } from '../checks/subjects.js';
import type { ControlResult } from '../checks/types.js';
import { refresh } from '../engine/planner.js';
import type { Terminal } from '../ui/terminal.js';
import { CliError } from './errors.js';
import { openStack, openWorkspace, type GlobalOptions } from './workspace.js';

export interface CheckOptions extends GlobalOptions {
  strict?: boolean;
}

export async function checkCommand(options: CheckOptions, term: Terminal): Promise<number> {
  const workspace = await openWorkspace(options, term);
  const stack = await openStack(workspace, undefined);
  const { doc } = await workspace.backend.read();
  if (!doc || !Object.keys(doc.resources).length) {
    throw new CliError(`workspace ${workspace.config.workspace} has nothing deployed (${workspace.backend.describe()}): nothing to check`);
  }
  const refreshed = await refresh(doc, stack.engine);
  const subjects = await gatherSubjects(stack.ctx, doc, refreshed.actual);
  const results = evaluateControls(subjects);
  const counts = countByStatus(results);
  const missing = [...refreshed.gone].sort();
  const failed = counts.fail > 0 || (options.strict === true && counts.warn > 0);
  if (term.json) {
    term.out(JSON.stringify({
      schema: 1, workspace: workspace.config.workspace, region: workspace.config.region, checkedAt: new Date().toISOString(),
      passed: !failed, counts, results, missing,
    }));
  } else {
    render(results, term);
    const controls = new Set(results.map((r) => r.control)).size;
    term.out(`\n${controls} controls on ${new Set(results.map((r) => r.address)).size} resources: `
      + `${counts.pass} passed, ${counts.fail} failed, ${counts.warn} warnings, ${counts.unknown} not determinable.`);
    if (missing.length) term.out(term.c.yellow(`${missing.length} resource(s) in state are gone from AWS and were not checked: ${missing.join(', ')} (run morpheus-ws apply).`));
  }
  return failed ? 1 : 0;
}

function render(results: ControlResult[], term: Terminal): void {
  const { c } = term;
  const label: Record<ControlResult['status'], string> = { pass: c.green('PASS'), fail: c.red('FAIL'), warn: c.yellow('WARN'), unknown: c.dim('N/A ') };
  const idWidth = Math.max(...results.map((r) => r.control.length), 6);
  let last = '';
  for (const r of results) {
    if (r.control !== last) {
      term.out(`${r.control.padEnd(idWidth)}  ${c.bold(r.title)}`);
      last = r.control;
    }
    term.out(`  ${label[r.status]}  ${r.address}  ${c.dim(r.detail)}`);
    if (r.fix) term.out(`        fix: ${r.fix}`);
  }
}
