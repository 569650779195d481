/**
 * Application Load Balancer target groups (ELBv2): which groups there are, where each instance is
 * registered and how healthy it is, taking instances out and putting them back, and the group's
 * deregistration delay (how long a deregistered target keeps its open requests: 300 s unless
 * someone lowered it). The waiters are the SDK's (waitUntilTargetDeregistered,
 * waitUntilTargetInService), with a poll interval the caller can shorten.
 */
import {
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetHealthCommand,
  ModifyTargetGroupAttributesCommand,
  paginateDescribeListeners,
  paginateDescribeTargetGroups,
  RegisterTargetsCommand,
  waitUntilTargetDeregistered,
  waitUntilTargetInService,
  type Action,
  type ElasticLoadBalancingV2Client,
  type TargetDescription,
  type TargetGroup as SdkTargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { t } from '../l10n';
import { isTargetGroupArn } from './elbArns';
import type { ForwardShare, TargetGroup, TargetHealth } from './types';

/** ELBv2's default `deregistration_delay.timeout_seconds`. */
export const DEFAULT_DEREGISTRATION_DELAY_SECONDS = 300;
export const DEREGISTRATION_DELAY_ATTRIBUTE = 'deregistration_delay.timeout_seconds';
/** DescribeTargetGroups' largest page. */
const TARGET_GROUP_PAGE_SIZE = 400;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function toTargetGroup(g: SdkTargetGroup): TargetGroup {
  return {
    arn: g.TargetGroupArn ?? '',
    name: g.TargetGroupName ?? '',
    ...(g.TargetType ? { targetType: g.TargetType } : {}),
    ...(g.Protocol ? { protocol: g.Protocol } : {}),
    ...(g.Port !== undefined ? { port: g.Port } : {}),
    ...(g.VpcId ? { vpcId: g.VpcId } : {}),
    loadBalancerArns: g.LoadBalancerArns ?? [],
  };
}

async function describeGroups(client: ElasticLoadBalancingV2Client, input: { Names?: string[]; TargetGroupArns?: string[] }): Promise<TargetGroup[]> {
  const out: TargetGroup[] = [];
  for await (const page of paginateDescribeTargetGroups({ client, pageSize: TARGET_GROUP_PAGE_SIZE }, input)) out.push(...(page.TargetGroups ?? []).map(toTargetGroup));
  return out;
}

/** Every target group of the region (the EC2 view), in name order. */
export async function listTargetGroups(client: ElasticLoadBalancingV2Client): Promise<TargetGroup[]> {
  return (await describeGroups(client, {})).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The groups a deploy file names, each by ARN or by name, in the order given. A group that does
 * not exist is an error that names it (DescribeTargetGroups answers TargetGroupNotFound for the
 * whole call).
 */
export async function resolveTargetGroups(client: ElasticLoadBalancingV2Client, refs: readonly string[]): Promise<TargetGroup[]> {
  const arns = refs.filter(isTargetGroupArn);
  const names = refs.filter((r) => !isTargetGroupArn(r));
  try {
    const found = [...(arns.length ? await describeGroups(client, { TargetGroupArns: arns }) : []), ...(names.length ? await describeGroups(client, { Names: names }) : [])];
    return refs.map((ref) => {
      const g = found.find((x) => x.arn === ref || x.name === ref);
      if (!g) throw new Error(t('There is no target group {0}.', ref));
      return g;
    });
  } catch (err) {
    throw new Error(t('Finding the target group(s) {0} failed: {1}', refs.join(', '), message(err)), { cause: err });
  }
}

/** The registered instances of one group and their health (one DescribeTargetHealth call). */
export async function describeTargetHealth(client: ElasticLoadBalancingV2Client, group: Pick<TargetGroup, 'arn' | 'name'>): Promise<TargetHealth[]> {
  const out = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: group.arn }));
  return (out.TargetHealthDescriptions ?? []).flatMap((d) =>
    d.Target?.Id
      ? [
          {
            targetGroupArn: group.arn,
            targetGroupName: group.name,
            instanceId: d.Target.Id,
            ...(d.Target.Port !== undefined ? { port: d.Target.Port } : {}),
            state: d.TargetHealth?.State ?? 'unavailable',
            ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
            ...(d.TargetHealth?.Description ? { description: d.TargetHealth.Description } : {}),
          },
        ]
      : [],
  );
}

