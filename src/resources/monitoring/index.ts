import type { Handler } from '../context.js';

/** Handlers of the monitoring tier's AWS kinds. */
export const monitoringHandlers: Handler[] = [];
