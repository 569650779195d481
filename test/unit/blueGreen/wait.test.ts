import * as assert from 'node:assert/strict';
import type { BlueGreenDeployment as SdkBlueGreenDeployment, RDSClient } from '@aws-sdk/client-rds';
import {
  BlueGreenFailedError,
  BlueGreenTimeoutError,
  backoffDelay,
  backoffSchedule,
  cancellableSleep,
  waitForBlueGreen,
  type WaitOptions,
  type WaitProgress,
} from '../../../src/core/aws/blueGreen';
import { CancelledError, isCancellation } from '../../../src/core/errors';
import { dbArn, REGION } from './builders';

type Step = Partial<SdkBlueGreenDeployment> | 'gone' | Error;

/**
 * A client whose DescribeBlueGreenDeployments answers the steps in order (the last one repeats),
 * a clock that the injected sleep advances, and a record of every sleep.
 */
function harness(steps: Step[]) {
  let clock = 0;
  let calls = 0;
  const sleeps: number[] = [];
  const client = {
    config: { region: REGION },
    async send() {
      const step = steps[Math.min(calls++, steps.length - 1)];
      if (step instanceof Error) throw step;
      if (step === 'gone') throw Object.assign(new Error('not found'), { name: 'BlueGreenDeploymentNotFoundFault' });
      return {
        BlueGreenDeployments: [{ BlueGreenDeploymentIdentifier: 'bgd-1', BlueGreenDeploymentName: 'shop-upgrade', Source: dbArn('shop-db'), Target: dbArn('shop-db-green-a'), ...step }],
      };
    },
  } as unknown as RDSClient;
  const options = (over: Partial<WaitOptions> & Pick<WaitOptions, 'until'>): WaitOptions => ({
    region: REGION,
    now: () => clock,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock += ms;
    },
    ...over,
  });
  return { client, options, sleeps, calls: () => calls, advance: (ms: number) => (clock += ms) };
}

