/**
 * Creating an EC2 Instance Connect Endpoint for an instance nothing else reaches: a plan first
 * (the subnet, the endpoint's security group, and the rule "TCP 22 from the endpoint's group" on
 * the instance's group unless one of its groups already allows it), shown and confirmed, then
 * applied: permissions proved with DryRun, the rule added, the endpoint created, and a wait until
 * it is `create-complete` (minutes on AWS). The wait can be left (a cancel): the endpoint goes on
 * being created and is used once it is ready. A failed create takes the rule it added back.
 *
 * planInstanceConnectEndpoint is pure; readEndpointChoices and applyInstanceConnectEndpointPlan
 * talk to EC2.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateInstanceConnectEndpointCommand,
  DescribeInstanceConnectEndpointsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  RevokeSecurityGroupIngressCommand,
  type EC2Client,
  type IpPermission,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { randomUUID } from 'node:crypto';
import { awsErrorCode, isAccessDenied } from '../../aws/awsErrors';
import type { Ec2Instance } from '../../aws/types';
import { CancelledError } from '../../errors';
import { isCancelled, type Cancellation } from '../../lifetime';
import { t } from '../../l10n';
import { createdByTags } from '../../aws/link/consoleRules';
import { toEndpoint, type InstanceConnectEndpoint } from './endpoints';

/** The instance the endpoint is for, as DescribeInstances has it. */
export interface EndpointTarget {
  readonly id: string;
  readonly name?: string;
  readonly vpcId: string;
  readonly subnetId?: string;
  readonly securityGroupIds: readonly string[];
}

/**
 * The instance as the plan takes it. Its groups: the primary interface's (where the console's
 * link puts its group, and what the endpoint's traffic meets) with the instance's own besides.
 */
export function endpointTargetOf(instance: Ec2Instance): EndpointTarget {
  const primary = instance.networkInterfaces.find((n) => n.deviceIndex === 0)?.securityGroupIds ?? [];
  return {
    id: instance.id,
    ...(instance.name ? { name: instance.name } : {}),
    vpcId: instance.vpcId ?? '',
    ...(instance.subnetId ? { subnetId: instance.subnetId } : {}),
    securityGroupIds: [...new Set([...primary, ...instance.securityGroupIds])],
  };
}

export interface SubnetChoice {
  readonly id: string;
  readonly availabilityZone?: string;
  readonly name?: string;
  readonly cidr?: string;
}

export interface GroupChoice {
  readonly id: string;
  readonly name: string;
  readonly isDefault: boolean;
}

/** An inbound rule of one of the instance's groups, as far as SSH from a group is concerned. */
export interface IngressFromGroups {
  readonly groupId: string;
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly sourceGroupIds: readonly string[];
}

export interface EndpointPlan {
  readonly instance: EndpointTarget;
  readonly subnet: SubnetChoice;
  /** The endpoint's security group. */
  readonly securityGroupId: string;
  /** The rule to add on the instance's group; absent when one of its groups allows it already. */
  readonly addRule?: { readonly groupId: string; readonly fromGroupId: string };
  /** The instance's group that allows TCP 22 from the endpoint's group already. */
  readonly ruleExists?: string;
  /** The plan in words, one line each, for the confirmation. */
  readonly lines: readonly string[];
}

const SSH = 22;
export const ENDPOINT_RULE_DESCRIPTION = 'SSH from the EC2 Instance Connect Endpoint (RDS Link)';
/**
 * On an endpoint RDS Link created: the rule it added for it, `<group id> <rule id>`, so that
 * deleting the endpoint takes back exactly that rule (and no rule someone else added).
 */
export const ENDPOINT_RULE_TAG = 'rds-link:ssh-rule';

