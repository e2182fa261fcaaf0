import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { renderRunbooks, runbookFacts } from '../runbook/index.js';
import type { Terminal } from '../ui/terminal.js';
import { CliError } from './errors.js';
import { openWorkspace, type GlobalOptions } from './workspace.js';

export interface RunbookOptions extends GlobalOptions {
  out?: string;
}

/** Writes operations.md and disaster-recovery.md rendered from the state and config (no AWS call). */
export async function runbookCommand(options: RunbookOptions, term: Terminal): Promise<number> {
  const workspace = await openWorkspace(options, term);
  const { doc } = await workspace.backend.read();
  if (!doc || !Object.keys(doc.resources).length) {
    throw new CliError(`workspace ${workspace.config.workspace} has nothing deployed (${workspace.backend.describe()}): run morpheus-ws apply first`);
  }
  const facts = runbookFacts(doc, workspace.config, { generatedAt: new Date(), configFile: basename(workspace.loaded.file) });
  const dir = resolve(options.out ?? 'runbooks');
  await mkdir(dir, { recursive: true });
  const files = renderRunbooks(facts);
  const written: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    await writeFile(path, text, { mode: 0o644 });
    written.push(path);
  }
  if (term.json) term.out(JSON.stringify({ schema: 1, workspace: facts.workspace, files: written }));
  else for (const path of written) term.out(`Wrote ${path}`);
  return 0;
}
