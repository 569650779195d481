import * as assert from 'node:assert/strict';
import type { Strategy } from '../../../src/core/deploy/deployFile';
import { describePlan, planDeploy, resolveCount, runDeploy, type DeployEvent, type DeployExecutor, type HealthResult } from '../../../src/core/deploy/strategy';

/** Instances as a map id → current release; failures scripted per instance and step. */
class FakeExecutor implements DeployExecutor {
  readonly current = new Map<string, string>();
  readonly calls: string[] = [];
  readonly unhealthy = new Set<string>();
  /** Healthy for this many checks, then unhealthy (a canary that degrades during the bake). */
  readonly healthyChecks = new Map<string, number>();
  readonly failUpload = new Set<string>();
  slept = 0;

  constructor(
    ids: readonly string[],
    private readonly release: string,
    old = 'r-old',
  ) {
    for (const id of ids) this.current.set(id, old);
  }

  async upload(id: string): Promise<{ previous?: string }> {
    this.calls.push(`upload ${id}`);
    if (this.failUpload.has(id)) throw new Error('the SSH connection dropped during the upload');
    return { previous: this.current.get(id) };
  }
  async activate(id: string): Promise<void> {
    this.calls.push(`activate ${id}`);
    this.current.set(id, this.release);
  }
  async health(id: string): Promise<HealthResult> {
    this.calls.push(`health ${id}`);
    const left = this.healthyChecks.get(id);
    if (left !== undefined) {
      this.healthyChecks.set(id, left - 1);
      if (left <= 0) return { healthy: false, detail: 'GET /healthz answered 503' };
    }
    return this.unhealthy.has(id) ? { healthy: false, detail: 'GET /healthz answered 503' } : { healthy: true, detail: 'GET /healthz answered 200' };
  }
  async rollback(id: string, previous: string): Promise<void> {
    this.calls.push(`rollback ${id}`);
    this.current.set(id, previous);
  }
  async sleep(ms: number): Promise<void> {
    this.slept += ms;
  }
  touched(id: string): boolean {
    return this.calls.some((c) => c.endsWith(` ${id}`));
  }
}

const hosts = (n: number) => Array.from({ length: n }, (_, i) => `i-host${i + 1}`);
const states = (o: { instances: readonly { instanceId: string; state: string; release?: string }[] }) => Object.fromEntries(o.instances.map((i) => [i.instanceId, `${i.state}@${i.release ?? '-'}`]));

