/**
 * Route tables (when the two sides are in different subnets) by longest prefix match: the local
 * route inside a VPC, a peering connection (pcx-) or a transit gateway (tgw-, then the TGW's own
 * route table, transitGateways.ts) between VPCs; and
 * the DNS attributes of the instance's VPC, which decide whether the endpoint's name resolves there.
 */
import { t } from '../l10n';
import { coverage, parseRange, prefixLength, type AddressRange } from './addresses';
import type { Family } from './addresses';
import { rangeOf, sharedFamilies, sideRanges } from './sides';
import type { Check, CheckId, DiagnosisState, Route, RouteTable, SideLocation } from './types';
import { checkTransitGatewayLeg } from './transitGateways';

export function routeTableOf(state: DiagnosisState, side: SideLocation): RouteTable | undefined {
  const tables = state.routeTables ?? [];
  return tables.find((r) => side.subnetId && r.subnetIds.includes(side.subnetId)) ?? tables.find((r) => r.main && r.vpcId === side.vpcId);
}

/** The route a VPC route table takes toward `to`, by longest prefix match, or why none is chosen. */
export type RouteChoice =
  | { readonly kind: 'none'; readonly table: RouteTable; readonly target: AddressRange; readonly partial: boolean }
  | { readonly kind: 'route'; readonly table: RouteTable; readonly target: AddressRange; readonly route: Route }
  | { readonly kind: 'unknown'; readonly evidence: string };

/**
 * The address families a route between the sides is checked in: those both sides have (a
 * dual-stack pair both), IPv4 when they share none (the check then says what is missing).
 */
export function routeFamilies(state: DiagnosisState, from: SideLocation, to: SideLocation): Family[] {
  const shared = sharedFamilies(sideRanges(state, from), sideRanges(state, to));
  return shared.length ? shared : ['ipv4'];
}

export function chooseRoute(state: DiagnosisState, from: SideLocation, to: SideLocation, family: Family = 'ipv4'): RouteChoice {
  const table = routeTableOf(state, from);
  if (!table) return { kind: 'unknown', evidence: t('The route table of subnet {0} could not be read.', from.subnetId ?? '?') };
  const target = rangeOf(sideRanges(state, to), family);
  if (!target) return { kind: 'unknown', evidence: t('The other side\'s address is not known.') };
  let best: Route | undefined;
  let bestLength = -1;
  let partial = false;
  for (const r of table.routes) {
    const cidrs = r.destination ? [r.destination] : r.destinationPrefixListId ? [...(state.prefixLists?.get(r.destinationPrefixListId) ?? [])] : [];
    for (const c of cidrs) {
      const block = parseRange(c);
      const cov = coverage(block, target);
      if (cov === 'some') partial = true;
      if (cov === 'all' && block && prefixLength(block) > bestLength) {
        best = r;
        bestLength = prefixLength(block);
      }
    }
  }
  return best ? { kind: 'route', table, target, route: best } : { kind: 'none', table, target, partial };
}

/** The legs whose VPC route goes through a transit gateway: what the TGW reads need. */
export function transitGatewayLegs(state: DiagnosisState): { transitGatewayId: string; fromVpcId?: string; target: string }[] {
  const { instance, db } = state;
  if (instance.subnetId && instance.subnetId === db.subnetId) return [];
  const legs = [];
  for (const [from, to] of [[instance, db], [db, instance]] as const) {
    for (const family of routeFamilies(state, from, to)) {
      const choice = chooseRoute(state, from, to, family);
      const via = choice.kind === 'route' ? choice.route.target ?? '' : '';
      if (choice.kind === 'route' && via.startsWith('tgw-') && choice.route.state !== 'blackhole') legs.push({ transitGatewayId: via, fromVpcId: from.vpcId, target: choice.target.text });
    }
  }
  return legs;
}

/**
 * The route check over every family both sides have: a dual-stack pair passes when one family
 * routes (a client falls back to the other address), and the other family's finding is kept as
 * evidence; when none routes, the IPv4 finding (with its fix) leads.
 */
function checkRoute(state: DiagnosisState, id: CheckId, title: string, from: SideLocation, to: SideLocation): Check {
  const families = routeFamilies(state, from, to);
  const checks = families.map((family) => checkRouteIn(state, id, title, from, to, family));
  if (checks.length === 1) return checks[0];
  const lead = checks.find((c) => c.status === 'pass') ?? checks[0];
  const others = checks.filter((c) => c !== lead).map((c) => t('Over {0} ({1}): {2}', families[checks.indexOf(c)] === 'ipv6' ? 'IPv6' : 'IPv4', c.status, c.evidence.join(' ')));
  return { ...lead, evidence: [...lead.evidence, ...others] };
}

