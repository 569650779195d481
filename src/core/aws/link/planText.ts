/**
 * A plan as text a person can read before confirming (the VS Code layer shows it in the confirm
 * dialog and the log). It opens with a few sentences in words — what the instance will reach,
 * which groups are created, reused or deleted, what changes on the instance and on the DB — and
 * the steps with their group and interface ids follow, for whoever wants to check them in AWS.
 */
import { t } from '../../l10n';
import type { SecurityGroupRule } from '../types';
import type { DefaultGroupFallback, GroupRef, LinkPlan, PlanStep, UnlinkPlan } from './types';

function refLabel(ref: GroupRef): string {
  return ref.kind === 'new' ? t('{0} (new)', ref.name) : ref.name === ref.id ? ref.id : `${ref.name} (${ref.id})`;
}

function ruleLabel(rule: SecurityGroupRule): string {
  const ports = rule.fromPort === undefined ? t('all ports') : rule.fromPort === rule.toPort ? `${rule.protocol} ${rule.fromPort}` : `${rule.protocol} ${rule.fromPort}-${rule.toPort}`;
  const peer = rule.peerGroupId ?? [...rule.cidrs, ...rule.ipv6Cidrs, ...rule.prefixListIds].join(', ');
  return `${ports} ${peer}`;
}

/** One line per step, for the plan preview. */
export function describeStep(step: PlanStep): string {
  switch (step.kind) {
    case 'createGroup':
      return t('Create security group {0} in {1}', step.name, step.vpcId);
    case 'revokeDefaultEgress':
      return t('Remove the default allow-all outbound rule of {0}', refLabel(step.group));
    case 'authorizeRule':
      return step.direction === 'egress'
        ? t('Allow {0} outbound on TCP {1} to {2}', refLabel(step.group), step.port, refLabel(step.peer))
        : t('Allow {0} inbound on TCP {1} from {2}', refLabel(step.group), step.port, refLabel(step.peer));
    case 'revokeRule':
      return step.direction === 'egress'
        ? t('Revoke the outbound rule {0} of {1}', ruleLabel(step.rule), refLabel(step.group))
        : t('Revoke the inbound rule {0} of {1}', ruleLabel(step.rule), refLabel(step.group));
    case 'setInterfaceGroups':
      return t('Set the groups of network interface {0} (instance {1}) to {2}', step.interfaceId, step.instanceId, step.next.map(refLabel).join(', ') || t('none'));
    case 'setDatabaseGroups':
      return step.target.kind === 'cluster'
        ? t('Set the groups of Aurora cluster {0} to {1}', step.target.id, step.next.map(refLabel).join(', '))
        : t('Set the groups of DB instance {0} to {1}', step.target.id, step.next.map(refLabel).join(', '));
    case 'deleteGroup':
      return t('Delete security group {0}', refLabel(step.group));
  }
}

function describeFallback(f: DefaultGroupFallback): string {
  const where = f.resource.kind === 'interface'
    ? t('network interface {0} (instance {1})', f.resource.id, f.resource.instanceId)
    : f.resource.target.kind === 'cluster'
      ? t('Aurora cluster {0}', f.resource.target.id)
      : t('DB instance {0}', f.resource.target.id);
  const group = (g: { id: string; name: string }): string => `${g.name} (${g.id})`;
  return t(
    'Warning: {0} is the only security group of {1}. AWS requires one, so the VPC\'s default group {2} takes its place, and it may allow more than {0} did (by default it admits all traffic from anything that holds it, and all outbound traffic). Check its rules, or add a group of your own first.',
    group(f.removed),
    where,
    group(f.fallback),
  );
}

/** The steps, numbered, under a heading that says the ids are there to check. */
function stepLines(steps: readonly PlanStep[]): string[] {
  return ['', t('The steps, with the ids AWS will see:'), ...steps.map((s, i) => `${i + 1}. ${describeStep(s)}`)];
}

