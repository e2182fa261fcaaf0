import type { Config } from '../config/schema.js';
import type { DesiredNode } from '../engine/types.js';

/** Facts about the account and region the stack is built for, looked up once by the command. */
export interface StackEnv {
  /** The AZ names the stack spreads over, in order (length = network.azCount). */
  azs: string[];
  accountId: string;
  partition: string;
}

/** A tier turns config into desired nodes: pure data, no AWS calls. */
export type TierBuilder = (config: Config, env: StackEnv) => DesiredNode[];
