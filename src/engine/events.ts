/**
 * What the engine tells the outside world while it works. The UI renders these (live view, plain lines or
 * NDJSON with `--json`); they carry addresses and field names, never secret values.
 */
import type { ActionType, PlannedAction } from './types.js';

export const EVENT_SCHEMA_VERSION = 1;

export type EngineEvent =
  | { type: 'refresh_start'; kinds: number; resources: number }
  | { type: 'refresh_done'; ms: number }
  | { type: 'plan'; actions: PlannedAction[] }
  | { type: 'node_queued'; address: string; action: ActionType }
  | { type: 'node_start'; address: string; action: ActionType }
  | { type: 'node_progress'; address: string; action: ActionType; message: string; elapsedMs: number }
  | { type: 'node_done'; address: string; action: ActionType; id?: string; ms: number }
  | { type: 'node_failed'; address: string; action: ActionType; error: string; code?: string; operation?: string; ms: number }
  | { type: 'node_skipped'; address: string; action: ActionType; reason: string }
  | { type: 'state_saved'; serial: number }
  | { type: 'interrupted'; message: string }
  | { type: 'warning'; address: string; message: string }
  | { type: 'summary'; done: number; failed: number; skipped: number; ms: number };

export type EventSink = (event: EngineEvent) => void;
