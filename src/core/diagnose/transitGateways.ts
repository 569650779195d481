/**
 * The transit gateway leg of a route: a VPC route sends the traffic to a TGW (tgw-…), and the TGW
 * decides by the route table associated with the attachment it came in through. It gets there
 * when that table's most specific route to the other side's address is active and sends it to the
 * attachment of the other side's VPC. Pure, over what transitGatewayReads.ts read.
 */
import { coverage, parseRange, prefixLength } from './addresses';
import { t } from '../l10n';
import type { CheckStatus, Fix, TransitGatewayAttachment, TransitGatewayRoute, TransitGatewayRouting } from './types';

/** One direction through one TGW: from a VPC toward an address (as the route checks write it, "10.0.11.20/32"). */
export interface TransitGatewayLeg {
  readonly transitGatewayId: string;
  readonly fromVpcId?: string;
  readonly toVpcId?: string;
  readonly target: string;
}

export interface LegResult {
  readonly status: CheckStatus;
  readonly evidence: readonly string[];
  readonly fix?: Fix;
}

const fail = (evidence: string, message: string): LegResult => ({ status: 'fail', evidence: [evidence], fix: { kind: 'text', message } });
const unknown = (evidence: string): LegResult => ({ status: 'unknown', evidence: [evidence] });

export function attachmentOf(routing: TransitGatewayRouting, transitGatewayId: string, vpcId: string | undefined): TransitGatewayAttachment | undefined {
  return vpcId ? routing.attachments.find((a) => a.transitGatewayId === transitGatewayId && a.resourceId === vpcId && (a.resourceType ?? 'vpc') === 'vpc') : undefined;
}

/**
 * The most specific route that covers `target`. AWS answers a longest-prefix-match search with
 * that route alone; moto ignores the filter and answers every route, so the match is made here.
 * A route given by a prefix list only is taken when no CIDR route covers the target (AWS chose it).
 */
export function longestMatch(routes: readonly TransitGatewayRoute[], target: string): TransitGatewayRoute | undefined {
  const range = parseRange(target);
  if (!range) return undefined;
  let best: TransitGatewayRoute | undefined;
  let bestLength = -1;
  for (const r of routes) {
    const block = r.destination ? parseRange(r.destination) : undefined;
    if (block && coverage(block, range) === 'all' && prefixLength(block) > bestLength) {
      best = r;
      bestLength = prefixLength(block);
    }
  }
  return best ?? routes.find((r) => !r.destination && r.prefixListId);
}

function describeRoute(r: TransitGatewayRoute): string {
  const to = r.attachments.map((a) => (a.resourceId ? `${a.id ?? '?'} (${a.resourceId})` : a.id ?? '?')).join(', ') || '?';
  return `${r.destination ?? r.prefixListId ?? '?'} → ${to}, ${r.type ?? '?'}`;
}

/** Whether the TGW takes traffic from `fromVpcId` to `target` in `toVpcId`, with the evidence and the fix. */
export function checkTransitGatewayLeg(routing: TransitGatewayRouting | undefined, leg: TransitGatewayLeg): LegResult {
  const { transitGatewayId: tgw, fromVpcId, toVpcId, target } = leg;
  if (!routing) return unknown(t('The route tables of transit gateway {0} could not be read.', tgw));
  const from = attachmentOf(routing, tgw, fromVpcId);
  const back = attachmentOf(routing, tgw, toVpcId);
  if (!from) return fail(t('{0} has no attachment of {1}: traffic from {1} does not enter it.', tgw, fromVpcId ?? '?'), t('Attach {0} to transit gateway {1}, with a subnet in each zone the instance and the DB use.', fromVpcId ?? '?', tgw));
  if (from.state !== 'available') return fail(t('{0}: attachment {1} of {2} is {3}, not available.', tgw, from.id, fromVpcId ?? '?', from.state ?? '?'), t('Accept attachment {0}, or attach {1} again.', from.id, fromVpcId ?? '?'));
  if (!from.routeTableId) {
    return fail(t('{0}: attachment {1} of {2} is associated with no route table, so the transit gateway drops what comes in through it.', tgw, from.id, fromVpcId ?? '?'), t('Associate attachment {0} with a route table of {1}.', from.id, tgw));
  }
  const rtb = from.routeTableId;
  const routes = routing.routes.get(rtb)?.get(target);
  if (!routes) return unknown(t('The routes of {0} could not be read.', rtb));
  const addRoute = back
    ? t('In {0}, propagate attachment {1} of {2}, or add a static route to {3} through it.', rtb, back.id, toVpcId ?? '?', target)
    : t('Attach {0} to transit gateway {1}, then propagate its attachment into {2}.', toVpcId ?? '?', tgw, rtb);
  const best = longestMatch(routes, target);
  if (!best) return fail(t('{0} (the route table of {1}, attachment {2}) has no route to {3}.', rtb, fromVpcId ?? '?', from.id, target), addRoute);
  const where = t('{0} (the route table of {1}, attachment {2}): {3}.', rtb, fromVpcId ?? '?', from.id, describeRoute(best));
  if (best.state === 'blackhole') return fail(`${where} ${t('It is a blackhole.')}`, addRoute);
  if (best.attachments.length === 0) return unknown(`${where} ${t('The route names no attachment, so where it leads is not known.')}`);
  if (toVpcId && best.attachments.some((a) => a.resourceId === toVpcId)) return { status: 'pass', evidence: [where] };
  if (best.attachments.some((a) => (a.resourceType ?? 'vpc') === 'vpc')) return fail(`${where} ${t('It leads to another VPC, not {0}.', toVpcId ?? '?')}`, addRoute);
  return unknown(`${where} ${t('It leads to a {0} attachment; what lies beyond it is not checked.', best.attachments[0]?.resourceType ?? '?')}`);
}
