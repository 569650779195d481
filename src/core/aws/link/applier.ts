/**
 * Runs a plan against AWS: first a dry run of every EC2 mutation (to prove permissions before
 * anything changes), then the steps in order. When a step fails, or the user cancels, what was
 * done is undone in reverse order, and the error carries both the failure and the rollback.
 *
 * Cancellation aborts the call in flight (through LinkApi.withSignal); the rollback then runs
 * on the API without the signal, so the same cancel cannot stop the undo half way.
 */
import { t } from '../../l10n';
import { CancelledError, describeError, isCancellation, isSignalled, toAbortSignal, type CancelSignal } from '../../errors';
import type { SecurityGroupRule } from '../types';
import { countingLinkApi, newCallCounts } from './callCounter';
import { ALLOW_ALL_EGRESS, egressRuleDescription, ingressRuleDescription, isCreatedByUs, pairRule, sameRule } from './consoleRules';
import { describeStep } from './planText';
import type { GroupRef, KeptGroup, LinkApi, PairSide, Plan, PlanStep, RuleDirection, RuleText } from './types';

export interface Progress {
  readonly phase: 'dryRun' | 'apply' | 'rollback';
  /** 1-based; 0 for the phase as a whole. */
  readonly step: number;
  readonly total: number;
  readonly message: string;
}

export interface RunOptions {
  /** VS Code's CancellationToken fits, and so does an AbortSignal. */
  readonly signal?: CancelSignal | AbortSignal;
  readonly onProgress?: (progress: Progress) => void;
}

export interface ApplyOptions extends RunOptions {
  /** Dry-run the plan before the first change (default true); a failed dry run changes nothing. */
  readonly dryRun?: boolean;
  /**
   * Waits before retrying DeleteSecurityGroup on DependencyViolation: RDS lets go of a group
   * removed from a DB a little after ModifyDBInstance returns.
   */
  readonly deleteRetryDelaysMs?: readonly number[];
  /** Waits before retrying a call on a group created moments ago (EC2 is eventually consistent). */
  readonly consistencyRetryDelaysMs?: readonly number[];
  /** For tests: how to wait. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export type DryRunOutcome =
  /** AWS answered DryRunOperation: the call would have been allowed. */
  | 'allowed'
  /** UnauthorizedOperation: the permission is missing. */
  | 'denied'
  /** No dry run exists (RDS) or no stand-in group was available. */
  | 'notChecked'
  /** Another error on a stand-in or on a step that depends on earlier ones: proves nothing either way. */
  | 'inconclusive'
  /** Another error on a call that should have gone through as planned: the state has changed. */
  | 'failed';

export interface DryRunCheck {
  readonly stepIndex: number;
  readonly step: PlanStep;
  /** The IAM actions the step needs. */
  readonly permissions: readonly string[];
  readonly outcome: DryRunOutcome;
  /** True when the dry run used a stand-in group for one the plan creates. */
  readonly standIn: boolean;
  readonly detail?: string;
}

export interface DryRunReport {
  readonly ok: boolean;
  readonly checks: readonly DryRunCheck[];
  readonly missingPermissions: readonly string[];
  /** Failed checks, as sentences. */
  readonly problems: readonly string[];
  readonly calls: number;
}

export interface RollbackReport {
  /**
   * True when everything done was undone and AWS, described again afterwards, was found as it
   * was before the run (only then does a message say "AWS is as it was").
   */
  readonly complete: boolean;
  /** What was undone, as sentences, in the order it was undone. */
  readonly undone: readonly string[];
  readonly failures: readonly { readonly action: string; readonly error: string }[];
  /** What stays behind in AWS: undos that failed, and what describing AWS again still found. */
  readonly leftovers: readonly string[];
}

export interface ApplyResult {
  readonly status: 'applied' | 'unchanged';
  /** Ids of the groups this run created. */
  readonly createdGroups: Readonly<Partial<Record<PairSide, string>>>;
  readonly deletedGroupIds: readonly string[];
  /** Groups an unlink meant to delete but AWS kept (still in use), with the reason. */
  readonly keptGroups: readonly KeptGroup[];
  readonly dryRun?: DryRunReport;
  /** API calls made by applyPlan, the dry run's included. */
  readonly calls: number;
}

/** The plan was refused (or is not a plan for this): nothing was called. */
export class PlanNotApplicableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanNotApplicableError';
  }
}

