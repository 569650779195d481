/**
 * The deploy strategies as plans, and the runner that carries a plan out.
 *
 * planDeploy is pure: the strategy from the deploy file and the instances give the batches, in
 * order, and what rollback will do; the plan is shown before anything changes.
 * - Big Bang: one batch, every instance (uploads in parallel, then every restart);
 * - Rolling: batches of N or N%, each batch healthy before the next starts;
 * - Canary: N or N% first, a bake time while their health is watched, then the rest, rolling;
 * - Blue/Green: the idle set's instances, in batches (all at once by default); weighted.ts picks
 *   them from the listener and switches the traffic after the last batch.
 *
 * runDeploy walks the batches through a DeployExecutor (the per-instance steps over SSH in the
 * product, a fake in the unit tests). The rules (issue 14):
 * - an instance that fails its health gate rolls itself back to its previous release;
 * - the rollout stops: instances not yet reached are left untouched;
 * - the instances already on the new release go back too (onFailure: rollback) or stay (keep);
 * - a cancel stops after the current batch; what was done is reported, for an offer to roll back.
 * The same runner moves instances back to an older kept release (a rollback deployment): only
 * the executor differs.
 */
import { isCancelled, type Cancellation } from '../lifetime';
import { t } from '../l10n';
import type { InstanceCount, OnFailure, Strategy } from './deployFile';

export interface PlannedBatch {
  /** 0-based. */
  readonly index: number;
  readonly instances: readonly string[];
  readonly role: 'canary' | 'rollout';
  /** Canary: health watched this long after the batch is healthy, before the next one. */
  readonly bakeSeconds?: number;
}

export interface DeployPlan {
  readonly strategy: Strategy;
  readonly batches: readonly PlannedBatch[];
  /** What happens when an instance fails, in a sentence for the plan view. */
  readonly rollback: string;
}

/** N, or N% of total rounded up; at least 1, at most total. */
export function resolveCount(c: InstanceCount, total: number): number {
  const n = 'percent' in c ? Math.ceil((c.percent * total) / 100) : c.count;
  return Math.max(1, Math.min(total, n));
}

