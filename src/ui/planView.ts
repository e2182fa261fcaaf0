/** Plans as operators read them: grouped by tier, + ~ -/+ -, field-level old -> new, secrets masked, a summary line. */
import type { ChalkInstance } from 'chalk';
import { summarize } from '../engine/planner.js';
import { TIERS, UNKNOWN, type FieldChange, type PlannedAction } from '../engine/types.js';

const SYMBOL: Record<PlannedAction['action'], string> = { create: '+', update: '~', replace: '-/+', delete: '-', noop: ' ' };
const MAX_VALUE = 160;

export function formatValue(value: unknown, sensitive = false): string {
  if (sensitive) return '(sensitive)';
  if (value === UNKNOWN) return UNKNOWN;
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

function paint(c: ChalkInstance, action: PlannedAction['action'], text: string): string {
  switch (action) {
    case 'create': return c.green(text);
    case 'update': return c.yellow(text);
    case 'replace': return c.magenta(text);
    case 'delete': return c.red(text);
    default: return text;
  }
}

function renderChange(c: ChalkInstance, action: PlannedAction, change: FieldChange): string {
  const after = formatValue(change.after, change.sensitive);
  const force = change.forcesReplacement ? c.red(' # forces replacement') : '';
  if (action.action === 'create') return `      ${change.field}: ${after}`;
  return `      ${change.field}: ${formatValue(change.before, change.sensitive)} -> ${after}${force}`;
}

export function renderPlan(actions: PlannedAction[], c: ChalkInstance, options: { verb?: string } = {}): string {
  const lines: string[] = [];
  const changing = actions.filter((a) => a.action !== 'noop');
  for (const tier of TIERS) {
    const inTier = changing.filter((a) => a.tier === tier);
    if (!inTier.length) continue;
    lines.push(c.bold(tier));
    for (const action of inTier) {
      const id = action.id ? c.dim(` ${action.id}`) : '';
      const reason = action.reason ? c.dim(` (${action.reason})`) : '';
      lines.push(`  ${paint(c, action.action, `${SYMBOL[action.action]} ${action.address}`)} ${c.dim(action.kind)}${id}${reason}`);
      for (const change of action.changes) lines.push(renderChange(c, action, change));
    }
    lines.push('');
  }
  const s = summarize(actions);
  if (!changing.length) {
    lines.push(`No changes. ${actions.length} resources match the configuration.`);
  } else {
    const replace = s.replace ? `, ${s.replace} to replace` : '';
    lines.push(c.bold(`${options.verb ?? 'Plan'}: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy${replace}.`));
  }
  return lines.join('\n');
}
