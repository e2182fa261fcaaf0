import type { Handler } from '../context.js';

/** Handlers of the app tier's AWS kinds. */
export const appHandlers: Handler[] = [];
