/**
 * Network ACLs as AWS evaluates them: stateless, per subnet, numbered rules in ascending order,
 * the first rule that matches decides (so a deny before an allow wins), "*" denies the rest.
 * Four legs cross subnet borders: the request out of the instance's subnet and into the DB's,
 * and the answer, to the client's ephemeral port, out of the DB's subnet and into the instance's.
 */
import { t } from '../l10n';
import { coverage, parseRange, type AddressRange } from './addresses';
import { sideRanges, subnetOf } from './sides';
import type { Check, CheckId, DiagnosisState, NaclEntry, NaclRuleFix, NetworkAcl, SideLocation } from './types';

export type PortSpan = readonly [number, number];

/** The ephemeral ports AWS advises a NACL to allow for answers; Linux clients use 32768–60999. */
export const EPHEMERAL_PORTS: PortSpan = [1024, 65535];
export const LINUX_EPHEMERAL_PORTS: PortSpan = [32768, 60999];

export interface NaclVerdict {
  readonly allowed: { span: PortSpan; rule: NaclEntry }[];
  /** rule undefined: no rule matched, the final "*" rule denies. */
  readonly denied: { span: PortSpan; rule?: NaclEntry }[];
  /** Ports a rule decides for part of the side's subnet only. */
  readonly unknown: { span: PortSpan; rule: NaclEntry }[];
}

function intersect(a: PortSpan, b: PortSpan): PortSpan | undefined {
  const lo = Math.max(a[0], b[0]);
  const hi = Math.min(a[1], b[1]);
  return lo <= hi ? [lo, hi] : undefined;
}

function subtract(a: PortSpan, b: PortSpan): PortSpan[] {
  const out: PortSpan[] = [];
  if (b[0] > a[0]) out.push([a[0], Math.min(a[1], b[0] - 1)]);
  if (b[1] < a[1]) out.push([Math.max(a[0], b[1] + 1), a[1]]);
  return out.filter(([lo, hi]) => lo <= hi);
}

function entryPorts(e: NaclEntry): PortSpan | undefined {
  if (e.protocol === '-1') return [0, 65535];
  if (e.protocol !== '6' && e.protocol !== 'tcp') return undefined;
  return [e.fromPort ?? 0, e.toPort ?? 65535];
}

/** TCP from/to `peer` on `ports` through one direction of the ACL, rule by rule. */
export function evaluateNacl(acl: NetworkAcl, egress: boolean, peer: AddressRange, ports: PortSpan): NaclVerdict {
  const verdict: NaclVerdict = { allowed: [], denied: [], unknown: [] };
  let open: PortSpan[] = [ports];
  const entries = acl.entries.filter((e) => e.egress === egress).sort((a, b) => a.ruleNumber - b.ruleNumber);
  for (const e of entries) {
    if (open.length === 0) break;
    const span = entryPorts(e);
    const block = parseRange((peer.family === 'ipv4' ? e.cidr : e.ipv6Cidr) ?? '');
    const cov = coverage(block, peer);
    if (!span || cov === 'none') continue;
    const next: PortSpan[] = [];
    for (const o of open) {
      const hit = intersect(o, span);
      if (!hit) {
        next.push(o);
        continue;
      }
      if (cov === 'some') verdict.unknown.push({ span: hit, rule: e });
      else if (e.action === 'allow') verdict.allowed.push({ span: hit, rule: e });
      else verdict.denied.push({ span: hit, rule: e });
      next.push(...subtract(o, hit));
    }
    open = next;
  }
  for (const o of open) verdict.denied.push({ span: o });
  return verdict;
}

const spanText = (s: PortSpan): string => (s[0] === s[1] ? String(s[0]) : `${s[0]}–${s[1]}`);
const ruleText = (r?: NaclEntry): string => (r ? (r.ruleNumber >= 32767 ? '*' : String(r.ruleNumber)) : '*');
const touches = (span: PortSpan, need: PortSpan): boolean => intersect(span, need) !== undefined;

/** A free rule number that comes before the denying rule (or after the others when "*" denies). */
function freeRuleNumber(acl: NetworkAcl, egress: boolean, denying?: NaclEntry): number {
  const used = new Set(acl.entries.filter((e) => e.egress === egress).map((e) => e.ruleNumber));
  if (denying && denying.ruleNumber < 32767) {
    for (let n = denying.ruleNumber - 1; n >= 1; n--) if (!used.has(n)) return n;
  }
  const highest = Math.max(0, ...[...used].filter((n) => n < 32767));
  const after = Math.min(32766, Math.floor(highest / 100) * 100 + 100);
  if (!used.has(after)) return after;
  // The numbers up to 32766 are taken: the last free one below (any one works, as nothing above it matched).
  for (let n = 32765; n >= 1; n--) if (!used.has(n)) return n;
  return 1;
}

function naclFix(acl: NetworkAcl, egress: boolean, denying: NaclEntry | undefined, ports: PortSpan, block: AddressRange): NaclRuleFix {
  const ruleNumber = freeRuleNumber(acl, egress, denying);
  const cidrFlag = block.family === 'ipv4' ? '--cidr-block' : '--ipv6-cidr-block';
  const cli =
    `aws ec2 create-network-acl-entry --network-acl-id ${acl.id} ${egress ? '--egress' : '--ingress'} --rule-number ${ruleNumber}` +
    ` --protocol tcp --port-range From=${ports[0]},To=${ports[1]} ${cidrFlag} ${block.text} --rule-action allow`;
  return { kind: 'naclRule', aclId: acl.id, egress, ruleNumber, fromPort: ports[0], toPort: ports[1], cidr: block.text, cli };
}

