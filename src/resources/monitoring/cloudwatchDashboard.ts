/**
 * `cloudwatch.dashboard`: the workspace's dashboard. PutDashboard creates and replaces by name; the body is
 * compared as JSON. Dashboards take no tags at creation, so they are found again by their deterministic name.
 */
import { CloudWatchClient, DeleteDashboardsCommand, GetDashboardCommand, PutDashboardCommand } from '@aws-sdk/client-cloudwatch';
import { hasCode } from '../../aws/errors.js';
import { waitUntil } from '../../aws/wait.js';
import type { Actual, NodeCall } from '../../engine/types.js';
import { readEach } from '../readEach.js';
import type { Handler, ResourceCtx } from '../context.js';
import { deepEqual } from '../shared/compare.js';

export interface DashboardInputs {
  name: string;
  body: object;
}

const TIMEOUT_MS = 2 * 60_000;
const cloudwatch = (ctx: ResourceCtx) => ctx.aws.get(CloudWatchClient);
const notFound = (e: unknown) => hasCode(e, 'ResourceNotFound', 'ResourceNotFoundException', 'DashboardNotFoundError');

async function readLive(ctx: ResourceCtx, name: string): Promise<Actual | undefined> {
  try {
    const out = await cloudwatch(ctx).send(new GetDashboardCommand({ DashboardName: name }));
    return {
      id: name,
      inputs: { name, body: JSON.parse(out.DashboardBody ?? '{}') as object },
      outputs: { name, arn: out.DashboardArn ?? '' },
    };
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
}

async function put(ctx: ResourceCtx, inputs: DashboardInputs, call: NodeCall): Promise<Actual> {
  const out = await cloudwatch(ctx).send(new PutDashboardCommand({ DashboardName: inputs.name, DashboardBody: JSON.stringify(inputs.body) }));
  // Validation messages that did not fail the call are warnings (e.g. a metric with no data yet).
  for (const message of out.DashboardValidationMessages ?? []) call.report(`dashboard ${inputs.name}: ${message.DataPath ?? ''} ${message.Message ?? ''}`.trim());
  return waitUntil(async () => {
    const actual = await readLive(ctx, inputs.name);
    return actual ? { done: true, value: actual } : { done: false, status: 'not visible yet' };
  }, { what: `dashboard ${inputs.name}`, timeoutMs: TIMEOUT_MS, minDelayMs: 1000, report: call.report, signal: call.signal });
}

export const cloudwatchDashboardHandler: Handler = {
  kind: 'cloudwatch.dashboard',
  forceNew: ['name'],

  /** GetDashboard is per name (a workspace has one). */
  read(ctx, items) {
    return readEach(items, (item) => readLive(ctx, item.id));
  },

  async find(ctx, args) {
    const name = (args.inputs as Partial<DashboardInputs>).name;
    return name ? readLive(ctx, name) : undefined;
  },

  async create(ctx, args) {
    return put(ctx, args.inputs as unknown as DashboardInputs, args);
  },

  async update(ctx, args) {
    return put(ctx, args.inputs as unknown as DashboardInputs, args);
  },

  async delete(ctx, args) {
    try {
      await cloudwatch(ctx).send(new DeleteDashboardsCommand({ DashboardNames: [args.id] }));
    } catch (error) {
      if (!notFound(error)) throw error;
    }
    await waitUntil(async () => ((await readLive(ctx, args.id)) ? { done: false, status: 'deleting' } : { done: true, value: undefined }),
      { what: `deletion of dashboard ${args.id}`, timeoutMs: TIMEOUT_MS, minDelayMs: 1000, report: args.report, signal: args.signal });
  },

  equal(field, desired, actual) {
    return deepEqual(desired, actual);
  },
};
