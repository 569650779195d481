/**
 * The deploy file's load balancer, before the plan is shown: its target groups (by ARN or name),
 * where the deploy's instances are registered (one DescribeTargetHealth per group), and how long
 * each group drains. A group on the 300 s default is named, and the person may lower its delay
 * for this group. Rolling and Canary then get the traffic hook (core/aws AlbTraffic) that takes
 * each batch out of its groups and puts it back; Big Bang leaves the load balancer alone.
 *
 * The hook's calls do not take the deploy's cancel: a batch that started ends back in service.
 */
import * as vscode from 'vscode';
import type { Ec2Instance } from '../../core/aws/types';
import type { BatchTraffic, DeployExecutor, DeployFile, DeployOutcome, DeployPlan, WeightedRunOptions } from '../../core/deploy/index';
import { CancelledError } from '../../core/errors';
import { SwitchRecords } from '../../state/switches';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

/** What a person picks when the delay is the default: short enough for a deploy, long enough for most requests. */
export const LOWERED_DRAIN_SECONDS = 30;

/** Carries the plan out in place of runDeploy (Blue/Green, weighted Canary). */
export type WeightedRunner = (executor: DeployExecutor, o: WeightedRunOptions) => Promise<DeployOutcome>;

export interface TrafficSetup {
  readonly hook?: BatchTraffic;
  /** For the plan: what happens to traffic at each step. */
  readonly lines: readonly string[];
  /** Blue/Green: the plan is green's only. */
  readonly plan?: DeployPlan;
  readonly runner?: WeightedRunner;
}

export interface TrafficOptions {
  /** Automation: set every group's deregistration delay to this before the deploy. */
  readonly drainSeconds?: number;
  /** Automation without questions: a 300 s delay stays as it is unless drainSeconds says otherwise. */
  readonly confirmed: boolean;
}

export async function prepareTraffic(deps: Pick<Deps, 'core' | 'store' | 'ui' | 'log' | 'globalState'>, file: DeployFile, plan: DeployPlan, instances: readonly Ec2Instance[], o: TrafficOptions): Promise<TrafficSetup> {
  const core = deps.core.deploy();
  const lb = file.loadBalancer;
  if (!lb) return { lines: core.describeTraffic(plan, undefined) };
  const aws = deps.core.aws();
  const client = deps.store.getSession().elb(lb.region);
  const groups = await aws.resolveTargetGroups(client, 'targetGroup' in lb ? [lb.targetGroup] : lb.targetGroups);
  const ids = new Set(instances.map((i) => i.id));
  const [registrations, delays] = await Promise.all([
    aws.targetHealthOf(client, groups),
    Promise.all(groups.map(async (g) => [g.arn, await aws.deregistrationDelaySeconds(client, g.arn)] as const)),
  ]);
  const drainSeconds = new Map(delays);
  for (const g of groups) {
    const wanted = o.drainSeconds ?? (o.confirmed || drainSeconds.get(g.arn) !== core.DEFAULT_DRAIN_SECONDS ? undefined : await askToLower(deps, g.name));
    if (wanted === undefined || wanted === drainSeconds.get(g.arn)) continue;
    await aws.setDeregistrationDelay(client, g.arn, wanted);
    deps.log.info(`${g.name}: deregistration delay set to ${wanted} s (was ${drainSeconds.get(g.arn)} s)`);
    drainSeconds.set(g.arn, wanted);
  }
  const mine = registrations.filter((r) => ids.has(r.instanceId));
  for (const g of groups) deps.log.info(`${g.name} (${g.arn}): drains ${drainSeconds.get(g.arn)} s; ${mine.filter((r) => r.targetGroupArn === g.arn).map((r) => `${r.instanceId} ${r.state}`).join(', ') || 'none of the instances'}`);
  const registeredIn = new Map<string, string[]>();
  for (const r of mine) registeredIn.set(r.instanceId, [...(registeredIn.get(r.instanceId) ?? []), r.targetGroupName]);
  const hook = new aws.AlbTraffic({ client, groups, registrations: mine, drainSeconds, log: (line) => deps.log.info(line) });
  if ('listener' in lb && (plan.strategy.kind === 'blueGreen' || plan.strategy.kind === 'canary')) return weightedSetup(deps, file, plan, [groups[0], groups[1]], { drainSeconds, hook });
  const lines = core.describeTraffic(plan, { groups: groups.map((g) => ({ name: g.name, drainSeconds: drainSeconds.get(g.arn) ?? core.DEFAULT_DRAIN_SECONDS })), registeredIn });
  if (plan.strategy.kind === 'bigBang') return { lines };
  return { hook, lines };
}

type Groups = Parameters<ReturnType<Deps['core']['aws']>['weightedGroups']>[2];