describe('deploy strategies: plans and the runner (fake executor)', () => {
  it('plans batches: Big Bang one, Rolling N or N%, Canary first then rolling', () => {
    assert.deepEqual(planDeploy({ kind: 'bigBang', onFailure: 'rollback' }, hosts(3)).batches.map((b) => b.instances), [hosts(3)]);
    assert.deepEqual(planDeploy({ kind: 'rolling', batch: { count: 2 }, onFailure: 'rollback' }, hosts(5)).batches.map((b) => b.instances.length), [2, 2, 1]);
    assert.deepEqual(planDeploy({ kind: 'rolling', batch: { percent: 25 }, onFailure: 'rollback' }, hosts(6)).batches.map((b) => b.instances.length), [2, 2, 2]);
    const canary = planDeploy({ kind: 'canary', canary: { percent: 10 }, bakeSeconds: 30, batch: { percent: 50 }, onFailure: 'keep' }, hosts(5));
    assert.deepEqual(canary.batches.map((b) => [b.role, b.instances.length, b.bakeSeconds]), [['canary', 1, 30], ['rollout', 2, undefined], ['rollout', 2, undefined]]);
    assert.match(canary.rollback, /stay on it/);
    assert.deepEqual(describePlan(canary)[0], 'Batch 1 (canary): i-host1; then its health is watched for 30 s');
    assert.equal(resolveCount({ percent: 1 }, 3), 1);
    assert.equal(resolveCount({ count: 9 }, 3), 3);
    assert.throws(() => planDeploy({ kind: 'bigBang', onFailure: 'keep' }, []), /No instances/);
  });

  it('Big Bang to 3: every upload before any restart, all on the new release', async () => {
    const ex = new FakeExecutor(hosts(3), 'r-new');
    const out = await runDeploy(planDeploy({ kind: 'bigBang', onFailure: 'rollback' }, hosts(3)), ex, { release: 'r-new' });
    assert.equal(out.result, 'succeeded');
    assert.deepEqual(ex.calls.slice(0, 3), hosts(3).map((h) => `upload ${h}`));
    assert.deepEqual(states(out), { 'i-host1': 'deployed@r-new', 'i-host2': 'deployed@r-new', 'i-host3': 'deployed@r-new' });
  });

  it('Rolling 4 in batches of 2: the second batch starts after the first is healthy', async () => {
    const ex = new FakeExecutor(hosts(4), 'r-new');
    const events: DeployEvent[] = [];
    const out = await runDeploy(planDeploy({ kind: 'rolling', batch: { count: 2 }, onFailure: 'rollback' }, hosts(4)), ex, { release: 'r-new', onEvent: (e) => events.push(e) });
    assert.equal(out.result, 'succeeded');
    const firstOf3 = ex.calls.indexOf('upload i-host3');
    assert.ok(ex.calls.indexOf('health i-host1') < firstOf3 && ex.calls.indexOf('health i-host2') < firstOf3);
    assert.deepEqual(events.filter((e) => e.kind === 'batch').map((e) => (e.kind === 'batch' ? e.batch.instances : [])), [['i-host1', 'i-host2'], ['i-host3', 'i-host4']]);
    assert.ok([...ex.current.values()].every((r) => r === 'r-new'));
  });

  it('Canary failing health on the canary: the canary rolls back, nobody else is touched', async () => {
    const ex = new FakeExecutor(hosts(4), 'r-new');
    ex.unhealthy.add('i-host1');
    const strategy: Strategy = { kind: 'canary', canary: { count: 1 }, bakeSeconds: 60, batch: { count: 2 }, onFailure: 'rollback' };
    const out = await runDeploy(planDeploy(strategy, hosts(4)), ex, { release: 'r-new' });
    assert.equal(out.result, 'failed');
    assert.match(out.failure ?? '', /i-host1: GET \/healthz answered 503/);
    assert.deepEqual(states(out), { 'i-host1': 'rolledBack@r-old', 'i-host2': 'untouched@-', 'i-host3': 'untouched@-', 'i-host4': 'untouched@-' });
    for (const h of ['i-host2', 'i-host3', 'i-host4']) assert.equal(ex.touched(h), false, h);
    assert.equal(ex.current.get('i-host1'), 'r-old');
  });

  it('Canary that degrades during the bake time is rolled back before anyone else starts', async () => {
    const ex = new FakeExecutor(hosts(3), 'r-new');
    ex.healthyChecks.set('i-host1', 3);
    const strategy: Strategy = { kind: 'canary', canary: { count: 1 }, bakeSeconds: 60, batch: { count: 1 }, onFailure: 'rollback' };
    const out = await runDeploy(planDeploy(strategy, hosts(3)), ex, { release: 'r-new', bakeCheckMs: 10_000 });
    assert.equal(out.result, 'failed');
    assert.equal(ex.slept, 30_000, 'failed at the third check of the bake');
    assert.equal(ex.touched('i-host2'), false);
    assert.equal(ex.current.get('i-host1'), 'r-old');
  });

  for (const onFailure of ['rollback', 'keep'] as const) {
    it(`Rolling, the 3rd host fails (onFailure: ${onFailure}): hosts 1–2 ${onFailure === 'keep' ? 'stay on the new release' : 'go back'}, host 3 back on the old, host 4 untouched`, async () => {
      const ex = new FakeExecutor(hosts(4), 'r-new');
      ex.unhealthy.add('i-host3');
      const out = await runDeploy(planDeploy({ kind: 'rolling', batch: { count: 1 }, onFailure }, hosts(4)), ex, { release: 'r-new' });
      assert.equal(out.result, 'failed');
      const done = onFailure === 'keep' ? 'deployed@r-new' : 'rolledBack@r-old';
      assert.deepEqual(states(out), { 'i-host1': done, 'i-host2': done, 'i-host3': 'rolledBack@r-old', 'i-host4': 'untouched@-' });
      assert.equal(ex.touched('i-host4'), false);
      assert.deepEqual([...ex.current.values()], onFailure === 'keep' ? ['r-new', 'r-new', 'r-old', 'r-old'] : ['r-old', 'r-old', 'r-old', 'r-old']);
    });
  }

  it('an upload that fails stops its batch before any restart in it', async () => {
    const ex = new FakeExecutor(hosts(4), 'r-new');
    ex.failUpload.add('i-host2');
    const out = await runDeploy(planDeploy({ kind: 'rolling', batch: { count: 2 }, onFailure: 'rollback' }, hosts(4)), ex, { release: 'r-new' });
    assert.equal(out.result, 'failed');
    assert.equal(ex.calls.some((c) => c.startsWith('activate')), false);
    assert.deepEqual(states(out), { 'i-host1': 'notSwitched@r-old', 'i-host2': 'notSwitched@-', 'i-host3': 'untouched@-', 'i-host4': 'untouched@-' });
    assert.match(out.failure ?? '', /dropped during the upload/);
  });

  it('a first deploy that fails has nothing to go back to, and says so in its state', async () => {
    const ex = new FakeExecutor(['i-new1'], 'r-new');
    ex.current.clear();
    ex.unhealthy.add('i-new1');
    const out = await runDeploy(planDeploy({ kind: 'bigBang', onFailure: 'rollback' }, ['i-new1']), ex, { release: 'r-new' });
    assert.deepEqual(states(out), { 'i-new1': 'failed@r-new' });
  });

  it('a cancel stops after the current batch, and reports what was done', async () => {
    const ex = new FakeExecutor(hosts(4), 'r-new');
    const signal = new AbortController();
    const out = await runDeploy(planDeploy({ kind: 'rolling', batch: { count: 2 }, onFailure: 'rollback' }, hosts(4)), ex, {
      release: 'r-new',
      signal: signal.signal,
      onEvent: (e) => e.kind === 'step' && e.step === 'health' && signal.abort(),
    });
    assert.equal(out.result, 'cancelled');
    assert.deepEqual(states(out), { 'i-host1': 'deployed@r-new', 'i-host2': 'deployed@r-new', 'i-host3': 'untouched@-', 'i-host4': 'untouched@-' });
  });
});
