import { STACK_OUTPUTS } from '../stack/outputs.js';
import type { Terminal } from '../ui/terminal.js';
import { CliError } from './errors.js';
import { openWorkspace, type GlobalOptions } from './workspace.js';

/** Ids and endpoints from the state (no AWS call): `output`, `output NAME` (raw value, for scripts), `--json`. */
export async function outputCommand(name: string | undefined, options: GlobalOptions, term: Terminal): Promise<number> {
  const workspace = await openWorkspace(options, term);
  const { doc } = await workspace.backend.read();
  const values: Record<string, unknown> = {};
  for (const output of STACK_OUTPUTS) {
    const value = doc?.resources[output.address]?.outputs[output.output];
    if (value !== undefined) values[output.name] = value;
  }
  if (name) {
    if (!STACK_OUTPUTS.some((o) => o.name === name)) {
      throw new CliError(`unknown output "${name}"; the outputs are: ${STACK_OUTPUTS.map((o) => o.name).join(', ')}`);
    }
    if (values[name] === undefined) throw new CliError(`output "${name}" has no value yet: run morpheus-ws apply`);
    term.out(term.json ? JSON.stringify(values[name]) : String(values[name]));
    return 0;
  }
  if (term.json) {
    term.out(JSON.stringify(values, null, 2));
    return 0;
  }
  if (!Object.keys(values).length) {
    term.out(`Workspace ${workspace.config.workspace} has no outputs yet: run morpheus-ws apply.`);
    return 0;
  }
  const width = Math.max(...Object.keys(values).map((k) => k.length));
  for (const output of STACK_OUTPUTS) {
    if (values[output.name] === undefined) continue;
    term.out(`${output.name.padEnd(width)}  ${String(values[output.name])}  ${term.c.dim(`# ${output.description}`)}`);
  }
  return 0;
}
