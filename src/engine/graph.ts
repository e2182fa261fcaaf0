/** The resource graph: dependencies from refs and dependsOn, cycle detection, topological order, ref resolution. */
import { isRef, type DesiredNode, type Inputs } from './types.js';

export class GraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphError';
  }
}

/** Every address referenced anywhere inside a value. */
export function collectRefs(value: unknown, into = new Set<string>()): Set<string> {
  if (isRef(value)) into.add(value.$ref);
  else if (Array.isArray(value)) for (const item of value) collectRefs(item, into);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) collectRefs(item, into);
  return into;
}

export interface Graph {
  nodes: Map<string, DesiredNode>;
  /** address -> the addresses it depends on */
  deps: Map<string, Set<string>>;
}

export function buildGraph(desired: DesiredNode[]): Graph {
  const nodes = new Map<string, DesiredNode>();
  for (const node of desired) {
    if (nodes.has(node.address)) throw new GraphError(`two resources share the address ${node.address}`);
    nodes.set(node.address, node);
  }
  const deps = new Map<string, Set<string>>();
  for (const node of desired) {
    const set = collectRefs(node.inputs);
    for (const dep of node.dependsOn ?? []) set.add(dep);
    for (const dep of set) {
      if (!nodes.has(dep)) throw new GraphError(`${node.address} refers to ${dep}, which the stack does not declare`);
    }
    set.delete(node.address);
    deps.set(node.address, set);
  }
  topologicalOrder(deps);
  return { nodes, deps };
}

/** Dependencies first. Throws naming the cycle when there is one. */
export function topologicalOrder(deps: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (address: string, path: string[]) => {
    const seen = state.get(address);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = [...path.slice(path.indexOf(address)), address];
      throw new GraphError(`dependency cycle: ${cycle.join(' -> ')}`);
    }
    state.set(address, 'visiting');
    for (const dep of [...(deps.get(address) ?? [])].sort()) if (deps.has(dep)) visit(dep, [...path, address]);
    state.set(address, 'done');
    order.push(address);
  };
  for (const address of [...deps.keys()].sort()) visit(address, []);
  return order;
}

/** address -> the addresses that depend on it. */
export function reverseEdges(deps: ReadonlyMap<string, ReadonlySet<string>>): Map<string, Set<string>> {
  const reversed = new Map<string, Set<string>>();
  for (const address of deps.keys()) reversed.set(address, new Set());
  for (const [address, set] of deps) {
    for (const dep of set) reversed.get(dep)?.add(address);
  }
  return reversed;
}

/**
 * Replace refs by values. `lookup` returns the output value, or `unknown` (a marker) when it is not known yet.
 * The result says whether any ref stayed unknown.
 */
export function resolveInputs(inputs: Inputs, lookup: (address: string, output: string) => unknown, unknown: unknown): { value: Inputs; unknownFields: Set<string> } {
  const unknownFields = new Set<string>();
  const resolve = (value: unknown, field: string): unknown => {
    if (isRef(value)) {
      const resolved = lookup(value.$ref, value.output);
      if (resolved === unknown) unknownFields.add(field);
      return resolved;
    }
    if (Array.isArray(value)) return value.map((item) => resolve(item, field));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, field)]));
    }
    return value;
  };
  const value = Object.fromEntries(Object.entries(inputs).map(([field, v]) => [field, resolve(v, field)]));
  return { value, unknownFields };
}