/** The sentences that open a link plan. */
function linkSummary(plan: LinkPlan): string[] {
  const who = plan.instanceName ?? plan.instanceId;
  const ec2 = plan.ec2Group?.name ?? '';
  const rds = plan.rdsGroup?.name ?? '';
  const dbLabel = plan.dbTarget.kind === 'cluster' && plan.dbTarget.id !== plan.dbId ? t('{0} (Aurora cluster {1})', plan.dbId, plan.dbTarget.id) : plan.dbId;
  const created = plan.ec2Group?.action === 'create';
  return [
    t('{0} will be able to connect to {1} on TCP port {2}. Nothing else is opened: the database admits this port only from instances that hold {3}.', who, dbLabel, plan.port ?? '?', ec2),
    created
      ? t('Groups: two new security groups, {0} for the instance and {1} for the database, each with one rule that names the other (as the RDS console makes them).', ec2, rds)
      : t('Groups: the existing pair {0} and {1} is reused; no group is created.', ec2, rds),
    plan.ec2Group?.attach
      ? t('On the instance: {0} is added to its network interface; the groups it has stay.', ec2)
      : t('On the instance: nothing changes (it already holds {0}).', ec2),
    plan.rdsGroup?.attach
      ? t('On the database: {0} is added to its security groups; the groups it has stay. The change applies at once, without a restart.', rds)
      : t('On the database: nothing changes (it already holds {0}).', rds),
  ];
}

/** The sentences that open an unlink plan. */
function unlinkSummary(plan: UnlinkPlan): string[] {
  const detachesInstance = plan.steps.some((s) => s.kind === 'setInterfaceGroups');
  const detachesDb = plan.steps.some((s) => s.kind === 'setDatabaseGroups');
  const deleted = [plan.ec2Group, plan.rdsGroup].filter((g) => plan.deletesGroupIds.includes(g.id)).map((g) => g.name);
  return [
    t('{0} will no longer be able to connect to {1} through {2} and {3}.', plan.instanceId, plan.dbTarget.id, plan.ec2Group.name, plan.rdsGroup.name),
    ...(deleted.length === 2 ? [t('Groups: {0} and {1} are deleted, since nothing else uses them.', deleted[0], deleted[1])] : []),
    ...(deleted.length === 1 ? [t('Groups: {0} is deleted, since nothing else uses it.', deleted[0])] : []),
    ...plan.keptGroups.map((k) => t('Keeps {0}: {1}.', k.name, k.reason)),
    detachesInstance
      ? t('On the instance: {0} is removed from its network interface; its other groups stay.', plan.ec2Group.name)
      : t('On the instance: nothing changes.'),
    detachesDb
      ? t('On the database: {0} is removed from its security groups; its other groups stay.', plan.rdsGroup.name)
      : t('On the database: nothing changes; {0} stays for the others that use it.', plan.rdsGroup.name),
  ];
}

/** The plan as lines a person can read before confirming: the summary in words, then the steps. */
export function describePlan(plan: LinkPlan | UnlinkPlan): string[] {
  if (plan.kind === 'link') {
    if (plan.status === 'refused') return [plan.refusal?.message ?? t('The link was refused.')];
    if (plan.status === 'alreadyLinked') {
      return [t('{0} can already connect to {1} on TCP port {2}.', plan.instanceName ?? plan.instanceId, plan.dbId, plan.port ?? '?'), t('Already linked through {0} and {1}: nothing to change.', plan.ec2Group?.name ?? '', plan.rdsGroup?.name ?? '')];
    }
    return [...linkSummary(plan), ...stepLines(plan.steps)];
  }
  if (plan.status !== 'ready') return [plan.refusal?.message ?? t('Nothing to unlink.')];
  return [...unlinkSummary(plan), ...plan.sideEffects, ...plan.defaultGroupFallbacks.map(describeFallback), ...stepLines(plan.steps)];
}
