import type { Handler } from '../context.js';

/** Handlers of the network tier's AWS kinds. */
export const networkHandlers: Handler[] = [];
