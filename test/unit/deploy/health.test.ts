import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import { checkHealth } from '../../../src/core/deploy/health';

describe('deploy health gate (GET over a stream)', () => {
  let server: http.Server;
  let port: number;
  let answers: number[];
  const paths: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      paths.push(req.url ?? '');
      const status = answers.shift() ?? 200;
      if (status === 0) req.socket.destroy();
      else res.writeHead(status).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as net.AddressInfo).port;
  });
  after(() => server.close());

  const gate = (retries: number, slept: number[]) =>
    checkHealth({ port, path: '/healthz', retries, intervalMs: 1000, timeoutMs: 2000, open: async () => net.connect({ host: '127.0.0.1', port }), sleep: async (ms) => void slept.push(ms) });

  it('retries until a 2xx, waiting the interval between attempts', async () => {
    answers = [503, 0, 200];
    const slept: number[] = [];
    const h = await gate(5, slept);
    assert.deepEqual(h, { healthy: true, detail: 'GET /healthz answered 200' });
    assert.deepEqual(slept, [1000, 1000]);
    assert.ok(paths.every((p) => p === '/healthz'));
  });

  it('is unhealthy after the retries, with the last answer as the reason', async () => {
    answers = [500, 503];
    const h = await gate(2, []);
    assert.deepEqual(h, { healthy: false, detail: 'GET /healthz answered 503' });
    answers = [0];
    assert.match((await gate(1, [])).detail, /GET \/healthz on port \d+ failed/);
  });

  it('counts an attempt only when the service is active and then GET answers 2xx (a port answered by a stray copy does not pass)', async () => {
    const statuses = [{ active: false, detail: 'failed' }, { active: true, detail: 'active' }];
    answers = [200, 200, 200];
    const inactive = await checkHealth({ port, path: '/healthz', retries: 1, intervalMs: 0, timeoutMs: 2000, open: async () => net.connect({ host: '127.0.0.1', port }), serviceActive: async () => statuses[0] });
    assert.deepEqual(inactive, { healthy: false, detail: 'the service is not active (failed)' });
    let n = 0;
    const later = await checkHealth({ port, path: '/healthz', retries: 3, intervalMs: 0, timeoutMs: 2000, open: async () => net.connect({ host: '127.0.0.1', port }), serviceActive: async () => statuses[Math.min(n++, 1)], sleep: async () => undefined });
    assert.deepEqual(later, { healthy: true, detail: 'GET /healthz answered 200' });
    assert.equal(n, 2);
    const broken = await checkHealth({ port, path: '/healthz', retries: 1, intervalMs: 0, timeoutMs: 2000, open: async () => net.connect({ host: '127.0.0.1', port }), serviceActive: async () => Promise.reject(new Error('exec refused')) });
    assert.deepEqual(broken, { healthy: false, detail: 'the service is not active (exec refused)' });
  });

  it('goes over the given stream when http.request gives every request an agent, as the extension host\'s proxy support does', async () => {
    // The module object itself (not this file's namespace copy): what health.ts reads too.
    const real = createRequire(__filename)('node:http') as { request: typeof http.request };
    const original = real.request;
    real.request = ((options: http.RequestOptions, cb?: (res: http.IncomingMessage) => void) => original({ ...options, agent: new http.Agent() }, cb)) as typeof http.request;
    try {
      answers = [200];
      // A port where nothing listens by the default host: only the stream reaches the server.
      const h = await checkHealth({ port: 9, path: '/healthz', retries: 1, intervalMs: 0, timeoutMs: 2000, open: async () => net.connect({ host: '127.0.0.1', port }) });
      assert.deepEqual(h, { healthy: true, detail: 'GET /healthz answered 200' });
    } finally {
      real.request = original;
    }
  });
});
