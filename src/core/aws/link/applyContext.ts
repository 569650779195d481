/**
 * What the steps of one run share: the two APIs (one the user's cancel aborts, one it does not),
 * the groups created so far, the egress found on them, the undo journal, and the careful calls
 * (retries while EC2 catches up, deletes that wait for RDS to let go, "did the lost attempt do
 * it?" checks). The step table (steps.ts) uses them; applier.ts drives the run.
 */
import { CancelledError } from '../../errors';
import { awsErrorCode, wasRetried } from '../awsErrors';
import type { SecurityGroupRule } from '../types';
import { sameRule } from './consoleRules';
import type { GroupRef, KeptGroup, LinkApi, PairSide, PlanStep, RuleDirection } from './types';

export const DEFAULT_DELETE_RETRY_MS = [2_000, 5_000, 10_000, 20_000, 30_000];
export const DEFAULT_CONSISTENCY_RETRY_MS = [500, 1_500, 3_000];

/** One thing to undo, recorded when its step went through. */
export interface UndoEntry {
  /** What the undo does, for the report. */
  readonly action: string;
  /** What stays in AWS if the undo fails. */
  readonly leftover: string;
  readonly run: () => Promise<void>;
}

/** What was done, newest last; the rollback reads it newest first. */
export class UndoJournal {
  private readonly entries: UndoEntry[] = [];

  record(entry: UndoEntry | undefined): void {
    if (entry) this.entries.push(entry);
  }

  newestFirst(): UndoEntry[] {
    return [...this.entries].reverse();
  }
}

export interface ContextOptions {
  readonly deleteRetryDelaysMs?: readonly number[];
  readonly consistencyRetryDelaysMs?: readonly number[];
  readonly sleep: (ms: number) => Promise<void>;
  readonly cancelled: () => boolean;
}

export class ApplyContext {
  readonly created: Partial<Record<PairSide, string>> = {};
  /** The egress each group had before this run cleared it. */
  readonly egressOf = new Map<string, readonly SecurityGroupRule[]>();
  readonly journal = new UndoJournal();
  readonly deleted: string[] = [];
  readonly kept: KeptGroup[] = [];

  /**
   * @param live calls that end when the user cancels
   * @param steady calls that run to their end (undo, deletes)
   */
  constructor(
    readonly steps: readonly PlanStep[],
    readonly live: LinkApi,
    readonly steady: LinkApi,
    private readonly options: ContextOptions,
  ) {}

  cancelled(): boolean {
    return this.options.cancelled();
  }

  /** The id of a group, created ones included; a group used before it is created is a bug. */
  resolve(ref: GroupRef): string {
    if (ref.kind === 'existing') return ref.id;
    const id = this.created[ref.side];
    if (!id) throw new Error(`internal: ${ref.name} is used before it is created`);
    return id;
  }

  /** Retries `fn` while AWS does not yet see a group created moments ago. */
  async whenVisible<T>(fresh: boolean, fn: () => Promise<T>): Promise<T> {
    const delays = fresh ? this.options.consistencyRetryDelaysMs ?? DEFAULT_CONSISTENCY_RETRY_MS : [];
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (attempt >= delays.length || !awsErrorCode(err).endsWith('.NotFound')) throw err;
        await this.options.sleep(delays[attempt]);
        if (this.cancelled()) throw new CancelledError();
      }
    }
  }

  /**
   * Deletes a group, retrying while AWS says something still depends on it. Never aborted: a
   * rollback must finish, and an unlink's deletes come after the link is gone. `stopWhenCancelled`
   * (the unlink's deletes) stops the retries, not the call.
   */
  async deleteGroup(groupId: string, stopWhenCancelled = false): Promise<void> {
    const delays = this.options.deleteRetryDelaysMs ?? DEFAULT_DELETE_RETRY_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.steady.deleteSecurityGroup(groupId);
        return;
      } catch (err) {
        // The retry of a delete whose answer was lost finds the group gone: our delete did it.
        if (awsErrorCode(err) === 'InvalidGroup.NotFound' && (attempt > 0 || wasRetried(err))) return;
        if (attempt >= delays.length || awsErrorCode(err) !== 'DependencyViolation' || (stopWhenCancelled && this.cancelled())) throw err;
        await this.options.sleep(delays[attempt]);
      }
    }
  }

  /**
   * Deletes a group this run created. AWS refuses to delete a group that a rule names, so every
   * rule that refers to it goes first, on both sides (its own rules to the peer, and the rules
   * of the VPC's groups that name it); only rules made since it exists can name it.
   */
  async deleteCreatedGroup(groupId: string, vpcId: string): Promise<void> {
    const groups = await this.steady.describeSecurityGroups({ vpcId });
    for (const g of groups) {
      for (const direction of ['ingress', 'egress'] as const) {
        const naming = g[direction].filter((r) => r.peerGroupId === groupId);
        if (naming.length) await this.revokeIfThere(direction, g.id, naming);
      }
    }
    await this.deleteGroup(groupId);
  }

  /** Revokes rules, taking "not found" for done (an undo may find AWS never added them). */
  async revokeIfThere(direction: RuleDirection, groupId: string, rules: readonly SecurityGroupRule[]): Promise<void> {
    await tolerating(['InvalidPermission.NotFound'], () => this.steady.revokeRules(direction, groupId, rules))();
  }

  /** Whether `group` holds each of `rules` (`present`), or none of them (`!present`). */
  async rulesAre(present: boolean, direction: RuleDirection, groupId: string, rules: readonly SecurityGroupRule[], via = this.live): Promise<boolean> {
    const [g] = await via.describeSecurityGroups({ groupIds: [groupId] });
    if (!g) return !present;
    return rules.every((r) => g[direction].some((x) => sameRule(x, r)) === present);
  }

  /**
   * A retried call answered `code` (Duplicate, NotFound): that is a failure only if AWS does not
   * show what the call was for. `done` describes AWS again and says whether it does.
   */
  async earlierAttemptDidIt(err: unknown, code: string, done: () => Promise<boolean>): Promise<boolean> {
    return wasRetried(err) && awsErrorCode(err) === code && (await done());
  }

  /** Revokes; a retry's NotFound is fine when the rules are indeed gone. */
  async revokeAfterRetry(direction: RuleDirection, groupId: string, rules: readonly SecurityGroupRule[]): Promise<void> {
    try {
      await this.live.revokeRules(direction, groupId, rules);
    } catch (err) {
      if (!(await this.earlierAttemptDidIt(err, 'InvalidPermission.NotFound', () => this.rulesAre(false, direction, groupId, rules)))) throw err;
    }
  }

  /** Authorizes; a retry's Duplicate is fine when the rules are indeed there. */
  async authorizeAfterRetry(direction: RuleDirection, groupId: string, rules: readonly SecurityGroupRule[]): Promise<void> {
    try {
      await this.live.authorizeRules(direction, groupId, rules);
    } catch (err) {
      if (!(await this.earlierAttemptDidIt(err, 'InvalidPermission.Duplicate', () => this.rulesAre(true, direction, groupId, rules)))) throw err;
    }
  }
}

/** `fn`, with the failures of the given codes taken for done. */
export function tolerating(codes: readonly string[], fn: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await fn();
    } catch (err) {
      if (!codes.includes(awsErrorCode(err))) throw err;
    }
  };
}
