import type { Terminal } from '../ui/terminal.js';
import { confirmOrYes } from './confirm.js';
import { CliError } from './errors.js';
import { openWorkspace, type GlobalOptions } from './workspace.js';

export async function forceUnlockCommand(id: string, options: GlobalOptions & { yes?: boolean }, term: Terminal): Promise<number> {
  const workspace = await openWorkspace(options, term);
  const holder = await workspace.backend.lockHolder();
  if (!holder) throw new CliError(`workspace ${workspace.config.workspace} is not locked`);
  if (holder.id !== id) throw new CliError(`lock id ${id} does not match the lock held by ${holder.who}@${holder.host} (id ${holder.id}); nothing was removed`);
  term.out(`Lock ${holder.id}: ${holder.operation} by ${holder.who}@${holder.host} pid ${holder.pid} since ${holder.created}.`);
  if (!(await confirmOrYes(term, options.yes, 'Remove this lock? Only do so if that run is dead.'))) return 1;
  await workspace.backend.forceUnlock(id);
  term.out('Lock removed.');
  return 0;
}
