import type { TierBuilder } from './types.js';

/** The security tier's resources. */
export const securityTier: TierBuilder = () => [];
