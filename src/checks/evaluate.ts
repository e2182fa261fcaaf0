/** Controls × live resources -> one result per (control, resource). Pure. */
import { CONTROLS } from './controls.js';
import type { Control, ControlResult, ControlStatus, Subject } from './types.js';

export function evaluateControls(subjects: readonly Subject[], controls: readonly Control[] = CONTROLS): ControlResult[] {
  const results: ControlResult[] = [];
  for (const control of controls) {
    for (const subject of subjects.filter((s) => s.kind === control.kind)) {
      let finding;
      try {
        finding = control.evaluate(subject, subjects);
      } catch (error) {
        finding = { status: 'unknown' as const, detail: `could not evaluate: ${(error as Error).message}` };
      }
      results.push({
        control: control.id, title: control.title, status: finding.status, address: subject.address, resourceId: subject.id,
        detail: finding.detail, ...(finding.status === 'fail' || finding.status === 'warn' ? { fix: control.fix } : {}),
      });
    }
  }
  return results;
}

export function countByStatus(results: readonly ControlResult[]): Record<ControlStatus, number> {
  const counts: Record<ControlStatus, number> = { pass: 0, fail: 0, warn: 0, unknown: 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}
