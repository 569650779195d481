// Rolling with draining: the runner's traffic hook around each batch (core/deploy/strategy.ts),
// with a fake executor and a fake load balancer that write to one journal, so the order of the
// steps per batch is what the tests read.
import * as assert from 'node:assert/strict';
import type { Strategy } from '../../../src/core/deploy/deployFile';
import { planDeploy, runDeploy, type BatchTraffic, type DeployExecutor, type DeployOutcome, type HealthResult } from '../../../src/core/deploy/strategy';

class World implements DeployExecutor, BatchTraffic {
  readonly journal: string[] = [];
  readonly release = new Map<string, string>();
  readonly unhealthy = new Set<string>();
  /** Checks that pass before this instance turns unhealthy (a canary that degrades during its bake). */
  readonly healthyChecks = new Map<string, number>();
  /** Instances in the target group now. */
  readonly inService = new Set<string>();
  failDrain = false;
  /** restore() throws for batches holding this instance, this many times. */
  notInService = new Map<string, number>();
  onRestore?: (ids: readonly string[]) => void;

  constructor(ids: readonly string[]) {
    for (const id of ids) {
      this.release.set(id, 'r-old');
      this.inService.add(id);
    }
  }

  async upload(id: string): Promise<{ previous?: string }> {
    this.journal.push(`upload ${id}`);
    return { previous: this.release.get(id) };
  }
  async activate(id: string): Promise<void> {
    assert.equal(this.inService.has(id), false, `${id} restarts while in the target group`);
    this.journal.push(`activate ${id}`);
    this.release.set(id, 'r-new');
  }
  async health(id: string): Promise<HealthResult> {
    this.journal.push(`health ${id}`);
    const left = this.healthyChecks.get(id);
    if (left !== undefined) this.healthyChecks.set(id, left - 1);
    const bad = this.unhealthy.has(id) || (left !== undefined && left <= 0);
    return bad ? { healthy: false, detail: 'GET /healthz answered 503' } : { healthy: true, detail: 'GET /healthz answered 200' };
  }
  async rollback(id: string, previous: string): Promise<void> {
    assert.equal(this.inService.has(id), false, `${id} rolls back while in the target group`);
    this.journal.push(`rollback ${id}`);
    this.release.set(id, previous);
  }
  async sleep(): Promise<void> {}

  async drain(ids: readonly string[]): Promise<void> {
    this.journal.push(`drain ${ids.join(',')}`);
    if (this.failDrain) throw new Error('DeregisterTargets: AccessDenied');
    for (const id of ids) this.inService.delete(id);
  }
  async restore(ids: readonly string[]): Promise<void> {
    this.journal.push(`register ${ids.join(',')} (${ids.map((id) => this.release.get(id)).join(',')})`);
    this.onRestore?.(ids);
    for (const id of ids) this.inService.add(id);
    const failing = ids.find((id) => (this.notInService.get(id) ?? 0) > 0);
    if (failing) {
      this.notInService.set(failing, (this.notInService.get(failing) ?? 0) - 1);
      throw new Error(`${failing} did not come in service within 300 s`);
    }
  }
}

const hosts = (n: number) => Array.from({ length: n }, (_, i) => `i-host${i + 1}`);
const rolling = (batch: number, onFailure: 'keep' | 'rollback' = 'keep'): Strategy => ({ kind: 'rolling', batch: { count: batch }, onFailure });
const states = (o: DeployOutcome) => o.instances.map((i) => `${i.instanceId} ${i.state}@${i.release ?? '-'}`);

async function run(w: World, strategy: Strategy, ids: readonly string[], signal?: { isCancellationRequested: boolean }): Promise<DeployOutcome> {
  return runDeploy(planDeploy(strategy, ids), w, { release: 'r-new', traffic: w, ...(signal ? { signal } : {}) });
}

