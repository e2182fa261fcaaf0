/** Saved plans (`plan --out FILE`, `apply FILE`): what was planned against which state and config. */
import { readFile } from 'node:fs/promises';
import { canonicalJson, hashOf } from '../engine/canonical.js';
import type { PlannedAction } from '../engine/types.js';
import type { Config } from '../config/schema.js';
import type { StateDoc } from '../state/types.js';
import { writeFileAtomic } from '../state/localBackend.js';
import { CliError } from './errors.js';

export const PLAN_FORMAT = 1;

export interface SavedPlan {
  format: number;
  workspace: string;
  region: string;
  lineage: string;
  serial: number;
  configHash: string;
  createdAt: string;
  actions: PlannedAction[];
}

export function savePlan(file: string, config: Config, state: StateDoc, actions: PlannedAction[]): Promise<void> {
  const plan: SavedPlan = {
    format: PLAN_FORMAT, workspace: config.workspace, region: config.region, lineage: state.lineage, serial: state.serial,
    configHash: hashOf(config), createdAt: new Date().toISOString(), actions,
  };
  return writeFileAtomic(file, `${JSON.stringify(plan, null, 2)}\n`);
}

export async function loadPlan(file: string): Promise<SavedPlan> {
  let plan: SavedPlan;
  try {
    plan = JSON.parse(await readFile(file, 'utf8')) as SavedPlan;
  } catch (error) {
    throw new CliError(`cannot read the plan file ${file}: ${(error as Error).message}`);
  }
  if (plan.format !== PLAN_FORMAT) throw new CliError(`${file} is not a morpheus-ws plan file (format ${plan.format})`);
  return plan;
}

/** Refuses a plan made against another config, another state, or before AWS changed. */
export function checkPlanFresh(plan: SavedPlan, config: Config, state: StateDoc, fresh: PlannedAction[]): void {
  const stale = (why: string) => new CliError(`the saved plan is stale: ${why}. Run \`morpheus-ws plan --out FILE\` again.`);
  if (plan.workspace !== config.workspace) throw stale(`it is for workspace ${plan.workspace}`);
  if (plan.configHash !== hashOf(config)) throw stale('the configuration changed since it was made');
  // With no state yet there is no lineage to compare: a new one is made for each read.
  const bothEmpty = plan.serial === 0 && state.serial === 0;
  if (!bothEmpty && (plan.lineage !== state.lineage || plan.serial !== state.serial)) {
    throw stale(`the state changed since it was made (serial ${plan.serial} -> ${state.serial})`);
  }
  const shape = (actions: PlannedAction[]) => canonicalJson(actions.filter((a) => a.action !== 'noop').map((a) => [a.address, a.action]));
  if (shape(plan.actions) !== shape(fresh)) throw stale('the resources in AWS changed since it was made');
}
