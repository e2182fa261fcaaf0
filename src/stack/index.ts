/** The Morpheus blueprint: config -> the whole desired resource graph. */
import type { Config } from '../config/schema.js';
import type { DesiredNode } from '../engine/types.js';
import { appTier } from './app.js';
import { backupTier } from './backup.js';
import { dataTier } from './data.js';
import { edgeTier } from './edge.js';
import { monitoringTier } from './monitoring.js';
import { networkTier } from './network.js';
import { securityTier } from './security.js';
import type { StackEnv, TierBuilder } from './types.js';

const TIER_BUILDERS: TierBuilder[] = [securityTier, networkTier, dataTier, appTier, edgeTier, monitoringTier, backupTier];

export function buildStack(config: Config, env: StackEnv): DesiredNode[] {
  return TIER_BUILDERS.flatMap((build) => build(config, env));
}

export type { StackEnv } from './types.js';
