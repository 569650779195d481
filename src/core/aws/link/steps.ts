/**
 * The step table: one record per step kind says everything the applier does with a step of
 * that kind (the IAM actions it needs, its dry run, the call, its undo, the compensation when
 * AWS may have done it although the answer was lost, and what may still differ from before
 * after a rollback). A new kind of step is added here, in one place.
 */
import { t } from '../../l10n';
import { describeError } from '../../errors';
import type { SecurityGroupRule } from '../types';
import { tolerating, type ApplyContext, type UndoEntry } from './applyContext';
import { ALLOW_ALL_EGRESS, egressRuleDescription, ingressRuleDescription, isCreatedByUs, pairRule } from './consoleRules';
import type { GroupRef, LinkApi, PlanStep, RuleDirection, RuleText } from './types';

/** What the dry run of a step needs: the API (with DryRun passed through) and the stand-in group. */
export interface DryRunContext {
  readonly calls: LinkApi;
  /** The plan's stand-in for groups it has yet to create (an existing group of the same VPC). */
  readonly standIn: string | undefined;
}

export type DryRunProbe =
  /** The DryRun call; undefined when no stand-in group was available for a new one. */
  | { readonly kind: 'call'; readonly call: (() => Promise<unknown>) | undefined; readonly standIn: boolean; readonly dependsOnEarlierSteps?: boolean }
  /** The step has no dry run; `detail` says when it is checked instead. */
  | { readonly kind: 'none'; readonly detail: string };

export interface StepKind<S extends PlanStep> {
  /** The IAM actions the step needs. */
  readonly permissions: (step: S) => string[];
  readonly dryRun: (step: S, ctx: DryRunContext) => DryRunProbe;
  /** Makes the change (its undo is recorded once it went through). */
  readonly run: (step: S, ctx: ApplyContext) => Promise<void>;
  /** How to undo the step once it went through; undefined when nothing needs undoing. */
  readonly undo: (step: S, ctx: ApplyContext) => UndoEntry | undefined;
  /** Undo for the step that failed, when AWS may have done it anyway (the answer was lost). */
  readonly compensate: (step: S, ctx: ApplyContext) => UndoEntry | undefined;
  /** After a rollback, AWS described again: what the step left changed, as sentences. */
  readonly remains: (step: S, ctx: ApplyContext) => Promise<string[]>;
}

type StepOf<K extends PlanStep['kind']> = Extract<PlanStep, { kind: K }>;
type StepTable = { readonly [K in PlanStep['kind']]: StepKind<StepOf<K>> };

function ruleText(text: RuleText, peerId: string): string | undefined {
  switch (text.kind) {
    case 'toDb':
      return egressRuleDescription(text.dbId);
    case 'fromPeer':
      return ingressRuleDescription(peerId);
    case 'literal':
      return text.text;
  }
}

/** The rule an authorizeRule step adds, between resolved group ids. */
function authorizedRule(step: StepOf<'authorizeRule'>, peer: string): SecurityGroupRule {
  return pairRule(step.port, peer, ruleText(step.description, peer));
}

function ruleLeftover(groupId: string, port: number, direction: RuleDirection, peer: string): string {
  return t('rule on {0} (TCP {1} {2} {3})', groupId, port, direction === 'egress' ? '→' : '←', peer);
}

const usesStandIn = (...refs: GroupRef[]): boolean => refs.some((r) => r.kind === 'new');
const standInFor = (ref: GroupRef, ctx: DryRunContext): string | undefined => (ref.kind === 'existing' ? ref.id : ctx.standIn);
const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));
const nothing = (): undefined => undefined;
const noRemains = async (): Promise<string[]> => [];

