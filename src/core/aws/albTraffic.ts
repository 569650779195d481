/**
 * Rolling with draining behind an ALB: the runner's traffic hook (core/deploy BatchTraffic) over
 * target groups. For a batch, per group that holds some of its instances: DeregisterTargets, then
 * waitUntilTargetDeregistered (the group's deregistration delay, plus slack); after the deploy and
 * the health gate, RegisterTargets with the same port, then waitUntilTargetInService.
 *
 * Only what this hook took out goes back in: an instance that was in none of the groups stays
 * out of them (the plan says so), and one registered twice (two ports) comes back twice.
 */
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { BatchTraffic } from '../deploy/strategy';
import { drainTargets, registerInService, type InstanceTarget } from './elb';
import type { TargetGroup, TargetHealth } from './types';

export interface AlbTrafficOptions {
  readonly client: ElasticLoadBalancingV2Client;
  readonly groups: readonly TargetGroup[];
  /** Where the deploy's instances are registered now (targetHealthOf, before the deploy). */
  readonly registrations: readonly TargetHealth[];
  /** Each group's deregistration delay, in seconds (deregistrationDelaySeconds). */
  readonly drainSeconds: ReadonlyMap<string, number>;
  /** How long a registered instance may take to pass the load balancer's health check; default 300 s. */
  readonly inServiceSeconds?: number;
  /** Waiters' first poll interval; default 5 s (the SDK's own is 15 s). */
  readonly pollSeconds?: number;
  readonly log: (line: string) => void;
}


/** Registrations still in traffic (or on their way in): not the ones already leaving or gone. */
const IN_TRAFFIC = new Set(['initial', 'healthy', 'unhealthy', 'unavailable']);

export class AlbTraffic implements BatchTraffic {
  /** Group ARN → the targets this hook took out of it and has not put back. */
  private readonly out = new Map<string, InstanceTarget[]>();

  constructor(private readonly o: AlbTrafficOptions) {}

  /** The registrations of these instances, per group (only groups of the deploy). */
  private registered(ids: readonly string[]): Map<TargetGroup, InstanceTarget[]> {
    const byGroup = new Map<TargetGroup, InstanceTarget[]>();
    for (const g of this.o.groups) {
      const ts = this.o.registrations
        .filter((r) => r.targetGroupArn === g.arn && ids.includes(r.instanceId) && IN_TRAFFIC.has(r.state))
        .map((r) => ({ instanceId: r.instanceId, ...(r.port !== undefined ? { port: r.port } : {}) }));
      if (ts.length) byGroup.set(g, ts);
    }
    return byGroup;
  }

  async drain(instanceIds: readonly string[]): Promise<void> {
    const byGroup = this.registered(instanceIds);
    await Promise.all(
      [...byGroup].map(async ([g, ts]) => {
        const delay = this.o.drainSeconds.get(g.arn) ?? 300;
        this.o.log(`${g.name}: deregistering ${ts.map((x) => x.instanceId).join(', ')}, draining up to ${delay} s`);
        const taken = this.out.get(g.arn) ?? [];
        this.out.set(g.arn, [...taken, ...ts.filter((x) => !taken.some((y) => y.instanceId === x.instanceId && y.port === x.port))]);
        await drainTargets(this.o.client, g.arn, ts, { delaySeconds: delay, pollSeconds: this.o.pollSeconds ?? 5 });
        this.o.log(`${g.name}: ${ts.map((x) => x.instanceId).join(', ')} drained`);
      }),
    );
  }

  async restore(instanceIds: readonly string[]): Promise<void> {
    await Promise.all(
      this.o.groups.map(async (g) => {
        const taken = this.out.get(g.arn) ?? [];
        const ts = taken.filter((x) => instanceIds.includes(x.instanceId));
        if (ts.length === 0) return;
        this.o.log(`${g.name}: registering ${ts.map((x) => x.instanceId).join(', ')}`);
        await registerInService(this.o.client, g.arn, ts, { maxWaitSeconds: this.o.inServiceSeconds, pollSeconds: this.o.pollSeconds ?? 5 });
        this.out.set(g.arn, taken.filter((x) => !ts.includes(x)));
        this.o.log(`${g.name}: ${ts.map((x) => x.instanceId).join(', ')} in service`);
      }),
    );
  }
}
