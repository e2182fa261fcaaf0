/** Every resource handler, by kind. */
import type { HandlerRegistry } from '../engine/types.js';
import { appHandlers } from './app/index.js';
import { backupHandlers } from './backup/index.js';
import type { ResourceCtx } from './context.js';
import { dataHandlers } from './data/index.js';
import { edgeHandlers } from './edge/index.js';
import { monitoringHandlers } from './monitoring/index.js';
import { networkHandlers } from './network/index.js';
import { securityHandlers } from './security/index.js';
import { sharedHandlers } from './shared/index.js';

export function handlerRegistry(): HandlerRegistry<ResourceCtx> {
  const registry = new Map<string, (typeof sharedHandlers)[number]>();
  for (const handler of [...sharedHandlers, ...securityHandlers, ...networkHandlers, ...dataHandlers, ...appHandlers,
    ...edgeHandlers, ...monitoringHandlers, ...backupHandlers]) {
    if (registry.has(handler.kind)) throw new Error(`two handlers claim kind ${handler.kind}`);
    registry.set(handler.kind, handler);
  }
  return registry;
}
