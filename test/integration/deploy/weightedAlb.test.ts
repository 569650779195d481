// Blue/Green and weighted Canary behind an ALB, end to end: the product's runners
// (core/deploy/weighted.ts) with the listener's weights through the real SDK (core/aws/albWeights.ts)
// against moto's ELBv2, the real sandbox app on 4 test hosts (network namespaces with their own
// sshd; a real MariaDB), and a constant load of requests through the ALB data-plane stand-in,
// which routes by moto's weights and registrations. systemd cannot run here: the supervisor of
// support/deployHosts.ts stands in for it.
import * as assert from 'node:assert/strict';
import { ListenerWeights, readForward, weightedGroups } from '../../../src/core/aws/albWeights';
import { registerTargets, resolveTargetGroups, setDeregistrationDelay } from '../../../src/core/aws/elb';
import { releaseName } from '../../../src/core/deploy/build';
import { planDeploy, runDeploy } from '../../../src/core/deploy/strategy';
import { planBlueGreen, planWeightedCanary, runBlueGreen, runWeightedCanary, type GroupWeight } from '../../../src/core/deploy/weighted';
import { AlbTraffic } from '../../../src/core/aws/albTraffic';
import { startLoad } from '../../bench/load';
import { startAlbDeployWorld, type AlbDeployWorld } from '../support/albDeploy';
import { buildSandboxApp } from '../support/goapp';

