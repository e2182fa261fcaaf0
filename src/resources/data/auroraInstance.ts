/**
 * `rds.dbInstance`: one Aurora instance of the cluster (the first to come up is the writer, the others readers),
 * pinned to an AZ, with Performance Insights (CMK) and Enhanced Monitoring on.
 */
import {
  CreateDBInstanceCommand, DeleteDBInstanceCommand, DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient,
  type DBInstance, type ModifyDBInstanceCommandInput,
} from '@aws-sdk/client-rds';
import { hasCode } from '../../aws/errors.js';
import { ADDRESS_TAG, tagList, tagMap, WORKSPACE_TAG } from '../../aws/tags.js';
import { retryWhile, waitUntil } from '../../aws/wait.js';
import type { Actual, NodeCall } from '../../engine/types.js';
import { deepEqual } from '../shared/compare.js';
import type { Handler, ResourceCtx } from '../context.js';
import { chunks, definedOnly, MINUTE } from './common.js';
import { sameKmsKey } from './kms.js';
import { nameForAddress } from './names.js';
import { auroraInstanceHealth } from './auroraInstanceHealth.js';

export interface AuroraInstanceInputs {
  instanceId: string;
  clusterId: string;
  engine: string;
  instanceClass: string;
  availabilityZone: string;
  promotionTier: number;
  publiclyAccessible: boolean;
  autoMinorVersionUpgrade: boolean;
  performanceInsightsEnabled: boolean;
  performanceInsightsKmsKeyId: string;
  performanceInsightsRetentionDays: number;
  monitoringIntervalSeconds: number;
  monitoringRoleArn: string;
  /** Not readable, not diffed. */
  applyImmediately: boolean;
}

const CREATE_TIMEOUT_MS = 90 * MINUTE;
const DELETE_TIMEOUT_MS = 60 * MINUTE;
const FAILED_STATES = ['failed', 'inaccessible-encryption-credentials', 'incompatible-parameters', 'incompatible-network', 'storage-full'];

function client(ctx: ResourceCtx): RDSClient {
  return ctx.aws.get(RDSClient);
}

function toActual(instance: DBInstance): Actual {
  return {
    id: instance.DBInstanceIdentifier!,
    // Fields the API leaves out (some emulators ignore Performance Insights and monitoring) stay out.
    inputs: definedOnly({
      instanceId: instance.DBInstanceIdentifier,
      clusterId: instance.DBClusterIdentifier,
      engine: instance.Engine,
      instanceClass: instance.DBInstanceClass,
      availabilityZone: instance.AvailabilityZone,
      promotionTier: instance.PromotionTier,
      publiclyAccessible: instance.PubliclyAccessible,
      autoMinorVersionUpgrade: instance.AutoMinorVersionUpgrade,
      performanceInsightsEnabled: instance.PerformanceInsightsEnabled,
      performanceInsightsKmsKeyId: instance.PerformanceInsightsKMSKeyId,
      performanceInsightsRetentionDays: instance.PerformanceInsightsRetentionPeriod,
      monitoringIntervalSeconds: instance.MonitoringInterval,
      monitoringRoleArn: instance.MonitoringRoleArn,
    }),
    outputs: definedOnly({
      instanceId: instance.DBInstanceIdentifier,
      arn: instance.DBInstanceArn,
      endpoint: instance.Endpoint?.Address,
      availabilityZone: instance.AvailabilityZone,
      resourceId: instance.DbiResourceId,
    }),
  };
}

async function describeMany(ctx: ResourceCtx, ids: string[]): Promise<DBInstance[]> {
  const found: DBInstance[] = [];
  for (const batch of chunks(ids, 100)) {
    let marker: string | undefined;
    do {
      const out = await client(ctx).send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-instance-id', Values: batch }], Marker: marker }));
      found.push(...(out.DBInstances ?? []));
      marker = out.Marker;
    } while (marker);
  }
  return found;
}

