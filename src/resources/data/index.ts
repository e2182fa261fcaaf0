import type { Handler } from '../context.js';

/** Handlers of the data tier's AWS kinds. */
export const dataHandlers: Handler[] = [];