/** The tags of a new endpoint: made by RDS Link, and the rule added for it when there is one. */
export function endpointTags(rule: { readonly groupId: string; readonly ruleId: string } | undefined): { Key: string; Value: string }[] {
  const tags: Record<string, string> = { ...createdByTags(), ...(rule ? { [ENDPOINT_RULE_TAG]: `${rule.groupId} ${rule.ruleId}` } : {}) };
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function allowsSshFrom(rule: IngressFromGroups, groupId: string): boolean {
  const anyPort = rule.protocol === '-1';
  const covers = rule.protocol === 'tcp' && (rule.fromPort ?? 0) <= SSH && SSH <= (rule.toPort ?? 65535);
  return (anyPort || covers) && rule.sourceGroupIds.includes(groupId);
}

/** A group the console's link made: it must keep exactly its one rule, so nothing is added to it. */
const LINK_GROUP = /^ec2-rds-\d+$/;

/**
 * Pure: what creating an endpoint in `subnet` with `securityGroupId` takes for this instance.
 * `groups` are the VPC's (names for the instance's), `ingress` the instance's groups' inbound rules.
 */
export function planInstanceConnectEndpoint(instance: EndpointTarget, subnet: SubnetChoice, securityGroupId: string, known: { readonly groups: readonly GroupChoice[]; readonly ingress: readonly IngressFromGroups[] }): EndpointPlan {
  const existing = known.ingress.find((r) => instance.securityGroupIds.includes(r.groupId) && allowsSshFrom(r, securityGroupId));
  const nameOfGroup = (id: string): string => known.groups.find((g) => g.id === id)?.name ?? '';
  const ruleGroup = instance.securityGroupIds.find((id) => !LINK_GROUP.test(nameOfGroup(id)));
  if (!existing && !ruleGroup) throw new Error(t('{0} has no security group of its own to allow SSH from the endpoint on (the link\'s ec2-rds group must keep its one rule).', instance.id));
  const where = [subnet.name, subnet.availabilityZone, subnet.cidr].filter(Boolean).join(', ');
  const lines = [
    t('Create an EC2 Instance Connect Endpoint in subnet {0}{1} of {2}, with security group {3}. AWS takes a few minutes.', subnet.id, where ? ` (${where})` : '', instance.vpcId, securityGroupId),
    existing
      ? t('The instance\'s group {0} already allows TCP 22 from {1}: no rule to add.', existing.groupId, securityGroupId)
      : t('Add to the instance\'s group {0} an inbound rule: TCP 22 from {1} (the endpoint reaches port 22 only if this allows it).', ruleGroup ?? '', securityGroupId),
    t('The endpoint\'s group needs outbound TCP 22 to the instance\'s group; a group with the default allow-all outbound rule has it.'),
  ];
  return {
    instance,
    subnet,
    securityGroupId,
    ...(existing ? { ruleExists: existing.groupId } : { addRule: { groupId: ruleGroup ?? '', fromGroupId: securityGroupId } }),
    lines,
  };
}

function ingressOf(g: SecurityGroup): IngressFromGroups[] {
  return (g.IpPermissions ?? []).map((p: IpPermission) => ({
    groupId: g.GroupId ?? '',
    protocol: p.IpProtocol ?? '',
    ...(p.FromPort !== undefined ? { fromPort: p.FromPort } : {}),
    ...(p.ToPort !== undefined ? { toPort: p.ToPort } : {}),
    sourceGroupIds: (p.UserIdGroupPairs ?? []).map((u) => u.GroupId ?? ''),
  }));
}

/** The VPC's subnets (the instance's first) and groups (the default first), and the instance's groups' inbound rules. */
export async function readEndpointChoices(ec2: EC2Client, instance: EndpointTarget): Promise<{ subnets: SubnetChoice[]; groups: GroupChoice[]; ingress: IngressFromGroups[] }> {
  const vpc = [{ Name: 'vpc-id', Values: [instance.vpcId] }];
  const [subnetsOut, groupsOut] = await Promise.all([ec2.send(new DescribeSubnetsCommand({ Filters: vpc })), ec2.send(new DescribeSecurityGroupsCommand({ Filters: vpc }))]);
  const subnets = (subnetsOut.Subnets ?? [])
    .map((s) => ({ id: s.SubnetId ?? '', ...(s.AvailabilityZone ? { availabilityZone: s.AvailabilityZone } : {}), ...(s.CidrBlock ? { cidr: s.CidrBlock } : {}), ...nameOf(s.Tags) }))
    .sort((a, b) => Number(b.id === instance.subnetId) - Number(a.id === instance.subnetId) || a.id.localeCompare(b.id));
  const all = groupsOut.SecurityGroups ?? [];
  const groups = all
    .map((g) => ({ id: g.GroupId ?? '', name: g.GroupName ?? '', isDefault: g.GroupName === 'default' }))
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name));
  const ingress = all.filter((g) => instance.securityGroupIds.includes(g.GroupId ?? '')).flatMap(ingressOf);
  return { subnets, groups, ingress };
}

function nameOf(tags: readonly { Key?: string; Value?: string }[] | undefined): { name?: string } {
  const name = tags?.find((x) => x.Key === 'Name')?.Value;
  return name ? { name } : {};
}

export interface ApplyEndpointOptions {
  /** Leaves the wait (not the creation): rejects with EndpointWaitLeftError. */
  readonly signal?: Cancellation;
  readonly onProgress?: (message: string) => void;
  readonly log?: (line: string) => void;
  /** Between two looks at the state; default 5 s. */
  readonly pollMs?: number;
  /** How long to wait for create-complete; default 15 min. */
  readonly timeoutMs?: number;
}

/** The person stopped waiting; the endpoint is still being created. */
export class EndpointWaitLeftError extends CancelledError {
  constructor(readonly endpointId: string) {
    super();
    this.name = 'EndpointWaitLeftError';
  }
}

/** Waits `ms`, or less when `signal` is cancelled. */
export function sleep(ms: number, signal: Cancellation | undefined): Promise<void> {
  return new Promise((resolve) => {
    const step = Math.min(ms, 100);
    let waited = 0;
    const timer = setInterval(() => {
      waited += step;
      if (waited >= ms || isCancelled(signal)) {
        clearInterval(timer);
        resolve();
      }
    }, step);
  });
}

