// Blue/Green and weighted Canary (core/deploy/weighted.ts): the plans from a listener's weights,
// and the runs over a fake world that records every weight change and registration in order.
import * as assert from 'node:assert/strict';
import { parseDeployFile, type Strategy } from '../../../src/core/deploy/deployFile';
import type { BatchTraffic, DeployExecutor, HealthResult } from '../../../src/core/deploy/strategy';
import {
  canSwitchBack,
  describeBlueGreen,
  describeWeightedCanary,
  liveOrIdle,
  planBlueGreen,
  planWeightedCanary,
  runBlueGreen,
  runWeightedCanary,
  sidesOf,
  weightsFor,
  type GroupWeight,
  type WeightedGroup,
  type WeightedTraffic,
} from '../../../src/core/deploy/weighted';

const BLUE = 'arn:blue';
const GREEN = 'arn:green';

/** Instances with a release each, two groups with weights and members; every call in `log`. */
class World implements DeployExecutor, WeightedTraffic, BatchTraffic {
  readonly log: string[] = [];
  readonly release = new Map<string, string>();
  readonly members = new Map<string, Set<string>>([[BLUE, new Set()], [GREEN, new Set()]]);
  weights: GroupWeight[] = [];
  readonly unhealthy = new Set<string>();
  /** The group reports this instance unhealthy (the load balancer's own check). */
  readonly sickInGroup = new Set<string>();
  failSwitch = false;
  failInService = false;
  group5xx?: (arn: string, since: number) => Promise<number>;

  constructor(ids: readonly string[], private readonly next = 'r-new') {
    for (const id of ids) this.release.set(id, 'r-old');
  }
  name = (arn: string) => (arn === BLUE ? 'blue' : 'green');
  async upload(id: string) {
    this.log.push(`upload ${id}`);
    return { previous: this.release.get(id) };
  }
  async activate(id: string) {
    this.log.push(`activate ${id}`);
    this.release.set(id, this.next);
  }
  async health(id: string): Promise<HealthResult> {
    return this.unhealthy.has(id) ? { healthy: false, detail: 'GET /healthz answered 503' } : { healthy: true, detail: 'GET /healthz answered 200' };
  }
  async rollback(id: string, previous: string) {
    this.log.push(`rollback ${id}`);
    this.release.set(id, previous);
  }
  async sleep() {}
  async setWeights(w: readonly GroupWeight[]) {
    if (this.failSwitch && w.some((x) => x.targetGroupArn === GREEN && x.weight === 100)) {
      this.log.push('switch refused');
      throw new Error('ValidationError');
    }
    this.weights = [...w];
    this.log.push(`weights ${w.map((x) => `${this.name(x.targetGroupArn)}=${x.weight}`).join(' ')}`);
  }
  async register(arn: string, ids: readonly string[]) {
    for (const id of ids) this.members.get(arn)?.add(id);
    this.log.push(`register ${this.name(arn)} ${ids.join(',')} on ${ids.map((id) => this.release.get(id)).join(',')}`);
  }
  async deregister(arn: string, ids: readonly string[]) {
    for (const id of ids) this.members.get(arn)?.delete(id);
    this.log.push(`deregister ${this.name(arn)} ${ids.join(',')}`);
  }
  async waitInService(arn: string, ids: readonly string[]) {
    this.log.push(`in service ${this.name(arn)} ${ids.join(',')}`);
    if (this.failInService) throw new Error('did not come in service within 300 s');
  }
  async groupHealth(arn: string, ids: readonly string[]): Promise<HealthResult> {
    const sick = ids.find((id) => this.sickInGroup.has(id) || !this.members.get(arn)?.has(id));
    return sick ? { healthy: false, detail: `${sick} is unhealthy in the target group` } : { healthy: true, detail: 'ok' };
  }
  // The rollout's BatchTraffic over the blue group.
  drain(ids: readonly string[]) {
    return this.deregister(BLUE, ids);
  }
  restore(ids: readonly string[]) {
    return this.register(BLUE, ids);
  }
}

const group = (arn: string, weight: number, instances: string[]): WeightedGroup => ({ arn, name: arn === BLUE ? 'blue' : 'green', weight, instances });
const blueGreen: Extract<Strategy, { kind: 'blueGreen' }> = { kind: 'blueGreen', keepSeconds: 600, batch: { percent: 100 }, onFailure: 'rollback' };
const canary = (bakeSeconds = 10, steps?: number[]): Extract<Strategy, { kind: 'canary' }> => ({ kind: 'canary', canary: { count: 1 }, bakeSeconds, batch: { count: 1 }, onFailure: 'rollback', ...(steps ? { steps } : {}) });

