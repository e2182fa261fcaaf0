import type { TierBuilder } from './types.js';

/** The monitoring tier's resources. */
export const monitoringTier: TierBuilder = () => [];
