/**
 * Deploys under a constant load of requests through a load balancer, in one run: the real sandbox
 * app on 4 real test hosts (network namespaces, support/deployHosts.ts), moto's ELBv2 control
 * plane with a listener over two target groups (blue: hosts 1–2, green: hosts 3–4) and the ALB
 * data-plane stand-in (support/albStandIn.ts), with 8 clients sending GET /healthz back to back.
 * Deregistration delay 1 s on both groups. A drain ends once the stand-in routes by it (moto
 * drops a deregistered target at once; on AWS the waiter returns only after the ALB drained it).
 *
 * - alb_idle_failed_requests: the same load for 3 s with no deploy (the control: 0).
 * - rolling_alb_failed_requests: Rolling, one host per batch, each drained from its group first (expected 0).
 * - bluegreen_failed_requests: Blue/Green to the idle group, then the one-call switch (expected 0).
 * - bluegreen_switch_ms: from the switch call until the last request answered by blue.
 * - bigbang_failed_requests: a Big Bang replacing the release on all 4 hosts at once, printed as
 *   measured: it is why the other strategies exist.
 */
import { AlbTraffic } from '../../src/core/aws/albTraffic';
import { ListenerWeights, readForward, weightedGroups } from '../../src/core/aws/albWeights';
import { registerTargets, resolveTargetGroups, setDeregistrationDelay, targetHealthOf } from '../../src/core/aws/elb';
import { releaseName } from '../../src/core/deploy/build';
import type { Strategy } from '../../src/core/deploy/deployFile';
import { planDeploy, runDeploy, type BatchTraffic, type DeployExecutor, type DeployOutcome, type RunOptions } from '../../src/core/deploy/strategy';
import { planBlueGreen, runBlueGreen, type WeightedTraffic } from '../../src/core/deploy/weighted';
import { startAlbDeployWorld } from '../integration/support/albDeploy';
import { buildSandboxApp } from '../integration/support/goapp';
import { startLoad } from './load';

const HOSTS = 4;
const PASSWORD = 'bench-Alb_pw1';
const GROUPS = ['goapp-blue', 'goapp-green'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(): Promise<Array<{ name: string; value: number; unit: string }>> {
  const binary = await buildSandboxApp('amd64', 'bench');
  const w = await startAlbDeployWorld(HOSTS, PASSWORD, GROUPS);
  const elb = w.alb.elb;
  const ids = w.alb.instanceIds;
  try {
    let n = 0;
    const t0 = Date.now();
    const deploy = async (run: (ex: DeployExecutor, o: RunOptions) => Promise<DeployOutcome>) => {
      const release = releaseName('bench', new Date(t0 + n++ * 1000));
      const ex = await w.executor(release, binary);
      try {
        const outcome = await run(ex, { release });
        if (outcome.result !== 'succeeded') throw new Error(`bench deploy failed: ${JSON.stringify(outcome)}`);
      } finally {
        await ex.close();
      }
    };
    const plain = (strategy: Strategy, o: Partial<RunOptions> = {}) => deploy((ex, ro) => runDeploy(planDeploy(strategy, ids), ex, { ...ro, ...o }));
    const bigBang: Strategy = { kind: 'bigBang', onFailure: 'rollback' };
    await plain(bigBang);
    await registerTargets(elb, w.alb.groups.get(GROUPS[0]) ?? '', ids.slice(0, 2).map((instanceId) => ({ instanceId })));
    await registerTargets(elb, w.alb.groups.get(GROUPS[1]) ?? '', ids.slice(2).map((instanceId) => ({ instanceId })));
    for (const arn of w.alb.groups.values()) await setDeregistrationDelay(elb, arn, 1);
    await w.stand.refresh();

    const underLoad = async (work: () => Promise<unknown>) => {
      const load = startLoad(`${w.stand.url}/healthz`);
      await sleep(500);
      await work();
      await sleep(500);
      await load.stop();
      return load;
    };
    const probe = await fetch(`${w.stand.url}/healthz`);
    if (probe.status !== 200) throw new Error(`the app does not answer through the ALB stand-in: ${probe.status} ${await probe.text()}`);
    const idle = await underLoad(() => sleep(3000));

    const groups = await resolveTargetGroups(elb, GROUPS);
    const drainSeconds = new Map(groups.map((g) => [g.arn, 1]));
    const hook = new AlbTraffic({ client: elb, groups, registrations: await targetHealthOf(elb, groups), drainSeconds, pollSeconds: 1, inServiceSeconds: 30, log: () => undefined });
    // moto drops a deregistered target at once, so waitUntilTargetDeregistered returns before the
    // stand-in has read the change (on AWS the waiter returns only once the ALB has drained it):
    // the drain ends when the data plane routes by it, as it does on AWS.
    const rollingTraffic: BatchTraffic = {
      drain: async (x) => {
        await hook.drain(x);
        await w.stand.refresh();
      },
      restore: (x) => hook.restore(x),
    };
    const rolling = await underLoad(() => plain({ kind: 'rolling', batch: { count: 1 }, onFailure: 'rollback' }, { traffic: rollingTraffic }));

    const ref = { listenerArn: w.alb.listenerArn };
    const forward = await readForward(elb, ref);
    const weighted = await weightedGroups(elb, forward, [groups[0], groups[1]]);
    const plan = planBlueGreen({ kind: 'blueGreen', keepSeconds: 600, batch: { percent: 100 }, onFailure: 'rollback' }, weighted, ids);
    const listener = new ListenerWeights({ client: elb, ref, actions: forward.actions, drainSeconds, pollSeconds: 1, inServiceSeconds: 30, log: () => undefined });
    let switchCall = 0;
    const timed: WeightedTraffic = {
      setWeights: (x) => {
        switchCall = performance.now();
        return listener.setWeights(x);
      },
      register: (g, x) => listener.register(g, x),
      deregister: (g, x) => listener.deregister(g, x),
      waitInService: (g, x) => listener.waitInService(g, x),
      groupHealth: (g, x) => listener.groupHealth(g, x),
    };
    const blueGreen = await underLoad(() => deploy((ex, ro) => runBlueGreen(plan, ex, timed, ro)));
    const blue = new Set(plan.live.instances);
    const lastBlue = Math.max(switchCall, ...blueGreen.answers.filter((a) => a.target !== undefined && blue.has(a.target)).map((a) => a.at));

    const big = await underLoad(() => plain(bigBang));
    return [
      { name: 'alb_idle_failed_requests', value: idle.failed, unit: 'requests' },
      { name: 'rolling_alb_failed_requests', value: rolling.failed, unit: 'requests' },
      { name: 'rolling_alb_requests_sent', value: rolling.sent, unit: 'requests' },
      { name: 'bluegreen_failed_requests', value: blueGreen.failed, unit: 'requests' },
      { name: 'bluegreen_requests_sent', value: blueGreen.sent, unit: 'requests' },
      { name: 'bluegreen_switch_ms', value: Math.round(lastBlue - switchCall), unit: 'ms' },
      { name: 'bigbang_failed_requests', value: big.failed, unit: 'requests' },
      { name: 'bigbang_requests_sent', value: big.sent, unit: 'requests' },
    ];
  } finally {
    await w.stop();
  }
}
