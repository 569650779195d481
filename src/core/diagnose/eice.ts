/**
 * When SSH to the instance goes through an EC2 Instance Connect Endpoint: the endpoint's groups
 * must let it send TCP 22 to the instance, and the instance's groups must accept TCP 22 from the
 * endpoint (its group, or a block holding its address), evaluated as the DB path's groups are.
 */
import { DescribeSecurityGroupsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { toSecurityGroup } from '../aws/link/sdkLinkApi';
import type { SecurityGroup } from '../aws/types';
import { t } from '../l10n';
import { coversPort, describeRule, findRule, groupLabel } from './securityGroups';
import { sideRanges } from './sides';
import type { Check, DiagnosisState, SideLocation } from './types';

const SSH_PORT = 22;

/** The endpoint as the route names it. */
export interface EiceEndpoint {
  readonly id: string;
  readonly subnetId?: string;
  readonly securityGroupIds: readonly string[];
}

/** The endpoint's groups the diagnosis has not read yet: one DescribeSecurityGroups call, none when all are known. */
export async function readEndpointGroups(ec2: EC2Client, endpoint: EiceEndpoint, known: readonly SecurityGroup[], signal?: AbortSignal): Promise<SecurityGroup[]> {
  const ids = endpoint.securityGroupIds.filter((id) => !known.some((g) => g.id === id));
  if (!ids.length) return [];
  const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ids }), { abortSignal: signal });
  return (out.SecurityGroups ?? []).map(toSecurityGroup);
}

/** pass when both rules exist (named), fail naming the side that lacks one and the rule to add, unknown when it cannot tell. */
export function checkEicePort(state: DiagnosisState, endpoint: EiceEndpoint, endpointGroups: readonly SecurityGroup[]): Check {
  const title = t('EC2 Instance Connect Endpoint {0} reaches the instance on port 22', endpoint.id);
  const groups = [...state.groups, ...endpointGroups.filter((g) => !state.groups.some((x) => x.id === g.id))];
  const s: DiagnosisState = { ...state, groups };
  const side: SideLocation = { vpcId: state.instance.vpcId, subnetId: endpoint.subnetId, ipv6: [], groupIds: endpoint.securityGroupIds };
  const endpointRanges = sideRanges(s, side);
  const instanceRanges = sideRanges(s, state.instance);
  const egress = findRule(s, 'egress', side, state.instance, endpointRanges, instanceRanges, SSH_PORT);
  const ingress = findRule(s, 'ingress', state.instance, side, instanceRanges, endpointRanges, SSH_PORT);
  const label = (ids: readonly string[]): string => ids.map((g) => groupLabel(g, groups)).join(', ') || t('(none)');
  const evidence: string[] = [];
  const fixes: string[] = [];
  if (egress.found) evidence.push(t('{0} allows it: {1}.', groupLabel(egress.found.group.id, groups), describeRule(egress.found.rule, 'egress', groups)));
  else {
    evidence.push(t('No outbound rule of the endpoint\'s groups ({0}) allows TCP 22 to the instance.', label(endpoint.securityGroupIds)));
    fixes.push(t('add an outbound rule to {0} allowing TCP 22 to {1}', label(endpoint.securityGroupIds.slice(0, 1)), label(state.instance.groupIds.slice(0, 1))));
  }
  if (ingress.found) evidence.push(t('{0} allows it: {1}.', groupLabel(ingress.found.group.id, groups), describeRule(ingress.found.rule, 'ingress', groups)));
  else {
    evidence.push(t('No inbound rule of the instance\'s groups ({0}) allows TCP 22 from the endpoint.', label(state.instance.groupIds)));
    fixes.push(t('add an inbound rule to {0} allowing TCP 22 from {1}', label(state.instance.groupIds.slice(0, 1)), label(endpoint.securityGroupIds.slice(0, 1))));
  }
  if (!fixes.length) return { id: 'eicePort', title, status: 'pass', evidence };
  const missing = [...egress.missingGroups, ...ingress.missingGroups];
  if (missing.length) evidence.push(t('Groups that could not be read: {0}.', missing.join(', ')));
  // Without the endpoint's subnet, a rule by address cannot be matched to it.
  const byAddress = groups.filter((g) => state.instance.groupIds.includes(g.id)).some((g) => g.ingress.some((r) => coversPort(r, SSH_PORT) && (r.cidrs.length > 0 || r.ipv6Cidrs.length > 0 || r.prefixListIds.length > 0)));
  const cannotTell = (!egress.found && egress.maybe) || (!ingress.found && ingress.maybe) || (!ingress.found && !endpointRanges.ipv4 && byAddress);
  if (cannotTell) {
    evidence.push(t('The endpoint\'s address is not known here, or a rule may cover it: a rule by address cannot be matched for sure.'));
    return { id: 'eicePort', title, status: 'unknown', evidence };
  }
  return { id: 'eicePort', title, status: 'fail', evidence, fix: { kind: 'text', message: t('In the EC2 console (Security groups), {0}.', fixes.join(t('; and '))) } };
}
