/**
 * `elbv2.loadBalancer`: the Application Load Balancer. Its attributes (deletion protection, invalid-header
 * dropping, idle timeout, access logs) are part of it; delete turns deletion protection off first and waits
 * until it is gone.
 */
import {
  CreateLoadBalancerCommand, DeleteLoadBalancerCommand, DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand, ModifyLoadBalancerAttributesCommand, SetSecurityGroupsCommand, SetSubnetsCommand,
  type LoadBalancer,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { hasCode } from '../../aws/errors.js';
import { tagList } from '../../aws/tags.js';
import { retryWhile, waitUntil } from '../../aws/wait.js';
import type { Actual, NodeCall } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { deepEqual, sameMembers } from '../shared/compare.js';
import { attributeMap, describeTolerant, elbv2 } from './elbv2Common.js';

export interface LoadBalancerInputs {
  name: string;
  scheme: 'internet-facing' | 'internal';
  subnetIds: string[];
  securityGroupIds: string[];
  deletionProtection: boolean;
  dropInvalidHeaderFields: boolean;
  idleTimeoutSeconds: number;
  accessLogs?: { bucket: string; prefix: string };
}

const CREATE_TIMEOUT_MS = 10 * 60_000;
const DELETE_TIMEOUT_MS = 10 * 60_000;
// A bucket policy just written can take a moment before ELB's access-log check sees it.
const BUCKET_POLICY_TIMEOUT_MS = 3 * 60_000;
const ATTRIBUTE_FIELDS = ['deletionProtection', 'dropInvalidHeaderFields', 'idleTimeoutSeconds', 'accessLogs'];

async function describe(ctx: ResourceCtx, arns: string[]): Promise<LoadBalancer[]> {
  return describeTolerant(arns, async (part) => {
    const out = await elbv2(ctx).send(new DescribeLoadBalancersCommand({ LoadBalancerArns: part }));
    return out.LoadBalancers ?? [];
  }, 'LoadBalancerNotFound');
}

async function toActual(ctx: ResourceCtx, lb: LoadBalancer): Promise<Actual> {
  const attributes = attributeMap((await elbv2(ctx).send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: lb.LoadBalancerArn }))).Attributes);
  const inputs: LoadBalancerInputs = {
    name: lb.LoadBalancerName!,
    scheme: lb.Scheme as LoadBalancerInputs['scheme'],
    subnetIds: (lb.AvailabilityZones ?? []).map((az) => az.SubnetId!).filter(Boolean),
    securityGroupIds: lb.SecurityGroups ?? [],
    deletionProtection: attributes['deletion_protection.enabled'] === 'true',
    dropInvalidHeaderFields: attributes['routing.http.drop_invalid_header_fields.enabled'] === 'true',
    idleTimeoutSeconds: Number(attributes['idle_timeout.timeout_seconds'] ?? 60),
  };
  if (attributes['access_logs.s3.enabled'] === 'true') {
    inputs.accessLogs = { bucket: attributes['access_logs.s3.bucket'] ?? '', prefix: attributes['access_logs.s3.prefix'] ?? '' };
  }
  return { id: lb.LoadBalancerArn!, inputs: { ...inputs }, outputs: outputs(lb) };
}

function outputs(lb: LoadBalancer) {
  const arn = lb.LoadBalancerArn!;
  return {
    arn,
    name: lb.LoadBalancerName!,
    dnsName: lb.DNSName!,
    canonicalHostedZoneId: lb.CanonicalHostedZoneId!,
    url: `https://${lb.DNSName!}`,
    // `app/<name>/<id>`: the dimension CloudWatch alarms use.
    arnSuffix: arn.slice(arn.indexOf('app/')),
  };
}

async function putAttributes(ctx: ResourceCtx, arn: string, inputs: LoadBalancerInputs, call: NodeCall): Promise<void> {
  const attributes = [
    { Key: 'deletion_protection.enabled', Value: String(inputs.deletionProtection) },
    { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: String(inputs.dropInvalidHeaderFields) },
    { Key: 'idle_timeout.timeout_seconds', Value: String(inputs.idleTimeoutSeconds) },
    { Key: 'access_logs.s3.enabled', Value: String(inputs.accessLogs !== undefined) },
  ];
  if (inputs.accessLogs) {
    attributes.push({ Key: 'access_logs.s3.bucket', Value: inputs.accessLogs.bucket }, { Key: 'access_logs.s3.prefix', Value: inputs.accessLogs.prefix });
  }
  await retryWhile(
    () => elbv2(ctx).send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: attributes })),
    (e) => hasCode(e, 'InvalidConfigurationRequest') && /access denied|permission/i.test((e as Error).message ?? ''),
    { what: 'enabling access logs (bucket policy propagating)', timeoutMs: BUCKET_POLICY_TIMEOUT_MS, report: call.report, signal: call.signal },
  );
}

