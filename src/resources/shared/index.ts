import type { Handler } from '../context.js';
import { iamRoleHandler } from './iamRole.js';
import { logGroupHandler } from './logGroup.js';
import { serviceLinkedRoleHandler } from './serviceLinkedRole.js';

/** Handlers of the shared tier's AWS kinds (used by several tiers). */
export const sharedHandlers: Handler[] = [logGroupHandler, iamRoleHandler, serviceLinkedRoleHandler];
