/**
 * The transit gateway reads, made only when a VPC route of the path goes through a TGW:
 *   DescribeTransitGatewayAttachments (the TGWs' attachments of both VPCs, each with the TGW route
 *   table it is associated with), then one SearchTransitGatewayRoutes per route table and address
 *   searched (the most specific route to the other side), in parallel.
 * moto (5.2.1) serves both, but ignores the longest-prefix-match filter (it answers every route;
 * transitGateways.ts matches again), answers a static route's attachment as an empty list, and
 * fails on MaxResults (so none is sent: the longest-prefix match is one route anyway).
 */
import {
  paginateDescribeTransitGatewayAttachments,
  SearchTransitGatewayRoutesCommand,
  type EC2Client,
  type TransitGatewayAttachment as Ec2Attachment,
  type TransitGatewayRoute as Ec2Route,
} from '@aws-sdk/client-ec2';
import { isCancellation } from '../errors';
import { attachmentOf } from './transitGateways';
import type { TransitGatewayAttachment, TransitGatewayRoute, TransitGatewayRouting } from './types';

/** A leg of the path through a TGW, as routes.ts's transitGatewayLegs finds them. */
export interface TransitGatewayRead {
  readonly transitGatewayId: string;
  readonly fromVpcId?: string;
  readonly target: string;
}

function toAttachment(a: Ec2Attachment): TransitGatewayAttachment {
  return {
    id: a.TransitGatewayAttachmentId ?? '',
    transitGatewayId: a.TransitGatewayId ?? '',
    resourceType: a.ResourceType,
    resourceId: a.ResourceId,
    state: a.State,
    // Only an associated attachment is routed (not one associating, disassociating or disassociated).
    routeTableId: a.Association?.State === 'associated' ? a.Association.TransitGatewayRouteTableId : undefined,
  };
}

function toRoute(r: Ec2Route): TransitGatewayRoute {
  return {
    destination: r.DestinationCidrBlock,
    prefixListId: r.PrefixListId,
    state: r.State,
    type: r.Type,
    attachments: (r.TransitGatewayAttachments ?? []).map((a) => ({ id: a.TransitGatewayAttachmentId, resourceId: a.ResourceId, resourceType: a.ResourceType })),
  };
}

/** The attachments and routes the legs need; undefined when the attachments cannot be read (the legs stay unknown). */
export async function readTransitGatewayRouting(ec2: EC2Client, legs: readonly TransitGatewayRead[], vpcIds: readonly string[]): Promise<TransitGatewayRouting | undefined> {
  if (legs.length === 0 || vpcIds.length === 0) return undefined;
  const attachments: TransitGatewayAttachment[] = [];
  try {
    const pages = paginateDescribeTransitGatewayAttachments({ client: ec2 }, {
      Filters: [
        { Name: 'transit-gateway-id', Values: [...new Set(legs.map((l) => l.transitGatewayId))] },
        { Name: 'resource-type', Values: ['vpc'] },
        { Name: 'resource-id', Values: [...vpcIds] },
      ],
    });
    for await (const page of pages) {
      attachments.push(...(page.TransitGatewayAttachments ?? []).map(toAttachment));
    }
  } catch (err) {
    if (isCancellation(err)) throw err;
    return undefined;
  }
  const routing = { attachments, routes: new Map<string, Map<string, TransitGatewayRoute[]>>() };
  const searches = new Map<string, { table: string; target: string }>();
  for (const leg of legs) {
    const table = attachmentOf(routing, leg.transitGatewayId, leg.fromVpcId)?.routeTableId;
    if (table) searches.set(`${table} ${leg.target}`, { table, target: leg.target });
  }
  await Promise.all(
    [...searches.values()].map(async ({ table, target }) => {
      try {
        const out = await ec2.send(new SearchTransitGatewayRoutesCommand({
          TransitGatewayRouteTableId: table,
          Filters: [{ Name: 'route-search.longest-prefix-match', Values: [target] }],
        }));
        const byTarget = routing.routes.get(table) ?? new Map<string, TransitGatewayRoute[]>();
        byTarget.set(target, (out.Routes ?? []).map(toRoute));
        routing.routes.set(table, byTarget);
      } catch (err) {
        // A table that cannot be searched leaves its leg unknown.
        if (isCancellation(err)) throw err;
      }
    }),
  );
  return routing;
}
