import { confirm } from '@inquirer/prompts';
import type { Terminal } from '../ui/terminal.js';
import { CliError } from './errors.js';

/** Ask on a terminal; refuse (rather than hang) without one unless --yes was given. */
export async function confirmOrYes(term: Terminal, yes: boolean | undefined, question: string, flagHint = '--yes'): Promise<boolean> {
  if (yes) return true;
  if (!term.tty || !process.stdin.isTTY) {
    throw new CliError(`refusing to proceed without confirmation: not running in a terminal. Pass ${flagHint} to confirm.`);
  }
  try {
    return await confirm({ message: question, default: false });
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') return false;
    throw error;
  }
}
