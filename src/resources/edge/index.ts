import type { Handler } from '../context.js';

/** Handlers of the edge tier's AWS kinds. */
export const edgeHandlers: Handler[] = [];
