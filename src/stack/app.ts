import type { TierBuilder } from './types.js';

/** The app tier's resources. */
export const appTier: TierBuilder = () => [];
