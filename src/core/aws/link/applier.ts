/**
 * Runs a plan against AWS: first a dry run of every EC2 mutation (to prove permissions before
 * anything changes), then the steps in order. When a step fails, or the user cancels, what was
 * done is undone in reverse order, and the error carries both the failure and the rollback.
 *
 * Cancellation aborts the call in flight (through LinkApi.withSignal); the rollback then runs
 * on the API without the signal, so the same cancel cannot stop the undo half way.
 *
 * What is done with each kind of step (its permissions, dry run, call, undo, compensation) is
 * one record of the step table in steps.ts; this module only drives the run and the rollback.
 */
import { t } from '../../l10n';
import { CancelledError, describeError, isCancellation, isSignalled, toAbortSignal, type CancelSignal } from '../../errors';
import { awsErrorCode, isAccessDenied, isAmbiguousFailure } from '../awsErrors';
import { ApplyContext } from './applyContext';
import { countingLinkApi, newCallCounts, type CallCounts } from './callCounter';
import { describeStep } from './planText';
import { permissionsFor, stepKind, type DryRunContext } from './steps';
import type { KeptGroup, LinkApi, PairSide, Plan, PlanStep } from './types';

export { permissionsFor } from './steps';

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

/** The API whose calls `signal` aborts, when the API can be aborted (else the API itself). */
export function signalledApi(api: LinkApi, signal: CancelSignal | AbortSignal | undefined): LinkApi {
  const abort = toAbortSignal(signal);
  return abort && api.withSignal ? api.withSignal(abort) : api;
}

// ---------------------------------------------------------------------------------------------
// Dry run

/** Asks AWS, with DryRun, whether the step would be allowed. */
async function dryRunStep(step: PlanStep, stepIndex: number, ctx: DryRunContext): Promise<DryRunCheck> {
  const permissions = permissionsFor(step);
  const probe = stepKind(step).dryRun(step, ctx);
  const standIn = probe.kind === 'call' && probe.standIn;
  const make = (outcome: DryRunOutcome, detail?: string): DryRunCheck => ({ stepIndex, step, permissions, outcome, standIn, detail });
  if (probe.kind === 'none') return make('notChecked', probe.detail);
  if (!probe.call) return make('notChecked', t('No group of the VPC to stand in for the new one.'));
  try {
    await probe.call();
    // An endpoint that ignores DryRun answers normally; there is nothing more to learn.
    return make('allowed');
  } catch (err) {
    const code = awsErrorCode(err);
    if (code === 'DryRunOperation') return make('allowed');
    if (isAccessDenied(err)) return make('denied', describeError(err));
    if (standIn || probe.dependsOnEarlierSteps) return make('inconclusive', describeError(err));
    return make('failed', describeError(err));
  }
}

/**
 * Asks AWS, with DryRun, whether each EC2 mutation of the plan would be allowed. A step on a
 * group the plan has yet to create runs against the plan's stand-in (an existing group of the
 * same VPC). RDS has no dry run: those steps are reported as not checked.
 */
export async function dryRunPlan(plan: Plan, api: LinkApi, options: RunOptions = {}): Promise<DryRunReport> {
  const counted = countingLinkApi(signalledApi(api, options.signal), newCallCounts());
  const ctx: DryRunContext = { calls: counted.api, standIn: plan.kind === 'link' ? plan.standInGroupId : undefined };
  options.onProgress?.({ phase: 'dryRun', step: 0, total: plan.steps.length, message: t('Checking permissions with a dry run…') });
  const checks = await Promise.all(plan.steps.map((step, stepIndex) => dryRunStep(step, stepIndex, ctx)));
  // An aborted check proves nothing: the run stops here, before any change.
  if (isSignalled(options.signal)) throw new CancelledError(t('Cancelled during the dry run: nothing was changed.'));
  const missingPermissions = [...new Set(checks.filter((c) => c.outcome === 'denied').flatMap((c) => c.permissions))];
  const problems = checks.filter((c) => c.outcome === 'failed').map((c) => `${describeStep(c.step)}: ${c.detail ?? ''}`);
  return { ok: missingPermissions.length === 0 && problems.length === 0, checks, missingPermissions, problems, calls: counted.counts.total };
}

// ---------------------------------------------------------------------------------------------
// Apply

/** One run of a plan: the context the steps share, plus what the run reports. */
interface Run {
  readonly plan: Plan;
  readonly ctx: ApplyContext;
  readonly counts: CallCounts;
  readonly options: ApplyOptions;
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

  let dryRun: DryRunReport | undefined;
  if (options.dryRun !== false) {
    if (cancelled()) throw new CancelledError();
    dryRun = await dryRunPlan(plan, live, options);
    if (!dryRun.ok) throw new DryRunFailedError(dryRun);
  }

