/**
 * `ec2.routeTable`: a route table together with its routes and its subnet associations, so a table is created,
 * changed and removed as one piece. The implicit `local` route is not managed.
 */
import {
  AssociateRouteTableCommand, CreateRouteCommand, CreateRouteTableCommand, DeleteRouteCommand,
  DeleteRouteTableCommand, DescribeRouteTablesCommand, DisassociateRouteTableCommand, EC2Client,
  ReplaceRouteCommand, ReplaceRouteTableAssociationCommand, type Filter, type RouteTable,
} from '@aws-sdk/client-ec2';
import { hasCode } from '../../aws/errors.js';
import { retryWhile } from '../../aws/wait.js';
import type { Actual, NodeCall } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { deepEqual, sameMembers } from '../shared/compare.js';
import { allPages, describeByIds, isOwnedBy, ownerFilters, tagSpecifications } from './ec2Common.js';

export interface RouteInput {
  destinationCidr: string;
  gatewayId?: string;
  natGatewayId?: string;
}

export interface RouteTableInputs {
  vpcId: string;
  routes: RouteInput[];
  subnetIds: string[];
}

const DELETE_TIMEOUT_MS = 10 * 60_000;
// Targets created moments ago (NAT, IGW) can be briefly invisible to CreateRoute.
const TARGET_VISIBLE_TIMEOUT_MS = 2 * 60_000;

async function describe(ctx: ResourceCtx, filters: Filter[], token?: string) {
  const out = await ctx.aws.get(EC2Client).send(new DescribeRouteTablesCommand({ Filters: filters, NextToken: token }));
  return { items: out.RouteTables, next: out.NextToken };
}

function tablesById(ctx: ResourceCtx, ids: string[]): Promise<RouteTable[]> {
  return describeByIds(ids, (f, t) => describe(ctx, [f], t), 'route-table-id');
}

function normaliseRoutes(routes: RouteInput[]): RouteInput[] {
  return routes.map((r) => {
    const route: RouteInput = { destinationCidr: r.destinationCidr };
    if (r.gatewayId) route.gatewayId = r.gatewayId;
    if (r.natGatewayId) route.natGatewayId = r.natGatewayId;
    return route;
  }).sort((a, b) => a.destinationCidr.localeCompare(b.destinationCidr));
}

function managedRoutes(table: RouteTable): RouteInput[] {
  const routes: RouteInput[] = [];
  for (const r of table.Routes ?? []) {
    // `local` (and routes propagated by a VGW) are AWS's, not ours.
    if (r.Origin !== 'CreateRoute' || !r.DestinationCidrBlock) continue;
    const route: RouteInput = { destinationCidr: r.DestinationCidrBlock };
    if (r.GatewayId) route.gatewayId = r.GatewayId;
    if (r.NatGatewayId) route.natGatewayId = r.NatGatewayId;
    routes.push(route);
  }
  return normaliseRoutes(routes);
}

function subnetAssociations(table: RouteTable): Map<string, string> {
  const bySubnet = new Map<string, string>();
  for (const a of table.Associations ?? []) {
    const state = a.AssociationState?.State;
    if (a.SubnetId && a.RouteTableAssociationId && state !== 'disassociated' && state !== 'disassociating') {
      bySubnet.set(a.SubnetId, a.RouteTableAssociationId);
    }
  }
  return bySubnet;
}

function toActual(table: RouteTable): Actual {
  const inputs: RouteTableInputs = {
    vpcId: table.VpcId!,
    routes: managedRoutes(table),
    subnetIds: [...subnetAssociations(table).keys()].sort(),
  };
  return { id: table.RouteTableId!, inputs: { ...inputs }, outputs: { routeTableId: table.RouteTableId! } };
}

function routeTarget(route: RouteInput) {
  return route.natGatewayId ? { NatGatewayId: route.natGatewayId } : { GatewayId: route.gatewayId };
}

function sameTarget(a: RouteInput, b: RouteInput): boolean {
  return (a.gatewayId ?? '') === (b.gatewayId ?? '') && (a.natGatewayId ?? '') === (b.natGatewayId ?? '');
}

/** Bring the table's routes and associations to what the inputs say, touching only what differs. */
async function sync(ctx: ResourceCtx, table: RouteTable, inputs: RouteTableInputs, call: NodeCall): Promise<void> {
  const ec2 = ctx.aws.get(EC2Client);
  const id = table.RouteTableId!;
  const current = new Map(managedRoutes(table).map((r) => [r.destinationCidr, r]));
  const desired = new Map(normaliseRoutes(inputs.routes).map((r) => [r.destinationCidr, r]));

  for (const [cidr, route] of current) {
    if (!desired.has(cidr)) {
      try {
        await ec2.send(new DeleteRouteCommand({ RouteTableId: id, DestinationCidrBlock: cidr }));
      } catch (error) {
        if (!hasCode(error, 'InvalidRoute.NotFound')) throw error;
      }
    } else if (!sameTarget(route, desired.get(cidr)!)) {
      await ec2.send(new ReplaceRouteCommand({ RouteTableId: id, DestinationCidrBlock: cidr, ...routeTarget(desired.get(cidr)!) }));
    }
  }
  for (const [cidr, route] of desired) {
    if (current.has(cidr)) continue;
    await retryWhile(
      () => ec2.send(new CreateRouteCommand({ RouteTableId: id, DestinationCidrBlock: cidr, ...routeTarget(route) })),
      (e) => hasCode(e, 'InvalidNatGatewayID.NotFound', 'InvalidGatewayID.NotFound', 'InvalidRouteTableID.NotFound'),
      { what: `route ${cidr} in ${id}`, timeoutMs: TARGET_VISIBLE_TIMEOUT_MS, minDelayMs: 1000, report: call.report, signal: call.signal },
    );
  }

  const associated = subnetAssociations(table);
  const wanted = new Set(inputs.subnetIds);
  for (const [subnetId, associationId] of associated) {
    if (!wanted.has(subnetId)) await disassociate(ctx, associationId);
  }
  const missing = [...wanted].filter((s) => !associated.has(s));
  const heldElsewhere = await associationsElsewhere(ctx, id, missing);
  for (const subnetId of missing) {
    const associationId = heldElsewhere.get(subnetId);
    if (associationId) await ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: associationId, RouteTableId: id }));
    else await associate(ctx, id, subnetId);
  }
}

