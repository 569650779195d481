/**
 * Taking back what the endpoint offer added: an EC2 Instance Connect Endpoint that RDS Link
 * created (its tags say so), and exactly the rule "TCP 22 from the endpoint's group" it added on
 * the instance's group, by that rule's id (kept in the endpoint's tags), never a rule that only
 * looks the same. A plan first (pure), shown and confirmed; then applied: permissions proved with
 * DryRun, the endpoint deleted, the rule revoked, and a wait until the endpoint is gone.
 *
 * planInstanceConnectEndpointRemoval is pure; the others talk to EC2.
 */
import {
  DeleteInstanceConnectEndpointCommand,
  DescribeInstanceConnectEndpointsCommand,
  DescribeSecurityGroupRulesCommand,
  RevokeSecurityGroupIngressCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { awsErrorCode } from '../../aws/awsErrors';
import { CREATED_BY_TAG, CREATED_BY_VALUE, isCreatedHere } from '../../aws/link/consoleRules';
import { isCancelled } from '../../lifetime';
import { t } from '../../l10n';
import { ENDPOINT_RULE_TAG, proveByDryRun, sleep, type ApplyEndpointOptions } from './create';
import { describeInstanceConnectEndpoints, type InstanceConnectEndpoint } from './endpoints';

/** The rule RDS Link added on the instance's group for an endpoint. */
export interface EndpointRule {
  readonly groupId: string;
  readonly ruleId: string;
}

export interface EndpointRemovalPlan {
  readonly endpoint: InstanceConnectEndpoint;
  /** The rule to revoke; absent when RDS Link added none, or it is gone already. */
  readonly revoke?: EndpointRule;
  /** The plan in words, one line each, for the confirmation. */
  readonly lines: readonly string[];
}

const GONE_STATES = ['delete-in-progress', 'delete-complete', 'delete-failed'];

/** The rule the endpoint's tags name, when RDS Link added one for it. */
export function endpointRuleOf(endpoint: Pick<InstanceConnectEndpoint, 'tags'>): EndpointRule | undefined {
  const [groupId, ruleId] = (endpoint.tags?.[ENDPOINT_RULE_TAG] ?? '').split(' ');
  return groupId?.startsWith('sg-') && ruleId?.startsWith('sgr-') ? { groupId, ruleId } : undefined;
}

/** The endpoints RDS Link created in a region, not being deleted already. */
export async function listInstanceConnectEndpointsCreatedHere(ec2: EC2Client): Promise<InstanceConnectEndpoint[]> {
  const all = await describeInstanceConnectEndpoints(ec2, [{ Name: `tag:${CREATED_BY_TAG}`, Values: [CREATED_BY_VALUE] }]);
  // The tag filter is the server's; the tags themselves decide.
  return all.filter((e) => isCreatedHere(e.tags) && !GONE_STATES.includes(e.state));
}

/** Whether the rule is still on its group (DescribeSecurityGroupRules by id). */
export async function isRulePresent(ec2: EC2Client, rule: EndpointRule): Promise<boolean> {
  try {
    const out = await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [rule.ruleId] }));
    return (out.SecurityGroupRules ?? []).some((r) => r.SecurityGroupRuleId === rule.ruleId && r.GroupId === rule.groupId);
  } catch (err) {
    if (/NotFound/.test(awsErrorCode(err))) return false;
    throw new Error(t('Reading the security group rule {0} failed: {1}', rule.ruleId, (err as Error).message), { cause: err });
  }
}

/** Pure: what deleting the endpoint takes back. `rulePresent`: whether the rule its tags name is still there. */
export function planInstanceConnectEndpointRemoval(endpoint: InstanceConnectEndpoint, rulePresent: boolean): EndpointRemovalPlan {
  if (!isCreatedHere(endpoint.tags)) throw new Error(t('The EC2 Instance Connect Endpoint {0} was not created by RDS Link; delete it in the VPC console.', endpoint.id));
  const rule = endpointRuleOf(endpoint);
  const lines = [
    t('Delete the EC2 Instance Connect Endpoint {0} in subnet {1} of {2}. Tunnels through it stop; AWS takes a minute or so.', endpoint.id, endpoint.subnetId, endpoint.vpcId),
    !rule
      ? t('RDS Link added no rule for it (the instance\'s group allowed SSH from the endpoint already): no rule is revoked.')
      : rulePresent
        ? t('Revoke the rule {0} on the instance\'s group {1} (TCP 22 from the endpoint\'s group), which RDS Link added for it. Other rules stay.', rule.ruleId, rule.groupId)
        : t('The rule {0} that RDS Link added on {1} is gone already: nothing to revoke.', rule.ruleId, rule.groupId),
  ];
  return { endpoint, ...(rule && rulePresent ? { revoke: rule } : {}), lines };
}

