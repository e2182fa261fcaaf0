import type { Handler } from '../context.js';
import { autoScalingGroupHandler } from './autoScalingGroup.js';
import { launchTemplateHandler } from './launchTemplate.js';
import { scalingPolicyHandler } from './scalingPolicy.js';

/** Handlers of the app tier's AWS kinds. */
export const appHandlers: Handler[] = [launchTemplateHandler, autoScalingGroupHandler, scalingPolicyHandler];
