/** How output reaches the operator: live and coloured on a TTY, plain lines in CI or with NO_COLOR, NDJSON with --json. */
import { Chalk, type ChalkInstance } from 'chalk';

export interface TerminalOptions {
  json?: boolean;
  noTty?: boolean;
  color?: boolean;
  debug?: boolean;
}

export interface Terminal {
  /** Interactive: live views and prompts. False in CI, with --no-tty, when stdout is not a terminal, and with --json. */
  tty: boolean;
  json: boolean;
  debug: boolean;
  c: ChalkInstance;
  out(text?: string): void;
  err(text?: string): void;
}

export function isCi(env = process.env): boolean {
  return !!env.CI && env.CI !== 'false' && env.CI !== '0';
}

export function createTerminal(options: TerminalOptions = {}, stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): Terminal {
  const json = !!options.json;
  const tty = !json && !options.noTty && !!stdout.isTTY && !isCi();
  const color = tty && options.color !== false && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '');
  return {
    tty, json, debug: !!options.debug,
    c: new Chalk({ level: color ? 2 : 0 }),
    out: (text = '') => { stdout.write(`${text}\n`); },
    err: (text = '') => { stderr.write(`${text}\n`); },
  };
}
