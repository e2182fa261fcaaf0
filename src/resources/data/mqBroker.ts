/**
 * `mq.broker`: Amazon MQ for RabbitMQ, private, CLUSTER_MULTI_AZ by default. The admin password is read from its
 * secret at create time and handed straight to CreateBroker: it is never an input, an output or a message.
 * Amazon MQ encrypts RabbitMQ brokers at rest with an AWS owned key: customer keys apply to ActiveMQ only.
 */
import {
  CreateBrokerCommand, DeleteBrokerCommand, DescribeBrokerCommand, ListBrokersCommand, MqClient, RebootBrokerCommand,
  UpdateBrokerCommand, type DayOfWeek, type DescribeBrokerResponse, type UpdateBrokerRequest,
} from '@aws-sdk/client-mq';
import { hasCode } from '../../aws/errors.js';
import { ADDRESS_TAG, WORKSPACE_TAG } from '../../aws/tags.js';
import { retryWhile, waitUntil } from '../../aws/wait.js';
import type { Actual, NodeCall } from '../../engine/types.js';
import { deepEqual, sameMembers } from '../shared/compare.js';
import type { Handler, ResourceCtx } from '../context.js';
import { allPages, definedOnly, MINUTE } from './common.js';
import { nameForAddress } from './names.js';
import { readCredentials } from './secret.js';
import { mqBrokerHealth } from './mqBrokerHealth.js';

export interface MqBrokerInputs {
  brokerName: string;
  engineVersion: string;
  hostInstanceType: string;
  deploymentMode: 'CLUSTER_MULTI_AZ' | 'SINGLE_INSTANCE';
  publiclyAccessible: boolean;
  subnetIds: string[];
  securityGroupIds: string[];
  autoMinorVersionUpgrade: boolean;
  maintenanceWindow: { dayOfWeek: DayOfWeek; timeOfDay: string; timeZone: string };
  generalLogs: boolean;
  adminUsername: string;
  /** Secret holding {"username","password"} of the admin user; read at create time, not diffed. */
  adminSecretArn: string;
}

const CREATE_TIMEOUT_MS = 60 * MINUTE;
const DELETE_TIMEOUT_MS = 60 * MINUTE;

function client(ctx: ResourceCtx): MqClient {
  return ctx.aws.get(MqClient);
}

