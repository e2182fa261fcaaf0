export type { Actual, ResourceHandler } from '../../../src/engine/types.js';
import type { ResourceHandler } from '../../../src/engine/types.js';
export type Handler = ResourceHandler<unknown>;