/** Subnets among `subnetIds` explicitly associated with another table (one filtered read for all of them). */
async function associationsElsewhere(ctx: ResourceCtx, routeTableId: string, subnetIds: string[]): Promise<Map<string, string>> {
  const held = new Map<string, string>();
  if (!subnetIds.length) return held;
  const wanted = new Set(subnetIds);
  const tables = await describeByIds(subnetIds, (f, t) => describe(ctx, [f], t), 'association.subnet-id');
  for (const other of tables) {
    if (other.RouteTableId === routeTableId) continue;
    for (const [subnetId, associationId] of subnetAssociations(other)) {
      if (wanted.has(subnetId)) held.set(subnetId, associationId);
    }
  }
  return held;
}

/** Associate a subnet; if another table took it in the meantime, move it over. */
async function associate(ctx: ResourceCtx, routeTableId: string, subnetId: string): Promise<void> {
  const ec2 = ctx.aws.get(EC2Client);
  try {
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: routeTableId, SubnetId: subnetId }));
  } catch (error) {
    if (!hasCode(error, 'Resource.AlreadyAssociated')) throw error;
    const associationId = (await associationsElsewhere(ctx, routeTableId, [subnetId])).get(subnetId);
    if (!associationId) throw error;
    await ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: associationId, RouteTableId: routeTableId }));
  }
}

async function disassociate(ctx: ResourceCtx, associationId: string): Promise<void> {
  try {
    await ctx.aws.get(EC2Client).send(new DisassociateRouteTableCommand({ AssociationId: associationId }));
  } catch (error) {
    if (!hasCode(error, 'InvalidAssociationID.NotFound')) throw error;
  }
}

async function readOne(ctx: ResourceCtx, id: string): Promise<RouteTable> {
  const [table] = await tablesById(ctx, [id]);
  if (!table) throw new Error(`route table ${id} is not visible`);
  return table;
}

export const routeTableHandler: Handler = {
  kind: 'ec2.routeTable',
  forceNew: ['vpcId'],

  async read(ctx, items) {
    const byId = new Map((await tablesById(ctx, items.map((i) => i.id))).map((t) => [t.RouteTableId!, t]));
    const result = new Map<string, Actual>();
    for (const item of items) {
      const table = byId.get(item.id);
      if (table) result.set(item.address, toActual(table));
    }
    return result;
  },

  async find(ctx, args) {
    const table = (await allPages((t) => describe(ctx, ownerFilters(args.tags), t))).find((r) => isOwnedBy(r.Tags, args.tags));
    return table ? toActual(table) : undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as RouteTableInputs;
    const out = await ctx.aws.get(EC2Client).send(new CreateRouteTableCommand({
      VpcId: inputs.vpcId, ClientToken: args.token, TagSpecifications: tagSpecifications('route-table', args.tags),
    }));
    const id = out.RouteTable!.RouteTableId!;
    // On a retried create the ClientToken returns the same table, possibly already holding routes.
    const table = await retryWhile(() => readOne(ctx, id), () => true, {
      what: `route table ${id} visible`, timeoutMs: 60_000, minDelayMs: 1000, report: args.report, signal: args.signal,
    });
    await sync(ctx, table, inputs, args);
    return toActual(await readOne(ctx, id));
  },

  async update(ctx, args) {
    await sync(ctx, await readOne(ctx, args.id), args.inputs as unknown as RouteTableInputs, args);
    return toActual(await readOne(ctx, args.id));
  },

  async delete(ctx, args) {
    const [table] = await tablesById(ctx, [args.id]);
    if (!table) return;
    for (const associationId of subnetAssociations(table).values()) await disassociate(ctx, associationId);
    await retryWhile(async () => {
      try {
        await ctx.aws.get(EC2Client).send(new DeleteRouteTableCommand({ RouteTableId: args.id }));
      } catch (error) {
        if (hasCode(error, 'InvalidRouteTableID.NotFound')) return;
        throw error;
      }
    }, (e) => hasCode(e, 'DependencyViolation'), {
      what: `delete route table ${args.id}`, timeoutMs: DELETE_TIMEOUT_MS, minDelayMs: 3000, report: args.report, signal: args.signal,
    });
  },

  equal(field, desired, actual) {
    if (field === 'routes' || field === 'subnetIds') return sameMembers(desired, actual);
    return deepEqual(desired, actual);
  },
};
