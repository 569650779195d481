/**
 * What the RDS console's "Set up EC2 connection" makes, exactly: group names, descriptions, the
 * one rule each group holds, and how to tell a valid pair from a modified one. Links made here
 * must show in the console's "Connected compute resources", and links made there here, so these
 * texts are AWS resource data, not UI: they are never translated.
 */
import type { SecurityGroup, SecurityGroupRule } from '../types';
import type { PairSide } from './types';

export const EC2_GROUP_PREFIX = 'ec2-rds-';
export const RDS_GROUP_PREFIX = 'rds-ec2-';

/** The tag on every group RDS Link creates, so unlink (and people) can tell ours apart. */
export const CREATED_BY_TAG = 'rds-link:created-by';
export const CREATED_BY_VALUE = 'rds-link';

const pairName = /^(ec2-rds|rds-ec2)-(\d+)$/;

export function groupName(side: PairSide, n: number): string {
  return (side === 'ec2' ? EC2_GROUP_PREFIX : RDS_GROUP_PREFIX) + n;
}

/** The side and number of a console-style group name, or undefined for any other name. */
export function parseGroupName(name: string): { side: PairSide; n: number } | undefined {
  const m = pairName.exec(name);
  if (!m) return undefined;
  return { side: m[1] === 'ec2-rds' ? 'ec2' : 'rds', n: Number(m[2]) };
}

export function groupDescription(side: PairSide, dbId: string): string {
  return side === 'ec2'
    ? `Security group attached to instances to securely connect to ${dbId}. Modification could lead to connection loss.`
    : `Security group attached to ${dbId} to allow EC2 instances with specific security groups attached to connect to the database. Modification could lead to connection loss.`;
}

/** The outbound rule on `ec2-rds-N`. */
export function egressRuleDescription(dbId: string): string {
  return `Rule to allow connections to ${dbId} from any instances this security group is attached to`;
}

/** The inbound rule on `rds-ec2-N`. */
export function ingressRuleDescription(ec2GroupId: string): string {
  return `Rule to allow connections from EC2 instances with ${ec2GroupId} attached`;
}

export function createdByTags(): Record<string, string> {
  return { [CREATED_BY_TAG]: CREATED_BY_VALUE };
}

/** Tags that say this product made the resource (a group, an instance, a DB). */
export function isCreatedHere(tags: Readonly<Record<string, string>> | undefined): boolean {
  return tags?.[CREATED_BY_TAG] === CREATED_BY_VALUE;
}

export function isCreatedByUs(group: SecurityGroup): boolean {
  return group.tags[CREATED_BY_TAG] === CREATED_BY_VALUE;
}

/** The one rule of a pair: TCP on the DB port, to or from the peer group, nothing else. */
export function pairRule(port: number, peerGroupId: string, description?: string): SecurityGroupRule {
  return { protocol: 'tcp', fromPort: port, toPort: port, peerGroupId, cidrs: [], ipv6Cidrs: [], prefixListIds: [], description };
}

/**
 * Whether two rules allow the same traffic (EC2's identity of a rule; the description is not
 * part of it, which is why re-adding a rule with another description is a Duplicate).
 */
export function sameRule(a: SecurityGroupRule, b: SecurityGroupRule): boolean {
  const all = a.protocol === '-1';
  const key = (r: SecurityGroupRule) =>
    JSON.stringify([r.protocol, all ? null : r.fromPort ?? null, all ? null : r.toPort ?? null, r.peerGroupId ?? null, [...r.cidrs].sort(), [...r.ipv6Cidrs].sort(), [...r.prefixListIds].sort()]);
  return key(a) === key(b);
}

/** The rule a new VPC group is born with. */
export const ALLOW_ALL_EGRESS: SecurityGroupRule = { protocol: '-1', cidrs: ['0.0.0.0/0'], ipv6Cidrs: [], prefixListIds: [] };

/** The port of a pair rule to `peerGroupId` (descriptions are not compared: they have varied). */
function pairRulePort(rule: SecurityGroupRule, peerGroupId: string): number | undefined {
  const tcp = rule.protocol === 'tcp' || rule.protocol === '6';
  if (!tcp || rule.peerGroupId !== peerGroupId) return undefined;
  if (rule.cidrs.length || rule.ipv6Cidrs.length || rule.prefixListIds.length) return undefined;
  if (rule.fromPort === undefined || rule.fromPort !== rule.toPort) return undefined;
  return rule.fromPort;
}

export interface ConsolePair {
  readonly ec2: SecurityGroup;
  readonly rds: SecurityGroup;
  readonly port: number;
}

/**
 * Valid pairs among the groups: `rds-ec2-*` holding exactly one inbound rule (TCP, one port,
 * from an `ec2-rds-*`) and no outbound rule, whose peer holds exactly one outbound rule (same
 * port, to it) and no inbound rule, in the same VPC. Anything else is a modified pair, which
 * the console does not reuse either. The numbers of the two names need not match.
 */
export function findValidPairs(groups: readonly SecurityGroup[]): ConsolePair[] {
  const byId = new Map(groups.map((g) => [g.id, g]));
  const pairs: ConsolePair[] = [];
  for (const rds of groups) {
    if (parseGroupName(rds.name)?.side !== 'rds') continue;
    if (rds.egress.length !== 0 || rds.ingress.length !== 1) continue;
    const peerId = rds.ingress[0].peerGroupId;
    const ec2 = peerId ? byId.get(peerId) : undefined;
    if (!ec2 || parseGroupName(ec2.name)?.side !== 'ec2') continue;
    if (ec2.vpcId !== rds.vpcId) continue;
    if (ec2.ingress.length !== 0 || ec2.egress.length !== 1) continue;
    const inPort = pairRulePort(rds.ingress[0], ec2.id);
    const outPort = pairRulePort(ec2.egress[0], rds.id);
    if (inPort === undefined || inPort !== outPort) continue;
    pairs.push({ ec2, rds, port: inPort });
  }
  return pairs.sort((a, b) => pairOrder(a) - pairOrder(b) || a.rds.id.localeCompare(b.rds.id));
}

function pairOrder(p: ConsolePair): number {
  return (parseGroupName(p.rds.name)?.n ?? 0) * 1e6 + (parseGroupName(p.ec2.name)?.n ?? 0);
}

/**
 * The smallest N ≥ 1 for which neither `ec2-rds-N` nor `rds-ec2-N` exists in the VPC, so the new
 * pair shares one number (names are unique per VPC; a gap is filled).
 */
export function nextFreeNumber(groups: readonly SecurityGroup[], vpcId: string): number {
  const taken = new Set<number>();
  for (const g of groups) {
    if (g.vpcId !== undefined && g.vpcId !== vpcId) continue;
    const parsed = parseGroupName(g.name);
    if (parsed) taken.add(parsed.n);
  }
  let n = 1;
  while (taken.has(n)) n++;
  return n;
}