function checkRouteIn(state: DiagnosisState, id: CheckId, title: string, from: SideLocation, to: SideLocation, family: Family): Check {
  const choice = chooseRoute(state, from, to, family);
  if (choice.kind === 'unknown') return { id, title, status: 'unknown', evidence: [choice.evidence] };
  const { table, target } = choice;
  const sameVpc = !!from.vpcId && from.vpcId === to.vpcId;
  if (choice.kind === 'none') {
    if (choice.partial) return { id, title, status: 'unknown', evidence: [t('{0}: a route covers only part of {1}.', table.id, target.text)] };
    const message = sameVpc
      ? t('Restore the local route of {0}.', table.id)
      : t('Add a route to {0} in {1} through the VPC peering connection or the transit gateway that joins the two VPCs.', target.text, table.id);
    return { id, title, status: 'fail', evidence: [t('{0} has no route to {1}.', table.id, target.text)], fix: { kind: 'text', message } };
  }
  const bestRoute = choice.route;
  const via = `${bestRoute.destination ?? bestRoute.destinationPrefixListId} → ${bestRoute.target ?? '?'}`;
  if (bestRoute.state === 'blackhole') {
    return { id, title, status: 'fail', evidence: [t('{0}: the route {1} is a blackhole (its target is gone).', table.id, via)], fix: { kind: 'text', message: t('Point the route {0} in {1} at a working peering connection or transit gateway.', via, table.id) } };
  }
  const tgt = bestRoute.target ?? '';
  const first = t('{0}: {1}.', table.id, via);
  if (tgt.startsWith('tgw-')) {
    const leg = checkTransitGatewayLeg(state.transitGateways, { transitGatewayId: tgt, fromVpcId: from.vpcId, toVpcId: to.vpcId, target: target.text });
    return { id, title, status: leg.status, evidence: [first, ...leg.evidence], ...(leg.fix ? { fix: leg.fix } : {}) };
  }
  if (tgt === 'local' || tgt.startsWith('pcx-')) {
    const evidence = [first];
    if (tgt.startsWith('pcx-')) evidence.push(t('The peer VPC needs the route back as well.'));
    return { id, title, status: 'pass', evidence };
  }
  return { id, title, status: 'unknown', evidence: [t('{0}: {1} does not lead to a private address in a VPC; it works only through that appliance.', table.id, via)] };
}

export function checkRoutes(state: DiagnosisState): Check[] {
  const { instance, db } = state;
  if (instance.subnetId && instance.subnetId === db.subnetId) return [];
  return [
    checkRoute(state, 'routeToDb', t('Route from the instance\'s subnet to the DB'), instance, db),
    checkRoute(state, 'routeToInstance', t('Route from the DB\'s subnet back to the instance'), db, instance),
  ];
}

export function checkDns(state: DiagnosisState): Check {
  const id: CheckId = 'dns';
  const title = t('DNS of the instance\'s VPC');
  const vpcId = state.instance.vpcId;
  const dns = state.vpcDns?.find((v) => v.vpcId === vpcId);
  if (!vpcId || !dns || dns.enableDnsSupport === undefined) return { id, title, status: 'unknown', evidence: [t('The DNS attributes of the VPC could not be read.')] };
  const evidence = [
    dns.enableDnsHostnames === undefined
      ? t('{0}: enableDnsSupport {1}.', vpcId, String(dns.enableDnsSupport))
      : t('{0}: enableDnsSupport {1}, enableDnsHostnames {2}.', vpcId, String(dns.enableDnsSupport), String(dns.enableDnsHostnames)),
  ];
  if (!dns.enableDnsSupport) {
    return {
      id, title, status: 'fail', evidence,
      fix: { kind: 'text', message: t('Turn on DNS resolution (enableDnsSupport) of {0}, or give the instance its own DNS server through the DHCP options, so that it can resolve {1}.', vpcId, state.db.endpoint?.address ?? '') },
    };
  }
  if (state.db.publiclyAccessible && dns.enableDnsHostnames === false) {
    evidence.push(t('The DB is publicly accessible: inside the VPC its name resolves to the private address only with DNS hostnames on.'));
    return { id, title, status: 'fail', evidence, fix: { kind: 'text', message: t('Turn on DNS hostnames (enableDnsHostnames) of {0}.', vpcId) } };
  }
  return { id, title, status: 'pass', evidence };
}
