/** The app nodes currently serving in the Auto Scaling group: what day-2 commands send work to. */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import type { AwsClients } from '../../aws/clients.js';

export interface AppNode {
  instanceId: string;
  availabilityZone: string;
}

/** InService and Healthy instances, ordered by AZ then id so runs are predictable. */
export async function inServiceNodes(aws: AwsClients, groupName: string): Promise<AppNode[]> {
  const out = await aws.get(AutoScalingClient).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] }));
  const group = out.AutoScalingGroups?.[0];
  if (!group) throw new Error(`Auto Scaling group ${groupName} does not exist`);
  return (group.Instances ?? [])
    .filter((i) => i.LifecycleState === 'InService' && i.HealthStatus === 'Healthy')
    .map((i) => ({ instanceId: i.InstanceId!, availabilityZone: i.AvailabilityZone ?? '' }))
    .sort((a, b) => a.availabilityZone.localeCompare(b.availabilityZone) || a.instanceId.localeCompare(b.instanceId));
}
