/**
 * Deploys that move traffic by a listener's weights (ForwardConfig, 0–999, stickiness off), with
 * two target groups behind one listener (or one listener rule): Blue/Green and weighted Canary.
 *
 * Blue/Green (runBlueGreen):
 * - the live group is the one with a weight, the idle one has weight 0 (a split is refused: a
 *   canary is half-way);
 * - green, the instances deployed to: the deploy file's instances registered in the idle group
 *   (DescribeTargetHealth), plus those of the file in neither group, which are registered into
 *   the idle group after their health gate. Blue, the file's instances in the live group, is not
 *   touched;
 * - green is deployed (all at once unless strategy.batch says less: no traffic reaches it), then
 *   waited for until in service, then ONE weight call switches live/idle from 100/0 to 0/100.
 *   Blue keeps its release for the keep time, so that a switch back is one more weight call,
 *   with no redeploy;
 * - a failure before the switch leaves blue serving and green back on its old release; a switch
 *   that fails puts the weights back (and green back, as before the switch).
 *
 * Weighted Canary (runWeightedCanary):
 * - the canary instances leave the stable group, are deployed and health-gated, and join the
 *   canary group (weight 0); the canary group then gets each share of `steps` in turn, its
 *   health watched for the bake time at each step (the instance's gate, the group's target
 *   health, and with strategy.max5xx the group's 5xx count in CloudWatch since the step began);
 * - on success the canaries rejoin the stable group, the weights go back to 100/0, and the rest
 *   rolls out with draining from the stable group; on failure the weights go back to 100/0 at
 *   once, then the canaries go back to their old release and rejoin the stable group.
 *
 * Everything AWS is behind WeightedTraffic (core/aws/albWeights.ts; a fake in the unit tests).
 */
import { isCancelled } from '../lifetime';
import { t } from '../l10n';
import type { Strategy } from './deployFile';
import { planDeploy, resolveCount, runDeploy, type BatchTraffic, type DeployExecutor, type DeployOutcome, type DeployPlan, type HealthResult, type InstanceOutcome, type RunOptions } from './strategy';

export interface GroupWeight {
  readonly targetGroupArn: string;
  readonly weight: number;
}

/** A listener's target group as the weighted plans see it: its weight now and who is registered in it. */
export interface WeightedGroup {
  readonly arn: string;
  readonly name: string;
  readonly weight: number;
  /** Instance ids registered in it (any state but draining). */
  readonly instances: readonly string[];
}

/** The listener (or rule) and its two groups: the AWS side of a weighted deploy. */
export interface WeightedTraffic {
  /** One ModifyListener (or ModifyRule) call: the forward action's weights, stickiness off. */
  setWeights(weights: readonly GroupWeight[]): Promise<void>;
  /** RegisterTargets, then waitUntilTargetInService. */
  register(groupArn: string, instanceIds: readonly string[]): Promise<void>;
  /** DeregisterTargets, then waitUntilTargetDeregistered (the group's drain). */
  deregister(groupArn: string, instanceIds: readonly string[]): Promise<void>;
  /** waitUntilTargetInService. */
  waitInService(groupArn: string, instanceIds: readonly string[]): Promise<void>;
  /** The group's target health for these instances (DescribeTargetHealth): healthy when every one is. */
  groupHealth(groupArn: string, instanceIds: readonly string[]): Promise<HealthResult>;
  /** The group's HTTPCode_Target_5XX_Count since `sinceMs` (CloudWatch); asked only when strategy.max5xx is set. */
  group5xx?(groupArn: string, sinceMs: number): Promise<number>;
}

