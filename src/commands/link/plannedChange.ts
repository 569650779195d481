/**
 * The one flow of a change to security groups (a link or an unlink): plan from fresh AWS state,
 * show the plan, plan again right before applying, then the applier's dry run and apply (with
 * rollback), and refresh the region. Link and unlink differ only in what `PlannedChange` says.
 */
import * as vscode from 'vscode';
import type { ApplyResult, LinkApi, Plan } from '../../core/aws/index';
import { confirmModal } from '../../ui/confirm';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

export interface LinkOutcome {
  readonly status: 'applied' | 'unchanged' | 'alreadyLinked';
  readonly plan: readonly string[];
  readonly result?: ApplyResult;
}

/** What a link or an unlink says and does at each point of the flow. */
export interface PlannedChange<P extends Plan> {
  readonly region: string;
  /** "Link" or "Unlink", for the log. */
  readonly logName: string;
  /** The progress title while AWS is read for the plan. */
  readonly reading: string;
  readonly prepare: (api: LinkApi, signal: vscode.CancellationToken) => Promise<P>;
  /** The message of a refusal that gives none. */
  readonly refused: string;
  /** For a plan with nothing to do: tells the person and returns the outcome; undefined when there is work. */
  readonly settle: (plan: P, lines: readonly string[]) => Promise<LinkOutcome | undefined>;
  /** The modal question before applying. */
  readonly question: (plan: P) => { readonly message: string; readonly action: string; readonly destructive?: boolean };
  /** The progress title while applying. */
  readonly applying: (plan: P) => string;
  /** Tells the person (and the log) what was done. */
  readonly applied: (plan: P, result: ApplyResult) => void;
}

/** Reads AWS for a plan under a cancellable progress: a cancel ends the call in flight. */
function readPlan<P extends Plan>(deps: Deps, title: string, prepare: (signal: vscode.CancellationToken) => Promise<P>): Promise<P> {
  return deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => prepare(token));
}

function runPlan(deps: Deps, title: string, plan: Plan, api: LinkApi): Promise<ApplyResult> {
  const aws = deps.core.aws();
  return deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    let last = 0;
    // The token aborts the call in flight too; the applier's rollback runs without it.
    return aws.applyPlan(plan, api, {
      signal: token,
      onProgress: (p) => {
        deps.log.info(`${p.phase} ${p.step}/${p.total}: ${p.message}`);
        const done = p.total ? Math.round((p.step / p.total) * 100) : 0;
        progress.report({ message: p.message, increment: p.phase === 'apply' ? Math.max(0, done - last) : undefined });
        if (p.phase === 'apply') last = done;
      },
    });
  }).catch((err: unknown) => {
    // A cancel is never shown as an error; what the rollback did still deserves a word.
    if (err instanceof aws.ApplyCancelledError) void deps.ui.showInformationMessage(err.message, {});
    throw err;
  });
}

/** Plans again right before applying: AWS may have changed while the plan was on screen. */
function ensureUnchanged(deps: Deps, shown: Plan, fresh: Plan): void {
  if (!deps.core.aws().samePlan(shown, fresh)) {
    throw new Error(l('AWS changed while the plan was shown (another change to these security groups?). Nothing was changed; run the command again to see the new plan.'));
  }
}

/** Plans, shows, re-plans, applies and refreshes; `confirmed` (automation) skips the question and the re-plan. */
export async function runPlannedChange<P extends Plan>(deps: Deps, change: PlannedChange<P>, confirmed: boolean): Promise<LinkOutcome> {
  const api = deps.store.linkApi(change.region);
  const prepare = (): Promise<P> => readPlan(deps, change.reading, (signal) => change.prepare(api, signal));
  const plan = await prepare();
  const lines = deps.core.aws().describePlan(plan);
  deps.log.info(`${change.logName} plan (${plan.status}):\n  ${lines.join('\n  ')}`);
  if (plan.status === 'refused') throw new Error(plan.refusal?.message ?? change.refused);
  const settled = await change.settle(plan, lines);
  if (settled) return settled;
  if (!confirmed) {
    const question = change.question(plan);
    await confirmModal(deps.ui, question.message, lines.join('\n'), question.action, { destructive: question.destructive });
    ensureUnchanged(deps, plan, await prepare());
  }
  // Refreshed after a failure too: an incomplete rollback leaves real groups to show.
  const result = await runPlan(deps, change.applying(plan), plan, api).finally(() => deps.store.reloadRegion(change.region));
  change.applied(plan, result);
  return { status: result.status, plan: lines, result };
}
