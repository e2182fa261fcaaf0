/**
 * First Ctrl-C: start nothing new, let in-flight calls finish, save state, release the lock. Second: cancel the
 * waits in flight so the run ends at once (state is saved after every change anyway).
 */
import type { EventSink } from '../engine/events.js';

export interface Interrupts {
  stop: AbortSignal;
  abort: AbortSignal;
  dispose(): void;
}

export function trapInterrupts(emit: EventSink): Interrupts {
  const stop = new AbortController();
  const abort = new AbortController();
  const onSignal = () => {
    if (!stop.signal.aborted) {
      stop.abort();
      emit({ type: 'interrupted', message: 'Interrupted: no new work will start; waiting for the calls in flight to finish (Ctrl-C again to stop waiting).' });
      return;
    }
    if (!abort.signal.aborted) {
      abort.abort(new Error('interrupted'));
      emit({ type: 'interrupted', message: 'Interrupted again: abandoning waits; state is saved. Re-run to continue.' });
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stop: stop.signal, abort: abort.signal,
    dispose: () => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); },
  };
}