/**
 * Blue/Green and weighted Canary: the listener's (or rule's) forward action read once, the
 * groups' weights and members, and the runner that moves the weights. A Blue/Green switch is
 * remembered for Switch Back while blue is kept.
 */
async function weightedSetup(deps: Pick<Deps, 'core' | 'store' | 'log' | 'globalState'>, file: DeployFile, plan: DeployPlan, groups: Groups, o: { readonly drainSeconds: ReadonlyMap<string, number>; readonly hook: BatchTraffic }): Promise<TrafficSetup> {
  const lb = file.loadBalancer;
  if (!lb || !('listener' in lb)) throw new Error('weightedSetup needs a listener');
  const aws = deps.core.aws();
  const core = deps.core.deploy();
  const client = deps.store.getSession().elb(lb.region);
  const ref = { listenerArn: lb.listener, ...(lb.rule ? { ruleArn: lb.rule } : {}) };
  const forward = await aws.readForward(client, ref);
  const weighted = await aws.weightedGroups(client, forward, groups);
  const strategy = plan.strategy;
  const cloudWatch = strategy.kind === 'canary' && strategy.max5xx !== undefined ? { cloudWatch: deps.store.getSession().cloudWatch(lb.region) } : {};
  const traffic = new aws.ListenerWeights({ client, ref, actions: forward.actions, drainSeconds: o.drainSeconds, log: (line) => deps.log.info(line), ...cloudWatch });
  const ids = plan.batches.flatMap((b) => b.instances);
  if (strategy.kind === 'canary') {
    const p = core.planWeightedCanary(strategy, weighted, ids);
    return { lines: core.describeWeightedCanary(p), hook: o.hook, runner: (ex, ro) => core.runWeightedCanary(p, ex, traffic, o.hook, ro) };
  }
  if (strategy.kind !== 'blueGreen') throw new Error('weightedSetup takes Blue/Green or Canary');
  // The database first, then the app: its switchover is checked now, and runs once green is in service.
  const db = strategy.rdsBlueGreen ? await aws.prepareDatabaseSwitchover(deps.store.getSession().rds(lb.region), lb.region, strategy.rdsBlueGreen, { log: (line) => deps.log.info(line) }) : undefined;
  const switchover = db && (() => db.switchover().finally(() => void deps.store.reloadRegion(lb.region, ['rds'])));
  const p = core.planBlueGreen(strategy, weighted, ids, db?.database);
  const runner: WeightedRunner = async (ex, ro) => {
    const out = await core.runBlueGreen(p, ex, traffic, ro, switchover);
    if (out.switched && out.switchedAt !== undefined) {
      await new SwitchRecords(deps.globalState).add({ region: lb.region, ...ref, service: file.service, blue: p.live.name, green: p.idle.name, before: out.before, after: core.weightsFor(p.groups, p.idle.arn, 100), switchedAt: out.switchedAt, keepSeconds: p.keepSeconds });
    }
    return out;
  };
  return { lines: core.describeBlueGreen(p), plan: p.deploy, runner };
}

/** The group drains for the 300 s default: lower it for this group, or keep it. */
async function askToLower(deps: Pick<Deps, 'ui'>, group: string): Promise<number | undefined> {
  const lower = l('Lower to {0} s', LOWERED_DRAIN_SECONDS);
  const keep = l('Keep 300 s');
  const answer = await deps.ui.showInformationMessage(
    l('Target group {0} drains for 300 s, the default: each batch waits up to that long for its open requests. Lower its deregistration delay to {1} s for this group?', group, LOWERED_DRAIN_SECONDS),
    { modal: true, detail: l('This changes the target group\'s deregistration_delay.timeout_seconds attribute (ModifyTargetGroupAttributes) for every later deregistration too. Requests still open after it are cut.') },
    lower,
    keep,
  );
  if (!answer) throw new CancelledError();
  return answer === lower ? LOWERED_DRAIN_SECONDS : undefined;
}

/** Registrations or weights moved: the EC2 view's target groups (health, live or idle) are read again in these instances' regions. */
export function reloadTargetsOf(deps: Pick<Deps, 'store'>, instances: readonly Ec2Instance[]): void {
  for (const region of new Set(instances.map((i) => i.region))) void deps.store.reloadRegion(region, ['ec2']);
}

/** After a cancel: an instance behind the load balancer leaves it for its rollback, and comes back. */
export async function outOfTrafficFor<T>(traffic: BatchTraffic | undefined, instanceId: string, work: () => Promise<T>): Promise<T> {
  if (!traffic) return work();
  await traffic.drain([instanceId]);
  try {
    return await work();
  } finally {
    await traffic.restore([instanceId]);
  }
}