  const ctx = new ApplyContext(plan.steps, live, steady, { ...options, sleep, cancelled });
  await runSteps({ plan, ctx, counts, options });
  return { status: 'applied', createdGroups: { ...ctx.created }, deletedGroupIds: ctx.deleted, keptGroups: ctx.kept, dryRun, calls: counts.total };
}

/** Runs the steps in order, recording each one's undo; a failure or a cancel rolls back and throws. */
async function runSteps(run: Run): Promise<void> {
  const { plan, ctx } = run;
  for (const [i, step] of plan.steps.entries()) {
    // An unlink's deletes come once the link is gone; a deleted group cannot come back with its
    // id, so from there on a cancel only stops the waiting between delete attempts.
    if (step.kind !== 'deleteGroup' && ctx.cancelled()) await cancelRun(run, i, step);
    run.options.onProgress?.({ phase: 'apply', step: i + 1, total: plan.steps.length, message: describeStep(step) });
    const kind = stepKind(step);
    try {
      await kind.run(step, ctx);
    } catch (err) {
      if (ctx.cancelled() || isCancellation(err)) await cancelRun(run, i, step, err);
      await failRun(run, i, step, err);
    }
    ctx.journal.record(kind.undo(step, ctx));
  }
}

/** Undoes what was done; resolves never: throws the cancel, or a failure when the undo did not finish. */
async function cancelRun(run: Run, i: number, step: PlanStep, inFlight?: unknown): Promise<never> {
  const total = run.plan.steps.length;
  const report = await rollback(run, inFlight === undefined ? undefined : { step, err: inFlight });
  const where = inFlight === undefined
    ? t('Cancelled before step {0} of {1}.', i + 1, total)
    : t('Cancelled during step {0} of {1} ({2}).', i + 1, total, describeStep(step));
  const message = `${where} ${rollbackSentence(report)}`;
  if (report.complete) throw new ApplyCancelledError(message, i, report, run.counts.total);
  throw new ApplyFailedError(message, i, step, report, run.counts.total, { cause: new CancelledError() });
}

/** Undoes what was done after step `i` failed, and throws what failed with how the undo went. */
async function failRun(run: Run, i: number, step: PlanStep, err: unknown): Promise<never> {
  const report = await rollback(run, { step, err });
  const why = isAccessDenied(err) ? t('{0} (missing permission {1})', describeError(err), permissionsFor(step).join(', ')) : describeError(err);
  throw new ApplyFailedError(
    t('Step {0} of {1} failed: {2}: {3}. {4}', i + 1, run.plan.steps.length, describeStep(step), why, rollbackSentence(report)),
    i,
    step,
    report,
    run.counts.total,
    { cause: err },
  );
}

/**
 * Runs the journal newest first (after the compensation of a failed step AWS may have done
 * anyway), then describes AWS again: "as it was" is said only once AWS shows it.
 */
async function rollback(run: Run, failed?: { step: PlanStep; err: unknown }): Promise<RollbackReport> {
  const { ctx } = run;
  const entries = ctx.journal.newestFirst();
  if (failed && isAmbiguousFailure(failed.err)) {
    const c = stepKind(failed.step).compensate(failed.step, ctx);
    if (c) entries.unshift(c);
  }
  const undone: string[] = [];
  const failures: { action: string; error: string }[] = [];
  const leftovers: string[] = [];
  for (const [i, entry] of entries.entries()) {
    run.options.onProgress?.({ phase: 'rollback', step: i + 1, total: entries.length, message: entry.action });
    try {
      await entry.run();
      undone.push(entry.action);
    } catch (err) {
      failures.push({ action: entry.action, error: describeError(err) });
      leftovers.push(entry.leftover);
    }
  }
  try {
    const found = await stillChanged(run);
    return { complete: found.length === 0, undone, failures, leftovers: found };
  } catch (err) {
    return { complete: false, undone, failures, leftovers: [...leftovers, t('AWS could not be described again to check the rollback ({0})', describeError(err))] };
  }
}

/**
 * Describes AWS again after a rollback and says, as sentences, what still differs from before
 * the run: a group the run created, an interface's or the DB's groups, a rule added or revoked.
 */
async function stillChanged(run: Run): Promise<string[]> {
  const found: string[] = [];
  for (const step of [...run.plan.steps].reverse()) found.push(...(await stepKind(step).remains(step, run.ctx)));
  return found;
}

function rollbackSentence(report: RollbackReport): string {
  if (report.complete && report.undone.length === 0) return t('Nothing had been changed.');
  if (report.complete) return t('Rolled back ({0}): AWS is as it was.', report.undone.join('; '));
  return t('The rollback did not finish; left behind: {0}. Errors: {1}.', report.leftovers.join('; '), report.failures.map((f) => `${f.action}: ${f.error}`).join('; '));
}
