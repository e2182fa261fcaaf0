import type { Handler } from '../context.js';

/** Handlers of the shared tier's AWS kinds. */
export const sharedHandlers: Handler[] = [];