describe('weighted deploys: Blue/Green and weighted Canary (core/deploy/weighted.ts)', () => {
  it('tells the live group from the idle one by weight, and refuses a split or a listener that forwards nothing', () => {
    const s = sidesOf([group(BLUE, 0, []), group(GREEN, 100, [])]);
    assert.deepEqual([s.live.arn, s.idle.arn], [GREEN, BLUE]);
    assert.throws(() => sidesOf([group(BLUE, 90, []), group(GREEN, 10, [])]), /splits traffic 90\/10/);
    assert.throws(() => sidesOf([group(BLUE, 0, []), group(GREEN, 0, [])]), /both have weight 0/);
    assert.deepEqual(weightsFor([group(BLUE, 100, []), group(GREEN, 0, [])], GREEN, 10), [{ targetGroupArn: BLUE, weight: 90 }, { targetGroupArn: GREEN, weight: 10 }]);
    assert.deepEqual([...(liveOrIdle([{ targetGroupArn: BLUE, weight: 0 }, { targetGroupArn: GREEN, weight: 100 }]) ?? [])], [[BLUE, 'idle'], [GREEN, 'live']]);
    assert.equal(liveOrIdle([{ targetGroupArn: BLUE, weight: 50 }, { targetGroupArn: GREEN, weight: 50 }]), undefined, 'a split has no live side');
  });

  it('plans Blue/Green: green is the file\'s instances in the idle group plus those in no group; blue is left alone', () => {
    const p = planBlueGreen(blueGreen, [group(BLUE, 100, ['i-1', 'i-2']), group(GREEN, 0, ['i-3'])], ['i-1', 'i-2', 'i-3', 'i-4']);
    assert.deepEqual(p.deploy.batches.map((b) => b.instances), [['i-3', 'i-4']]);
    assert.deepEqual(p.toRegister, ['i-4']);
    assert.deepEqual(p.blue, ['i-1', 'i-2']);
    const lines = describeBlueGreen(p);
    assert.match(lines.join('\n'), /Switch in one call: blue 100 → 0, green 0 → 100/);
    assert.match(lines.join('\n'), /Register i-4 in green/);
    assert.match(lines.join('\n'), /Blue stays on its release for 600 s/);
    assert.throws(() => planBlueGreen(blueGreen, [group(BLUE, 100, ['i-1']), group(GREEN, 0, [])], ['i-1']), /none of the deploy file's instances/);
  });

  it('Blue/Green: deploys green, waits until it is in service, then switches in ONE weight call; blue is never touched', async () => {
    const w = new World(['i-1', 'i-2', 'i-3', 'i-4']);
    const p = planBlueGreen(blueGreen, [group(BLUE, 100, ['i-1', 'i-2']), group(GREEN, 0, ['i-3', 'i-4'])], ['i-1', 'i-2', 'i-3', 'i-4']);
    const out = await runBlueGreen(p, w, w, { release: 'r-new', now: () => 42 });
    assert.equal(out.result, 'succeeded');
    assert.equal(out.switched, true);
    assert.equal(out.switchedAt, 42);
    assert.deepEqual(w.log.filter((l) => l.startsWith('weights') || l.startsWith('in service')), ['in service green i-3,i-4', 'weights blue=0 green=100']);
    assert.ok(w.log.indexOf('in service green i-3,i-4') > w.log.indexOf('activate i-4'), 'in service only after the deploy');
    assert.equal(w.log.some((l) => / i-[12]\b/.test(l)), false, 'blue untouched');
    assert.deepEqual(out.before, [{ targetGroupArn: BLUE, weight: 100 }, { targetGroupArn: GREEN, weight: 0 }], 'a switch back sets these');
  });

  it('Blue/Green: a green instance that fails its health gate stops before any switch; green goes back, blue keeps serving', async () => {
    const w = new World(['i-1', 'i-3', 'i-4']);
    w.unhealthy.add('i-4');
    const p = planBlueGreen(blueGreen, [group(BLUE, 100, ['i-1']), group(GREEN, 0, ['i-3', 'i-4'])], ['i-1', 'i-3', 'i-4']);
    const out = await runBlueGreen(p, w, w, { release: 'r-new' });
    assert.equal(out.result, 'failed');
    assert.equal(out.switched, false);
    assert.equal(w.log.some((l) => l.startsWith('weights')), false, 'no weight call');
    assert.deepEqual([w.release.get('i-3'), w.release.get('i-4')], ['r-old', 'r-old']);
  });

  it('Blue/Green: green not in service, or a refused switch: the weights are back at 100/0 and green on its old release', async () => {
    const notInService = new World(['i-1', 'i-3']);
    notInService.failInService = true;
    const plan = () => planBlueGreen(blueGreen, [group(BLUE, 100, ['i-1']), group(GREEN, 0, ['i-3'])], ['i-1', 'i-3']);
    const a = await runBlueGreen(plan(), notInService, notInService, { release: 'r-new' });
    assert.equal(a.result, 'failed');
    assert.match(a.failure ?? '', /did not come in service/);
    assert.equal(notInService.log.some((l) => l.startsWith('weights')), false);
    assert.equal(notInService.release.get('i-3'), 'r-old');

    const refused = new World(['i-1', 'i-3']);
    refused.failSwitch = true;
    const b = await runBlueGreen(plan(), refused, refused, { release: 'r-new' });
    assert.equal(b.result, 'failed');
    assert.match(b.failure ?? '', /The switch to green failed: ValidationError/);
    assert.deepEqual(refused.log.slice(-3), ['switch refused', 'weights blue=100 green=0', 'rollback i-3']);
  });

  it('Blue/Green with strategy.rdsBlueGreen: ONE ordered plan, the database switched over after green is in service and before the app\'s weight call', async () => {
    const database = { id: 'bgd-abc123', name: 'goapp-db-upgrade', timeoutSeconds: 300 };
    const plan = () => planBlueGreen(blueGreen, [group(BLUE, 100, ['i-1']), group(GREEN, 0, ['i-3'])], ['i-1', 'i-3'], database);
    const lines = describeBlueGreen(plan()).join('\n');
    assert.match(lines, /3\. The database first: switch over the RDS Blue\/Green deployment goapp-db-upgrade \(bgd-abc123; up to 300 s/);
    assert.match(lines, /4\. Then the app: switch in one call: blue 100 → 0, green 0 → 100/);
    assert.ok(lines.indexOf('The database first') < lines.indexOf('Then the app'));

    const w = new World(['i-1', 'i-3']);
    const out = await runBlueGreen(plan(), w, w, { release: 'r-new' }, async () => void w.log.push('db switchover'));
    assert.equal(out.result, 'succeeded');
    assert.deepEqual(w.log.filter((l) => /^(in service|db|weights)/.test(l)), ['in service green i-3', 'db switchover', 'weights blue=0 green=100']);

    // The switchover does not complete: no weight call, blue stays live, green goes back.
    const f = new World(['i-1', 'i-3']);
    const failed = await runBlueGreen(plan(), f, f, { release: 'r-new' }, async () => {
      throw new Error('The switchover of goapp-db-upgrade did not finish in time and was rolled back');
    });
    assert.equal(failed.result, 'failed');
    assert.equal(failed.switched, false);
    assert.match(failed.failure ?? '', /switchover of goapp-db-upgrade did not complete: .*rolled back\. The app was not switched: blue stays live/);
    assert.equal(f.log.some((l) => l.startsWith('weights')), false, 'the listener is not touched');
    assert.equal(f.release.get('i-3'), 'r-old');

    // The database switched, then the listener refused: the weights go back, and the message says the database stays switched.
    const r = new World(['i-1', 'i-3']);
    r.failSwitch = true;
    const refused = await runBlueGreen(plan(), r, r, { release: 'r-new' }, async () => void r.log.push('db switchover'));
    assert.equal(refused.result, 'failed');
    assert.match(refused.failure ?? '', /The switch to green failed: ValidationError The database goapp-db-upgrade stays switched over/);

    // Green never in service: the database is not switched over either.
    const n = new World(['i-1', 'i-3']);
    n.failInService = true;
    let asked = false;
    await runBlueGreen(plan(), n, n, { release: 'r-new' }, async () => void (asked = true));
    assert.equal(asked, false);
    await assert.rejects(runBlueGreen(plan(), w, w, { release: 'r-new' }), /no switchover was given/);
  });

  it('a Switch Back is offered only while the old set is kept', () => {
    assert.equal(canSwitchBack({ switchedAt: 1000, keepSeconds: 60 }, 61_000), true);
    assert.equal(canSwitchBack({ switchedAt: 1000, keepSeconds: 60 }, 61_001), false);
  });

  it('plans a weighted Canary: the stable group is the one with the weight; steps default to 10, 50, 100', () => {
    const p = planWeightedCanary(canary(), [group(BLUE, 100, ['i-1', 'i-2', 'i-3']), group(GREEN, 0, [])], ['i-1', 'i-2', 'i-3']);
    assert.deepEqual([p.stable.arn, p.canary.arn, p.canaries, p.steps], [BLUE, GREEN, ['i-1'], [10, 50, 100]]);
    assert.deepEqual(p.rest?.batches.map((b) => b.instances), [['i-2'], ['i-3']]);
    const text = describeWeightedCanary(p).join('\n');
    assert.match(text, /green gets 10% of the requests, blue gets 90%/);
    assert.match(text, /the rest \(i-2, i-3\) rolls out/);
  });

  it('weighted Canary: into the canary group, 10 → 50 → 100 with a bake at each, then back into stable, 100/0, and the rest rolls out drained', async () => {
    const w = new World(['i-1', 'i-2']);
    const p = planWeightedCanary(canary(10, [10, 50, 100]), [group(BLUE, 100, ['i-1', 'i-2']), group(GREEN, 0, [])], ['i-1', 'i-2']);
    const out = await runWeightedCanary(p, w, w, w, { release: 'r-new', bakeCheckMs: 5000 });
    assert.equal(out.result, 'succeeded', JSON.stringify(out));
    assert.deepEqual(w.log, [
      'upload i-1',
      'deregister blue i-1',
      'activate i-1',
      'register green i-1 on r-new',
      'weights blue=90 green=10',
      'weights blue=50 green=50',
      'weights blue=0 green=100',
      'register blue i-1 on r-new',
      'weights blue=100 green=0',
      'deregister green i-1',
      'upload i-2',
      'deregister blue i-2',
      'activate i-2',
      'register blue i-2 on r-new',
    ]);
    assert.deepEqual([...(w.members.get(BLUE) ?? [])].sort(), ['i-1', 'i-2']);
    assert.deepEqual([...(w.members.get(GREEN) ?? [])], []);
  });

  it('weighted Canary: a canary failing at 50% puts the weights back to 100/0 BEFORE it goes back to its old release; the rest is untouched', async () => {
    const w = new World(['i-1', 'i-2']);
    const p = planWeightedCanary(canary(10, [10, 50]), [group(BLUE, 100, ['i-1', 'i-2']), group(GREEN, 0, [])], ['i-1', 'i-2']);
    const original = w.setWeights.bind(w);
    w.setWeights = async (x) => {
      await original(x);
      if (x.some((g) => g.targetGroupArn === GREEN && g.weight === 50)) w.sickInGroup.add('i-1');
    };
    const out = await runWeightedCanary(p, w, w, w, { release: 'r-new', bakeCheckMs: 5000 });
    assert.equal(out.result, 'failed');
    assert.match(out.failure ?? '', /At 50%: i-1 is unhealthy in the target group/);
    const tail = w.log.slice(w.log.indexOf('weights blue=50 green=50') + 1);
    assert.deepEqual(tail, ['weights blue=100 green=0', 'rollback i-1', 'register blue i-1 on r-old', 'deregister green i-1']);
    assert.deepEqual(w.weights, [{ targetGroupArn: BLUE, weight: 100 }, { targetGroupArn: GREEN, weight: 0 }]);
    assert.equal(w.release.get('i-2'), 'r-old');
    assert.equal(w.log.some((l) => l.endsWith(' i-2')), false, 'the rest untouched');
  });

  it('weighted Canary with strategy.max5xx: the canary group\'s 5xx count since each step began is read at every check; above the limit the weights go back first', async () => {
    const w = new World(['i-1']);
    const asked: Array<{ arn: string; since: number }> = [];
    let errors = 0;
    w.group5xx = async (arn: string, since: number) => {
      asked.push({ arn, since });
      return errors;
    };
    const clock = { now: 1_000_000 };
    const strategy = { ...canary(10, [10, 50]), max5xx: 2 };
    const p = planWeightedCanary(strategy, [group(BLUE, 100, ['i-1']), group(GREEN, 0, [])], ['i-1']);
    assert.match(describeWeightedCanary(p).join('\n'), /and at most 2 5xx responses in CloudWatch/);
    const original = w.setWeights.bind(w);
    w.setWeights = async (x) => {
      await original(x);
      clock.now += 60_000;
      if (x.some((g) => g.targetGroupArn === GREEN && g.weight === 50)) errors = 3;
    };
    const out = await runWeightedCanary(p, w, w, w, { release: 'r-new', bakeCheckMs: 5000, now: () => clock.now });
    assert.equal(out.result, 'failed');
    assert.match(out.failure ?? '', /At 50%: green answered 3 5xx responses since this step began \(HTTPCode_Target_5XX_Count in CloudWatch\), more than strategy\.max5xx 2/);
    assert.ok(asked.every((a) => a.arn === GREEN), 'only the canary group is asked');
    assert.deepEqual([...new Set(asked.map((a) => a.since))], [1_060_000, 1_120_000], 'each step counts from its own start');
    assert.equal(asked.filter((a) => a.since === 1_060_000).length, 3, 'the 10% step: at its start and after each 5 s slice of 10 s');
    const tail = w.log.slice(w.log.indexOf('weights blue=50 green=50') + 1);
    assert.deepEqual(tail, ['weights blue=100 green=0', 'rollback i-1', 'register blue i-1 on r-old', 'deregister green i-1']);
  });

  it('weighted Canary: 5xx within max5xx passes; an unreadable count fails the step; without max5xx CloudWatch is never asked', async () => {
    const within = new World(['i-1']);
    within.group5xx = async () => 2;
    const limit = (max5xx: number) => planWeightedCanary({ ...canary(5, [100]), max5xx }, [group(BLUE, 100, ['i-1']), group(GREEN, 0, [])], ['i-1']);
    assert.equal((await runWeightedCanary(limit(2), within, within, within, { release: 'r-new' })).result, 'succeeded');
    const denied = new World(['i-1']);
    denied.group5xx = async () => {
      throw new Error('AccessDenied: cloudwatch:GetMetricData');
    };
    const out = await runWeightedCanary(limit(0), denied, denied, denied, { release: 'r-new' });
    assert.equal(out.result, 'failed');
    assert.match(out.failure ?? '', /At 100%: Reading the 5xx count of green from CloudWatch failed: AccessDenied: cloudwatch:GetMetricData/);
    assert.equal(denied.weights.find((x) => x.targetGroupArn === GREEN)?.weight, 0);
    const none = new World(['i-1']);
    let calls = 0;
    none.group5xx = async () => (calls++, 99);
    const plain = planWeightedCanary(canary(5, [100]), [group(BLUE, 100, ['i-1']), group(GREEN, 0, [])], ['i-1']);
    assert.equal((await runWeightedCanary(plain, none, none, none, { release: 'r-new' })).result, 'succeeded');
    assert.equal(calls, 0);
  });

  it('the deploy file takes blueGreen (keepSeconds, batch), canary steps and a listener rule; Blue/Green without a listener is refused', () => {
    const base = 'version: 1\nservice: goapp\nport: 8080\ninstances:\n  - region: eu-west-1\n    tag: App=goapp\n';
    const lb = 'loadBalancer:\n  listener: arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/goapp/0123456789abcdef/0123456789abcdef\n  rule: arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/goapp/0123456789abcdef/0123456789abcdef/0123456789abcdef\n  targetGroups: [goapp-blue, goapp-green]\n';
    const bg = parseDeployFile(`${base}strategy:\n  kind: blueGreen\n  keepSeconds: 900\n${lb}`);
    assert.ok(bg.ok, JSON.stringify(bg));
    assert.deepEqual(bg.file.strategy, { kind: 'blueGreen', keepSeconds: 900, batch: { percent: 100 }, onFailure: 'rollback' });
    assert.ok(bg.file.loadBalancer && 'rule' in bg.file.loadBalancer && bg.file.loadBalancer.rule?.includes('listener-rule/'));
    const steps = parseDeployFile(`${base}strategy:\n  kind: canary\n  steps: [5, 25, 100]\n${lb}`);
    assert.ok(steps.ok && steps.file.strategy.kind === 'canary' && steps.file.strategy.steps?.join() === '5,25,100');
    const bad = parseDeployFile(`${base}strategy:\n  kind: canary\n  steps: [50, 10]\n`);
    assert.ok(!bad.ok && bad.problems.some((x) => /steps" must list/.test(x.message)));
    const withDb = parseDeployFile(`${base}strategy:\n  kind: blueGreen\n  rdsBlueGreen: bgd-abc123\n${lb}`);
    assert.ok(withDb.ok && withDb.file.strategy.kind === 'blueGreen' && withDb.file.strategy.rdsBlueGreen === 'bgd-abc123', JSON.stringify(withDb));
    const dbOnCanary = parseDeployFile(`${base}strategy:\n  kind: canary\n  rdsBlueGreen: bgd-abc123\n${lb}`);
    assert.ok(!dbOnCanary.ok && dbOnCanary.problems.some((x) => /"strategy.rdsBlueGreen" does not apply to the canary strategy/.test(x.message)));
    const alone = parseDeployFile(`${base}strategy:\n  kind: blueGreen\n`);
    assert.ok(!alone.ok && alone.problems.some((x) => /Blue\/Green switches a listener/.test(x.message)));
  });
});