/** A DryRun of `what`: EC2 answers DryRunOperation when the permission is there; anything else is the reason it would fail. */
export async function proveByDryRun(what: string, send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (err) {
    if (awsErrorCode(err) === 'DryRunOperation') return;
    const why = isAccessDenied(err) ? t('access denied') : (err as Error).message;
    throw new Error(t('{0} would fail: {1}', what, why), { cause: err });
  }
}

/** The permissions first: a DryRun of the create (and of the rule) answers DryRunOperation when they are there. */
async function proveWithDryRun(ec2: EC2Client, plan: EndpointPlan): Promise<void> {
  await proveByDryRun('CreateInstanceConnectEndpoint', () => ec2.send(new CreateInstanceConnectEndpointCommand({ DryRun: true, SubnetId: plan.subnet.id, SecurityGroupIds: [plan.securityGroupId] })));
  const rule = plan.addRule;
  if (rule) await proveByDryRun('AuthorizeSecurityGroupIngress', () => ec2.send(new AuthorizeSecurityGroupIngressCommand({ DryRun: true, GroupId: rule.groupId, IpPermissions: [sshFrom(rule.fromGroupId)] })));
}

function sshFrom(groupId: string): IpPermission {
  return { IpProtocol: 'tcp', FromPort: SSH, ToPort: SSH, UserIdGroupPairs: [{ GroupId: groupId, Description: ENDPOINT_RULE_DESCRIPTION }] };
}

/** Carries the plan out and waits until the endpoint is create-complete; the endpoint as the route takes it. */
export async function applyInstanceConnectEndpointPlan(ec2: EC2Client, plan: EndpointPlan, options: ApplyEndpointOptions = {}): Promise<InstanceConnectEndpoint> {
  const { log } = options;
  await proveWithDryRun(ec2, plan);
  const rule = plan.addRule;
  let added: { groupId: string; ruleId: string } | undefined;
  if (rule) {
    const out = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: rule.groupId, IpPermissions: [sshFrom(rule.fromGroupId)] }));
    added = { groupId: rule.groupId, ruleId: out.SecurityGroupRules?.[0]?.SecurityGroupRuleId ?? '' };
    log?.(`eice: ${rule.groupId} allows TCP 22 from ${rule.fromGroupId} (rule ${added.ruleId || '?'})`);
  }
  let id: string;
  try {
    const out = await ec2.send(new CreateInstanceConnectEndpointCommand({
      SubnetId: plan.subnet.id, SecurityGroupIds: [plan.securityGroupId], ClientToken: randomUUID(),
      TagSpecifications: [{ ResourceType: 'instance-connect-endpoint', Tags: endpointTags(added?.ruleId ? added : undefined) }],
    }));
    id = out.InstanceConnectEndpoint?.InstanceConnectEndpointId ?? '';
    if (!id) throw new Error(t('EC2 answered without an endpoint id.'));
  } catch (err) {
    // Nothing was created: the rule added for it goes again.
    if (rule) await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: rule.groupId, IpPermissions: [sshFrom(rule.fromGroupId)] })).catch((e: unknown) => log?.(`eice: taking the rule back failed: ${(e as Error).message}`));
    throw new Error(t('Creating the EC2 Instance Connect Endpoint in {0} failed: {1}', plan.subnet.id, (err as Error).message), { cause: err });
  }
  log?.(`eice: CreateInstanceConnectEndpoint ${id} in ${plan.subnet.id}`);
  return waitForEndpoint(ec2, id, options);
}

/** Polls the endpoint until create-complete; create-failed is an error with AWS's reason. */
async function waitForEndpoint(ec2: EC2Client, id: string, options: ApplyEndpointOptions): Promise<InstanceConnectEndpoint> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  for (;;) {
    if (isCancelled(options.signal)) throw new EndpointWaitLeftError(id);
    const out = await ec2.send(new DescribeInstanceConnectEndpointsCommand({ InstanceConnectEndpointIds: [id] }));
    const e = out.InstanceConnectEndpoints?.[0];
    const state = e?.State ?? '';
    const ready = state === 'create-complete' && e ? toEndpoint(e) : undefined;
    if (ready) return ready;
    if (state === 'create-failed') throw new Error(t('The EC2 Instance Connect Endpoint {0} could not be created: {1}', id, e?.StateMessage || state));
    const minutes = Math.floor((Date.now() - started) / 60_000);
    if (Date.now() - started > timeoutMs) throw new Error(t('The EC2 Instance Connect Endpoint {0} is still {1} after {2} min; it is used once it is ready.', id, state, minutes));
    options.onProgress?.(t('Waiting for the EC2 Instance Connect Endpoint {0} ({1}, {2} s so far; AWS takes minutes). Cancel leaves the wait, not the creation.', id, state || '?', Math.round((Date.now() - started) / 1000)));
    await sleep(options.pollMs ?? 5000, options.signal);
  }
}
