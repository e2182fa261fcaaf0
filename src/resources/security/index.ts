import type { Handler } from '../context.js';
import { kmsAliasHandler } from './kmsAlias.js';
import { kmsKeyHandler } from './kmsKey.js';

/** Handlers of the security tier's AWS kinds. */
export const securityHandlers: Handler[] = [kmsKeyHandler, kmsAliasHandler];