/**
 * Where every instance of these groups is registered, and its health: one call per group of
 * instance targets (never one per instance), in parallel. Groups of IP or Lambda targets are skipped.
 */
export async function targetHealthOf(client: ElasticLoadBalancingV2Client, groups: readonly TargetGroup[]): Promise<TargetHealth[]> {
  const instanceGroups = groups.filter((g) => (g.targetType ?? 'instance') === 'instance');
  return (await Promise.all(instanceGroups.map((g) => describeTargetHealth(client, g)))).flat();
}

/** The targets of these instances as a group takes them: the port only when it was registered with one. */
export interface InstanceTarget {
  readonly instanceId: string;
  readonly port?: number;
}

const targets = (ts: readonly InstanceTarget[]): TargetDescription[] => ts.map((x) => ({ Id: x.instanceId, ...(x.port !== undefined ? { Port: x.port } : {}) }));

export async function registerTargets(client: ElasticLoadBalancingV2Client, groupArn: string, ts: readonly InstanceTarget[]): Promise<void> {
  if (ts.length) await client.send(new RegisterTargetsCommand({ TargetGroupArn: groupArn, Targets: targets(ts) }));
}

export async function deregisterTargets(client: ElasticLoadBalancingV2Client, groupArn: string, ts: readonly InstanceTarget[]): Promise<void> {
  if (ts.length) await client.send(new DeregisterTargetsCommand({ TargetGroupArn: groupArn, Targets: targets(ts) }));
}

/** The group's deregistration delay in seconds (how long a deregistered target drains). */
export async function deregistrationDelaySeconds(client: ElasticLoadBalancingV2Client, groupArn: string): Promise<number> {
  const out = await client.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: groupArn }));
  const value = out.Attributes?.find((a) => a.Key === DEREGISTRATION_DELAY_ATTRIBUTE)?.Value;
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) ? n : DEFAULT_DEREGISTRATION_DELAY_SECONDS;
}

/** Lowers (or raises) the group's deregistration delay: 0–3600 s, as ELBv2 takes it. */
export async function setDeregistrationDelay(client: ElasticLoadBalancingV2Client, groupArn: string, seconds: number): Promise<void> {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600) throw new Error(t('A deregistration delay is 0 to 3600 seconds, not {0}.', seconds));
  await client.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: groupArn, Attributes: [{ Key: DEREGISTRATION_DELAY_ATTRIBUTE, Value: String(seconds) }] }));
}

export interface WaitOptions {
  /** Give up after this long. */
  readonly maxWaitSeconds: number;
  /** First poll interval; the SDK's default is 15 s (it backs off from there). */
  readonly pollSeconds?: number;
}

function waiterConfig(client: ElasticLoadBalancingV2Client, o: WaitOptions) {
  const minDelay = Math.max(1, Math.min(o.pollSeconds ?? 15, o.maxWaitSeconds));
  return { client, maxWaitTime: Math.max(o.maxWaitSeconds, minDelay + 1), minDelay, maxDelay: Math.max(minDelay, Math.min(120, o.maxWaitSeconds)) };
}

/** Resolves when none of the targets is registered or draining any more (waitUntilTargetDeregistered). */
export async function waitDeregistered(client: ElasticLoadBalancingV2Client, groupArn: string, ts: readonly InstanceTarget[], o: WaitOptions): Promise<void> {
  if (ts.length === 0) return;
  try {
    await waitUntilTargetDeregistered(waiterConfig(client, o), { TargetGroupArn: groupArn, Targets: targets(ts) });
  } catch (err) {
    throw new Error(t('{0} did not finish draining within {1} s: {2}', ts.map((x) => x.instanceId).join(', '), o.maxWaitSeconds, message(err)), { cause: err });
  }
}

/** Resolves when every target is healthy in the group (waitUntilTargetInService). */
export async function waitInService(client: ElasticLoadBalancingV2Client, groupArn: string, ts: readonly InstanceTarget[], o: WaitOptions): Promise<void> {
  if (ts.length === 0) return;
  try {
    await waitUntilTargetInService(waiterConfig(client, o), { TargetGroupArn: groupArn, Targets: targets(ts) });
  } catch (err) {
    throw new Error(t('{0} did not come in service within {1} s: {2}', ts.map((x) => x.instanceId).join(', '), o.maxWaitSeconds, message(err)), { cause: err });
  }
}