const createGroup: StepKind<StepOf<'createGroup'>> = {
  permissions: () => ['ec2:CreateSecurityGroup', 'ec2:CreateTags'],
  dryRun: (step, { calls }) => ({
    kind: 'call',
    standIn: false,
    call: () => calls.createSecurityGroup({ name: step.name, description: step.description, vpcId: step.vpcId, tags: step.tags }, true),
  }),
  run: async (step, ctx) => {
    let id: string;
    try {
      id = await ctx.live.createSecurityGroup({ name: step.name, description: step.description, vpcId: step.vpcId, tags: step.tags });
    } catch (err) {
      // The answer to our first attempt was lost and the retry met the group it made: the
      // group of that name in that VPC with our tag is ours.
      let ours: string | undefined;
      const found = await ctx.earlierAttemptDidIt(err, 'InvalidGroup.Duplicate', async () => {
        const named = (await ctx.live.describeSecurityGroups({ vpcId: step.vpcId, groupNames: [step.name] })).filter(isCreatedByUs);
        ours = named.length === 1 ? named[0].id : undefined;
        return !!ours;
      });
      if (!found || !ours) throw err;
      id = ours;
    }
    ctx.created[step.side] = id;
  },
  undo: (step, ctx) => {
    const id = ctx.created[step.side];
    if (!id) return undefined;
    return {
      action: t('deleted the new group {0} ({1})', step.name, id),
      leftover: t('security group {0} ({1})', step.name, id),
      run: () => ctx.deleteCreatedGroup(id, step.vpcId),
    };
  },
  compensate: (step, ctx) => ({
    action: t('looked for {0} in case AWS created it', step.name),
    leftover: t('security group {0} may exist', step.name),
    run: async () => {
      const found = await ctx.steady.describeSecurityGroups({ vpcId: step.vpcId, groupNames: [step.name] });
      for (const g of found.filter(isCreatedByUs)) await ctx.deleteCreatedGroup(g.id, step.vpcId);
    },
  }),
  remains: async (step, ctx) => {
    // The name was free when the plan was made: any group of that name is new since.
    const left = await ctx.steady.describeSecurityGroups({ vpcId: step.vpcId, groupNames: [step.name] });
    return left.map((g) => t('security group {0} ({1})', g.name, g.id));
  },
};

const revokeDefaultEgress: StepKind<StepOf<'revokeDefaultEgress'>> = {
  permissions: () => ['ec2:RevokeSecurityGroupEgress'],
  dryRun: (step, ctx) => {
    const id = standInFor(step.group, ctx);
    return { kind: 'call', standIn: usesStandIn(step.group), call: id ? () => ctx.calls.revokeRules('egress', id, [ALLOW_ALL_EGRESS], true) : undefined };
  },
  run: async (step, ctx) => {
    const id = ctx.resolve(step.group);
    if (!ctx.egressOf.has(id)) {
      // One look at every group this run created and still has to clear (usually both).
      const pending = ctx.steps
        .filter((s): s is StepOf<'revokeDefaultEgress'> => s.kind === 'revokeDefaultEgress')
        .map((s) => (s.group.kind === 'existing' ? s.group.id : ctx.created[s.group.side]))
        .filter((g): g is string => !!g);
      const groups = await ctx.whenVisible(true, () => ctx.live.describeSecurityGroups({ groupIds: pending }));
      for (const g of groups) ctx.egressOf.set(g.id, g.egress);
    }
    const rules = ctx.egressOf.get(id) ?? [ALLOW_ALL_EGRESS];
    if (rules.length === 0) return;
    await ctx.whenVisible(usesStandIn(step.group), () => ctx.revokeAfterRetry('egress', id, rules));
  },
  undo: (step, ctx) => {
    // A group this run created is deleted on rollback: no need to give it its egress back.
    if (step.group.kind !== 'existing') return undefined;
    const id = step.group.id;
    const rules = ctx.egressOf.get(id) ?? [ALLOW_ALL_EGRESS];
    if (rules.length === 0) return undefined;
    return {
      action: t('restored the outbound rules of {0}', id),
      leftover: t('outbound rules of {0} not restored', id),
      run: () => ctx.steady.authorizeRules('egress', id, rules),
    };
  },
  compensate: nothing,
  remains: async (step, ctx) => {
    if (step.group.kind !== 'existing') return [];
    const rules = ctx.egressOf.get(step.group.id) ?? [];
    if (rules.length && !(await ctx.rulesAre(true, 'egress', step.group.id, rules, ctx.steady))) return [t('outbound rules of {0} not restored', step.group.id)];
    return [];
  },
};