async function describeOne(ctx: ResourceCtx, id: string): Promise<DBInstance | undefined> {
  return (await describeMany(ctx, [id]))[0];
}

function hasPendingChanges(instance: DBInstance): boolean {
  return Object.values(instance.PendingModifiedValues ?? {}).some((v) => v !== undefined);
}

async function waitAvailable(ctx: ResourceCtx, id: string, call: NodeCall, settled = false): Promise<DBInstance> {
  return waitUntil(async () => {
    const instance = await describeOne(ctx, id);
    const status = instance?.DBInstanceStatus ?? 'not visible yet';
    if (FAILED_STATES.includes(status)) return { failed: `instance ${id} is ${status}` };
    const ready = status === 'available' && !(settled && hasPendingChanges(instance!));
    return ready ? { done: true, value: instance! } : { done: false, status };
  }, { what: `Aurora instance ${id} available`, timeoutMs: CREATE_TIMEOUT_MS, minDelayMs: 5000, report: call.report, signal: call.signal });
}

function ownedBy(instance: DBInstance, tags: Record<string, string>): boolean {
  const have = tagMap(instance.TagList);
  return have[ADDRESS_TAG] === tags[ADDRESS_TAG] && have[WORKSPACE_TAG] === tags[WORKSPACE_TAG];
}

/**
 * A monitoring role created a moment ago is not yet trusted by RDS (IAM is eventually consistent), and a cluster
 * that is still settling refuses new members: both pass within minutes.
 */
function transient(error: unknown): boolean {
  if (hasCode(error, 'InvalidDBClusterStateFault')) return true;
  return hasCode(error, 'InvalidParameterValue') && /monitoring|IAM role/i.test((error as Error).message);
}

function modification(inputs: AuroraInstanceInputs, changed: string[]): ModifyDBInstanceCommandInput {
  const has = (field: keyof AuroraInstanceInputs) => changed.includes(field);
  const input: ModifyDBInstanceCommandInput = { DBInstanceIdentifier: inputs.instanceId, ApplyImmediately: inputs.applyImmediately };
  if (has('instanceClass')) input.DBInstanceClass = inputs.instanceClass;
  if (has('promotionTier')) input.PromotionTier = inputs.promotionTier;
  if (has('publiclyAccessible')) input.PubliclyAccessible = inputs.publiclyAccessible;
  if (has('autoMinorVersionUpgrade')) input.AutoMinorVersionUpgrade = inputs.autoMinorVersionUpgrade;
  if (has('performanceInsightsEnabled') || has('performanceInsightsKmsKeyId') || has('performanceInsightsRetentionDays')) {
    input.EnablePerformanceInsights = inputs.performanceInsightsEnabled;
    if (inputs.performanceInsightsEnabled) {
      input.PerformanceInsightsKMSKeyId = inputs.performanceInsightsKmsKeyId;
      input.PerformanceInsightsRetentionPeriod = inputs.performanceInsightsRetentionDays;
    }
  }
  if (has('monitoringIntervalSeconds') || has('monitoringRoleArn')) {
    input.MonitoringInterval = inputs.monitoringIntervalSeconds;
    if (inputs.monitoringIntervalSeconds > 0) input.MonitoringRoleArn = inputs.monitoringRoleArn;
  }
  return input;
}