async function describeOne(ctx: ResourceCtx, id: string): Promise<DescribeBrokerResponse | undefined> {
  try {
    return await client(ctx).send(new DescribeBrokerCommand({ BrokerId: id }));
  } catch (error) {
    if (hasCode(error, 'NotFoundException')) return undefined;
    throw error;
  }
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

function toActual(broker: DescribeBrokerResponse): Actual {
  const instance = broker.BrokerInstances?.[0];
  const amqps = instance?.Endpoints?.find((e) => e.startsWith('amqps://'));
  const window = broker.MaintenanceWindowStartTime;
  return {
    id: broker.BrokerId!,
    inputs: definedOnly({
      brokerName: broker.BrokerName,
      engineVersion: broker.EngineVersion,
      hostInstanceType: broker.HostInstanceType,
      deploymentMode: broker.DeploymentMode,
      publiclyAccessible: broker.PubliclyAccessible,
      subnetIds: broker.SubnetIds,
      securityGroupIds: broker.SecurityGroups,
      autoMinorVersionUpgrade: broker.AutoMinorVersionUpgrade,
      maintenanceWindow: window ? { dayOfWeek: window.DayOfWeek, timeOfDay: window.TimeOfDay, timeZone: window.TimeZone ?? 'UTC' } : undefined,
      generalLogs: broker.Logs?.General,
      adminUsername: broker.Users?.[0]?.Username,
    }),
    outputs: definedOnly({
      brokerId: broker.BrokerId,
      arn: broker.BrokerArn,
      amqpsEndpoint: amqps,
      amqpsHost: hostOf(amqps),
      consoleUrl: instance?.ConsoleURL,
    }),
  };
}

function ownedBy(broker: DescribeBrokerResponse, tags: Record<string, string>): boolean {
  return broker.Tags?.[ADDRESS_TAG] === tags[ADDRESS_TAG] && broker.Tags?.[WORKSPACE_TAG] === tags[WORKSPACE_TAG];
}

/** Changes AWS holds until the broker reboots. */
function hasPendingChanges(broker: DescribeBrokerResponse): boolean {
  return Boolean(broker.PendingEngineVersion || broker.PendingHostInstanceType || broker.PendingSecurityGroups?.length);
}

async function waitRunning(ctx: ResourceCtx, id: string, call: NodeCall, settled = false): Promise<DescribeBrokerResponse> {
  return waitUntil(async () => {
    const broker = await describeOne(ctx, id);
    const state = broker?.BrokerState ?? 'not visible yet';
    if (state === 'CREATION_FAILED' || state === 'CRITICAL_ACTION_REQUIRED') return { failed: `broker ${id} is ${state}` };
    const ready = state === 'RUNNING' && !(settled && hasPendingChanges(broker!));
    return ready ? { done: true, value: broker! } : { done: false, status: state };
  }, { what: `RabbitMQ broker ${id} running`, timeoutMs: CREATE_TIMEOUT_MS, minDelayMs: 5000, report: call.report, signal: call.signal });
}

function updateRequest(id: string, inputs: MqBrokerInputs, changed: string[]): UpdateBrokerRequest {
  const has = (field: keyof MqBrokerInputs) => changed.includes(field);
  const request: UpdateBrokerRequest = { BrokerId: id };
  if (has('engineVersion')) request.EngineVersion = inputs.engineVersion;
  if (has('hostInstanceType')) request.HostInstanceType = inputs.hostInstanceType;
  if (has('securityGroupIds')) request.SecurityGroups = inputs.securityGroupIds;
  if (has('autoMinorVersionUpgrade')) request.AutoMinorVersionUpgrade = inputs.autoMinorVersionUpgrade;
  if (has('generalLogs')) request.Logs = { General: inputs.generalLogs };
  if (has('maintenanceWindow')) {
    request.MaintenanceWindowStartTime = {
      DayOfWeek: inputs.maintenanceWindow.dayOfWeek, TimeOfDay: inputs.maintenanceWindow.timeOfDay,
      TimeZone: inputs.maintenanceWindow.timeZone,
    };
  }
  return request;
}

export const mqBrokerHandler: Handler = {
  kind: 'mq.broker',
  health: mqBrokerHealth,
  forceNew: ['brokerName', 'deploymentMode', 'publiclyAccessible', 'subnetIds', 'adminUsername'],
  equal: (field, desired, actual) => (field === 'subnetIds' || field === 'securityGroupIds' ? sameMembers(desired, actual) : deepEqual(desired, actual)),

  async read(ctx, items) {
    // MQ has no batch describe; DescribeBroker per broker (a stack has one).
    const result = new Map<string, Actual>();
    await Promise.all(items.map(async (item) => {
      const broker = await describeOne(ctx, item.id);
      if (broker && broker.BrokerState !== 'DELETION_IN_PROGRESS') result.set(item.address, toActual(broker));
    }));
    return result;
  },

  async find(ctx, args) {
    const name = (args.inputs.brokerName as string | undefined) ?? nameForAddress(ctx.workspace, args.address);
    const summaries = await allPages(async (token) => {
      const out = await client(ctx).send(new ListBrokersCommand({ NextToken: token, MaxResults: 100 }));
      return { items: out.BrokerSummaries, next: out.NextToken };
    });
    const summary = summaries.find((b) => b.BrokerName === name && b.BrokerState !== 'DELETION_IN_PROGRESS');
    const broker = summary ? await describeOne(ctx, summary.BrokerId!) : undefined;
    return broker && ownedBy(broker, args.tags) ? toActual(broker) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as MqBrokerInputs;
    const { password } = await readCredentials(ctx, inputs.adminSecretArn);
    const out = await client(ctx).send(new CreateBrokerCommand({
      BrokerName: inputs.brokerName,
      EngineType: 'RABBITMQ',
      EngineVersion: inputs.engineVersion,
      HostInstanceType: inputs.hostInstanceType,
      DeploymentMode: inputs.deploymentMode,
      PubliclyAccessible: inputs.publiclyAccessible,
      SubnetIds: inputs.subnetIds,
      SecurityGroups: inputs.securityGroupIds,
      AutoMinorVersionUpgrade: inputs.autoMinorVersionUpgrade,
      MaintenanceWindowStartTime: {
        DayOfWeek: inputs.maintenanceWindow.dayOfWeek, TimeOfDay: inputs.maintenanceWindow.timeOfDay,
        TimeZone: inputs.maintenanceWindow.timeZone,
      },
      Logs: { General: inputs.generalLogs },
      Users: [{ Username: inputs.adminUsername, Password: password }],
      // Same token, same broker: a retried create returns the broker the first attempt made.
      CreatorRequestId: args.token,
      Tags: args.tags,
    }));
    return toActual(await waitRunning(ctx, out.BrokerId!, args));
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as MqBrokerInputs;
    const request = updateRequest(args.id, inputs, args.changed);
    if (Object.keys(request).length > 1) {
      await retryWhile(() => client(ctx).send(new UpdateBrokerCommand(request)), (e) => hasCode(e, 'ConflictException'),
        { what: `update broker ${args.id}`, timeoutMs: 30 * MINUTE, minDelayMs: 10_000, report: args.report, signal: args.signal });
    }
    const broker = await describeOne(ctx, args.id);
    if (broker && hasPendingChanges(broker)) {
      args.report('rebooting the broker to apply engine, instance or security group changes');
      await client(ctx).send(new RebootBrokerCommand({ BrokerId: args.id }));
    }
    return toActual(await waitRunning(ctx, args.id, args, true));
  },

  async delete(ctx, args) {
    await retryWhile(async () => {
      try {
        await client(ctx).send(new DeleteBrokerCommand({ BrokerId: args.id }));
      } catch (error) {
        if (!hasCode(error, 'NotFoundException')) throw error;
      }
    }, (e) => hasCode(e, 'ConflictException'), {
      what: `delete broker ${args.id}`, timeoutMs: 30 * MINUTE, minDelayMs: 10_000, report: args.report, signal: args.signal,
    });
    await waitUntil(async () => {
      const broker = await describeOne(ctx, args.id);
      return broker ? { done: false, status: broker.BrokerState } : { done: true, value: undefined };
    }, { what: `broker ${args.id} deleted`, timeoutMs: DELETE_TIMEOUT_MS, minDelayMs: 5000, report: args.report, signal: args.signal });
  },
};