describe('waiting for a Blue/Green deployment', () => {
  it('backs off 5 s → 10 s → 20 s → 30 s and stays at 30 s', () => {
    assert.deepEqual(backoffSchedule(6), [5_000, 10_000, 20_000, 30_000, 30_000, 30_000]);
    assert.equal(backoffDelay(50), 30_000);
    assert.deepEqual(backoffSchedule(3, { initialMs: 1_000, maxMs: 2_500, factor: 3 }), [1_000, 2_500, 2_500]);
  });

  it('polls until AVAILABLE, sleeping the schedule, and reports each change once', async () => {
    const h = harness([
      { Status: 'PROVISIONING', Tasks: [{ Name: 'CREATING_READ_REPLICA_OF_SOURCE', Status: 'IN_PROGRESS' }] },
      { Status: 'PROVISIONING', Tasks: [{ Name: 'CREATING_READ_REPLICA_OF_SOURCE', Status: 'IN_PROGRESS' }] },
      { Status: 'PROVISIONING', Tasks: [{ Name: 'CREATING_READ_REPLICA_OF_SOURCE', Status: 'COMPLETED' }, { Name: 'DB_ENGINE_VERSION_UPGRADE', Status: 'IN_PROGRESS' }] },
      { Status: 'PROVISIONING', Tasks: [{ Name: 'CREATING_READ_REPLICA_OF_SOURCE', Status: 'COMPLETED' }, { Name: 'DB_ENGINE_VERSION_UPGRADE', Status: 'IN_PROGRESS' }] },
      { Status: 'AVAILABLE' },
    ]);
    const progress: WaitProgress[] = [];
    const d = await waitForBlueGreen(h.client, 'bgd-1', h.options({ until: 'AVAILABLE', onProgress: (p) => progress.push(p) }));
    assert.equal(d?.status, 'AVAILABLE');
    assert.equal(h.calls(), 5);
    assert.deepEqual(h.sleeps, [5_000, 10_000, 20_000, 30_000]);
    assert.deepEqual(progress.map((p) => [p.message, p.elapsedMs]), [
      ['Provisioning green: Create a read replica of blue', 0],
      ['Provisioning green: Upgrade the engine version', 15_000],
      ['Ready to switch over', 65_000],
    ]);
  });

  it('returns at once when the status is already reached (or, for AVAILABLE, passed)', async () => {
    const h = harness([{ Status: 'SWITCHOVER_COMPLETED' }]);
    const d = await waitForBlueGreen(h.client, 'bgd-1', h.options({ until: 'SWITCHOVER_COMPLETED' }));
    assert.equal(d?.status, 'SWITCHOVER_COMPLETED');
    const past = await waitForBlueGreen(h.client, 'bgd-1', h.options({ until: 'AVAILABLE' }));
    assert.equal(past?.status, 'SWITCHOVER_COMPLETED');
    assert.deepEqual(h.sleeps, []);
  });

  for (const status of ['INVALID_CONFIGURATION', 'PROVISIONING_FAILED', 'SWITCHOVER_FAILED']) {
    it(`fails fast on ${status}, with AWS's details`, async () => {
      const h = harness([{ Status: 'PROVISIONING' }, { Status: status, StatusDetails: 'binlog_format must be ROW' }]);
      await assert.rejects(waitForBlueGreen(h.client, 'bgd-1', h.options({ until: 'AVAILABLE' })), (err: unknown) => {
        assert.ok(err instanceof BlueGreenFailedError);
        assert.equal(err.deployment.status, status);
        assert.match(err.message, /shop-upgrade/);
        assert.match(err.message, /binlog_format must be ROW/);
        return true;
      });
      assert.equal(h.calls(), 2);
    });
  }

  it('fails when the deployment is deleted while waiting for AVAILABLE, or disappears', async () => {
    const deleting = harness([{ Status: 'DELETING' }]);
    await assert.rejects(waitForBlueGreen(deleting.client, 'bgd-1', deleting.options({ until: 'AVAILABLE' })), /being deleted/);
    const gone = harness([{ Status: 'PROVISIONING' }, 'gone']);
    await assert.rejects(waitForBlueGreen(gone.client, 'bgd-1', gone.options({ until: 'AVAILABLE' })), /shop-upgrade no longer exists/);
  });

  it('waits for "deleted" until AWS no longer knows the deployment', async () => {
    const h = harness([{ Status: 'DELETING' }, { Status: 'DELETING' }, 'gone']);
    const progress: WaitProgress[] = [];
    const d = await waitForBlueGreen(h.client, 'bgd-1', h.options({ until: 'deleted', onProgress: (p) => progress.push(p) }));
    assert.equal(d, undefined);
    assert.deepEqual(progress.map((p) => p.message), ['Deleting', 'Deleted']);
  });

  it('treats a switchover that went back to AVAILABLE as rolled back', async () => {
    const h = harness([{ Status: 'AVAILABLE' }, { Status: 'SWITCHOVER_IN_PROGRESS' }, { Status: 'AVAILABLE', StatusDetails: 'Switchover timed out' }]);
    await assert.rejects(waitForBlueGreen(h.client, 'bgd-1', h.options({ until: 'SWITCHOVER_COMPLETED' })), (err: unknown) => {
      assert.ok(err instanceof BlueGreenFailedError);
      assert.match(err.message, /rolled back/);
      return true;
    });
    // AVAILABLE before the switchover shows as in progress is only AWS catching up: keep waiting.
    assert.equal(h.calls(), 3);
  });

  it('gives up after the timeout, having slept no more than it allows', async () => {
    const h = harness([{ Status: 'PROVISIONING' }]);
    await assert.rejects(waitForBlueGreen(h.client, 'bgd-1', h.options({ until: 'AVAILABLE', timeoutMs: 60_000 })), (err: unknown) => {
      assert.ok(err instanceof BlueGreenTimeoutError);
      assert.equal(err.last?.status, 'PROVISIONING');
      assert.match(err.message, /goes on in AWS/);
      return true;
    });
    // 5 + 10 + 20 = 35 s, then only the 25 s left, then one last poll.
    assert.deepEqual(h.sleeps, [5_000, 10_000, 20_000, 25_000]);
    assert.equal(h.calls(), 5);
  });

  it('defaults to a 2-hour timeout for AVAILABLE', async () => {
    const h = harness([{ Status: 'PROVISIONING' }]);
    await assert.rejects(waitForBlueGreen(h.client, 'bgd-1', h.options({ until: 'AVAILABLE' })), BlueGreenTimeoutError);
    assert.equal(h.sleeps.reduce((a, b) => a + b, 0), 2 * 60 * 60_000);
  });

  it('stops with CancelledError when cancelled before a poll, without calling AWS', async () => {
    const h = harness([{ Status: 'PROVISIONING' }]);
    await assert.rejects(waitForBlueGreen(h.client, 'bgd-1', h.options({ until: 'AVAILABLE', signal: { isCancellationRequested: true } })), CancelledError);
    assert.equal(h.calls(), 0);
  });

  it('stops with CancelledError when cancelled during a sleep', async () => {
    const h = harness([{ Status: 'PROVISIONING' }]);
    const signal = { isCancellationRequested: false };
    const sleep = async (ms: number, s?: { isCancellationRequested: boolean }) => {
      h.advance(ms);
      signal.isCancellationRequested = true;
      await cancellableSleep(ms, s);
    };
    await assert.rejects(waitForBlueGreen(h.client, 'bgd-1', h.options({ until: 'AVAILABLE', signal, sleep })), (err: unknown) => isCancellation(err));
    assert.equal(h.calls(), 1);
  });

  it('cancellableSleep notices a cancel within a slice, and sleeps its time otherwise', async () => {
    const signal = { isCancellationRequested: false };
    setTimeout(() => (signal.isCancellationRequested = true), 20);
    const started = Date.now();
    await assert.rejects(cancellableSleep(10_000, signal), CancelledError);
    assert.ok(Date.now() - started < 1_000);
    const t0 = Date.now();
    await cancellableSleep(30);
    assert.ok(Date.now() - t0 >= 25);
  });

  it('lets an AWS failure through (a throttle is the SDK\'s to retry, not the poll\'s)', async () => {
    const h = harness([{ Status: 'PROVISIONING' }, Object.assign(new Error('denied'), { name: 'AccessDenied' })]);
    await assert.rejects(waitForBlueGreen(h.client, 'bgd-1', h.options({ until: 'AVAILABLE' })), /denied/);
  });
});