const authorizeRule: StepKind<StepOf<'authorizeRule'>> = {
  permissions: (step) => [step.direction === 'egress' ? 'ec2:AuthorizeSecurityGroupEgress' : 'ec2:AuthorizeSecurityGroupIngress'],
  dryRun: (step, ctx) => {
    const id = standInFor(step.group, ctx);
    const peer = standInFor(step.peer, ctx);
    const call = id && peer ? () => ctx.calls.authorizeRules(step.direction, id, [authorizedRule(step, peer)], true) : undefined;
    return { kind: 'call', standIn: usesStandIn(step.group, step.peer), call };
  },
  run: async (step, ctx) => {
    const id = ctx.resolve(step.group);
    const rule = authorizedRule(step, ctx.resolve(step.peer));
    await ctx.whenVisible(usesStandIn(step.group, step.peer), () => ctx.authorizeAfterRetry(step.direction, id, [rule]));
  },
  undo: (step, ctx) => {
    const id = ctx.resolve(step.group);
    const peer = ctx.resolve(step.peer);
    const rule = authorizedRule(step, peer);
    return {
      action: t('revoked the new rule on {0}', id),
      leftover: ruleLeftover(id, step.port, step.direction, peer),
      run: () => ctx.steady.revokeRules(step.direction, id, [rule]),
    };
  },
  compensate: (step, ctx) => {
    if (step.group.kind === 'new' && !ctx.created[step.group.side]) return undefined;
    if (step.peer.kind === 'new' && !ctx.created[step.peer.side]) return undefined;
    const id = ctx.resolve(step.group);
    const rule = authorizedRule(step, ctx.resolve(step.peer));
    return {
      action: t('revoked the rule on {0} in case AWS added it', id),
      leftover: t('rule on {0} may exist', id),
      run: tolerating(['InvalidPermission.NotFound'], () => ctx.steady.revokeRules(step.direction, id, [rule])),
    };
  },
  remains: async (step, ctx) => {
    // A rule on a group the run created goes with the group (checked by createGroup).
    if (step.group.kind !== 'existing' || step.peer.kind !== 'existing') return [];
    const rule = pairRule(step.port, step.peer.id);
    if (await ctx.rulesAre(false, step.direction, step.group.id, [rule], ctx.steady)) return [];
    return [ruleLeftover(step.group.id, step.port, step.direction, step.peer.id)];
  },
};

const revokeRule: StepKind<StepOf<'revokeRule'>> = {
  permissions: (step) => [step.direction === 'egress' ? 'ec2:RevokeSecurityGroupEgress' : 'ec2:RevokeSecurityGroupIngress'],
  dryRun: (step, { calls }) => ({ kind: 'call', standIn: false, call: () => calls.revokeRules(step.direction, step.group.id, [step.rule], true) }),
  run: (step, ctx) => ctx.revokeAfterRetry(step.direction, step.group.id, [step.rule]),
  undo: (step, ctx) => ({
    action: t('restored the revoked rule on {0}', step.group.id),
    leftover: t('rule on {0} not restored', step.group.id),
    run: () => ctx.steady.authorizeRules(step.direction, step.group.id, [step.rule]),
  }),
  compensate: (step, ctx) => ({
    action: t('restored the rule on {0} in case AWS revoked it', step.group.id),
    leftover: t('rule on {0} may be missing', step.group.id),
    run: tolerating(['InvalidPermission.Duplicate'], () => ctx.steady.authorizeRules(step.direction, step.group.id, [step.rule])),
  }),
  remains: async (step, ctx) =>
    (await ctx.rulesAre(true, step.direction, step.group.id, [step.rule], ctx.steady)) ? [] : [t('rule on {0} not restored', step.group.id)],
};

