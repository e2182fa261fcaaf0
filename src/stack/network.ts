import type { TierBuilder } from './types.js';

/** The network tier's resources. */
export const networkTier: TierBuilder = () => [];
