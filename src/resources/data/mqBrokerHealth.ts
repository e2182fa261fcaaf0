/** Live health of `mq.broker` for `status`: the broker state and changes waiting for a reboot. */
import { DescribeBrokerCommand, MqClient, type DescribeBrokerResponse } from '@aws-sdk/client-mq';
import { hasCode } from '../../aws/errors.js';
import type { Health, ReadItem } from '../../engine/types.js';
import type { ResourceCtx } from '../context.js';

const TRANSITIONAL = new Set(['CREATION_IN_PROGRESS', 'REBOOT_IN_PROGRESS', 'DELETION_IN_PROGRESS', 'REPLICA']);

export function mqBrokerHealthOf(broker: DescribeBrokerResponse): Health {
  const state = broker.BrokerState ?? 'unknown';
  const pending = [
    broker.PendingEngineVersion ? `engine ${broker.PendingEngineVersion}` : '',
    broker.PendingHostInstanceType ? `instance type ${broker.PendingHostInstanceType}` : '',
    broker.PendingSecurityGroups?.length ? 'security groups' : '',
  ].filter(Boolean);
  const summary = `broker ${state}${broker.DeploymentMode ? ` (${broker.DeploymentMode})` : ''}${pending.length ? `, pending reboot: ${pending.join(', ')}` : ''}`;
  const health: Health['state'] = state === 'RUNNING' ? 'healthy' : TRANSITIONAL.has(state) ? 'degraded' : 'down';
  return { state: health, summary, details: { brokerState: state, pending } };
}

/** DescribeBroker takes one id; a workspace has one broker. */
export async function mqBrokerHealth(ctx: ResourceCtx, items: ReadItem[]): Promise<Map<string, Health>> {
  const result = new Map<string, Health>();
  await Promise.all(items.map(async (item) => {
    try {
      result.set(item.address, mqBrokerHealthOf(await ctx.aws.get(MqClient).send(new DescribeBrokerCommand({ BrokerId: item.id }))));
    } catch (error) {
      if (!hasCode(error, 'NotFoundException')) throw error;
    }
  }));
  return result;
}