/** The dry run found a missing permission or a changed state: nothing was changed. */
export class DryRunFailedError extends Error {
  readonly missingPermissions: readonly string[];
  constructor(readonly report: DryRunReport) {
    super(
      report.missingPermissions.length
        ? t('The dry run found missing permissions: {0}. Nothing was changed.', report.missingPermissions.join(', '))
        : t('The dry run failed: {0}. Nothing was changed; refresh and try again.', report.problems.join('; ')),
    );
    this.name = 'DryRunFailedError';
    this.missingPermissions = report.missingPermissions;
  }
}

/** A step failed (or the run was cancelled with an incomplete rollback); `rollback` says how the undo went. */
export class ApplyFailedError extends Error {
  constructor(
    message: string,
    readonly stepIndex: number,
    readonly step: PlanStep,
    readonly rollback: RollbackReport,
    readonly calls: number,
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'ApplyFailedError';
  }
}

/**
 * The run was cancelled and everything it had done was undone: AWS is as it was. A cancellation
 * (never shown as an error); its message says where it stopped and what the rollback undid.
 */
export class ApplyCancelledError extends CancelledError {
  constructor(
    message: string,
    readonly stepIndex: number,
    readonly rollback: RollbackReport,
    readonly calls: number,
  ) {
    super(message);
  }
}

const DEFAULT_DELETE_RETRY_MS = [2_000, 5_000, 10_000, 20_000, 30_000];
const DEFAULT_CONSISTENCY_RETRY_MS = [500, 1_500, 3_000];

// ---------------------------------------------------------------------------------------------
// Error codes

/** The AWS error code of an SDK error (EC2 puts it in `name`, some shapes in `Code`). */
export function awsErrorCode(err: unknown): string {
  if (!err || typeof err !== 'object') return '';
  const e = err as { name?: string; Code?: string; code?: string };
  return e.Code ?? e.name ?? e.code ?? '';
}

const deniedCodes = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException', 'AuthorizationError']);

export function isDenied(err: unknown): boolean {
  return deniedCodes.has(awsErrorCode(err));
}

/**
 * True when AWS may have done the call although it failed: no HTTP answer (timeout, reset) or
 * a server error. The rollback then also undoes the failed step, tolerating "not found".
 */
export function isAmbiguousFailure(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (isDenied(err)) return false;
  return status === undefined || status >= 500;
}

/**
 * True when the SDK sent the call more than once. An earlier attempt whose answer was lost (a
 * reset, a timeout, a 500) may have done it, so the last attempt's "Duplicate" or "NotFound" can
 * be our own doing: the caller checks AWS before calling it a failure.
 */
