/**
 * The flat rule model of `ec2.securityGroup`: one rule = one protocol, one port range, one peer. AWS groups
 * rules into IpPermissions (several peers per port range); these functions convert both ways and compare.
 */
import type { IpPermission } from '@aws-sdk/client-ec2';
import { canonicalJson } from '../shared/compare.js';

export interface SecurityGroupRule {
  /** `tcp`, `udp`, `icmp` or `-1` (all). */
  protocol: string;
  fromPort: number;
  toPort: number;
  /** Exactly one peer: the source (ingress) or destination (egress). */
  cidr?: string;
  ipv6Cidr?: string;
  groupId?: string;
  prefixListId?: string;
  description?: string;
}

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', all: '-1' };

export function normaliseRule(rule: SecurityGroupRule): SecurityGroupRule {
  const protocol = PROTOCOL_NAMES[String(rule.protocol).toLowerCase()] ?? String(rule.protocol).toLowerCase();
  // With all protocols AWS ignores ports and reports none.
  const allTraffic = protocol === '-1';
  const out: SecurityGroupRule = { protocol, fromPort: allTraffic ? -1 : rule.fromPort, toPort: allTraffic ? -1 : rule.toPort };
  if (rule.cidr) out.cidr = rule.cidr;
  if (rule.ipv6Cidr) out.ipv6Cidr = rule.ipv6Cidr;
  if (rule.groupId) out.groupId = rule.groupId;
  if (rule.prefixListId) out.prefixListId = rule.prefixListId;
  if (rule.description) out.description = rule.description;
  return out;
}

/** Identity of a rule for AWS: everything but the description. */
export function ruleKey(rule: SecurityGroupRule): string {
  const { description: _description, ...identity } = normaliseRule(rule);
  return canonicalJson(identity);
}

export function sortRules(rules: SecurityGroupRule[]): SecurityGroupRule[] {
  return rules.map(normaliseRule).sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b)));
}

export function rulesFromPermissions(permissions: IpPermission[] | undefined): SecurityGroupRule[] {
  const rules: SecurityGroupRule[] = [];
  for (const p of permissions ?? []) {
    const base = { protocol: p.IpProtocol ?? '-1', fromPort: p.FromPort ?? -1, toPort: p.ToPort ?? -1 };
    for (const r of p.IpRanges ?? []) rules.push({ ...base, cidr: r.CidrIp, description: r.Description });
    for (const r of p.Ipv6Ranges ?? []) rules.push({ ...base, ipv6Cidr: r.CidrIpv6, description: r.Description });
    for (const r of p.UserIdGroupPairs ?? []) rules.push({ ...base, groupId: r.GroupId, description: r.Description });
    for (const r of p.PrefixListIds ?? []) rules.push({ ...base, prefixListId: r.PrefixListId, description: r.Description });
  }
  return sortRules(rules);
}

export function permissionFor(rule: SecurityGroupRule): IpPermission {
  const r = normaliseRule(rule);
  const permission: IpPermission = { IpProtocol: r.protocol };
  if (r.protocol !== '-1') {
    permission.FromPort = r.fromPort;
    permission.ToPort = r.toPort;
  }
  const Description = r.description;
  if (r.cidr) permission.IpRanges = [{ CidrIp: r.cidr, Description }];
  if (r.ipv6Cidr) permission.Ipv6Ranges = [{ CidrIpv6: r.ipv6Cidr, Description }];
  if (r.groupId) permission.UserIdGroupPairs = [{ GroupId: r.groupId, Description }];
  if (r.prefixListId) permission.PrefixListIds = [{ PrefixListId: r.prefixListId, Description }];
  return permission;
}

export interface RuleChanges {
  authorize: SecurityGroupRule[];
  revoke: SecurityGroupRule[];
  /** Same rule, new description: changed in place, without a gap in access. */
  redescribe: SecurityGroupRule[];
}

export function diffRules(current: SecurityGroupRule[], desired: SecurityGroupRule[]): RuleChanges {
  const have = new Map(current.map((r) => [ruleKey(r), normaliseRule(r)]));
  const want = new Map(desired.map((r) => [ruleKey(r), normaliseRule(r)]));
  const changes: RuleChanges = { authorize: [], revoke: [], redescribe: [] };
  for (const [key, rule] of want) {
    const existing = have.get(key);
    if (!existing) changes.authorize.push(rule);
    else if ((existing.description ?? '') !== (rule.description ?? '')) changes.redescribe.push(rule);
  }
  for (const [key, rule] of have) if (!want.has(key)) changes.revoke.push(rule);
  return changes;
}

export function sameRules(a: unknown, b: unknown): boolean {
  const list = (v: unknown) => (Array.isArray(v) ? sortRules(v as SecurityGroupRule[]) : []);
  return canonicalJson(list(a)) === canonicalJson(list(b));
}
