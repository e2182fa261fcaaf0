/**
 * The contracts between the stack (what should exist), the resource handlers (how one AWS kind is read,
 * created, updated and deleted) and the engine (planning and walking the graph). Nothing here knows AWS.
 */

export type Tier = 'security' | 'network' | 'data' | 'app' | 'edge' | 'monitoring' | 'backup';
export const TIERS: readonly Tier[] = ['security', 'network', 'data', 'app', 'edge', 'monitoring', 'backup'];

/** A reference to an output of another node, resolved when that node has been applied. */
export interface OutputRef {
  readonly $ref: string;
  readonly output: string;
}

export function ref(address: string, output: string): OutputRef {
  return { $ref: address, output };
}

export function isRef(value: unknown): value is OutputRef {
  return typeof value === 'object' && value !== null && typeof (value as OutputRef).$ref === 'string'
    && typeof (value as OutputRef).output === 'string';
}

export type Inputs = Record<string, unknown>;
export type Outputs = Record<string, unknown>;

/** One resource the stack wants to exist. Inputs may hold OutputRefs anywhere inside them. */
export interface DesiredNode {
  /** Stable, human-readable identity, e.g. `network.nat[us-east-1a]`. */
  address: string;
  /** Which handler owns it, e.g. `ec2.natGateway`. */
  kind: string;
  tier: Tier;
  inputs: Inputs;
  /** Dependencies beyond those implied by OutputRefs. */
  dependsOn?: string[];
}

/** What a handler reads back from AWS, in the same shape as the desired inputs where it can. */
export interface Actual {
  id: string;
  /** Current values of the input fields. A field the API cannot return is left out (it is then not diffed). */
  inputs: Inputs;
  outputs: Outputs;
}

/** Per-call facilities the engine hands to a handler. */
export interface NodeCall {
  address: string;
  /** Progress text for the operator ("waiting for available"). */
  report(message: string): void;
  signal: AbortSignal;
}

export interface ReadItem {
  address: string;
  id: string;
  /** Inputs last applied (from state), for fields the API cannot return. */
  inputs: Inputs;
  outputs: Outputs;
}

export interface CreateArgs extends NodeCall {
  inputs: Inputs;
  /** Idempotency token persisted before the call; the same token is reused when an interrupted create is retried. */
  token: string;
  /** Tags to put on the resource at creation time (workspace, address, user tags). */
  tags: Record<string, string>;
}

export interface FindArgs {
  address: string;
  token: string;
  inputs: Inputs;
  tags: Record<string, string>;
}

export interface UpdateArgs extends NodeCall {
  id: string;
  inputs: Inputs;
  previous: Actual;
  /** The input fields whose value differs. */
  changed: string[];
  tags: Record<string, string>;
}

export interface DeleteArgs extends NodeCall {
  id: string;
  inputs: Inputs;
  outputs: Outputs;
}

/**
 * One AWS kind, end to end. `Ctx` is whatever the caller hands the engine (the AWS clients); the engine only
 * passes it through.
 */
export interface ResourceHandler<Ctx = unknown> {
  kind: string;
  /** Input fields whose change cannot be applied in place: a change means delete + create. */
  forceNew?: readonly string[];
  /** Input fields shown as `(sensitive)` in plans and events. */
  sensitive?: readonly string[];
  /** Outputs that an in-place update changes (e.g. a launch template's version): dependants re-plan on them. */
  volatileOutputs?: readonly string[];
  /** Input fields never diffed (e.g. values AWS normalises). */
  ignoreDiff?: readonly string[];
  /**
   * Read many resources of this kind in as few calls as possible (one filtered Describe, not one per item).
   * Items that no longer exist are absent from the returned map (keyed by address).
   */
  read(ctx: Ctx, items: ReadItem[]): Promise<Map<string, Actual>>;
  /** Look up a resource an interrupted create may have made (by idempotency token, address tag or name). */
  find(ctx: Ctx, args: FindArgs): Promise<Actual | undefined>;
  create(ctx: Ctx, args: CreateArgs): Promise<Actual>;
  /** Absent when every field is forceNew. */
  update?(ctx: Ctx, args: UpdateArgs): Promise<Actual>;
  /** Must wait until the resource is really gone (or is pending deletion where that is all AWS offers). */
  delete(ctx: Ctx, args: DeleteArgs): Promise<void>;
  /**
   * Live health for `status` (beyond existence and drift): e.g. healthy targets vs desired, cluster status, broker
   * state. Batched like `read`; addresses without an answer are reported as "exists".
   */
  health?(ctx: Ctx, items: ReadItem[]): Promise<Map<string, Health>>;
  /** Optional field comparison when deep equality is wrong (e.g. order-insensitive lists). */
  equal?(field: string, desired: unknown, actual: unknown): boolean;
}

export interface Health {
  /** healthy: working as intended; degraded: up but not at full strength; down: not serving; unknown: cannot tell. */
  state: 'healthy' | 'degraded' | 'down' | 'unknown';
  /** One line for the operator: "3/3 targets healthy", "broker RUNNING", "cluster available, writer + 1 reader". */
  summary: string;
  details?: Record<string, unknown>;
}

export type HandlerRegistry<Ctx = unknown> = ReadonlyMap<string, ResourceHandler<Ctx>>;

export type ActionType = 'create' | 'update' | 'replace' | 'delete' | 'noop';

export const UNKNOWN = '(known after apply)';

export interface FieldChange {
  field: string;
  before: unknown;
  /** `UNKNOWN` when it depends on a node that is not applied yet. */
  after: unknown;
  forcesReplacement: boolean;
  sensitive: boolean;
}

export interface PlannedAction {
  address: string;
  kind: string;
  tier: Tier;
  action: ActionType;
  /** Why: 'not in state', 'gone from AWS', 'adopted from an interrupted run', 'no longer in config'… */
  reason?: string;
  id?: string;
  changes: FieldChange[];
}
