/**
 * A listener's (or a listener rule's) weighted forward action over two target groups: the AWS
 * side of Blue/Green and weighted Canary (core/deploy/weighted.ts WeightedTraffic).
 *
 * The actions are read once (DescribeListeners, or DescribeRules for a rule); each weight change
 * is then ONE ModifyListener (or ModifyRule) call that keeps the other actions as they were
 * (an authenticate action before the forward, say) and turns group stickiness off, so that a
 * weight applies to every new request at once.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  type Action,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { GroupWeight, WeightedGroup, WeightedTraffic } from '../deploy/weighted';
import type { HealthResult } from '../deploy/strategy';
import { t } from '../l10n';
import { target5xxCount } from './cloudWatch';
import { describeTargetHealth, drainTargets, forwardWeights, registerInService, waitInService } from './elb';
import type { TargetGroup } from './types';

/** The listener, or one of its rules. */
export interface ForwardRef {
  readonly listenerArn: string;
  readonly ruleArn?: string;
}

export interface Forward {
  /** Every action of the listener's default actions (or the rule's), as read. */
  readonly actions: readonly Action[];
  readonly weights: readonly GroupWeight[];
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The forward action of the listener or rule: one DescribeListeners or DescribeRules call. */
export async function readForward(client: ElasticLoadBalancingV2Client, ref: ForwardRef): Promise<Forward> {
  try {
    const actions = ref.ruleArn
      ? (await client.send(new DescribeRulesCommand({ RuleArns: [ref.ruleArn] }))).Rules?.[0]?.Actions
      : (await client.send(new DescribeListenersCommand({ ListenerArns: [ref.listenerArn] }))).Listeners?.[0]?.DefaultActions;
    return { actions: actions ?? [], weights: forwardWeights(actions ?? []) };
  } catch (err) {
    throw new Error(t('Reading the forward action of {0} failed: {1}', ref.ruleArn ?? ref.listenerArn, message(err)), { cause: err });
  }
}

/** The actions with the forward one carrying these weights, stickiness off. */
export function withWeights(actions: readonly Action[], weights: readonly GroupWeight[]): Action[] {
  const forward: Action = {
    Type: 'forward',
    ForwardConfig: { TargetGroups: weights.map((w) => ({ TargetGroupArn: w.targetGroupArn, Weight: w.weight })), TargetGroupStickinessConfig: { Enabled: false } },
  };
  const at = actions.findIndex((a) => a.Type === 'forward');
  if (at < 0) return [...actions, { ...forward, Order: actions.length + 1 }];
  const { TargetGroupArn: _plain, ForwardConfig: _old, ...rest } = actions[at];
  return actions.map((a, i) => (i === at ? { ...rest, ...forward } : a));
}

/** The two groups of the deploy file with their weights now and who is registered in each (one DescribeTargetHealth per group). */
export async function weightedGroups(client: ElasticLoadBalancingV2Client, forward: Forward, groups: readonly [TargetGroup, TargetGroup]): Promise<[WeightedGroup, WeightedGroup]> {
  const [a, b] = await Promise.all(
    groups.map(async (g) => {
      const w = forward.weights.find((x) => x.targetGroupArn === g.arn);
      if (!w) throw new Error(t('The listener does not forward to {0}: its forward action must hold both target groups of the deploy file.', g.name));
      const health = await describeTargetHealth(client, g);
      return { arn: g.arn, name: g.name, weight: w.weight, instances: health.filter((h) => h.state !== 'draining').map((h) => h.instanceId) };
    }),
  );
  return [a, b];
}

export interface ListenerWeightsOptions {
  readonly client: ElasticLoadBalancingV2Client;
  readonly ref: ForwardRef;
  /** The actions as read (readForward): kept beside the forward one. */
  readonly actions: readonly Action[];
  /** Group ARN → its deregistration delay, in seconds. */
  readonly drainSeconds: ReadonlyMap<string, number>;
  readonly inServiceSeconds?: number;
  readonly pollSeconds?: number;
  readonly log: (line: string) => void;
  /** Given when the deploy file sets strategy.max5xx: the groups' 5xx counts come from it. */
  readonly cloudWatch?: CloudWatchClient;
}

export class ListenerWeights implements WeightedTraffic {
  constructor(private readonly o: ListenerWeightsOptions) {}

  private get poll() {
    return { pollSeconds: this.o.pollSeconds ?? 5 };
  }

  async setWeights(weights: readonly GroupWeight[]): Promise<void> {
    const actions = withWeights(this.o.actions, weights);
    this.o.log(`${this.o.ref.ruleArn ?? this.o.ref.listenerArn}: weights ${weights.map((w) => `${w.targetGroupArn.split('/')[1] ?? w.targetGroupArn} ${w.weight}`).join(', ')}`);
    if (this.o.ref.ruleArn) await this.o.client.send(new ModifyRuleCommand({ RuleArn: this.o.ref.ruleArn, Actions: actions }));
    else await this.o.client.send(new ModifyListenerCommand({ ListenerArn: this.o.ref.listenerArn, DefaultActions: actions }));
  }

  async register(groupArn: string, ids: readonly string[]): Promise<void> {
    const ts = ids.map((instanceId) => ({ instanceId }));
    this.o.log(`${groupArn}: registering ${ids.join(', ')}`);
    await registerInService(this.o.client, groupArn, ts, { maxWaitSeconds: this.o.inServiceSeconds, ...this.poll });
  }

  async deregister(groupArn: string, ids: readonly string[]): Promise<void> {
    const ts = ids.map((instanceId) => ({ instanceId }));
    const delay = this.o.drainSeconds.get(groupArn) ?? 300;
    this.o.log(`${groupArn}: deregistering ${ids.join(', ')}, draining up to ${delay} s`);
    await drainTargets(this.o.client, groupArn, ts, { delaySeconds: delay, ...this.poll });
  }

  waitInService(groupArn: string, ids: readonly string[]): Promise<void> {
    return waitInService(this.o.client, groupArn, ids.map((instanceId) => ({ instanceId })), { maxWaitSeconds: this.o.inServiceSeconds ?? 300, ...this.poll });
  }

  async groupHealth(groupArn: string, ids: readonly string[]): Promise<HealthResult> {
    const health = await describeTargetHealth(this.o.client, { arn: groupArn, name: groupArn });
    const sick = ids.map((id) => ({ id, h: health.find((x) => x.instanceId === id) })).find(({ h }) => h?.state !== 'healthy');
    if (!sick) return { healthy: true, detail: t('every target is healthy in the group') };
    return { healthy: false, detail: t('{0} is {1} in the target group{2}', sick.id, sick.h?.state ?? t('not registered'), sick.h?.reason ? ` (${sick.h.reason})` : '') };
  }

  /** HTTPCode_Target_5XX_Count of the group from the minute of `sinceMs` until now (GetMetricData); only with the cloudWatch option. */
  async group5xx(groupArn: string, sinceMs: number): Promise<number> {
    if (!this.o.cloudWatch) throw new Error('ListenerWeights.group5xx needs the cloudWatch option');
    return target5xxCount(this.o.cloudWatch, { targetGroupArn: groupArn, listenerArn: this.o.ref.listenerArn, start: new Date(sinceMs), end: new Date() });
  }
}