function chunk(ids: readonly string[], size: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

export function rollbackSentence(onFailure: OnFailure): string {
  return onFailure === 'rollback'
    ? t('If an instance fails its health check, it goes back to its previous release, the deploy stops, the instances already on the new release go back too, and the others are not touched.')
    : t('If an instance fails its health check, it goes back to its previous release and the deploy stops; the instances already on the new release stay on it, and the others are not touched.');
}

export function planDeploy(strategy: Strategy, instanceIds: readonly string[]): DeployPlan {
  const ids = [...new Set(instanceIds)];
  if (ids.length === 0) throw new Error(t('No instances to deploy to.'));
  let batches: PlannedBatch[];
  switch (strategy.kind) {
    case 'bigBang':
      batches = [{ index: 0, instances: ids, role: 'rollout' }];
      break;
    case 'rolling':
    case 'blueGreen':
      batches = chunk(ids, resolveCount(strategy.batch, ids.length)).map((instances, index) => ({ index, instances, role: 'rollout' }));
      break;
    case 'canary': {
      const first = resolveCount(strategy.canary, ids.length);
      const rest = ids.slice(first);
      batches = [
        { index: 0, instances: ids.slice(0, first), role: 'canary', bakeSeconds: strategy.bakeSeconds },
        ...(rest.length ? chunk(rest, resolveCount(strategy.batch, rest.length)) : []).map((instances, i) => ({ index: i + 1, instances, role: 'rollout' as const })),
      ];
      break;
    }
  }
  return { strategy, batches, rollback: rollbackSentence(strategy.onFailure) };
}

/** One line per batch, for the plan shown before anything changes. */
export function describePlan(plan: DeployPlan): string[] {
  return plan.batches.map((b) =>
    b.role === 'canary'
      ? t('Batch {0} (canary): {1}; then its health is watched for {2} s', b.index + 1, b.instances.join(', '), b.bakeSeconds ?? 0)
      : t('Batch {0}: {1}', b.index + 1, b.instances.join(', ')),
  );
}

/** What the plan says about the load balancer: its groups (and how long each drains), and where each instance is registered. */
export interface TrafficPlan {
  readonly groups: readonly { readonly name: string; readonly drainSeconds: number }[];
  /** Instance id → the names of the groups it is registered in (absent: in none). */
  readonly registeredIn: ReadonlyMap<string, readonly string[]>;
}

/** ELBv2's default deregistration delay. */
export const DEFAULT_DRAIN_SECONDS = 300;

/** What happens to traffic at each step of the plan, in lines for the plan view. */
export function describeTraffic(plan: DeployPlan, lb: TrafficPlan | undefined): string[] {
  const all = plan.batches.flatMap((b) => b.instances);
  if (!lb) return [plan.strategy.kind === 'bigBang' ? t('Traffic: no load balancer is named; every instance restarts at once, so requests fail until they are back.') : t('Traffic: no load balancer is named in the deploy file; each restart drops the requests its instance is serving.')];
  if (plan.strategy.kind === 'bigBang') return [t('Traffic: Big Bang leaves the load balancer as it is; every instance restarts at once, so requests fail until they are back.')];
  const lines = plan.batches.map((b) => {
    const others = all.filter((id) => !b.instances.includes(id) && lb.registeredIn.get(id)?.length).length;
    const groups = [...new Set(b.instances.flatMap((id) => lb.registeredIn.get(id) ?? []))];
    const drain = Math.max(0, ...lb.groups.filter((g) => groups.includes(g.name)).map((g) => g.drainSeconds));
    if (groups.length === 0) return t('Traffic, batch {0}: in no target group; the restart drops the requests it serves.', b.index + 1);
    return others
      ? t('Traffic, batch {0}: uploads while serving, leaves {1} (draining up to {2} s), restarts and passes the health check, then serves again once in service; {3} other instance(s) serve meanwhile.', b.index + 1, groups.join(', '), drain, others)
      : t('Traffic, batch {0}: uploads while serving, leaves {1} (draining up to {2} s), restarts and passes the health check, then serves again once in service; no other instance serves meanwhile, so the app does not answer during this batch.', b.index + 1, groups.join(', '), drain);
  });
  const outside = all.filter((id) => !lb.registeredIn.get(id)?.length);
  if (outside.length) lines.push(t('Not in any of the target groups: {0}; their traffic is not moved.', outside.join(', ')));
  for (const g of lb.groups.filter((x) => x.drainSeconds === DEFAULT_DRAIN_SECONDS)) lines.push(t('{0} drains for 300 s, the default: each batch waits that long for open requests.', g.name));
  lines.push(t('A failed instance goes back to its old release before it rejoins the target group.'));
  return lines;
}

export interface HealthResult {
  readonly healthy: boolean;
  /** "GET /healthz answered 200", "the service is not active", … */
  readonly detail: string;
}

/** The per-instance steps. Each may throw; a throw counts as that step failing on that instance. */
export interface DeployExecutor {
  /** Upload and install the release beside the running one; the service is not touched. Resolves the release it runs now. */
  upload(instanceId: string): Promise<{ readonly previous?: string }>;
  /** Point `current` at the release and restart the service. */
  activate(instanceId: string): Promise<void>;
  /** The health gate, retries and timeout included: the service is active and GET <health path> answers 2xx. */
  health(instanceId: string): Promise<HealthResult>;
  /** Point `current` back at `previous` and restart. */
  rollback(instanceId: string, previous: string): Promise<void>;
  /** Waits (the canary's bake time is spent in slices of this); a fake can make it instant. */
  sleep(ms: number): Promise<void>;
}

export type InstanceState =
  /** On the new release, healthy. */
  | 'deployed'
  /** Was switched, then went back to its previous release. */
  | 'rolledBack'
  /** The upload failed: current never moved. */
  | 'notSwitched'
  /** Failed with no previous release to go back to (a first deploy). */
  | 'failed'
  /** Not reached. */
  | 'untouched';

export interface InstanceOutcome {
  readonly instanceId: string;
  readonly state: InstanceState;
  /** The release it runs now, when known. */
  readonly release?: string;
  /** Why it failed (this instance's own failure). */
  readonly error?: string;
}

export interface DeployOutcome {
  readonly result: 'succeeded' | 'failed' | 'cancelled';
  readonly instances: readonly InstanceOutcome[];
  /** The first failure, in a sentence. */
  readonly failure?: string;
}

export type DeployEvent =
  | { readonly kind: 'batch'; readonly batch: PlannedBatch; readonly of: number }
  | { readonly kind: 'step'; readonly instanceId: string; readonly step: 'upload' | 'drain' | 'activate' | 'health' | 'register' | 'bake' | 'rollback'; readonly detail?: string }
  /** The listener's weights changed (Blue/Green's switch, a weighted canary's step): a sentence. */
  | { readonly kind: 'traffic'; readonly detail: string };

/**
 * Traffic around each batch, from a load balancer (core/aws/albTraffic.ts for an ALB target
 * group): the batch's instances leave traffic after their upload and before their restart, and
 * come back after the health gate (or after their rollback). Either may throw; the batch then fails.
 * The runner never passes its cancel on: a batch that started ends with its instances back in traffic.
 */
export interface BatchTraffic {
  /** Takes the instances out (DeregisterTargets) and resolves when they have drained. */
  drain(instanceIds: readonly string[]): Promise<void>;
  /** Puts back the instances drain took out (RegisterTargets) and resolves when they are in service. */
  restore(instanceIds: readonly string[]): Promise<void>;
}

export interface RunOptions {
  readonly release: string;
  readonly signal?: Cancellation;
  readonly onEvent?: (event: DeployEvent) => void;
  /** How often the canary's health is checked during the bake; default 5 s. */
  readonly bakeCheckMs?: number;
  /** Drain and restore each batch through a load balancer; without it, restarts drop the requests in flight. */
  readonly traffic?: BatchTraffic;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Carries out the plan; never throws for an instance's failure (it is in the outcome). */
export async function runDeploy(plan: DeployPlan, executor: DeployExecutor, options: RunOptions): Promise<DeployOutcome> {
  const run = new Run(plan, executor, options);
  return run.all();
}

class Run {
  private readonly state = new Map<string, { state: InstanceState; release?: string; previous?: string; error?: string }>();
  private failure: string | undefined;
  /** Instances the traffic hook took out and has not put back yet. */
  private readonly outOfTraffic = new Set<string>();

  constructor(
    private readonly plan: DeployPlan,
    private readonly ex: DeployExecutor,
    private readonly options: RunOptions,
  ) {
    for (const b of plan.batches) for (const id of b.instances) this.state.set(id, { state: 'untouched' });
  }

  private emit(event: DeployEvent): void {
    this.options.onEvent?.(event);
  }

  async all(): Promise<DeployOutcome> {
    for (const batch of this.plan.batches) {
      if (isCancelled(this.options.signal)) return this.outcome('cancelled');
      this.emit({ kind: 'batch', batch, of: this.plan.batches.length });
      const ok = (await this.batch(batch)) && (await this.bake(batch));
      if (!ok) {
        if (this.plan.strategy.onFailure === 'rollback') await this.rollBackDeployed();
        return this.outcome('failed');
      }
    }
    return this.outcome('succeeded');
  }

  private fail(id: string, err: string): void {
    this.failure ??= t('{0}: {1}', id, err);
    const s = this.state.get(id);
    if (s) s.error = err;
  }

  /** Uploads in parallel, then switches and checks every instance in parallel. False when any failed. */
  private async batch(batch: PlannedBatch): Promise<boolean> {
    const uploads = await Promise.all(
      batch.instances.map(async (id) => {
        this.emit({ kind: 'step', instanceId: id, step: 'upload' });
        try {
          const { previous } = await this.ex.upload(id);
          this.state.set(id, { state: 'notSwitched', previous, release: previous });
          return true;
        } catch (err) {
          this.state.set(id, { state: 'notSwitched' });
          this.fail(id, message(err));
          return false;
        }
      }),
    );
    // An upload that failed stops the batch before any restart: nobody in it has moved yet.
    if (uploads.includes(false)) return false;
    // The uploads did not touch the running service: the instances leave traffic only now.
    if (!(await this.trafficStep('drain', batch.instances))) {
      await this.trafficStep('register', batch.instances);
      return false;
    }
    const results = await Promise.all(batch.instances.map((id) => this.activateOne(id)));
    // A failed instance is back on its old release (activateOne) before it is registered again.
    const back = await this.trafficStep('register', batch.instances);
    // Not in service on the new release (the load balancer's own health check, say): out, back to the old one, in again.
    if (!back) await Promise.all(batch.instances.map((id) => this.rollBackOne(id)));
    return results.every(Boolean) && back;
  }

  /** Drain or register the instances through the traffic hook; false (the failure recorded) when it threw. */
  private async trafficStep(step: 'drain' | 'register', ids: readonly string[]): Promise<boolean> {
    const traffic = this.options.traffic;
    if (!traffic || ids.length === 0) return true;
    for (const id of ids) this.emit({ kind: 'step', instanceId: id, step });
    try {
      if (step === 'drain') {
        for (const id of ids) this.outOfTraffic.add(id);
        await traffic.drain(ids);
      } else {
        await traffic.restore(ids);
        for (const id of ids) this.outOfTraffic.delete(id);
      }
      return true;
    } catch (err) {
      for (const id of ids) this.fail(id, message(err));
      // A registration that failed half-way may have reached the load balancer: count it as in traffic.
      if (step === 'register') for (const id of ids) this.outOfTraffic.delete(id);
      return false;
    }
  }

  private async activateOne(id: string): Promise<boolean> {
    const s = this.state.get(id) ?? { state: 'untouched' };
    try {
      this.emit({ kind: 'step', instanceId: id, step: 'activate' });
      await this.ex.activate(id);
      this.state.set(id, { ...s, state: 'deployed', release: this.options.release });
      this.emit({ kind: 'step', instanceId: id, step: 'health' });
      const h = await this.ex.health(id);
      if (h.healthy) return true;
      this.fail(id, h.detail);
    } catch (err) {
      this.state.set(id, { ...s, state: 'deployed', release: this.options.release });
      this.fail(id, message(err));
    }
    await this.rollBackOne(id);
    return false;
  }

  /** The canary's bake: its health watched for bakeSeconds; false at the first unhealthy answer. */
  private async bake(batch: PlannedBatch): Promise<boolean> {
    const total = (batch.bakeSeconds ?? 0) * 1000;
    const step = this.options.bakeCheckMs ?? 5000;
    for (let waited = 0; waited < total; ) {
      const slice = Math.min(step, total - waited);
      await this.ex.sleep(slice);
      waited += slice;
      // A cancel ends the bake; the loop in all() then stops before the next batch.
      if (isCancelled(this.options.signal)) return true;
      const checks = await Promise.all(
        batch.instances.map(async (id) => {
          this.emit({ kind: 'step', instanceId: id, step: 'bake', detail: `${Math.round(waited / 1000)}/${batch.bakeSeconds} s` });
          const h = await this.ex.health(id).catch((err: unknown) => ({ healthy: false, detail: message(err) }));
          if (h.healthy) return true;
          this.fail(id, h.detail);
          await this.rollBackOne(id);
          return false;
        }),
      );
      if (checks.includes(false)) return false;
    }
    return true;
  }

  /**
   * Back to the previous release. An instance in traffic (a canary during its bake, an earlier
   * batch after a later one failed) leaves it for its restart and comes back on the old release.
   */
  private async rollBackOne(id: string): Promise<void> {
    const s = this.state.get(id);
    if (!s || s.state !== 'deployed') return;
    if (!s.previous) {
      s.state = 'failed';
      return;
    }
    const inTraffic = this.options.traffic !== undefined && !this.outOfTraffic.has(id);
    if (inTraffic && !(await this.trafficStep('drain', [id]))) {
      await this.trafficStep('register', [id]);
      return;
    }
    await this.rollBackStep(id, s);
    if (inTraffic) await this.trafficStep('register', [id]);
  }

  private async rollBackStep(id: string, s: { state: InstanceState; release?: string; previous?: string; error?: string }): Promise<void> {
    if (!s.previous) return;
    this.emit({ kind: 'step', instanceId: id, step: 'rollback', detail: s.previous });
    try {
      await this.ex.rollback(id, s.previous);
      s.state = 'rolledBack';
      s.release = s.previous;
    } catch (err) {
      s.state = 'failed';
      s.error = [s.error, t('rollback failed: {0}', message(err))].filter(Boolean).join('; ');
    }
  }

  /** Behind a load balancer batch by batch, so that the others keep serving; else all at once. */
  private async rollBackDeployed(): Promise<void> {
    const deployed = (ids: readonly string[]) => ids.filter((id) => this.state.get(id)?.state === 'deployed');
    const rounds = this.options.traffic ? this.plan.batches.map((b) => deployed(b.instances)) : [deployed([...this.state.keys()])];
    for (const ids of rounds) await Promise.all(ids.map((id) => this.rollBackOne(id)));
  }

  private outcome(result: DeployOutcome['result']): DeployOutcome {
    const instances = [...this.state].map(([instanceId, s]) => ({
      instanceId,
      state: s.state,
      ...(s.release ? { release: s.release } : {}),
      ...(s.error ? { error: s.error } : {}),
    }));
    return { result, instances, ...(this.failure ? { failure: this.failure } : {}) };
  }
}