const setInterfaceGroups: StepKind<StepOf<'setInterfaceGroups'>> = {
  permissions: () => ['ec2:ModifyNetworkInterfaceAttribute'],
  dryRun: (step, ctx) => {
    const ids = step.next.map((ref) => standInFor(ref, ctx));
    const call = ids.every(Boolean) ? () => ctx.calls.setInterfaceGroups(step.interfaceId, [...new Set(ids as string[])], true) : undefined;
    return { kind: 'call', standIn: usesStandIn(...step.next), call };
  },
  run: async (step, ctx) => {
    const ids = [...new Set(step.next.map((ref) => ctx.resolve(ref)))];
    await ctx.whenVisible(usesStandIn(...step.next), () => ctx.live.setInterfaceGroups(step.interfaceId, ids));
  },
  undo: (step, ctx) => {
    const ids = [...new Set(step.next.map((ref) => ctx.resolve(ref)))];
    return {
      action: t('restored the groups of interface {0}', step.interfaceId),
      leftover: t('interface {0} has groups {1} instead of {2}', step.interfaceId, ids.join(', '), step.previous.join(', ')),
      run: () => ctx.steady.setInterfaceGroups(step.interfaceId, step.previous),
    };
  },
  compensate: (step, ctx) => ({
    action: t('restored the groups of interface {0}', step.interfaceId),
    leftover: t('interface {0} may not have its groups {1}', step.interfaceId, step.previous.join(', ')),
    run: () => ctx.steady.setInterfaceGroups(step.interfaceId, step.previous),
  }),
  remains: async (step, ctx) => {
    const inst = await ctx.steady.describeInstance(step.instanceId);
    const now = inst?.networkInterfaces.find((n) => n.id === step.interfaceId)?.securityGroupIds;
    if (!now || sameSet(now, step.previous)) return [];
    return [t('interface {0} has groups {1} instead of {2}', step.interfaceId, now.join(', '), step.previous.join(', '))];
  },
};

const setDatabaseGroups: StepKind<StepOf<'setDatabaseGroups'>> = {
  permissions: (step) => [step.target.kind === 'cluster' ? 'rds:ModifyDBCluster' : 'rds:ModifyDBInstance'],
  dryRun: (step) => ({ kind: 'none', detail: t('RDS has no dry run; {0} is checked when the step runs.', setDatabaseGroups.permissions(step)[0]) }),
  run: (step, ctx) => ctx.live.setDatabaseGroups(step.target, [...new Set(step.next.map((ref) => ctx.resolve(ref)))]),
  undo: (step, ctx) => {
    const ids = [...new Set(step.next.map((ref) => ctx.resolve(ref)))];
    return {
      action: t('restored the groups of {0}', step.target.id),
      leftover: t('{0} has groups {1} instead of {2}', step.target.id, ids.join(', '), step.previous.join(', ')),
      run: () => ctx.steady.setDatabaseGroups(step.target, step.previous),
    };
  },
  compensate: (step, ctx) => ({
    action: t('restored the groups of {0}', step.target.id),
    leftover: t('{0} may not have its groups {1}', step.target.id, step.previous.join(', ')),
    run: () => ctx.steady.setDatabaseGroups(step.target, step.previous),
  }),
  remains: async (step, ctx) => {
    const now = (await ctx.steady.describeDatabase(step.target))?.securityGroupIds;
    if (!now || sameSet(now, step.previous)) return [];
    return [t('{0} has groups {1} instead of {2}', step.target.id, now.join(', '), step.previous.join(', '))];
  },
};

const deleteGroup: StepKind<StepOf<'deleteGroup'>> = {
  permissions: () => ['ec2:DeleteSecurityGroup'],
  // At dry-run time the group is still attached: only the permission answer counts.
  dryRun: (step, { calls }) => ({ kind: 'call', standIn: false, dependsOnEarlierSteps: true, call: () => calls.deleteSecurityGroup(step.group.id, true) }),
  run: async (step, ctx) => {
    // Best effort: by now the link is gone; a group AWS still holds is reported, not undone.
    try {
      await ctx.deleteGroup(step.group.id, true);
      ctx.deleted.push(step.group.id);
    } catch (err) {
      const reason = ctx.cancelled() ? t('cancelled while AWS still held it ({0})', describeError(err)) : describeError(err);
      ctx.kept.push({ id: step.group.id, name: step.group.name, reason });
    }
  },
  undo: nothing,
  compensate: nothing,
  remains: noRemains,
};

export const STEPS: StepTable = { createGroup, revokeDefaultEgress, authorizeRule, revokeRule, setInterfaceGroups, setDatabaseGroups, deleteGroup };

/** The record of a step's kind. */
export function stepKind<S extends PlanStep>(step: S): StepKind<S> {
  return STEPS[step.kind] as unknown as StepKind<S>;
}

/** The IAM actions a step needs. */
export function permissionsFor(step: PlanStep): string[] {
  return stepKind(step).permissions(step);
}