const PASSWORD = 'alb-W8ighted_pw';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Blue/Green and weighted Canary behind an ALB (moto ELBv2, the ALB stand-in, real test hosts)', function () {
  this.timeout(400_000);
  let w: AlbDeployWorld;
  let binary: string;
  let n = 0;
  const log: string[] = [];
  const [BLUE, GREEN] = ['goapp-blue', 'goapp-green'];
  const t0 = Date.now();
  const release = () => releaseName('w', new Date(t0 + n++ * 1000));
  const elb = () => w.alb.elb;
  const ids = () => w.alb.instanceIds;

  before(async () => {
    const [world, built] = await Promise.all([startAlbDeployWorld(4, PASSWORD, [BLUE, GREEN]), buildSandboxApp('amd64', 'weighted')]);
    w = world;
    binary = built;
    const [a, b, c, d] = ids();
    await registerTargets(elb(), w.alb.groups.get(BLUE) ?? '', [{ instanceId: a }, { instanceId: b }]);
    await registerTargets(elb(), w.alb.groups.get(GREEN) ?? '', [{ instanceId: c }, { instanceId: d }]);
    for (const arn of w.alb.groups.values()) await setDeregistrationDelay(elb(), arn, 1);
    // Every host on a first release, so that green and blue both have one to go back to.
    const first = release();
    const ex = await w.executor(first, binary);
    try {
      const out = await runDeploy(planDeploy({ kind: 'bigBang', onFailure: 'rollback' }, ids()), ex, { release: first });
      assert.equal(out.result, 'succeeded', JSON.stringify(out));
    } finally {
      await ex.close();
    }
    await w.stand.refresh();
  });

  after(async () => {
    await w?.stop();
  });

  async function listener() {
    const groups = await resolveTargetGroups(elb(), [BLUE, GREEN]);
    const forward = await readForward(elb(), { listenerArn: w.alb.listenerArn });
    const weighted = await weightedGroups(elb(), forward, [groups[0], groups[1]]);
    const traffic = new ListenerWeights({ client: elb(), ref: { listenerArn: w.alb.listenerArn }, actions: forward.actions, drainSeconds: new Map(groups.map((g) => [g.arn, 1])), pollSeconds: 1, inServiceSeconds: 30, log: (l) => log.push(l) });
    return { groups, weighted, traffic };
  }

  const weightsNow = async (): Promise<GroupWeight[]> => [...(await readForward(elb(), { listenerArn: w.alb.listenerArn })).weights];

  it('Blue/Green: deploys green while blue serves, switches in one call with no failed request, and switches back with no redeploy', async () => {
    const { weighted, traffic } = await listener();
    const plan = planBlueGreen({ kind: 'blueGreen', keepSeconds: 600, batch: { percent: 100 }, onFailure: 'rollback' }, weighted, ids());
    const [a, b, c, d] = ids();
    assert.deepEqual(plan.deploy.batches.flatMap((x) => x.instances), [c, d], 'green: the idle group');
    const blueRelease = w.releaseOf(a);
    const next = release();
    const ex = await w.executor(next, binary);
    const load = startLoad(`${w.stand.url}/healthz`);
    let switchCall = 0;
    const timed = { ...traffic, setWeights: traffic.setWeights.bind(traffic), register: traffic.register.bind(traffic), deregister: traffic.deregister.bind(traffic), waitInService: traffic.waitInService.bind(traffic), groupHealth: traffic.groupHealth.bind(traffic) };
    timed.setWeights = async (x) => {
      switchCall = performance.now();
      await traffic.setWeights(x);
    };
    try {
      await sleep(500);
      const out = await runBlueGreen(plan, ex, timed, { release: next });
      assert.equal(out.result, 'succeeded', JSON.stringify(out));
      // The stand-in reads moto every 50 ms (ALB takes a few seconds to apply a change); once it
      // routes by the new weights, a request that starts then goes to green.
      await w.stand.refresh();
      const routed = performance.now();
      await sleep(1000);
      const afterSwitch = load.answers.filter((x) => x.at > routed + 300);
      assert.ok(afterSwitch.length > 10, `requests after the switch: ${afterSwitch.length}`);
      assert.deepEqual([...new Set(afterSwitch.map((x) => x.target))].sort(), [c, d].sort(), 'after the switch only green answers');
      assert.ok(load.answers.some((x) => x.at < switchCall && (x.target === a || x.target === b)), 'blue answered before');
      assert.deepEqual([w.releaseOf(a), w.releaseOf(b)], [blueRelease, blueRelease], 'blue untouched');
      assert.deepEqual([w.releaseOf(c), w.releaseOf(d)], [next, next]);
      assert.deepEqual(await weightsNow(), [{ targetGroupArn: w.alb.groups.get(BLUE), weight: 0 }, { targetGroupArn: w.alb.groups.get(GREEN), weight: 100 }]);
      // Switch Back: one more weight call, no redeploy.
      await traffic.setWeights(out.before);
      await w.stand.refresh();
      const back = performance.now();
      await sleep(1000);
      assert.deepEqual([...new Set(load.answers.filter((x) => x.at > back + 300).map((x) => x.target))].sort(), [a, b].sort(), 'blue serves again');
      await load.stop();
      assert.equal(load.failed, 0, `failed requests during the deploy, the switch and the switch back (of ${load.sent})`);
    } finally {
      await load.stop();
      await ex.close();
    }
  });

  it('weighted Canary: a canary that dies at 10% puts the weights back to 100/0 and goes back to its old release; the rest is untouched', async () => {
    const { weighted, traffic } = await listener();
    const [a, b] = ids();
    const plan = planWeightedCanary({ kind: 'canary', canary: { count: 1 }, bakeSeconds: 3, batch: { count: 1 }, onFailure: 'rollback', steps: [10, 50, 100] }, weighted, [a, b]);
    assert.deepEqual([plan.stable.name, plan.canary.name, plan.canaries], [BLUE, GREEN, [a]]);
    const old = w.releaseOf(a);
    const next = release();
    const ex = await w.executor(next, binary);
    const seen: string[] = [];
    try {
      const out = await runWeightedCanary(plan, ex, traffic, new AlbTraffic({ client: elb(), groups: [], registrations: [], drainSeconds: new Map(), log: () => undefined }), {
        release: next,
        bakeCheckMs: 500,
        onEvent: (e) => {
          if (e.kind !== 'traffic') return;
          seen.push(e.detail);
          if (e.detail.startsWith(`${GREEN} 10%`)) w.killApp(a);
        },
      });
      assert.equal(out.result, 'failed', JSON.stringify(out));
      assert.match(out.failure ?? '', /At 10%/);
      assert.deepEqual(seen, [`${GREEN} 10%, ${BLUE} 90%`, `${BLUE} 100%, ${GREEN} 0%`], 'no step past the failure; weights back');
      assert.deepEqual(await weightsNow(), [{ targetGroupArn: w.alb.groups.get(BLUE), weight: 100 }, { targetGroupArn: w.alb.groups.get(GREEN), weight: 0 }]);
      assert.equal(w.releaseOf(a), old, 'the canary is back on its old release');
      assert.equal(w.releaseOf(b), old, 'the rest untouched');
      const { weighted: now } = await listener();
      assert.deepEqual([now[0].instances.slice().sort(), now[1].instances], [[a, b].sort(), ids().slice(2)], 'the canary is back in the stable group, out of the canary group');
      const answer = await fetch(`${w.stand.url}/healthz`);
      assert.equal(answer.status, 200, 'the app answers through the load balancer again');
    } finally {
      await ex.close();
    }
  });
});
