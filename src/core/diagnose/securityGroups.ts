/**
 * Security groups as AWS evaluates them: stateful, allow-only, so the path needs one egress rule
 * on the instance's interface groups and one ingress rule on the DB's groups; the answers come
 * back on their own. Any valid rule counts: a group reference, a CIDR, a prefix list.
 */
import type { SecurityGroup, SecurityGroupRule } from '../aws/types';
import { findValidPairs } from '../aws/link/consoleRules';
import { t } from '../l10n';
import { coverage, parseRange, type AddressRange, type Coverage, type Family } from './addresses';
import { rangeOf, sharedFamilies, sideRanges, type SideRanges } from './sides';
import type { Check, DiagnosisState, SideLocation } from './types';

type RuleAnswer = Coverage | 'unknownPrefixList';

function isTcpOrAll(protocol: string): boolean {
  return protocol === '-1' || protocol === 'tcp' || protocol === '6';
}

export function coversPort(rule: SecurityGroupRule, port: number): boolean {
  if (!isTcpOrAll(rule.protocol)) return false;
  if (rule.protocol === '-1' || rule.fromPort === undefined || rule.fromPort === -1) return true;
  return rule.fromPort <= port && port <= (rule.toPort ?? rule.fromPort);
}

const rank: Record<RuleAnswer, number> = { none: 0, unknownPrefixList: 1, some: 2, all: 3 };
const best = (a: RuleAnswer, b: RuleAnswer): RuleAnswer => (rank[b] > rank[a] ? b : a);

/** Does the rule's peer (group, blocks, prefix lists) hold the other side's address? */
function peerAnswer(rule: SecurityGroupRule, peerGroups: readonly string[], peer: AddressRange, prefixLists: DiagnosisState['prefixLists']): RuleAnswer {
  if (rule.peerGroupId && peerGroups.includes(rule.peerGroupId)) return 'all';
  let answer: RuleAnswer = 'none';
  const blocks = peer.family === 'ipv4' ? rule.cidrs : rule.ipv6Cidrs;
  for (const b of blocks) answer = best(answer, coverage(parseRange(b), peer));
  for (const id of rule.prefixListIds) {
    const cidrs = prefixLists?.get(id);
    if (!cidrs) answer = best(answer, 'unknownPrefixList');
    else for (const c of cidrs) answer = best(answer, coverage(parseRange(c), peer));
  }
  return answer;
}

export function describeRule(rule: SecurityGroupRule, direction: 'egress' | 'ingress', groups: readonly SecurityGroup[]): string {
  const ports = rule.protocol === '-1' ? t('all traffic') : rule.fromPort === rule.toPort ? `TCP ${rule.fromPort}` : `TCP ${rule.fromPort}–${rule.toPort}`;
  const peers = [
    ...(rule.peerGroupId ? [groupLabel(rule.peerGroupId, groups)] : []),
    ...rule.cidrs,
    ...rule.ipv6Cidrs,
    ...rule.prefixListIds,
  ].join(', ');
  return direction === 'egress' ? t('{0} to {1}', ports, peers) : t('{0} from {1}', ports, peers);
}

export function groupLabel(id: string, groups: readonly SecurityGroup[]): string {
  const g = groups.find((x) => x.id === id);
  return g?.name ? `${id} (${g.name})` : id;
}

function isDefaultEgress(rule: SecurityGroupRule): boolean {
  return rule.protocol === '-1' && (rule.cidrs.includes('0.0.0.0/0') || rule.ipv6Cidrs.includes('::/0'));
}

export interface Found {
  readonly group: SecurityGroup;
  readonly rule: SecurityGroupRule;
  readonly family: Family;
}