export function wasRetried(err: unknown): boolean {
  const attempts = (err as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 1;
}

/** The API whose calls `signal` aborts, when the API can be aborted (else the API itself). */
export function signalledApi(api: LinkApi, signal: CancelSignal | AbortSignal | undefined): LinkApi {
  const abort = toAbortSignal(signal);
  return abort && api.withSignal ? api.withSignal(abort) : api;
}

/** The IAM actions a step needs. */
export function permissionsFor(step: PlanStep): string[] {
  switch (step.kind) {
    case 'createGroup':
      return ['ec2:CreateSecurityGroup', 'ec2:CreateTags'];
    case 'revokeDefaultEgress':
      return ['ec2:RevokeSecurityGroupEgress'];
    case 'authorizeRule':
      return [step.direction === 'egress' ? 'ec2:AuthorizeSecurityGroupEgress' : 'ec2:AuthorizeSecurityGroupIngress'];
    case 'revokeRule':
      return [step.direction === 'egress' ? 'ec2:RevokeSecurityGroupEgress' : 'ec2:RevokeSecurityGroupIngress'];
    case 'setInterfaceGroups':
      return ['ec2:ModifyNetworkInterfaceAttribute'];
    case 'setDatabaseGroups':
      return [step.target.kind === 'cluster' ? 'rds:ModifyDBCluster' : 'rds:ModifyDBInstance'];
    case 'deleteGroup':
      return ['ec2:DeleteSecurityGroup'];
  }
}

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

// ---------------------------------------------------------------------------------------------
// Dry run

/**
 * Asks AWS, with DryRun, whether each EC2 mutation of the plan would be allowed. A step on a
 * group the plan has yet to create runs against the plan's stand-in (an existing group of the
 * same VPC). RDS has no dry run: those steps are reported as not checked.
 */
export async function dryRunPlan(plan: Plan, api: LinkApi, options: RunOptions = {}): Promise<DryRunReport> {
  const counted = countingLinkApi(signalledApi(api, options.signal), newCallCounts());
  const calls = counted.api;
  const standIn = plan.kind === 'link' ? plan.standInGroupId : undefined;
  const total = plan.steps.length;
  options.onProgress?.({ phase: 'dryRun', step: 0, total, message: t('Checking permissions with a dry run…') });

  const resolve = (ref: GroupRef): string | undefined => (ref.kind === 'existing' ? ref.id : standIn);
  const usesStandIn = (...refs: GroupRef[]): boolean => refs.some((r) => r.kind === 'new');

  const checks = await Promise.all(
    plan.steps.map(async (step, stepIndex): Promise<DryRunCheck> => {
      const permissions = permissionsFor(step);
      const make = (outcome: DryRunOutcome, standInUsed: boolean, detail?: string): DryRunCheck => ({ stepIndex, step, permissions, outcome, standIn: standInUsed, detail });
      let call: (() => Promise<unknown>) | undefined;
      let standInUsed = false;
      let dependsOnEarlierSteps = false;
      switch (step.kind) {
        case 'createGroup':
          call = () => calls.createSecurityGroup({ name: step.name, description: step.description, vpcId: step.vpcId, tags: step.tags }, true);
          break;
        case 'revokeDefaultEgress': {
          const id = resolve(step.group);
          standInUsed = usesStandIn(step.group);
          if (id) call = () => calls.revokeRules('egress', id, [ALLOW_ALL_EGRESS], true);
          break;
        }
        case 'authorizeRule': {
          const id = resolve(step.group);
          const peer = resolve(step.peer);
          standInUsed = usesStandIn(step.group, step.peer);
          if (id && peer) call = () => calls.authorizeRules(step.direction, id, [pairRule(step.port, peer, ruleText(step.description, peer))], true);
          break;
        }
        case 'revokeRule':
          call = () => calls.revokeRules(step.direction, step.group.id, [step.rule], true);
          break;
        case 'setInterfaceGroups': {
          const ids = step.next.map(resolve);
          standInUsed = usesStandIn(...step.next);
          if (ids.every(Boolean)) call = () => calls.setInterfaceGroups(step.interfaceId, [...new Set(ids as string[])], true);
          break;
        }
        case 'setDatabaseGroups':
          return make('notChecked', false, t('RDS has no dry run; {0} is checked when the step runs.', permissions[0]));
        case 'deleteGroup':
          // At dry-run time the group is still attached: only the permission answer counts.
          dependsOnEarlierSteps = true;
          call = () => calls.deleteSecurityGroup(step.group.id, true);
          break;
      }
      if (!call) return make('notChecked', standInUsed, t('No group of the VPC to stand in for the new one.'));
      try {
        await call();
        // An endpoint that ignores DryRun answers normally; there is nothing more to learn.
        return make('allowed', standInUsed);
      } catch (err) {
        const code = awsErrorCode(err);
        if (code === 'DryRunOperation') return make('allowed', standInUsed);
        if (isDenied(err)) return make('denied', standInUsed, describeError(err));
        if (standInUsed || dependsOnEarlierSteps) return make('inconclusive', standInUsed, describeError(err));
        return make('failed', standInUsed, describeError(err));
      }
    }),
  );
  // An aborted check proves nothing: the run stops here, before any change.
  if (isSignalled(options.signal)) throw new CancelledError(t('Cancelled during the dry run: nothing was changed.'));
  const missingPermissions = [...new Set(checks.filter((c) => c.outcome === 'denied').flatMap((c) => c.permissions))];
  const problems = checks.filter((c) => c.outcome === 'failed').map((c) => `${describeStep(c.step)}: ${c.detail ?? ''}`);
  return { ok: missingPermissions.length === 0 && problems.length === 0, checks, missingPermissions, problems, calls: counted.counts.total };
}

// ---------------------------------------------------------------------------------------------
// Apply

interface UndoEntry {
  /** What the undo does, for the report. */
  readonly action: string;
  /** What stays in AWS if the undo fails. */
  readonly leftover: string;
  readonly run: () => Promise<void>;
}

/**
 * Applies a ready plan. Resolves with what changed; throws PlanNotApplicableError (refused plan),
 * DryRunFailedError (nothing changed), CancelledError (cancelled and fully rolled back) or
 * ApplyFailedError (a step failed; its `rollback` says whether AWS is back as it was).
 */
export async function applyPlan(plan: Plan, api: LinkApi, options: ApplyOptions = {}): Promise<ApplyResult> {
  if (plan.status === 'alreadyLinked' || plan.status === 'notLinked' || (plan.status === 'ready' && plan.steps.length === 0)) {
    return { status: 'unchanged', createdGroups: {}, deletedGroupIds: [], keptGroups: [], calls: 0 };
  }
  if (plan.status !== 'ready') throw new PlanNotApplicableError(plan.refusal?.message ?? t('The plan cannot be applied.'));

  const counts = newCallCounts();
  const signal = options.signal;
  const cancelled = (): boolean => isSignalled(signal);
  // `live` calls end when the user cancels; `steady` calls (undo, deletes) run to their end.
  const live = countingLinkApi(signalledApi(api, signal), counts).api;
  const steady = countingLinkApi(api, counts).api;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const total = plan.steps.length;

  let dryRun: DryRunReport | undefined;
  if (options.dryRun !== false) {
    if (cancelled()) throw new CancelledError();
    dryRun = await dryRunPlan(plan, live, options);
    if (!dryRun.ok) throw new DryRunFailedError(dryRun);
  }

  const created: Partial<Record<PairSide, string>> = {};
  const egressOf = new Map<string, readonly SecurityGroupRule[]>();
  const undo: UndoEntry[] = [];
  const deleted: string[] = [];
  const kept: KeptGroup[] = [];

  const resolve = (ref: GroupRef): string => {
    if (ref.kind === 'existing') return ref.id;
    const id = created[ref.side];
    if (!id) throw new Error(`internal: ${ref.name} is used before it is created`);
    return id;
  };
  const touchesNew = (...refs: GroupRef[]): boolean => refs.some((r) => r.kind === 'new');

  /** Retries `fn` while AWS does not yet see a group created moments ago. */
  const whenVisible = async <T>(fresh: boolean, fn: () => Promise<T>): Promise<T> => {
    const delays = fresh ? options.consistencyRetryDelaysMs ?? DEFAULT_CONSISTENCY_RETRY_MS : [];
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (attempt >= delays.length || !awsErrorCode(err).endsWith('.NotFound')) throw err;
        await sleep(delays[attempt]);
        if (cancelled()) throw new CancelledError();
      }
    }
  };

  /**
   * Deletes a group, retrying while AWS says something still depends on it. Never aborted: a
   * rollback must finish, and an unlink's deletes come after the link is gone. `stopWhenCancelled`
   * (the unlink's deletes) stops the retries, not the call.
   */
  const deleteGroup = async (groupId: string, stopWhenCancelled = false): Promise<void> => {
    const delays = options.deleteRetryDelaysMs ?? DEFAULT_DELETE_RETRY_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await steady.deleteSecurityGroup(groupId);
        return;
      } catch (err) {
        // The retry of a delete whose answer was lost finds the group gone: our delete did it.
        if (awsErrorCode(err) === 'InvalidGroup.NotFound' && (attempt > 0 || wasRetried(err))) return;
        if (attempt >= delays.length || awsErrorCode(err) !== 'DependencyViolation' || (stopWhenCancelled && cancelled())) throw err;
        await sleep(delays[attempt]);
      }
    }
  };

  /**
   * Deletes a group this run created. AWS refuses to delete a group that a rule names, so every
   * rule that refers to it goes first, on both sides (its own rules to the peer, and the rules
   * of the VPC's groups that name it); only rules made since it exists can name it.
   */
  const deleteCreatedGroup = async (groupId: string, vpcId: string): Promise<void> => {
    const groups = await steady.describeSecurityGroups({ vpcId });
    for (const g of groups) {
      for (const direction of ['ingress', 'egress'] as const) {
        const naming = g[direction].filter((r) => r.peerGroupId === groupId);
        if (naming.length) await revokeIfThere(direction, g.id, naming);
      }
    }
    await deleteGroup(groupId);
  };

  /** Revokes rules, taking "not found" for done (an undo may find AWS never added them). */
  const revokeIfThere = async (direction: RuleDirection, groupId: string, rules: readonly SecurityGroupRule[]): Promise<void> => {
    try {
      await steady.revokeRules(direction, groupId, rules);
    } catch (err) {
      if (awsErrorCode(err) !== 'InvalidPermission.NotFound') throw err;
    }
  };

  /** Whether `group` holds each of `rules` (`present`), or none of them (`!present`). */
  const rulesAre = async (present: boolean, direction: RuleDirection, groupId: string, rules: readonly SecurityGroupRule[], via = live): Promise<boolean> => {
    const [g] = await via.describeSecurityGroups({ groupIds: [groupId] });
    if (!g) return !present;
    return rules.every((r) => g[direction].some((x) => sameRule(x, r)) === present);
  };

  /**
   * A retried call answered `code` (Duplicate, NotFound): that is a failure only if AWS does not
   * show what the call was for. `done` describes AWS again and says whether it does.
   */
  const earlierAttemptDidIt = async (err: unknown, code: string, done: () => Promise<boolean>): Promise<boolean> =>
    wasRetried(err) && awsErrorCode(err) === code && (await done());

  /** Revokes; a retry's NotFound is fine when the rules are indeed gone. */
  const revokeAfterRetry = async (direction: RuleDirection, groupId: string, rules: readonly SecurityGroupRule[]): Promise<void> => {
    try {
      await live.revokeRules(direction, groupId, rules);
    } catch (err) {
      if (!(await earlierAttemptDidIt(err, 'InvalidPermission.NotFound', () => rulesAre(false, direction, groupId, rules)))) throw err;
    }
  };

  /** Authorizes; a retry's Duplicate is fine when the rules are indeed there. */
  const authorizeAfterRetry = async (direction: RuleDirection, groupId: string, rules: readonly SecurityGroupRule[]): Promise<void> => {
    try {
      await live.authorizeRules(direction, groupId, rules);
    } catch (err) {
      if (!(await earlierAttemptDidIt(err, 'InvalidPermission.Duplicate', () => rulesAre(true, direction, groupId, rules)))) throw err;
    }
  };

  const runStep = async (step: PlanStep): Promise<void> => {
    switch (step.kind) {
      case 'createGroup': {
        let id: string;
        try {
          id = await live.createSecurityGroup({ name: step.name, description: step.description, vpcId: step.vpcId, tags: step.tags });
        } catch (err) {
          // The answer to our first attempt was lost and the retry met the group it made: the
          // group of that name in that VPC with our tag is ours.
          let ours: string | undefined;
          const found = await earlierAttemptDidIt(err, 'InvalidGroup.Duplicate', async () => {
            const named = (await live.describeSecurityGroups({ vpcId: step.vpcId, groupNames: [step.name] })).filter(isCreatedByUs);
            ours = named.length === 1 ? named[0].id : undefined;
            return !!ours;
          });
          if (!found || !ours) throw err;
          id = ours;
        }
        created[step.side] = id;
        undo.push({
          action: t('deleted the new group {0} ({1})', step.name, id),
          leftover: t('security group {0} ({1})', step.name, id),
          run: () => deleteCreatedGroup(id, step.vpcId),
        });
        return;
      }
      case 'revokeDefaultEgress': {
        const id = resolve(step.group);
        if (!egressOf.has(id)) {
          // One look at every group this run created and still has to clear (usually both).
          const pending = plan.steps
            .filter((s): s is Extract<PlanStep, { kind: 'revokeDefaultEgress' }> => s.kind === 'revokeDefaultEgress')
            .map((s) => (s.group.kind === 'existing' ? s.group.id : created[s.group.side]))
            .filter((g): g is string => !!g);
          const groups = await whenVisible(true, () => live.describeSecurityGroups({ groupIds: pending }));
          for (const g of groups) egressOf.set(g.id, g.egress);
        }
        const rules = egressOf.get(id) ?? [ALLOW_ALL_EGRESS];
        if (rules.length === 0) return;
        await whenVisible(touchesNew(step.group), () => revokeAfterRetry('egress', id, rules));
        // A group this run created is deleted on rollback: no need to give it its egress back.
        if (step.group.kind === 'existing') {
          undo.push({
            action: t('restored the outbound rules of {0}', id),
            leftover: t('outbound rules of {0} not restored', id),
            run: () => steady.authorizeRules('egress', id, rules),
          });
        }
        return;
      }
      case 'authorizeRule': {
        const id = resolve(step.group);
        const peer = resolve(step.peer);
        const rule = pairRule(step.port, peer, ruleText(step.description, peer));
        await whenVisible(touchesNew(step.group, step.peer), () => authorizeAfterRetry(step.direction, id, [rule]));
        undo.push({
          action: t('revoked the new rule on {0}', id),
          leftover: t('rule on {0} (TCP {1} {2} {3})', id, step.port, step.direction === 'egress' ? '→' : '←', peer),
          run: () => steady.revokeRules(step.direction, id, [rule]),
        });
        return;
      }
      case 'revokeRule': {
        const id = step.group.id;
        await revokeAfterRetry(step.direction, id, [step.rule]);
        undo.push({
          action: t('restored the revoked rule on {0}', id),
          leftover: t('rule on {0} not restored', id),
          run: () => steady.authorizeRules(step.direction, id, [step.rule]),
        });
        return;
      }
      case 'setInterfaceGroups': {
        const ids = [...new Set(step.next.map(resolve))];
        await whenVisible(touchesNew(...step.next), () => live.setInterfaceGroups(step.interfaceId, ids));
        undo.push({
          action: t('restored the groups of interface {0}', step.interfaceId),
          leftover: t('interface {0} has groups {1} instead of {2}', step.interfaceId, ids.join(', '), step.previous.join(', ')),
          run: () => steady.setInterfaceGroups(step.interfaceId, step.previous),
        });
        return;
      }
      case 'setDatabaseGroups': {
        const ids = [...new Set(step.next.map(resolve))];
        await live.setDatabaseGroups(step.target, ids);
        undo.push({
          action: t('restored the groups of {0}', step.target.id),
          leftover: t('{0} has groups {1} instead of {2}', step.target.id, ids.join(', '), step.previous.join(', ')),
          run: () => steady.setDatabaseGroups(step.target, step.previous),
        });
        return;
      }
      case 'deleteGroup': {
        // Best effort: by now the link is gone; a group AWS still holds is reported, not undone.
        try {
          await deleteGroup(step.group.id, true);
          deleted.push(step.group.id);
        } catch (err) {
          const reason = cancelled() ? t('cancelled while AWS still held it ({0})', describeError(err)) : describeError(err);
          kept.push({ id: step.group.id, name: step.group.name, reason });
        }
        return;
      }
    }
  };

  /** Undo for the step that failed, when AWS may have done it anyway (the answer was lost). */
  const compensationFor = (step: PlanStep): UndoEntry | undefined => {
    const tolerate = (codes: string[], fn: () => Promise<void>) => async () => {
      try {
        await fn();
      } catch (err) {
        if (!codes.includes(awsErrorCode(err))) throw err;
      }
    };
    switch (step.kind) {
      case 'createGroup':
        return {
          action: t('looked for {0} in case AWS created it', step.name),
          leftover: t('security group {0} may exist', step.name),
          run: async () => {
            const found = await steady.describeSecurityGroups({ vpcId: step.vpcId, groupNames: [step.name] });
            for (const g of found.filter(isCreatedByUs)) await deleteCreatedGroup(g.id, step.vpcId);
          },
        };
      case 'authorizeRule': {
        if (step.group.kind === 'new' && !created[step.group.side]) return undefined;
        if (step.peer.kind === 'new' && !created[step.peer.side]) return undefined;
        const id = resolve(step.group);
        const peer = resolve(step.peer);
        const rule = pairRule(step.port, peer, ruleText(step.description, peer));
        return {
          action: t('revoked the rule on {0} in case AWS added it', id),
          leftover: t('rule on {0} may exist', id),
          run: tolerate(['InvalidPermission.NotFound'], () => steady.revokeRules(step.direction, id, [rule])),
        };
      }
      case 'revokeRule':
        return {
          action: t('restored the rule on {0} in case AWS revoked it', step.group.id),
          leftover: t('rule on {0} may be missing', step.group.id),
          run: tolerate(['InvalidPermission.Duplicate'], () => steady.authorizeRules(step.direction, step.group.id, [step.rule])),
        };
      case 'setInterfaceGroups':
        return {
          action: t('restored the groups of interface {0}', step.interfaceId),
          leftover: t('interface {0} may not have its groups {1}', step.interfaceId, step.previous.join(', ')),
          run: () => steady.setInterfaceGroups(step.interfaceId, step.previous),
        };
      case 'setDatabaseGroups':
        return {
          action: t('restored the groups of {0}', step.target.id),
          leftover: t('{0} may not have its groups {1}', step.target.id, step.previous.join(', ')),
          run: () => steady.setDatabaseGroups(step.target, step.previous),
        };
      case 'revokeDefaultEgress':
      case 'deleteGroup':
        return undefined;
    }
  };

  /**
   * Describes AWS again after a rollback and says, as sentences, what still differs from before
   * the run: a group the run created, an interface's or the DB's groups, a rule added or revoked.
   */
  const stillChanged = async (): Promise<string[]> => {
    const found: string[] = [];
    const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));
    for (const step of [...plan.steps].reverse()) {
      switch (step.kind) {
        case 'createGroup': {
          // The name was free when the plan was made: any group of that name is new since.
          const left = await steady.describeSecurityGroups({ vpcId: step.vpcId, groupNames: [step.name] });
          for (const g of left) found.push(t('security group {0} ({1})', g.name, g.id));
          break;
        }
        case 'setInterfaceGroups': {
          const inst = await steady.describeInstance(step.instanceId);
          const now = inst?.networkInterfaces.find((n) => n.id === step.interfaceId)?.securityGroupIds;
          if (now && !sameSet(now, step.previous)) found.push(t('interface {0} has groups {1} instead of {2}', step.interfaceId, now.join(', '), step.previous.join(', ')));
          break;
        }
        case 'setDatabaseGroups': {
          const now = (await steady.describeDatabase(step.target))?.securityGroupIds;
          if (now && !sameSet(now, step.previous)) found.push(t('{0} has groups {1} instead of {2}', step.target.id, now.join(', '), step.previous.join(', ')));
          break;
        }
        case 'revokeRule':
          if (!(await rulesAre(true, step.direction, step.group.id, [step.rule], steady))) found.push(t('rule on {0} not restored', step.group.id));
          break;
        case 'authorizeRule':
          // A rule on a group the run created goes with the group (checked above).
          if (step.group.kind === 'existing' && step.peer.kind === 'existing') {
            const rule = pairRule(step.port, step.peer.id);
            if (!(await rulesAre(false, step.direction, step.group.id, [rule], steady))) found.push(t('rule on {0} (TCP {1} {2} {3})', step.group.id, step.port, step.direction === 'egress' ? '→' : '←', step.peer.id));
          }
          break;
        case 'revokeDefaultEgress':
          if (step.group.kind === 'existing') {
            const rules = egressOf.get(step.group.id) ?? [];
            if (rules.length && !(await rulesAre(true, 'egress', step.group.id, rules, steady))) found.push(t('outbound rules of {0} not restored', step.group.id));
          }
          break;
        case 'deleteGroup':
          break;
      }
    }
    return found;
  };

  const rollback = async (failed?: { step: PlanStep; err: unknown }): Promise<RollbackReport> => {
    const entries = [...undo].reverse();
    if (failed && isAmbiguousFailure(failed.err)) {
      const c = compensationFor(failed.step);
      if (c) entries.unshift(c);
    }
    const undone: string[] = [];
    const failures: { action: string; error: string }[] = [];
    const leftovers: string[] = [];
    for (const [i, entry] of entries.entries()) {
      options.onProgress?.({ phase: 'rollback', step: i + 1, total: entries.length, message: entry.action });
      try {
        await entry.run();
        undone.push(entry.action);
      } catch (err) {
        failures.push({ action: entry.action, error: describeError(err) });
        leftovers.push(entry.leftover);
      }
    }
    // "As it was" is said only once AWS, described again, shows it.
    try {
      const found = await stillChanged();
      return { complete: found.length === 0, undone, failures, leftovers: found };
    } catch (err) {
      return { complete: false, undone, failures, leftovers: [...leftovers, t('AWS could not be described again to check the rollback ({0})', describeError(err))] };
    }
  };

  /** Undoes what was done; resolves never: throws the cancel, or a failure when the undo did not finish. */
  const cancelRun = async (i: number, step: PlanStep, inFlight?: unknown): Promise<never> => {
    const report = await rollback(inFlight === undefined ? undefined : { step, err: inFlight });
    const where = inFlight === undefined
      ? t('Cancelled before step {0} of {1}.', i + 1, total)
      : t('Cancelled during step {0} of {1} ({2}).', i + 1, total, describeStep(step));
    const message = `${where} ${rollbackSentence(report)}`;
    if (report.complete) throw new ApplyCancelledError(message, i, report, counts.total);
    throw new ApplyFailedError(message, i, step, report, counts.total, { cause: new CancelledError() });
  };

  for (const [i, step] of plan.steps.entries()) {
    // An unlink's deletes come once the link is gone; a deleted group cannot come back with its
    // id, so from there on a cancel only stops the waiting between delete attempts.
    if (step.kind !== 'deleteGroup' && cancelled()) await cancelRun(i, step);
    options.onProgress?.({ phase: 'apply', step: i + 1, total, message: describeStep(step) });
    try {
      await runStep(step);
    } catch (err) {
      if (cancelled() || isCancellation(err)) await cancelRun(i, step, err);
      const report = await rollback({ step, err });
      const why = isDenied(err) ? t('{0} (missing permission {1})', describeError(err), permissionsFor(step).join(', ')) : describeError(err);
      throw new ApplyFailedError(
        t('Step {0} of {1} failed: {2}: {3}. {4}', i + 1, total, describeStep(step), why, rollbackSentence(report)),
        i,
        step,
        report,
        counts.total,
        { cause: err },
      );
    }
  }
  return { status: 'applied', createdGroups: { ...created }, deletedGroupIds: deleted, keptGroups: kept, dryRun, calls: counts.total };
}

function rollbackSentence(report: RollbackReport): string {
  if (report.complete && report.undone.length === 0) return t('Nothing had been changed.');
  if (report.complete) return t('Rolled back ({0}): AWS is as it was.', report.undone.join('; '));
  return t('The rollback did not finish; left behind: {0}. Errors: {1}.', report.leftovers.join('; '), report.failures.map((f) => `${f.action}: ${f.error}`).join('; '));
}