async function waitActive(ctx: ResourceCtx, arn: string, call: NodeCall): Promise<LoadBalancer> {
  return waitUntil(async () => {
    const [lb] = await describe(ctx, [arn]);
    const state = lb?.State?.Code;
    if (state === 'active') return { done: true, value: lb! };
    if (state === 'failed') return { failed: lb?.State?.Reason ?? 'provisioning failed' };
    return { done: false, status: state ?? 'not visible yet' };
  }, { what: 'load balancer active', timeoutMs: CREATE_TIMEOUT_MS, minDelayMs: 2000, report: call.report, signal: call.signal });
}

export const loadBalancerHandler: Handler = {
  kind: 'elbv2.loadBalancer',
  forceNew: ['name', 'scheme'],

  async read(ctx, items) {
    const lbs = await describe(ctx, items.map((i) => i.id));
    const byArn = new Map(lbs.map((lb) => [lb.LoadBalancerArn!, lb]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const lb = byArn.get(item.id);
      if (lb) result.set(item.address, await toActual(ctx, lb));
    }
    return result;
  },

  async find(ctx, args) {
    try {
      const out = await elbv2(ctx).send(new DescribeLoadBalancersCommand({ Names: [(args.inputs as unknown as LoadBalancerInputs).name] }));
      const lb = out.LoadBalancers?.[0];
      return lb ? toActual(ctx, lb) : undefined;
    } catch (error) {
      if (hasCode(error, 'LoadBalancerNotFound')) return undefined;
      throw error;
    }
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as LoadBalancerInputs;
    // Idempotent by name: the same settings return the existing load balancer.
    const out = await elbv2(ctx).send(new CreateLoadBalancerCommand({
      Name: inputs.name,
      Type: 'application',
      Scheme: inputs.scheme,
      IpAddressType: 'ipv4',
      Subnets: inputs.subnetIds,
      SecurityGroups: inputs.securityGroupIds,
      Tags: tagList(args.tags),
    }));
    const arn = out.LoadBalancers![0].LoadBalancerArn!;
    const lb = await waitActive(ctx, arn, args);
    await putAttributes(ctx, arn, inputs, args);
    return { id: arn, inputs: { ...inputs }, outputs: outputs(lb) };
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as LoadBalancerInputs;
    if (args.changed.includes('subnetIds')) await elbv2(ctx).send(new SetSubnetsCommand({ LoadBalancerArn: args.id, Subnets: inputs.subnetIds }));
    if (args.changed.includes('securityGroupIds')) {
      await elbv2(ctx).send(new SetSecurityGroupsCommand({ LoadBalancerArn: args.id, SecurityGroups: inputs.securityGroupIds }));
    }
    if (args.changed.some((f) => ATTRIBUTE_FIELDS.includes(f))) await putAttributes(ctx, args.id, inputs, args);
    const [lb] = await describe(ctx, [args.id]);
    return { id: args.id, inputs: { ...inputs }, outputs: lb ? outputs(lb) : args.previous.outputs };
  },

  async delete(ctx, args) {
    try {
      await elbv2(ctx).send(new ModifyLoadBalancerAttributesCommand({
        LoadBalancerArn: args.id, Attributes: [{ Key: 'deletion_protection.enabled', Value: 'false' }],
      }));
      await elbv2(ctx).send(new DeleteLoadBalancerCommand({ LoadBalancerArn: args.id }));
    } catch (error) {
      if (hasCode(error, 'LoadBalancerNotFound')) return;
      throw error;
    }
    await waitUntil(async () => {
      const [lb] = await describe(ctx, [args.id]);
      return lb ? { done: false, status: lb.State?.Code } : { done: true, value: true };
    }, { what: 'load balancer to be gone', timeoutMs: DELETE_TIMEOUT_MS, minDelayMs: 2000, report: args.report, signal: args.signal });
  },

  equal(field, desired, actual) {
    if (field === 'subnetIds' || field === 'securityGroupIds') return sameMembers(desired, actual ?? []);
    return deepEqual(desired, actual);
  },
};
