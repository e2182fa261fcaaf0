import type { TierBuilder } from './types.js';

/** The backup tier's resources. */
export const backupTier: TierBuilder = () => [];