export function aclOfSubnet(state: DiagnosisState, subnetId: string | undefined): NetworkAcl | undefined {
  if (!subnetId || !state.nacls) return undefined;
  return state.nacls.find((a) => a.subnetIds.includes(subnetId));
}

interface Leg {
  readonly id: CheckId;
  readonly title: string;
  /** The subnet whose ACL is crossed, and the other side. */
  readonly at: SideLocation;
  readonly peer: SideLocation;
  readonly egress: boolean;
  readonly ports: PortSpan;
  /** The ports that must be open for the leg to work (the Linux range for the answers). */
  readonly needed: PortSpan;
}

function checkLeg(state: DiagnosisState, leg: Leg): Check {
  const base = { id: leg.id, title: leg.title };
  const acl = aclOfSubnet(state, leg.at.subnetId);
  if (!acl) return { ...base, status: 'unknown', evidence: [t('The network ACL of subnet {0} could not be read.', leg.at.subnetId ?? '?')] };
  const ranges = sideRanges(state, leg.peer);
  const peer = ranges.ipv4 ?? ranges.ipv6;
  if (!peer) return { ...base, status: 'unknown', evidence: [t('The other side\'s address is not known.')] };
  const verdict = evaluateNacl(acl, leg.egress, peer, leg.ports);
  const direction = leg.egress ? t('outbound') : t('inbound');
  const dest = leg.egress ? t('to {0}', peer.text) : t('from {0}', peer.text);
  const where = t('{0} ({1} of subnet {2})', acl.id, direction, leg.at.subnetId ?? '?');
  const denied = verdict.denied.filter((d) => touches(d.span, leg.needed));
  const unknown = verdict.unknown.filter((u) => touches(u.span, leg.needed));
  if (denied.length === 0 && unknown.length === 0) {
    const rules = [...new Set(verdict.allowed.map((a) => ruleText(a.rule)))].join(', ');
    const evidence = [t('{0}: rule {1} allows TCP {2} {3}.', where, rules, spanText(leg.ports), dest)];
    if (verdict.denied.length) evidence.push(t('Ports {0} are denied, but Linux clients answer on {1}.', verdict.denied.map((d) => spanText(d.span)).join(', '), spanText(leg.needed)));
    return { ...base, status: 'pass', evidence };
  }
  if (denied.length) {
    const first = denied[0];
    const evidence = [t('{0}: rule {1} denies TCP {2} {3}.', where, ruleText(first.rule), spanText(first.span), dest)];
    const late = acl.entries.filter((e) => {
      const span = entryPorts(e);
      const block = parseRange((peer.family === 'ipv4' ? e.cidr : e.ipv6Cidr) ?? '');
      return e.egress === leg.egress && e.action === 'allow' && e.ruleNumber > (first.rule?.ruleNumber ?? 32767) && span && intersect(span, first.span) && coverage(block, peer) !== 'none';
    });
    if (late.length) evidence.push(t('An allow rule with a higher number ({0}) comes too late: the lowest matching number wins.', late.map((e) => ruleText(e)).join(', ')));
    // The other side's subnet, so the rule survives a new address there.
    const other = subnetOf(state, leg.peer);
    const block = (peer.family === 'ipv4' ? parseRange(other?.cidr ?? '') : undefined) ?? peer;
    return { ...base, status: 'fail', evidence, fix: naclFix(acl, leg.egress, first.rule, leg.ports, block) };
  }
  return { ...base, status: 'unknown', evidence: [t('{0}: rule {1} covers only part of {2}: it depends on the exact address.', where, ruleText(unknown[0].rule), peer.text)] };
}

export function checkNacls(state: DiagnosisState): Check[] {
  const { instance, db } = state;
  if (instance.subnetId && instance.subnetId === db.subnetId) {
    return [{ id: 'naclInstanceOutbound', title: t('Network ACLs'), status: 'pass', evidence: [t('Both are in subnet {0}: network ACLs only filter traffic that enters or leaves a subnet.', instance.subnetId)] }];
  }
  const port = db.endpoint?.port ?? 3306;
  const request: PortSpan = [port, port];
  const legs: Leg[] = [
    { id: 'naclInstanceOutbound', title: t('Network ACL: out of the instance\'s subnet'), at: instance, peer: db, egress: true, ports: request, needed: request },
    { id: 'naclDbInbound', title: t('Network ACL: into the DB\'s subnet'), at: db, peer: instance, egress: false, ports: request, needed: request },
    { id: 'naclDbOutbound', title: t('Network ACL: answers out of the DB\'s subnet'), at: db, peer: instance, egress: true, ports: EPHEMERAL_PORTS, needed: LINUX_EPHEMERAL_PORTS },
    { id: 'naclInstanceInbound', title: t('Network ACL: answers into the instance\'s subnet'), at: instance, peer: db, egress: false, ports: EPHEMERAL_PORTS, needed: LINUX_EPHEMERAL_PORTS },
  ];
  return legs.map((l) => checkLeg(state, l));
}
