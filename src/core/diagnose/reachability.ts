/**
 * VPC Reachability Analyzer, on request only: AWS charges for each analysis (REACHABILITY_COST).
 * It models the configuration (no packets are sent): a path from the instance to the DB's
 * address and port, one analysis, polled until it ends, its explanation codes put into words,
 * and the path (and its analysis) deleted afterwards, whatever happened.
 */
import {
  CreateNetworkInsightsPathCommand,
  DeleteNetworkInsightsAnalysisCommand,
  DeleteNetworkInsightsPathCommand,
  DescribeNetworkInsightsAnalysesCommand,
  StartNetworkInsightsAnalysisCommand,
  type EC2Client,
  type Explanation,
} from '@aws-sdk/client-ec2';
import { CancelledError, isCancellation } from '../errors';
import { abortable } from '../aws/session';
import { t } from '../l10n';
import type { Check } from './types';

/** What AWS charges per analysis (us-east-1 list price), said before the user asks for one. */
export const REACHABILITY_COST = '$0.10';

export interface ReachabilityRequest {
  readonly instanceId: string;
  readonly dbAddress: string;
  readonly port: number;
}

export interface ReachabilityOptions {
  readonly pollMs?: number;
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly signal?: AbortSignal;
}

const named = (c?: { Id?: string; Name?: string }): string => (c ? (c.Name && c.Name !== c.Id ? `${c.Id} (${c.Name})` : (c.Id ?? '?')) : '?');

/** One explanation as a sentence; an unknown code is shown as AWS gives it, with the components it names. */
export function explain(e: Explanation): string {
  const direction = e.Direction === 'egress' ? t('outbound') : e.Direction === 'ingress' ? t('inbound') : '';
  switch (e.ExplanationCode) {
    case 'ENI_SG_RULES_MISMATCH':
      return t('No {0} rule of the security groups {1} on {2} allows this traffic.', direction, (e.SecurityGroups ?? (e.SecurityGroup ? [e.SecurityGroup] : [])).map(named).join(', ') || '?', named(e.NetworkInterface ?? e.Component));
    case 'SUBNET_ACL_RESTRICTION':
      return t('The network ACL {0} of subnet {1} blocks this traffic ({2}).', named(e.Acl), named(e.Subnet), direction);
    case 'NO_ROUTE_TO_DESTINATION':
      return t('The route table {0} has no route to the destination.', named(e.RouteTable));
    case 'CANNOT_ROUTE':
      return t('A route of {0} cannot carry the traffic: its destination does not match the address.', named(e.RouteTable));
    case 'BAD_STATE_ROUTE':
      return t('A route of {0} is not working (a blackhole: its target is gone).', named(e.RouteTable));
    case 'BAD_STATE':
      return t('{0} is not in a working state.', named(e.Component));
    case 'BAD_STATE_ATTACHMENT':
      return t('The attachment of {0} is not in a working state.', named(e.Component ?? e.AttachedTo));
    case 'COMPONENT_FILTER_RESTRICTION':
      return t('The path\'s source, destination or filters leave no usable component.');
    default: {
      const parts = [e.Component, e.Acl, e.RouteTable, e.SecurityGroup, e.Subnet, e.Vpc, e.NetworkInterface].filter(Boolean).map(named);
      return t('AWS explanation {0}: {1}.', e.ExplanationCode ?? '?', parts.join(', ') || '?');
    }
  }
}

/** Runs one analysis (one charge) and deletes what it made. The check passes when AWS finds a path. */
export async function runReachabilityAnalysis(ec2: EC2Client, request: ReachabilityRequest, options: ReachabilityOptions = {}): Promise<Check> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pollMs = options.pollMs ?? 3000;
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  const title = t('Reachability Analyzer (AWS, {0} per analysis)', REACHABILITY_COST);
  const live = abortable(ec2, options.signal);
  let pathId: string | undefined;
  let analysisId: string | undefined;
  try {
    const created = await live.send(
      new CreateNetworkInsightsPathCommand({
        Source: request.instanceId,
        DestinationIp: request.dbAddress,
        DestinationPort: request.port,
        Protocol: 'tcp',
        TagSpecifications: [{ ResourceType: 'network-insights-path', Tags: [{ Key: 'rds-link:created-by', Value: 'rds-link' }] }],
      }),
    );
    pathId = created.NetworkInsightsPath?.NetworkInsightsPathId;
    if (!pathId) throw new Error(t('AWS created no network insights path.'));
    const started = await live.send(new StartNetworkInsightsAnalysisCommand({ NetworkInsightsPathId: pathId }));
    analysisId = started.NetworkInsightsAnalysis?.NetworkInsightsAnalysisId;
    if (!analysisId) throw new Error(t('AWS started no analysis.'));
    for (;;) {
      const out = await live.send(new DescribeNetworkInsightsAnalysesCommand({ NetworkInsightsAnalysisIds: [analysisId] }));
      const a = out.NetworkInsightsAnalyses?.[0];
      if (a?.Status === 'succeeded') {
        if (a.NetworkPathFound) return { id: 'reachability', title, status: 'pass', evidence: [t('AWS found a path from {0} to {1}:{2}.', request.instanceId, request.dbAddress, request.port)] };
        const evidence = (a.Explanations ?? []).map(explain);
        return { id: 'reachability', title, status: 'fail', evidence: evidence.length ? evidence : [t('AWS found no path, and gave no explanation.')] };
      }
      if (a?.Status === 'failed') return { id: 'reachability', title, status: 'unknown', evidence: [t('The analysis failed: {0}', a.StatusMessage ?? '?')] };
      if (options.signal?.aborted) throw new CancelledError();
      if (Date.now() > deadline) return { id: 'reachability', title, status: 'unknown', evidence: [t('The analysis did not finish in time.')] };
      await sleep(pollMs);
    }
  } catch (err) {
    if (isCancellation(err)) throw err;
    throw new Error(t('Reachability Analyzer failed'), { cause: err });
  } finally {
    // Not under the command's signal: a cancel must still clean up.
    if (analysisId) await ec2.send(new DeleteNetworkInsightsAnalysisCommand({ NetworkInsightsAnalysisId: analysisId })).catch(() => undefined);
    if (pathId) await ec2.send(new DeleteNetworkInsightsPathCommand({ NetworkInsightsPathId: pathId })).catch(() => undefined);
  }
}
