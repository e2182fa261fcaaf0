import type { TierBuilder } from './types.js';

/** The data tier's resources. */
export const dataTier: TierBuilder = () => [];
