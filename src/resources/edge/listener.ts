/** `elbv2.listener`: a listener of the load balancer — HTTPS forwarding to the app nodes, or HTTP redirecting to HTTPS. */
import {
  CreateListenerCommand, DeleteListenerCommand, DescribeListenersCommand, ModifyListenerCommand,
  type Action, type Listener,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { hasCode } from '../../aws/errors.js';
import { tagList } from '../../aws/tags.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { deepEqual } from '../shared/compare.js';
import { describeTolerant, elbv2 } from './elbv2Common.js';

export type ListenerAction =
  | { type: 'forward'; targetGroupArn: string }
  | { type: 'redirect'; protocol: 'HTTPS'; port: string; statusCode: 'HTTP_301' | 'HTTP_302' };

export interface ListenerInputs {
  loadBalancerArn: string;
  port: number;
  protocol: 'HTTPS' | 'HTTP';
  sslPolicy?: string;
  certificateArn?: string;
  defaultAction: ListenerAction;
}

async function describe(ctx: ResourceCtx, arns: string[]): Promise<Listener[]> {
  return describeTolerant(arns, async (part) => {
    const out = await elbv2(ctx).send(new DescribeListenersCommand({ ListenerArns: part }));
    return out.Listeners ?? [];
  }, 'ListenerNotFound');
}

function sdkAction(action: ListenerAction): Action {
  if (action.type === 'forward') return { Type: 'forward', TargetGroupArn: action.targetGroupArn };
  return {
    Type: 'redirect',
    RedirectConfig: {
      Protocol: action.protocol, Port: action.port, StatusCode: action.statusCode,
      Host: '#{host}', Path: '/#{path}', Query: '#{query}',
    },
  };
}

function actionInput(action: Action | undefined): ListenerAction | undefined {
  if (!action) return undefined;
  if (action.Type === 'forward') {
    return { type: 'forward', targetGroupArn: action.TargetGroupArn ?? action.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn ?? '' };
  }
  if (action.Type === 'redirect' && action.RedirectConfig) {
    const r = action.RedirectConfig;
    return { type: 'redirect', protocol: r.Protocol as 'HTTPS', port: r.Port ?? '443', statusCode: r.StatusCode as 'HTTP_301' };
  }
  return undefined;
}

function toActual(listener: Listener): Actual {
  const inputs: Record<string, unknown> = {
    loadBalancerArn: listener.LoadBalancerArn!,
    port: listener.Port!,
    protocol: listener.Protocol!,
  };
  if (listener.SslPolicy) inputs.sslPolicy = listener.SslPolicy;
  const certificate = listener.Certificates?.[0]?.CertificateArn;
  if (certificate) inputs.certificateArn = certificate;
  const action = actionInput(listener.DefaultActions?.[0]);
  if (action) inputs.defaultAction = action;
  return { id: listener.ListenerArn!, inputs, outputs: { arn: listener.ListenerArn!, port: listener.Port! } };
}

function listenerParams(inputs: ListenerInputs) {
  return {
    Port: inputs.port,
    Protocol: inputs.protocol,
    SslPolicy: inputs.protocol === 'HTTPS' ? inputs.sslPolicy : undefined,
    Certificates: inputs.protocol === 'HTTPS' && inputs.certificateArn ? [{ CertificateArn: inputs.certificateArn }] : undefined,
    DefaultActions: [sdkAction(inputs.defaultAction)],
  };
}

export const listenerHandler: Handler = {
  kind: 'elbv2.listener',
  forceNew: ['loadBalancerArn'],

  async read(ctx, items) {
    const listeners = await describe(ctx, items.map((i) => i.id));
    const byArn = new Map(listeners.map((l) => [l.ListenerArn!, l]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const listener = byArn.get(item.id);
      if (listener) result.set(item.address, toActual(listener));
    }
    return result;
  },

  async find(ctx, args) {
    const inputs = args.inputs as unknown as ListenerInputs;
    try {
      const out = await elbv2(ctx).send(new DescribeListenersCommand({ LoadBalancerArn: inputs.loadBalancerArn }));
      const listener = out.Listeners?.find((l) => l.Port === inputs.port);
      return listener ? toActual(listener) : undefined;
    } catch (error) {
      if (hasCode(error, 'LoadBalancerNotFound')) return undefined;
      throw error;
    }
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as ListenerInputs;
    const out = await elbv2(ctx).send(new CreateListenerCommand({
      LoadBalancerArn: inputs.loadBalancerArn,
      ...listenerParams(inputs),
      Tags: tagList(args.tags),
    }));
    const listener = out.Listeners![0];
    return { id: listener.ListenerArn!, inputs: { ...inputs }, outputs: { arn: listener.ListenerArn!, port: inputs.port } };
  },

  async update(ctx, args) {
    const inputs = args.inputs as unknown as ListenerInputs;
    await elbv2(ctx).send(new ModifyListenerCommand({ ListenerArn: args.id, ...listenerParams(inputs) }));
    return { id: args.id, inputs: { ...inputs }, outputs: { arn: args.id, port: inputs.port } };
  },

  async delete(ctx, args) {
    try {
      await elbv2(ctx).send(new DeleteListenerCommand({ ListenerArn: args.id }));
    } catch (error) {
      if (hasCode(error, 'ListenerNotFound', 'LoadBalancerNotFound')) return;
      throw error;
    }
  },

  equal(field, desired, actual) {
    return deepEqual(desired, actual);
  },
};
