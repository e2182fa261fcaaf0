import type { TierBuilder } from './types.js';

/** The edge tier's resources. */
export const edgeTier: TierBuilder = () => [];
