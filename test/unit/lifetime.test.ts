import * as assert from 'node:assert/strict';
import { CancelledError } from '../../src/core/errors';
import { isCancelled, raceCancel, Resources } from '../../src/core/lifetime';

describe('db resource lifetime', () => {
  it('closes last-opened first, once, and collects failures instead of stopping', async () => {
    const r = new Resources();
    const order: string[] = [];
    r.add('a', () => void order.push('a'));
    r.add('b', () => {
      order.push('b');
      throw new Error('boom');
    });
    r.add('c', async () => void order.push('c'));
    const problems = await r.close();
    assert.deepEqual(order, ['c', 'b', 'a']);
    assert.deepEqual(problems, ['b: boom']);
    await r.close();
    assert.deepEqual(order, ['c', 'b', 'a']);
  });

  it('closes at once what is added after close began', async () => {
    const r = new Resources();
    await r.close();
    let closed = false;
    r.add('late', () => void (closed = true));
    await new Promise((res) => setImmediate(res));
    assert.equal(closed, true);
  });

  it('does not wait forever on a closer that hangs', async () => {
    const r = new Resources();
    r.add('hang', () => new Promise(() => undefined));
    const started = Date.now();
    assert.match((await r.close(100))[0], /hang: no answer after 100 ms/);
    assert.ok(Date.now() - started < 1000);
  });

  it('rejects with CancelledError when a CancelSignal or an AbortSignal fires', async () => {
    const token = { isCancellationRequested: false };
    const slow = new Promise((r) => setTimeout(r, 2000).unref());
    setTimeout(() => (token.isCancellationRequested = true), 20);
    await assert.rejects(raceCancel(slow, token, 5), CancelledError);
    const ac = new AbortController();
    ac.abort();
    assert.equal(isCancelled(ac.signal), true);
    await assert.rejects(raceCancel(slow, ac.signal), CancelledError);
    assert.equal(await raceCancel(Promise.resolve(7), { isCancellationRequested: false }), 7);
  });
});