describe('rolling with draining (the traffic hook around each batch)', () => {
  it('per batch: upload while serving, drain, restart and health gate, register again, then the next batch', async () => {
    const w = new World(hosts(4));
    const outcome = await run(w, rolling(2), hosts(4));
    assert.equal(outcome.result, 'succeeded');
    assert.deepEqual(w.journal, [
      'upload i-host1', 'upload i-host2', 'drain i-host1,i-host2',
      'activate i-host1', 'activate i-host2', 'health i-host1', 'health i-host2',
      'register i-host1,i-host2 (r-new,r-new)',
      'upload i-host3', 'upload i-host4', 'drain i-host3,i-host4',
      'activate i-host3', 'activate i-host4', 'health i-host3', 'health i-host4',
      'register i-host3,i-host4 (r-new,r-new)',
    ]);
    assert.deepEqual([...w.inService].sort(), hosts(4), 'every instance is back in the target group');
  });

  it('a failed health gate puts the instance back on the old release before it is registered again; the rest stay untouched', async () => {
    const w = new World(hosts(4));
    w.unhealthy.add('i-host3');
    const outcome = await run(w, rolling(2), hosts(4));
    assert.equal(outcome.result, 'failed');
    assert.equal(outcome.failure, 'i-host3: GET /healthz answered 503');
    const rollback = w.journal.indexOf('rollback i-host3');
    const register = w.journal.indexOf('register i-host3,i-host4 (r-old,r-new)');
    assert.ok(rollback > 0 && register > rollback, w.journal.join('\n'));
    assert.deepEqual(states(outcome), ['i-host1 deployed@r-new', 'i-host2 deployed@r-new', 'i-host3 rolledBack@r-old', 'i-host4 deployed@r-new']);
    assert.deepEqual([...w.inService].sort(), hosts(4));
  });

  it('onFailure rollback: the earlier batches go back one batch at a time, each out of traffic for its restart', async () => {
    const w = new World(hosts(4));
    w.unhealthy.add('i-host3');
    const outsideAtOnce: number[] = [];
    w.onRestore = () => outsideAtOnce.push(4 - w.inService.size);
    const outcome = await run(w, rolling(1, 'rollback'), hosts(4));
    assert.deepEqual(states(outcome), ['i-host1 rolledBack@r-old', 'i-host2 rolledBack@r-old', 'i-host3 rolledBack@r-old', 'i-host4 untouched@-']);
    const tail = w.journal.slice(w.journal.indexOf('register i-host3 (r-old)') + 1);
    assert.deepEqual(tail, ['drain i-host1', 'rollback i-host1', 'register i-host1 (r-old)', 'drain i-host2', 'rollback i-host2', 'register i-host2 (r-old)']);
    assert.ok(Math.max(...outsideAtOnce) <= 1, 'never more than one batch out of traffic');
  });

  it('a drain that fails stops the batch before any restart, and puts back what was taken out', async () => {
    const w = new World(hosts(2));
    w.failDrain = true;
    const outcome = await run(w, rolling(1), hosts(2));
    assert.equal(outcome.result, 'failed');
    assert.equal(outcome.failure, 'i-host1: DeregisterTargets: AccessDenied');
    assert.deepEqual(w.journal, ['upload i-host1', 'drain i-host1', 'register i-host1 (r-old)']);
    assert.deepEqual(states(outcome), ['i-host1 notSwitched@r-old', 'i-host2 untouched@-']);
  });

  it('a batch that does not come in service on the new release goes back to the old one and is registered again', async () => {
    const w = new World(hosts(2));
    w.notInService.set('i-host1', 1);
    const outcome = await run(w, rolling(1), hosts(2));
    assert.equal(outcome.result, 'failed');
    assert.match(outcome.failure ?? '', /i-host1 did not come in service/);
    assert.deepEqual(w.journal, ['upload i-host1', 'drain i-host1', 'activate i-host1', 'health i-host1', 'register i-host1 (r-new)', 'drain i-host1', 'rollback i-host1', 'register i-host1 (r-old)']);
    assert.deepEqual(states(outcome), ['i-host1 rolledBack@r-old', 'i-host2 untouched@-']);
  });

  it('a cancel stops after the current batch, with that batch registered again', async () => {
    const w = new World(hosts(3));
    const signal = { isCancellationRequested: false };
    w.onRestore = () => (signal.isCancellationRequested = true);
    const outcome = await run(w, rolling(1), hosts(3), signal);
    assert.equal(outcome.result, 'cancelled');
    assert.deepEqual(w.journal, ['upload i-host1', 'drain i-host1', 'activate i-host1', 'health i-host1', 'register i-host1 (r-new)']);
    assert.ok(w.inService.has('i-host1'));
  });

  it('a canary that fails during its bake leaves traffic for its rollback and comes back on the old release', async () => {
    const w = new World(hosts(3));
    w.healthyChecks.set('i-host1', 2);
    const outcome = await run(w, { kind: 'canary', canary: { count: 1 }, bakeSeconds: 10, batch: { count: 1 }, onFailure: 'keep' }, hosts(3));
    assert.equal(outcome.result, 'failed');
    assert.deepEqual(w.journal.slice(-3), ['drain i-host1', 'rollback i-host1', 'register i-host1 (r-old)']);
    assert.deepEqual(states(outcome), ['i-host1 rolledBack@r-old', 'i-host2 untouched@-', 'i-host3 untouched@-']);
  });

  it('without a load balancer nothing drains (the steps are today\'s)', async () => {
    const w = new World(hosts(2));
    w.inService.clear();
    const outcome = await runDeploy(planDeploy(rolling(1), hosts(2)), w, { release: 'r-new' });
    assert.equal(outcome.result, 'succeeded');
    assert.equal(w.journal.some((x) => /^(drain|register)/.test(x)), false);
  });
});
