import type { Handler } from '../context.js';
import { backupPlanHandler } from './backupPlan.js';
import { backupSelectionHandler } from './backupSelection.js';
import { backupVaultHandler } from './backupVault.js';

/** Handlers of the backup tier's AWS kinds. */
export const backupHandlers: Handler[] = [backupVaultHandler, backupPlanHandler, backupSelectionHandler];