export interface Sides {
  readonly live: WeightedGroup;
  readonly idle: WeightedGroup;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Which group serves and which waits; an error when both or neither have a weight. */
export function sidesOf(groups: readonly [WeightedGroup, WeightedGroup]): Sides {
  const [a, b] = groups;
  if (a.weight > 0 && b.weight === 0) return { live: a, idle: b };
  if (b.weight > 0 && a.weight === 0) return { live: b, idle: a };
  if (a.weight > 0) throw new Error(t('The listener splits traffic {0}/{1} between {2} and {3}: finish or undo that split first (one group needs weight 0).', a.weight, b.weight, a.name, b.name));
  throw new Error(t('The listener forwards nothing to {0} or {1} (both have weight 0).', a.name, b.name));
}

/** The weights in the listener's group order: `share` percent to `to`, the rest to the other. */
export function weightsFor(groups: readonly WeightedGroup[], to: string, share: number): GroupWeight[] {
  return groups.map((g) => ({ targetGroupArn: g.arn, weight: g.arn === to ? share : 100 - share }));
}

/** Live and idle as "live"/"idle" words per group ARN, for the EC2 view; undefined when split. */
export function liveOrIdle(weights: readonly GroupWeight[]): ReadonlyMap<string, 'live' | 'idle'> | undefined {
  if (weights.length !== 2) return undefined;
  const live = weights.filter((w) => w.weight > 0);
  if (live.length !== 1) return undefined;
  return new Map(weights.map((w) => [w.targetGroupArn, w.weight > 0 ? 'live' : 'idle'] as const));
}

export interface BlueGreenPlan {
  readonly deploy: DeployPlan;
  readonly groups: readonly [WeightedGroup, WeightedGroup];
  readonly live: WeightedGroup;
  readonly idle: WeightedGroup;
  /** Green instances not registered in the idle group yet: registered after their health gate. */
  readonly toRegister: readonly string[];
  /** Blue: the file's instances in the live group, untouched. */
  readonly blue: readonly string[];
  readonly keepSeconds: number;
  /** The RDS Blue/Green deployment switched over before the listener (the deploy file's strategy.rdsBlueGreen). */
  readonly database?: { readonly id: string; readonly name: string; readonly timeoutSeconds: number };
}

/** The database's switchover, carried out (and waited for) by the caller; it throws when it did not complete. */
export type DatabaseSwitchover = () => Promise<void>;

/** Blue/Green from the listener's groups and the deploy file's instances (pure). */
export function planBlueGreen(
  strategy: Extract<Strategy, { kind: 'blueGreen' }>,
  groups: readonly [WeightedGroup, WeightedGroup],
  fileInstances: readonly string[],
  database?: BlueGreenPlan['database'],
): BlueGreenPlan {
  const { live, idle } = sidesOf(groups);
  const inIdle = fileInstances.filter((id) => idle.instances.includes(id) && !live.instances.includes(id));
  const inNeither = fileInstances.filter((id) => !idle.instances.includes(id) && !live.instances.includes(id));
  const green = [...inIdle, ...inNeither];
  if (green.length === 0) throw new Error(t('Blue/Green needs instances for the idle group {0}: none of the deploy file\'s instances is in it or free (all are in the live group {1}).', idle.name, live.name));
  return {
    deploy: planDeploy(strategy, green),
    groups,
    live,
    idle,
    toRegister: inNeither,
    blue: fileInstances.filter((id) => live.instances.includes(id)),
    keepSeconds: strategy.keepSeconds,
    ...(database ? { database } : {}),
  };
}

/** What happens to traffic at each step of a Blue/Green deploy, for the plan view. */
export function describeBlueGreen(p: BlueGreenPlan): string[] {
  const green = p.deploy.batches.flatMap((b) => b.instances);
  return [
    t('Traffic: {0} is live (weight {1}), {2} is idle (weight 0).', p.live.name, p.live.weight, p.idle.name),
    t('1. Deploy to green ({0}: {1}) while blue ({2}) serves every request; green gets none.', p.idle.name, green.join(', '), p.blue.join(', ') || t('no instance of the deploy file')),
    ...(p.toRegister.length ? [t('2. Register {0} in {1} and wait until every green instance is in service.', p.toRegister.join(', '), p.idle.name)] : [t('2. Wait until every green instance is in service in {0}.', p.idle.name)]),
    ...(p.database
      ? [
          t('3. The database first: switch over the RDS Blue/Green deployment {0} ({1}; up to {2} s, after which AWS rolls it back) and wait until it has completed. Its endpoints then lead to its green database, under the same names.', p.database.name, p.database.id, p.database.timeoutSeconds),
          t('4. Then the app: switch in one call: {0} 100 → 0, {1} 0 → 100 (stickiness off); requests already sent to blue finish there.', p.live.name, p.idle.name),
          t('5. Blue stays on its release for {0} s: Switch Back is one more weight switch, with no redeploy (the database stays switched over).', p.keepSeconds),
          t('If green does not come in service, or the switchover does not complete, the app is not switched: blue stays live and green goes back to its old release.'),
        ]
      : [
          t('3. Switch in one call: {0} 100 → 0, {1} 0 → 100 (stickiness off); requests already sent to blue finish there.', p.live.name, p.idle.name),
          t('4. Blue stays on its release for {0} s: Switch Back is one more weight switch, with no redeploy.', p.keepSeconds),
          t('A failure before the switch leaves blue serving and green on its old release; a failed switch puts the weights back.'),
        ]),
  ];
}

export interface WeightedRunOptions extends Pick<RunOptions, 'release' | 'signal' | 'onEvent' | 'bakeCheckMs'> {
  readonly now?: () => number;
}

export interface BlueGreenOutcome extends DeployOutcome {
  readonly switched: boolean;
  /** When the switch call returned (ms since the epoch). */
  readonly switchedAt?: number;
  /** The weights before the switch: Switch Back sets these again. */
  readonly before: readonly GroupWeight[];
}

/** The executor, remembering the release each instance ran before its upload (for a rollback after the runner is done). */
class Remembering implements DeployExecutor {
  readonly previous = new Map<string, string>();
  constructor(private readonly ex: DeployExecutor) {}
  async upload(id: string) {
    const r = await this.ex.upload(id);
    if (r.previous) this.previous.set(id, r.previous);
    return r;
  }
  activate(id: string) {
    return this.ex.activate(id);
  }
  health(id: string) {
    return this.ex.health(id);
  }
  rollback(id: string, previous: string) {
    return this.ex.rollback(id, previous);
  }
  sleep(ms: number) {
    return this.ex.sleep(ms);
  }
}

/** The instances on the new release back to the release they ran before; their outcomes say so. */
async function rollBackAll(ex: Remembering, outcomes: readonly InstanceOutcome[], o: WeightedRunOptions): Promise<InstanceOutcome[]> {
  return Promise.all(
    outcomes.map(async (i) => {
      const previous = ex.previous.get(i.instanceId);
      if (i.state !== 'deployed') return i;
      if (!previous) return { ...i, state: 'failed' as const };
      o.onEvent?.({ kind: 'step', instanceId: i.instanceId, step: 'rollback', detail: previous });
      try {
        await ex.rollback(i.instanceId, previous);
        return { instanceId: i.instanceId, state: 'rolledBack' as const, release: previous };
      } catch (err) {
        return { ...i, state: 'failed' as const, error: t('rollback failed: {0}', message(err)) };
      }
    }),
  );
}

const weightsNow = (groups: readonly WeightedGroup[]): GroupWeight[] => groups.map((g) => ({ targetGroupArn: g.arn, weight: g.weight }));

/** Blue/Green: green deployed and in service, then one switch; see the file's comment. */
export async function runBlueGreen(plan: BlueGreenPlan, executor: DeployExecutor, traffic: WeightedTraffic, o: WeightedRunOptions, switchDatabase?: DatabaseSwitchover): Promise<BlueGreenOutcome> {
  if (plan.database && !switchDatabase) throw new Error('runBlueGreen: the plan switches a database over, and no switchover was given');
  const ex = new Remembering(executor);
  const before = weightsNow(plan.groups);
  const green = plan.deploy.batches.flatMap((b) => b.instances);
  const deployed = await runDeploy(plan.deploy, ex, o);
  if (deployed.result !== 'succeeded') return { ...deployed, switched: false, before };
  const failed = async (failure: string): Promise<BlueGreenOutcome> => {
    const instances = plan.deploy.strategy.onFailure === 'rollback' ? await rollBackAll(ex, deployed.instances, o) : deployed.instances;
    return { result: 'failed', instances, failure, switched: false, before };
  };
  try {
    if (plan.toRegister.length) await traffic.register(plan.idle.arn, plan.toRegister);
    await traffic.waitInService(plan.idle.arn, green);
  } catch (err) {
    return failed(t('Green ({0}) did not come in service: {1}', plan.idle.name, message(err)));
  }
  if (isCancelled(o.signal)) return { ...deployed, result: 'cancelled', switched: false, before };
  if (plan.database && switchDatabase) {
    // Not cancellable once asked for: AWS completes the switchover, or rolls it back at its timeout.
    o.onEvent?.({ kind: 'traffic', detail: t('Switching over the database {0} (RDS Blue/Green)', plan.database.name) });
    try {
      await switchDatabase();
    } catch (err) {
      // The weights are not touched: blue keeps serving; green goes back as onFailure says.
      return failed(t('The RDS Blue/Green switchover of {0} did not complete: {1}. The app was not switched: {2} stays live.', plan.database.name, message(err), plan.live.name));
    }
    o.onEvent?.({ kind: 'traffic', detail: t('The database {0} is switched over', plan.database.name) });
  }
  o.onEvent?.({ kind: 'traffic', detail: t('Switching {0} → {1}', plan.live.name, plan.idle.name) });
  try {
    await traffic.setWeights(weightsFor(plan.groups, plan.idle.arn, 100));
  } catch (err) {
    const back = await traffic.setWeights(before).then(() => '', (e: unknown) => ` ${t('Putting the weights back failed too: {0}', message(e))}`);
    // RDS has no switch back: what is left is said.
    const db = plan.database ? ` ${t('The database {0} stays switched over: blue now runs against its green database.', plan.database.name)}` : '';
    return failed(t('The switch to {0} failed: {1}{2}', plan.idle.name, message(err), back) + db);
  }
  const switchedAt = (o.now ?? Date.now)();
  o.onEvent?.({ kind: 'traffic', detail: t('{0} is live; {1} is kept for {2} s', plan.idle.name, plan.live.name, plan.keepSeconds) });
  return { ...deployed, switched: true, switchedAt, before };
}

/** A Switch Back is allowed while the old set is kept: until switchedAt + keepSeconds. */
export function canSwitchBack(record: { readonly switchedAt: number; readonly keepSeconds: number }, now: number): boolean {
  return now <= record.switchedAt + record.keepSeconds * 1000;
}

export interface WeightedCanaryPlan {
  readonly strategy: Extract<Strategy, { kind: 'canary' }>;
  readonly groups: readonly [WeightedGroup, WeightedGroup];
  readonly stable: WeightedGroup;
  readonly canary: WeightedGroup;
  readonly canaries: readonly string[];
  /** The canary group's share at each step, percent. */
  readonly steps: readonly number[];
  /** The rest, rolling with draining from the stable group after the last step. */
  readonly rest?: DeployPlan;
}

export const DEFAULT_CANARY_STEPS: readonly number[] = [10, 50, 100];

/** Weighted Canary from the listener's groups: the stable one has the weight (pure). */
export function planWeightedCanary(strategy: Extract<Strategy, { kind: 'canary' }>, groups: readonly [WeightedGroup, WeightedGroup], instanceIds: readonly string[]): WeightedCanaryPlan {
  const { live: stable, idle: canary } = sidesOf(groups);
  const ids = [...new Set(instanceIds)];
  if (ids.length === 0) throw new Error(t('No instances to deploy to.'));
  const first = resolveCount(strategy.canary, ids.length);
  const restIds = ids.slice(first);
  const rest = restIds.length ? planDeploy({ kind: 'rolling', batch: strategy.batch, onFailure: strategy.onFailure }, restIds) : undefined;
  return { strategy, groups, stable, canary, canaries: ids.slice(0, first), steps: strategy.steps ?? DEFAULT_CANARY_STEPS, ...(rest ? { rest } : {}) };
}

/** What happens to traffic at each step of a weighted Canary, for the plan view. */
export function describeWeightedCanary(p: WeightedCanaryPlan): string[] {
  return [
    t('Traffic: {0} is stable (weight {1}), {2} takes the canary (weight 0).', p.stable.name, p.stable.weight, p.canary.name),
    t('1. The canaries ({0}) leave {1} (draining), are deployed and pass the health check, then join {2} and wait until in service.', p.canaries.join(', '), p.stable.name, p.canary.name),
    ...p.steps.map((share, i) => t('{0}. {1} gets {2}% of the requests, {3} gets {4}%; health watched for {5} s (the canaries\' health check and {1}\'s target health{6}).', i + 2, p.canary.name, share, p.stable.name, 100 - share, p.strategy.bakeSeconds, p.strategy.max5xx !== undefined ? t(', and at most {0} 5xx responses in CloudWatch', p.strategy.max5xx) : '')),
    t('{0}. The canaries rejoin {1}, the weights go back to 100/0, and {2}', p.steps.length + 2, p.stable.name, p.rest ? t('the rest ({0}) rolls out batch by batch, each drained from {1} first.', p.rest.batches.flatMap((b) => b.instances).join(', '), p.stable.name) : t('the deploy is done.')),
    t('On a failure the weights go back to 100/0 at once; the canaries go back to their old release and rejoin {0}.', p.stable.name),
  ];
}

/** The canaries' traffic during their deploy: out of the stable group, into the canary group. */
class IntoCanaryGroup implements BatchTraffic {
  constructor(
    private readonly p: WeightedCanaryPlan,
    private readonly traffic: WeightedTraffic,
  ) {}
  drain(ids: readonly string[]): Promise<void> {
    const inStable = ids.filter((id) => this.p.stable.instances.includes(id));
    return inStable.length ? this.traffic.deregister(this.p.stable.arn, inStable) : Promise.resolve();
  }
  restore(ids: readonly string[]): Promise<void> {
    return this.traffic.register(this.p.canary.arn, ids);
  }
}

/** Weighted Canary; `rollout` drains the rest's batches from the stable group (AlbTraffic). */
export async function runWeightedCanary(p: WeightedCanaryPlan, executor: DeployExecutor, traffic: WeightedTraffic, rollout: BatchTraffic, o: WeightedRunOptions): Promise<DeployOutcome> {
  const ex = new Remembering(executor);
  const first: DeployPlan = { strategy: p.strategy, batches: [{ index: 0, instances: p.canaries, role: 'canary' }], rollback: '' };
  const canaries = await runDeploy(first, ex, { ...o, traffic: new IntoCanaryGroup(p, traffic) });
  if (canaries.result !== 'succeeded') {
    const cleanup = await backToStable(p, traffic, o, 'weightsFirst').then(() => '', (e: unknown) => `; ${message(e)}`);
    return { ...canaries, ...(canaries.failure ? { failure: canaries.failure + cleanup } : {}) };
  }
  const stepped = await stepUp(p, ex, traffic, o);
  if (stepped) {
    // The weights first: no request may reach a canary that is going back.
    const weights = await stableOnly(p, traffic, o).then(() => '', (e: unknown) => `; ${t('Putting the weights back failed: {0}', message(e))}`);
    const instances = stepped.cancelled ? canaries.instances : await rollBackAll(ex, canaries.instances.map((i) => ({ ...i, error: stepped.failure })), o);
    const cleanup = await rejoinStable(p, traffic).then(() => '', (e: unknown) => `; ${message(e)}`);
    return { result: stepped.cancelled ? 'cancelled' : 'failed', instances, ...(stepped.cancelled ? {} : { failure: stepped.failure + weights + cleanup }) };
  }
  await backToStable(p, traffic, o, 'weightsLast');
  if (!p.rest) return canaries;
  const rest = await runDeploy(p.rest, ex, { ...o, traffic: rollout });
  const back = rest.result === 'failed' && p.strategy.onFailure === 'rollback' ? await rollBackBehind(rollout, ex, canaries.instances, o) : canaries.instances;
  return { ...rest, instances: [...back, ...rest.instances] };
}

async function stableOnly(p: WeightedCanaryPlan, traffic: WeightedTraffic, o: WeightedRunOptions): Promise<void> {
  await traffic.setWeights(weightsFor(p.groups, p.stable.arn, 100));
  o.onEvent?.({ kind: 'traffic', detail: t('{0} 100%, {1} 0%', p.stable.name, p.canary.name) });
}

/**
 * The canaries back into the stable group and out of the canary one, the weights at 100/0. After
 * a good canary the weights move last (the canaries serve in the stable group first, so the
 * canary group's share has somewhere to go); after a failure, first.
 */
async function backToStable(p: WeightedCanaryPlan, traffic: WeightedTraffic, o: WeightedRunOptions, order: 'weightsFirst' | 'weightsLast'): Promise<void> {
  if (order === 'weightsFirst') {
    await stableOnly(p, traffic, o);
    return rejoinStable(p, traffic);
  }
  await traffic.register(p.stable.arn, p.canaries);
  await stableOnly(p, traffic, o);
  await traffic.deregister(p.canary.arn, p.canaries);
}

async function rejoinStable(p: WeightedCanaryPlan, traffic: WeightedTraffic): Promise<void> {
  await traffic.register(p.stable.arn, p.canaries);
  await traffic.deregister(p.canary.arn, p.canaries);
}

/** The canaries, now in the stable group, back to their old release one by one, each drained first. */
async function rollBackBehind(rollout: BatchTraffic, ex: Remembering, outcomes: readonly InstanceOutcome[], o: WeightedRunOptions): Promise<InstanceOutcome[]> {
  const out: InstanceOutcome[] = [];
  for (const i of outcomes) {
    await rollout.drain([i.instanceId]);
    try {
      out.push(...(await rollBackAll(ex, [i], o)));
    } finally {
      await rollout.restore([i.instanceId]);
    }
  }
  return out;
}

/** Each share in turn with its bake; undefined when every step stayed healthy. The weights are back at 100/0 on a failure. */
async function stepUp(p: WeightedCanaryPlan, ex: DeployExecutor, traffic: WeightedTraffic, o: WeightedRunOptions): Promise<{ failure: string; ids: string[]; cancelled?: boolean } | undefined> {
  for (const share of p.steps) {
    if (isCancelled(o.signal)) return { failure: t('cancelled'), ids: [], cancelled: true };
    try {
      await traffic.setWeights(weightsFor(p.groups, p.canary.arn, share));
    } catch (err) {
      return { failure: t('Setting {0} to {1}% failed: {2}', p.canary.name, share, message(err)), ids: [...p.canaries] };
    }
    o.onEvent?.({ kind: 'traffic', detail: t('{0} {1}%, {2} {3}%', p.canary.name, share, p.stable.name, 100 - share) });
    const bad = await bake(p, ex, traffic, o, share);
    if (bad) return bad;
  }
  return undefined;
}

async function bake(p: WeightedCanaryPlan, ex: DeployExecutor, traffic: WeightedTraffic, o: WeightedRunOptions, share: number): Promise<{ failure: string; ids: string[] } | undefined> {
  const total = p.strategy.bakeSeconds * 1000;
  const slice = o.bakeCheckMs ?? 5000;
  const since = (o.now ?? Date.now)();
  for (let waited = 0; ; ) {
    const checks = await Promise.all([
      traffic.groupHealth(p.canary.arn, p.canaries).catch((err: unknown) => ({ healthy: false, detail: message(err) })),
      ...p.canaries.map((id) => ex.health(id).then((h) => ({ ...h, detail: `${id}: ${h.detail}` }), (err: unknown) => ({ healthy: false, detail: `${id}: ${message(err)}` }))),
      ...(p.strategy.max5xx !== undefined ? [errorCount(p, traffic, since, p.strategy.max5xx)] : []),
    ]);
    const sick = checks.find((h) => !h.healthy);
    if (sick) return { failure: t('At {0}%: {1}', share, sick.detail), ids: [...p.canaries] };
    if (waited >= total || isCancelled(o.signal)) return undefined;
    const step = Math.min(slice, total - waited);
    await ex.sleep(step);
    waited += step;
    for (const id of p.canaries) o.onEvent?.({ kind: 'step', instanceId: id, step: 'bake', detail: `${share}% ${Math.round(waited / 1000)}/${p.strategy.bakeSeconds} s` });
  }
}

/** The canary group's 5xx count since the step began against strategy.max5xx; a count that cannot be read fails the step. */
async function errorCount(p: WeightedCanaryPlan, traffic: WeightedTraffic, since: number, max: number): Promise<HealthResult> {
  if (!traffic.group5xx) return { healthy: false, detail: t('strategy.max5xx is set, but this load balancer gives no 5xx count') };
  try {
    const n = await traffic.group5xx(p.canary.arn, since);
    return n > max ? { healthy: false, detail: t('{0} answered {1} 5xx responses since this step began (HTTPCode_Target_5XX_Count in CloudWatch), more than strategy.max5xx {2}', p.canary.name, n, max) } : { healthy: true, detail: '' };
  } catch (err) {
    return { healthy: false, detail: t('Reading the 5xx count of {0} from CloudWatch failed: {1}', p.canary.name, message(err)) };
  }
}
