import type { Handler } from '../context.js';

/** Handlers of the security tier's AWS kinds. */
export const securityHandlers: Handler[] = [];
