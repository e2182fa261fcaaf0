import type { Handler } from '../context.js';
import { budgetHandler } from './budget.js';
import { cloudwatchAlarmHandler } from './cloudwatchAlarm.js';
import { cloudwatchDashboardHandler } from './cloudwatchDashboard.js';
import { snsSubscriptionHandler } from './snsSubscription.js';
import { snsTopicHandler } from './snsTopic.js';

/** Handlers of the monitoring tier's AWS kinds. */
export const monitoringHandlers: Handler[] = [snsTopicHandler, snsSubscriptionHandler, cloudwatchAlarmHandler, cloudwatchDashboardHandler, budgetHandler];
