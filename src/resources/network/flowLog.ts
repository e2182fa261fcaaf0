/** `ec2.flowLog`: VPC flow logs delivered to a CloudWatch Logs group through a delivery role. */
import {
  CreateFlowLogsCommand, DeleteFlowLogsCommand, DescribeFlowLogsCommand, EC2Client, type Filter, type FlowLog,
  type TrafficType,
} from '@aws-sdk/client-ec2';
import { hasCode } from '../../aws/errors.js';
import { retryWhile } from '../../aws/wait.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { allPages, describeByIds, isOwnedBy, ownerFilters, tagSpecifications } from './ec2Common.js';

export interface FlowLogInputs {
  vpcId: string;
  logGroupName: string;
  deliveryRoleArn: string;
  trafficType: TrafficType;
  /** Seconds: 60 or 600. */
  maxAggregationInterval: number;
}

// A delivery role created moments ago may not be assumable yet (IAM eventual consistency).
const ROLE_PROPAGATION_TIMEOUT_MS = 2 * 60_000;

class FlowLogRejected extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = code;
  }
}

async function describe(ctx: ResourceCtx, filters: Filter[], token?: string) {
  const out = await ctx.aws.get(EC2Client).send(new DescribeFlowLogsCommand({ Filter: filters, NextToken: token }));
  return { items: out.FlowLogs, next: out.NextToken };
}

function flowLogsById(ctx: ResourceCtx, ids: string[]): Promise<FlowLog[]> {
  return describeByIds(ids, (f, t) => describe(ctx, [f], t), 'flow-log-id');
}

function toActual(flowLog: FlowLog): Actual {
  const inputs: Record<string, unknown> = {
    vpcId: flowLog.ResourceId!,
    logGroupName: flowLog.LogGroupName ?? flowLog.LogDestination?.split(':log-group:')[1],
    deliveryRoleArn: flowLog.DeliverLogsPermissionArn,
    trafficType: flowLog.TrafficType,
    maxAggregationInterval: flowLog.MaxAggregationInterval,
  };
  for (const key of Object.keys(inputs)) if (inputs[key] === undefined) delete inputs[key];
  return { id: flowLog.FlowLogId!, inputs, outputs: { flowLogId: flowLog.FlowLogId! } };
}

export const flowLogHandler: Handler = {
  kind: 'ec2.flowLog',
  // Flow logs cannot be modified: any change means a new one.
  forceNew: ['vpcId', 'logGroupName', 'deliveryRoleArn', 'trafficType', 'maxAggregationInterval'],

  async read(ctx, items) {
    const byId = new Map((await flowLogsById(ctx, items.map((i) => i.id))).map((f) => [f.FlowLogId!, f]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const flowLog = byId.get(item.id);
      if (flowLog) result.set(item.address, toActual(flowLog));
    }
    return result;
  },

  async find(ctx, args) {
    const flowLog = (await allPages((t) => describe(ctx, ownerFilters(args.tags), t))).find((r) => isOwnedBy(r.Tags, args.tags));
    return flowLog ? toActual(flowLog) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as FlowLogInputs;
    const id = await retryWhile(async () => {
      const out = await ctx.aws.get(EC2Client).send(new CreateFlowLogsCommand({
        ResourceType: 'VPC', ResourceIds: [inputs.vpcId], TrafficType: inputs.trafficType,
        LogDestinationType: 'cloud-watch-logs', LogGroupName: inputs.logGroupName,
        DeliverLogsPermissionArn: inputs.deliveryRoleArn, MaxAggregationInterval: inputs.maxAggregationInterval,
        ClientToken: args.token, TagSpecifications: tagSpecifications('vpc-flow-log', args.tags),
      }));
      const failure = out.Unsuccessful?.[0]?.Error;
      if (failure) throw new FlowLogRejected(failure.Code ?? 'FlowLogRejected', `flow log for ${inputs.vpcId} rejected: ${failure.Code}: ${failure.Message}`);
      const flowLogId = out.FlowLogIds?.[0];
      if (!flowLogId) throw new Error(`CreateFlowLogs for ${inputs.vpcId} returned no flow log id`);
      return flowLogId;
    }, (e) => e instanceof FlowLogRejected && /role|permission|assume|access/i.test(e.message), {
      what: `create flow log for ${inputs.vpcId}`, timeoutMs: ROLE_PROPAGATION_TIMEOUT_MS, minDelayMs: 2000,
      report: args.report, signal: args.signal,
    });
    const flowLog = await retryWhile(async () => {
      const [f] = await flowLogsById(ctx, [id]);
      if (!f) throw new Error(`flow log ${id} is not visible`);
      return f;
    }, () => true, { what: `flow log ${id} visible`, timeoutMs: 60_000, minDelayMs: 1000, report: args.report, signal: args.signal });
    return toActual(flowLog);
  },

  async delete(ctx, args) {
    let out;
    try {
      out = await ctx.aws.get(EC2Client).send(new DeleteFlowLogsCommand({ FlowLogIds: [args.id] }));
    } catch (error) {
      // An unknown id comes back either as an error or in `Unsuccessful`.
      if (hasCode(error, 'InvalidFlowLogId.NotFound')) return;
      throw error;
    }
    const failure = out.Unsuccessful?.[0]?.Error;
    if (failure && !/NotFound/i.test(failure.Code ?? '')) {
      throw new Error(`deleting flow log ${args.id} failed: ${failure.Code}: ${failure.Message}`);
    }
  },
};
