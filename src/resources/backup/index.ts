import type { Handler } from '../context.js';

/** Handlers of the backup tier's AWS kinds. */
export const backupHandlers: Handler[] = [];