/** The first rule that surely allows the path, else whether one might. */
export function findRule(
  state: DiagnosisState,
  direction: 'egress' | 'ingress',
  own: SideLocation,
  peer: SideLocation,
  ownRanges: SideRanges,
  peerRanges: SideRanges,
  port: number,
): { found?: Found; maybe: boolean; missingGroups: string[] } {
  const families = sharedFamilies(ownRanges, peerRanges);
  let maybe = false;
  let fallback: Found | undefined;
  const missingGroups: string[] = [];
  for (const gid of own.groupIds) {
    const group = state.groups.find((g) => g.id === gid);
    if (!group) {
      missingGroups.push(gid);
      continue;
    }
    for (const rule of direction === 'egress' ? group.egress : group.ingress) {
      if (!coversPort(rule, port)) continue;
      // A group reference matches whatever the address family.
      for (const family of families.length ? families : (['ipv4'] as Family[])) {
        const range = rangeOf(peerRanges, family);
        const answer = range ? peerAnswer(rule, peer.groupIds, range, state.prefixLists) : rule.peerGroupId && peer.groupIds.includes(rule.peerGroupId) ? 'all' : 'none';
        // A group reference names the peer itself: prefer it to a block that merely covers it.
        if (answer === 'all' && rule.peerGroupId && peer.groupIds.includes(rule.peerGroupId)) return { found: { group, rule, family }, maybe, missingGroups };
        if (answer === 'all') fallback ??= { group, rule, family };
        if (answer !== 'none') maybe = true;
      }
    }
  }
  if (fallback) return { found: fallback, maybe, missingGroups };
  return { maybe: maybe || missingGroups.length > 0, missingGroups };
}

/** The two security-group checks: the instance's egress and the DB's ingress, on the DB's port. */
export function checkSecurityGroups(state: DiagnosisState): Check[] {
  const { instance, db } = state;
  const port = db.endpoint?.port;
  const titles = { sgEgress: t('Security groups: the instance may send to the DB port'), sgIngress: t('Security groups: the DB accepts the instance') };
  if (port === undefined) {
    const evidence = [t('The DB has no endpoint yet, so its port is unknown.')];
    return [
      { id: 'sgEgress', title: titles.sgEgress, status: 'unknown', evidence },
      { id: 'sgIngress', title: titles.sgIngress, status: 'unknown', evidence },
    ];
  }
  const instanceRanges = sideRanges(state, instance);
  const dbRanges = sideRanges(state, db);
  const sameVpc = !!instance.vpcId && instance.vpcId === db.vpcId;
  const pairs = findValidPairs(state.groups);
  const egress = findRule(state, 'egress', instance, db, instanceRanges, dbRanges, port);
  const ingress = findRule(state, 'ingress', db, instance, dbRanges, instanceRanges, port);
  const pair = pairs.find((p) => instance.groupIds.includes(p.ec2.id) && db.groupIds.includes(p.rds.id) && p.port === port);
  const linkFix = sameVpc ? ({ kind: 'link' } as const) : undefined;

  const one = (id: 'sgEgress' | 'sgIngress', r: typeof egress, direction: 'egress' | 'ingress', groupIds: readonly string[]): Check => {
    const groupsText = groupIds.map((g) => groupLabel(g, state.groups)).join(', ') || t('(none)');
    if (r.found) {
      const evidence = [t('{0} allows it: {1}.', groupLabel(r.found.group.id, state.groups), describeRule(r.found.rule, direction, state.groups))];
      if (direction === 'egress' && isDefaultEgress(r.found.rule)) evidence.push(t('This is the default allow-all outbound rule.'));
      if (r.found.family === 'ipv6') evidence.push(t('Over IPv6.'));
      if (pair) evidence.push(t('{0} and {1} are the linked pair, as the RDS console makes it.', pair.ec2.name, pair.rds.name));
      return { id, title: titles[id], status: 'pass', evidence };
    }
    const evidence = [
      direction === 'egress'
        ? t('No outbound rule of the instance\'s groups ({0}) allows TCP {1} to the DB.', groupsText, port)
        : t('No inbound rule of the DB\'s groups ({0}) allows TCP {1} from the instance.', groupsText, port),
    ];
    if (r.missingGroups.length) evidence.push(t('Groups that could not be read: {0}.', r.missingGroups.join(', ')));
    if (r.maybe) evidence.push(t('A rule covers part of the subnet, or names a prefix list that could not be read: it may allow it.'));
    if (!sameVpc) evidence.push(t('The instance and the DB are in different VPCs: add a rule for the other side\'s address yourself.'));
    return { id, title: titles[id], status: r.maybe ? 'unknown' : 'fail', evidence, fix: r.maybe ? undefined : linkFix };
  };
  return [one('sgEgress', egress, 'egress', instance.groupIds), one('sgIngress', ingress, 'ingress', db.groupIds)];
}