export interface EndpointRemoval {
  /** The rule revoked, when there was one. */
  readonly revoked?: EndpointRule;
  /** false when the wait was left before the endpoint was gone (the deletion goes on). */
  readonly gone: boolean;
}

/** Carries the plan out: DryRun, delete, revoke, then waits until the endpoint is gone (a cancel leaves the wait). */
export async function applyInstanceConnectEndpointRemoval(ec2: EC2Client, plan: EndpointRemovalPlan, options: ApplyEndpointOptions = {}): Promise<EndpointRemoval> {
  const { endpoint, revoke } = plan;
  await proveByDryRun('DeleteInstanceConnectEndpoint', () => ec2.send(new DeleteInstanceConnectEndpointCommand({ DryRun: true, InstanceConnectEndpointId: endpoint.id })));
  if (revoke) await proveByDryRun('RevokeSecurityGroupIngress', () => ec2.send(new RevokeSecurityGroupIngressCommand({ DryRun: true, GroupId: revoke.groupId, SecurityGroupRuleIds: [revoke.ruleId] })));
  try {
    await ec2.send(new DeleteInstanceConnectEndpointCommand({ InstanceConnectEndpointId: endpoint.id }));
  } catch (err) {
    throw new Error(t('Deleting the EC2 Instance Connect Endpoint {0} failed: {1}', endpoint.id, (err as Error).message), { cause: err });
  }
  options.log?.(`eice: DeleteInstanceConnectEndpoint ${endpoint.id}`);
  if (revoke) await revokeRule(ec2, revoke, options);
  const gone = await waitUntilGone(ec2, endpoint.id, options);
  return { ...(revoke ? { revoked: revoke } : {}), gone };
}

async function revokeRule(ec2: EC2Client, rule: EndpointRule, options: ApplyEndpointOptions): Promise<void> {
  try {
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: rule.groupId, SecurityGroupRuleIds: [rule.ruleId] }));
    options.log?.(`eice: revoked ${rule.ruleId} on ${rule.groupId}`);
  } catch (err) {
    throw new Error(t('The endpoint is being deleted, but revoking the rule {0} on {1} failed: {2}. Revoke it in the EC2 console.', rule.ruleId, rule.groupId, (err as Error).message), { cause: err });
  }
}

/** Polls until the endpoint is delete-complete or no longer listed; false when the wait was left. */
async function waitUntilGone(ec2: EC2Client, id: string, options: ApplyEndpointOptions): Promise<boolean> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  for (;;) {
    if (isCancelled(options.signal)) return false;
    const state = await stateOf(ec2, id);
    if (state === undefined || state === 'delete-complete') return true;
    if (state === 'delete-failed') throw new Error(t('AWS could not delete the EC2 Instance Connect Endpoint {0} (delete-failed).', id));
    if (Date.now() - started > timeoutMs) throw new Error(t('The EC2 Instance Connect Endpoint {0} is still {1}; AWS goes on deleting it.', id, state));
    options.onProgress?.(t('Deleting the EC2 Instance Connect Endpoint {0} ({1}, {2} s so far).', id, state, Math.round((Date.now() - started) / 1000)));
    await sleep(options.pollMs ?? 5000, options.signal);
  }
}

async function stateOf(ec2: EC2Client, id: string): Promise<string | undefined> {
  try {
    const out = await ec2.send(new DescribeInstanceConnectEndpointsCommand({ InstanceConnectEndpointIds: [id] }));
    return out.InstanceConnectEndpoints?.find((e) => e.InstanceConnectEndpointId === id)?.State;
  } catch (err) {
    if (/NotFound/.test(awsErrorCode(err))) return undefined;
    throw err;
  }
}
