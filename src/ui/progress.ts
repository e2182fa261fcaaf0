/**
 * Renders engine events. TTY: an ora spinner whose text lists every in-flight resource with its elapsed time and
 * state, finished lines printed above it. Plain (CI, NO_COLOR, --no-tty): timestamped lines, "still creating" at
 * most every 15 s per resource, no escape codes. --json: one JSON object per line, versioned.
 *
 * ora rather than a multi-task renderer (listr2): the set of tasks is a DAG discovered while walking, not a list
 * known up front, and listr2's current major needs Node 22.
 */
import ora, { type Ora } from 'ora';
import { EVENT_SCHEMA_VERSION, type EngineEvent } from '../engine/events.js';
import type { ActionType } from '../engine/types.js';
import { formatDuration } from '../aws/wait.js';
import { hintFor } from './errorHints.js';
import type { Terminal } from './terminal.js';

const ING: Record<ActionType, string> = { create: 'creating', update: 'updating', replace: 'replacing', delete: 'destroying', noop: 'checking' };
const ED: Record<ActionType, string> = { create: 'created', update: 'updated', replace: 'replaced', delete: 'destroyed', noop: 'unchanged' };
const PLAIN_PROGRESS_EVERY_MS = 15_000;

interface InFlight {
  action: ActionType;
  started: number;
  state: string;
  lastPrinted: number;
}

export interface Finished {
  address: string;
  action: ActionType;
  ms: number;
  outcome: 'done' | 'failed' | 'skipped';
  detail?: string;
}

export class ProgressView {
  readonly finished: Finished[] = [];
  private readonly inFlight = new Map<string, InFlight>();
  private spinner?: Ora;
  private timer?: NodeJS.Timeout;

  constructor(private readonly term: Terminal) {}

  readonly onEvent = (event: EngineEvent): void => {
    if (this.term.json) {
      this.term.out(JSON.stringify({ schema: EVENT_SCHEMA_VERSION, time: new Date().toISOString(), ...event }));
      return;
    }
    const { c } = this.term;
    switch (event.type) {
      case 'refresh_start':
        if (event.resources) this.line(c.dim(`Refreshing ${event.resources} resources (${event.kinds} kinds)…`));
        break;
      case 'node_start':
        this.inFlight.set(event.address, { action: event.action, started: Date.now(), state: ING[event.action], lastPrinted: Date.now() });
        if (!this.term.tty) this.line(`${event.address}: ${ING[event.action]}…`);
        this.ensureSpinner();
        break;
      case 'node_progress': {
        const flight = this.inFlight.get(event.address);
        if (!flight) break;
        flight.state = event.message.replace(/\s*\[[^\]]*\]$/, '');
        if (!this.term.tty && Date.now() - flight.lastPrinted >= PLAIN_PROGRESS_EVERY_MS) {
          flight.lastPrinted = Date.now();
          this.line(`${event.address}: still ${ING[flight.action]} [${formatDuration(event.elapsedMs)}] (${flight.state})`);
        }
        break;
      }
      case 'node_done': {
        this.inFlight.delete(event.address);
        this.finished.push({ address: event.address, action: event.action, ms: event.ms, outcome: 'done', detail: event.id });
        const id = event.id && event.action !== 'delete' ? ` ${c.dim(event.id)}` : '';
        this.line(`${c.green('✓')} ${event.address}: ${ED[event.action]}${id} ${c.dim(`[${formatDuration(event.ms)}]`)}`);
        break;
      }
      case 'node_failed': {
        this.inFlight.delete(event.address);
        this.finished.push({ address: event.address, action: event.action, ms: event.ms, outcome: 'failed', detail: event.error });
        const op = event.operation ? ` (${event.operation})` : '';
        this.line(c.red(`✗ ${event.address}: ${ING[event.action]} failed${op}: ${event.error}`));
        const hint = hintFor(event.code, event.error);
        if (hint) this.line(c.dim(`  hint: ${hint}`));
        break;
      }
      case 'node_skipped':
        this.finished.push({ address: event.address, action: event.action, ms: 0, outcome: 'skipped', detail: event.reason });
        this.line(c.dim(`- ${event.address}: skipped (${event.reason})`));
        break;
      case 'interrupted':
        this.line(c.yellow(event.message));
        break;
      case 'warning':
        this.term.err(c.yellow.bold(`WARNING (${event.address}): ${event.message}`));
        break;
      default:
        break;
    }
    if (!this.inFlight.size) this.stopSpinner();
    // Refresh at once: a finished resource must not linger in the live list until the next tick.
    else if (this.spinner) this.spinner.text = this.spinnerText();
  };

  /** The summary table: failures first, then the slowest resources, with durations (the critical path shows). */
  summaryTable(limit = 15): string {
    const failed = this.finished.filter((f) => f.outcome === 'failed');
    const slowest = this.finished.filter((f) => f.outcome === 'done').sort((a, b) => b.ms - a.ms);
    const rows = [...failed, ...slowest.slice(0, Math.max(0, limit - failed.length))];
    if (!rows.length) return '';
    const width = Math.min(60, Math.max(...rows.map((r) => r.address.length)));
    const { c } = this.term;
    const more = this.finished.length - rows.length;
    return rows.map((r) => {
      const outcome = r.outcome === 'done' ? c.green(ED[r.action].padEnd(10)) : r.outcome === 'failed' ? c.red('failed'.padEnd(10)) : c.dim('skipped'.padEnd(10));
      return `  ${r.address.padEnd(width)}  ${outcome} ${formatDuration(r.ms).padStart(7)}`;
    }).join('\n') + (more > 0 ? c.dim(`\n  …and ${more} more`) : '');
  }

  close(): void {
    this.stopSpinner();
  }

  private line(text: string): void {
    if (this.term.json) return;
    if (this.spinner?.isSpinning) {
      this.spinner.clear();
      this.term.out(this.term.tty ? text : `[${new Date().toISOString().slice(11, 19)}] ${text}`);
      this.spinner.render();
      return;
    }
    this.term.out(this.term.tty ? text : `[${new Date().toISOString().slice(11, 19)}] ${text}`);
  }

  private ensureSpinner(): void {
    if (!this.term.tty || this.spinner) return;
    this.spinner = ora({ text: this.spinnerText(), discardStdin: false }).start();
    this.timer = setInterval(() => { if (this.spinner) this.spinner.text = this.spinnerText(); }, 500);
  }

  private stopSpinner(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.spinner?.stop();
    this.spinner = undefined;
  }

  private spinnerText(): string {
    const width = Math.min(50, Math.max(0, ...[...this.inFlight.keys()].map((a) => a.length)));
    // One line per resource: a long state message must not wrap and push the list around.
    const room = Math.max(10, (process.stdout.columns || 120) - width - 12);
    const rows = [...this.inFlight].map(([address, f]) => {
      const state = f.state.length > room ? `${f.state.slice(0, room - 1)}…` : f.state;
      return `${address.padEnd(width)}  ${formatDuration(Date.now() - f.started).padStart(4)}  ${this.term.c.dim(state)}`;
    });
    const shown = rows.slice(0, 12);
    if (rows.length > shown.length) shown.push(this.term.c.dim(`…and ${rows.length - shown.length} more`));
    return `${rows.length} in progress\n  ${shown.join('\n  ')}`;
  }
}
