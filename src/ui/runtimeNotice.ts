/**
 * The AWS SDK warns on every process that Node < 22 will lose support after January 2027. Operators should learn
 * that once, from us, not on every command: the SDK's warning is switched off (bin/morpheus-ws) and this notice is
 * printed once per machine and Node major.
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Terminal } from './terminal.js';

const SUPPORTED_MAJOR = 22;

export function noteRuntimeOnce(term: Terminal): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= SUPPORTED_MAJOR || term.json) return;
  const marker = path.join(process.env.XDG_STATE_HOME ?? path.join(homedir(), '.local', 'state'), 'morpheus-ws', `node-${major}-notice`);
  try {
    if (existsSync(marker)) return;
    mkdirSync(path.dirname(marker), { recursive: true });
    writeFileSync(marker, new Date().toISOString());
  } catch {
    return; // read-only home: stay quiet rather than nag on every run
  }
  term.err(term.c.yellow(`note: Node ${process.versions.node} works with this morpheus-ws, but AWS SDK releases after January 2027 need Node ${SUPPORTED_MAJOR}+. Plan an upgrade. (shown once)`));
}