export const auroraInstanceHandler: Handler = {
  kind: 'rds.dbInstance',
  health: auroraInstanceHealth,
  forceNew: ['instanceId', 'clusterId', 'engine', 'availabilityZone'],
  equal: (field, desired, actual) => (field === 'performanceInsightsKmsKeyId' ? sameKmsKey(desired, actual) : deepEqual(desired, actual)),

  async read(ctx, items) {
    const byId = new Map((await describeMany(ctx, items.map((i) => i.id))).map((d) => [d.DBInstanceIdentifier!, d]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const instance = byId.get(item.id);
      if (instance) result.set(item.address, toActual(instance));
    }
    return result;
  },

  async find(ctx, args) {
    const id = (args.inputs.instanceId as string | undefined) ?? nameForAddress(ctx.workspace, args.address);
    const instance = id ? await describeOne(ctx, id) : undefined;
    return instance && ownedBy(instance, args.tags) ? toActual(instance) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as AuroraInstanceInputs;
    await retryWhile(async () => {
      try {
        await client(ctx).send(new CreateDBInstanceCommand({
          DBInstanceIdentifier: inputs.instanceId,
          DBClusterIdentifier: inputs.clusterId,
          Engine: inputs.engine,
          DBInstanceClass: inputs.instanceClass,
          AvailabilityZone: inputs.availabilityZone,
          PromotionTier: inputs.promotionTier,
          PubliclyAccessible: inputs.publiclyAccessible,
          AutoMinorVersionUpgrade: inputs.autoMinorVersionUpgrade,
          EnablePerformanceInsights: inputs.performanceInsightsEnabled,
          PerformanceInsightsKMSKeyId: inputs.performanceInsightsEnabled ? inputs.performanceInsightsKmsKeyId : undefined,
          PerformanceInsightsRetentionPeriod: inputs.performanceInsightsEnabled ? inputs.performanceInsightsRetentionDays : undefined,
          MonitoringInterval: inputs.monitoringIntervalSeconds,
          MonitoringRoleArn: inputs.monitoringIntervalSeconds > 0 ? inputs.monitoringRoleArn : undefined,
          Tags: tagList(args.tags),
        }));
      } catch (error) {
        if (!hasCode(error, 'DBInstanceAlreadyExists', 'DBInstanceAlreadyExistsFault')) throw error;
        const existing = await describeOne(ctx, inputs.instanceId);
        if (!existing || !ownedBy(existing, args.tags)) throw error;
      }
    }, transient, { what: `create Aurora instance ${inputs.instanceId}`, timeoutMs: 10 * MINUTE, minDelayMs: 5000, report: args.report, signal: args.signal });
    return toActual(await waitAvailable(ctx, inputs.instanceId, args));
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as AuroraInstanceInputs;
    const input = modification(inputs, args.changed);
    if (Object.keys(input).length > 2) {
      await retryWhile(() => client(ctx).send(new ModifyDBInstanceCommand(input)),
        (e) => hasCode(e, 'InvalidDBInstanceState', 'InvalidDBInstanceStateFault') || transient(e),
        { what: `modify Aurora instance ${args.id}`, timeoutMs: 30 * MINUTE, minDelayMs: 10_000, report: args.report, signal: args.signal });
    }
    return toActual(await waitAvailable(ctx, args.id, args, inputs.applyImmediately));
  },

  async delete(ctx, args) {
    await retryWhile(async () => {
      try {
        await client(ctx).send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: args.id }));
      } catch (error) {
        if (hasCode(error, 'DBInstanceNotFound', 'DBInstanceNotFoundFault')) return;
        // Already on its way out (an earlier destroy was interrupted).
        if (hasCode(error, 'InvalidDBInstanceState', 'InvalidDBInstanceStateFault') && /already being deleted/i.test((error as Error).message)) return;
        throw error;
      }
    }, (e) => hasCode(e, 'InvalidDBInstanceState', 'InvalidDBInstanceStateFault'), {
      what: `delete Aurora instance ${args.id}`, timeoutMs: 30 * MINUTE, minDelayMs: 10_000, report: args.report, signal: args.signal,
    });
    await waitUntil(async () => {
      const instance = await describeOne(ctx, args.id);
      return instance ? { done: false, status: instance.DBInstanceStatus } : { done: true, value: undefined };
    }, { what: `Aurora instance ${args.id} deleted`, timeoutMs: DELETE_TIMEOUT_MS, minDelayMs: 5000, report: args.report, signal: args.signal });
  },
};