/** Beyond the delay: ELBv2 reports the end of a drain on its next health round. */
const DRAIN_SLACK_SECONDS = 60;
/** How long a registered target may take to pass the load balancer's health check, unless told. */
const DEFAULT_IN_SERVICE_SECONDS = 300;

/** Takes the targets out of the group and waits until they have drained: the group's delay (default 300 s) plus slack. */
export async function drainTargets(client: ElasticLoadBalancingV2Client, groupArn: string, ts: readonly InstanceTarget[], o: { readonly delaySeconds?: number; readonly pollSeconds?: number }): Promise<void> {
  await deregisterTargets(client, groupArn, ts);
  await waitDeregistered(client, groupArn, ts, { maxWaitSeconds: (o.delaySeconds ?? DEFAULT_DEREGISTRATION_DELAY_SECONDS) + DRAIN_SLACK_SECONDS, pollSeconds: o.pollSeconds });
}

/** Puts the targets (back) in the group and waits until every one is in service. */
export async function registerInService(client: ElasticLoadBalancingV2Client, groupArn: string, ts: readonly InstanceTarget[], o: { readonly maxWaitSeconds?: number; readonly pollSeconds?: number }): Promise<void> {
  await registerTargets(client, groupArn, ts);
  await waitInService(client, groupArn, ts, { maxWaitSeconds: o.maxWaitSeconds ?? DEFAULT_IN_SERVICE_SECONDS, pollSeconds: o.pollSeconds });
}

/** A listener's forward action: its target groups and their weights (ForwardConfig, or the plain TargetGroupArn as weight 1). */
export async function listenerForward(client: ElasticLoadBalancingV2Client, listenerArn: string): Promise<{ readonly targetGroupArn: string; readonly weight: number }[]> {
  const out = await client.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }));
  return forwardWeights(out.Listeners?.[0]?.DefaultActions ?? []);
}

/** The forward action's groups and weights among these actions. */
export function forwardWeights(actions: readonly Action[]): { readonly targetGroupArn: string; readonly weight: number }[] {
  const forward = actions.find((a) => a.Type === 'forward');
  if (!forward) return [];
  const groups = forward.ForwardConfig?.TargetGroups ?? (forward.TargetGroupArn ? [{ TargetGroupArn: forward.TargetGroupArn, Weight: 1 }] : []);
  return groups.flatMap((g) => (g.TargetGroupArn ? [{ targetGroupArn: g.TargetGroupArn, weight: g.Weight ?? 1 }] : []));
}

/**
 * Each target group's weight in the forward actions that split between two or more groups, among
 * the default actions of these load balancers' listeners (one DescribeListeners per load balancer,
 * in parallel): the live and the idle set of a Blue/Green, a canary's share. Listener rules are
 * not read (that is one DescribeRules per listener), so a group forwarded by a rule alone is not
 * in the map. Keyed by target group ARN; a group in several such listeners has one share each.
 */
export async function forwardSharesOf(client: ElasticLoadBalancingV2Client, loadBalancerArns: readonly string[]): Promise<Map<string, ForwardShare[]>> {
  const listeners = await Promise.all(
    loadBalancerArns.map(async (LoadBalancerArn) => {
      const out = [];
      for await (const page of paginateDescribeListeners({ client }, { LoadBalancerArn })) out.push(...(page.Listeners ?? []));
      return out;
    }),
  );
  const shares = new Map<string, ForwardShare[]>();
  for (const listener of listeners.flat()) {
    const weights = forwardWeights(listener.DefaultActions ?? []);
    if (weights.length < 2) continue;
    const total = weights.reduce((sum, w) => sum + w.weight, 0);
    for (const w of weights) {
      const list = shares.get(w.targetGroupArn) ?? [];
      list.push({ listenerArn: listener.ListenerArn ?? '', ...(listener.Port !== undefined ? { listenerPort: listener.Port } : {}), weight: w.weight, totalWeight: total });
      shares.set(w.targetGroupArn, list);
    }
  }
  return shares;
}
