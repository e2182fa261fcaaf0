/**
 * `route53.record`: one record set (a certificate's validation CNAME, or the app host name's alias to the load
 * balancer). UPSERT makes create idempotent; every change waits until Route 53 reports it INSYNC.
 */
import {
  ChangeResourceRecordSetsCommand, GetChangeCommand, ListResourceRecordSetsCommand, Route53Client,
  type ResourceRecordSet, type RRType,
} from '@aws-sdk/client-route-53';
import { hasCode } from '../../aws/errors.js';
import { waitUntil } from '../../aws/wait.js';
import type { Actual, NodeCall } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { readEach } from '../readEach.js';
import { deepEqual, sameMembers } from '../shared/compare.js';

export interface Route53RecordInputs {
  hostedZoneId: string;
  /** Without the trailing dot, lowercase. */
  name: string;
  type: string;
  ttl?: number;
  values?: string[];
  alias?: { dnsName: string; hostedZoneId: string; evaluateTargetHealth: boolean };
}

const SYNC_TIMEOUT_MS = 10 * 60_000;

function route53(ctx: ResourceCtx): Route53Client {
  return ctx.aws.get(Route53Client);
}

const normalise = (name: string) => name.toLowerCase().replace(/\.$/, '');
const recordId = (zone: string, name: string, type: string) => `${zone}|${normalise(name)}|${type}`;

function splitId(id: string): { zone: string; name: string; type: string } {
  const [zone, name, type] = id.split('|');
  return { zone, name, type };
}

async function lookup(ctx: ResourceCtx, zone: string, name: string, type: string): Promise<ResourceRecordSet | undefined> {
  try {
    const out = await route53(ctx).send(new ListResourceRecordSetsCommand({
      HostedZoneId: zone, StartRecordName: name, StartRecordType: type as RRType, MaxItems: 1,
    }));
    const record = out.ResourceRecordSets?.[0];
    return record && normalise(record.Name!) === normalise(name) && record.Type === type ? record : undefined;
  } catch (error) {
    if (hasCode(error, 'NoSuchHostedZone')) return undefined;
    throw error;
  }
}

function toActual(zone: string, record: ResourceRecordSet): Actual {
  const inputs: Route53RecordInputs = { hostedZoneId: zone, name: normalise(record.Name!), type: record.Type! };
  if (record.AliasTarget) {
    inputs.alias = {
      dnsName: normalise(record.AliasTarget.DNSName!),
      hostedZoneId: record.AliasTarget.HostedZoneId!,
      evaluateTargetHealth: record.AliasTarget.EvaluateTargetHealth ?? false,
    };
  } else {
    inputs.ttl = record.TTL;
    inputs.values = (record.ResourceRecords ?? []).map((r) => r.Value!);
  }
  return { id: recordId(zone, record.Name!, record.Type!), inputs: { ...inputs }, outputs: { fqdn: normalise(record.Name!), type: record.Type! } };
}

function recordSet(inputs: Route53RecordInputs): ResourceRecordSet {
  const set: ResourceRecordSet = { Name: inputs.name, Type: inputs.type as RRType };
  if (inputs.alias) {
    set.AliasTarget = {
      DNSName: inputs.alias.dnsName, HostedZoneId: inputs.alias.hostedZoneId, EvaluateTargetHealth: inputs.alias.evaluateTargetHealth,
    };
  } else {
    set.TTL = inputs.ttl ?? 300;
    set.ResourceRecords = (inputs.values ?? []).map((Value) => ({ Value }));
  }
  return set;
}

async function change(ctx: ResourceCtx, zone: string, action: 'UPSERT' | 'DELETE', set: ResourceRecordSet, call: NodeCall): Promise<void> {
  const out = await route53(ctx).send(new ChangeResourceRecordSetsCommand({
    HostedZoneId: zone,
    ChangeBatch: { Comment: `morpheus-ws ${call.address}`, Changes: [{ Action: action, ResourceRecordSet: set }] },
  }));
  const changeId = out.ChangeInfo!.Id!;
  await waitUntil(async () => {
    const info = await route53(ctx).send(new GetChangeCommand({ Id: changeId }));
    return info.ChangeInfo?.Status === 'INSYNC' ? { done: true, value: true } : { done: false, status: info.ChangeInfo?.Status };
  }, { what: `DNS change ${set.Name} ${set.Type}`, timeoutMs: SYNC_TIMEOUT_MS, minDelayMs: 2000, report: call.report, signal: call.signal });
}

async function upsert(ctx: ResourceCtx, inputs: Route53RecordInputs, call: NodeCall): Promise<Actual> {
  const normalised = { ...inputs, name: normalise(inputs.name) };
  await change(ctx, inputs.hostedZoneId, 'UPSERT', recordSet(normalised), call);
  return {
    id: recordId(inputs.hostedZoneId, inputs.name, inputs.type),
    inputs: { ...normalised },
    outputs: { fqdn: normalised.name, type: inputs.type },
  };
}

export const route53RecordHandler: Handler = {
  kind: 'route53.record',
  forceNew: ['hostedZoneId', 'name', 'type'],

  // Route 53 lists by position in a zone, not by a set of names: one small call per record.
  read(ctx, items) {
    return readEach(items, async (item) => {
      const { zone, name, type } = splitId(item.id);
      const record = await lookup(ctx, zone, name, type);
      return record && toActual(zone, record);
    });
  },

  async find(ctx, args) {
    const inputs = args.inputs as unknown as Route53RecordInputs;
    const record = await lookup(ctx, inputs.hostedZoneId, inputs.name, inputs.type);
    return record ? toActual(inputs.hostedZoneId, record) : undefined;
  },

  create: (ctx, args) => upsert(ctx, args.inputs as unknown as Route53RecordInputs, args),
  update: (ctx, args) => upsert(ctx, args.inputs as unknown as Route53RecordInputs, args),

  async delete(ctx, args) {
    const { zone, name, type } = splitId(args.id);
    // DELETE must name the record exactly as it is now.
    const record = await lookup(ctx, zone, name, type);
    if (!record) return;
    try {
      await change(ctx, zone, 'DELETE', record, args);
    } catch (error) {
      if (hasCode(error, 'InvalidChangeBatch') && /not found/i.test((error as Error).message ?? '')) return;
      throw error;
    }
  },

  equal(field, desired, actual) {
    if (field === 'name') return normalise(String(desired)) === normalise(String(actual));
    if (field === 'values') return sameMembers(desired, actual ?? []);
    if (field === 'alias' && desired && actual) {
      const d = desired as Route53RecordInputs['alias'];
      return deepEqual({ ...d, dnsName: normalise(d!.dnsName) }, actual);
    }
    return deepEqual(desired, actual);
  },
};
