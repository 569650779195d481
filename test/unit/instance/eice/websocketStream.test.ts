import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { WebSocketStream } from '../../../../src/core/instance/eice/websocketStream';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WebSocketStream (the EICE tunnel as ssh2\'s sock)', () => {
  let server: WebSocketServer;
  let serverSide: Promise<WebSocket>;

  beforeEach(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await once(server, 'listening');
    serverSide = once(server, 'connection').then(([ws]) => ws as WebSocket);
  });
  afterEach(async () => {
    for (const c of server.clients) c.terminate();
    await new Promise((r) => server.close(r));
  });

  async function pair(explainClose?: ConstructorParameters<typeof WebSocketStream>[1]): Promise<{ stream: WebSocketStream; remote: WebSocket; local: WebSocket }> {
    const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, { perMessageDeflate: false });
    await once(ws, 'open');
    return { stream: new WebSocketStream(ws, explainClose), remote: await serverSide, local: ws };
  }

  it('pauses the websocket while nobody reads, and delivers every byte once read', async () => {
    const { stream, remote, local } = await pair();
    const frame = Buffer.alloc(64 * 1024, 7);
    for (let i = 0; i < 64; i++) remote.send(frame); // 4 MiB
    await sleep(300);
    // Not read: the stream holds about its high-water mark, the rest waits in TCP and at the sender.
    assert.ok(stream.readableLength <= stream.readableHighWaterMark + frame.length, `buffered ${stream.readableLength}`);
    assert.equal(local.isPaused, true, 'the websocket stopped reading its socket');
    let total = 0;
    stream.on('data', (c: Buffer) => (total += c.length));
    for (let i = 0; i < 100 && total < 64 * frame.length; i++) await sleep(20);
    assert.equal(total, 64 * frame.length);
    assert.equal(local.isPaused, false);
  });

  it('holds writes (write() false, then drain) while the other side does not read', async () => {
    const { stream, remote } = await pair();
    remote.pause();
    const chunk = Buffer.alloc(256 * 1024, 1);
    let refused = 0;
    for (let i = 0; i < 64; i++) if (!stream.write(chunk)) refused++;
    await sleep(300);
    assert.ok(refused > 0);
    assert.equal(stream.writableNeedDrain, true, 'still waiting: the network is full');
    let got = 0;
    remote.on('message', (d: Buffer) => (got += d.length));
    const drained = once(stream, 'drain');
    remote.resume();
    await drained;
    for (let i = 0; i < 100 && got < 64 * chunk.length; i++) await sleep(20);
    assert.equal(got, 64 * chunk.length);
    assert.equal(stream.bytesWritten, 64 * chunk.length);
  });

  it('end() closes the websocket normally; the other side\'s close ends the stream', async () => {
    const { stream, remote } = await pair();
    const closed = once(remote, 'close');
    stream.end();
    const [code] = await closed;
    assert.equal(code, 1000);
    assert.equal((await stream.whenClosed).byUs, true);

    const second = await (async () => {
      serverSide = once(server, 'connection').then(([ws]) => ws as WebSocket);
      return pair();
    })();
    const ended = once(second.stream, 'end');
    second.stream.resume();
    second.remote.close(1000);
    await ended;
    if (!second.stream.destroyed) await once(second.stream, 'close');
    assert.equal((await second.stream.whenClosed).byUs, false);
  });

  it('an unexpected close destroys the stream with the explained error; destroy() drops the websocket', async () => {
    const { stream, remote } = await pair({ explainClose: (c) => (c.code === 1011 ? new Error(`explained: ${c.reason}`) : undefined) });
    const failed = once(stream, 'error');
    remote.close(1011, 'Unable to connect to target');
    const [err] = await failed;
    assert.equal((err as Error).message, 'explained: Unable to connect to target');

    serverSide = once(server, 'connection').then(([ws]) => ws as WebSocket);
    const other = await pair();
    const gone = once(other.remote, 'close');
    other.stream.destroy(new Error('ssh2 gave up'));
    other.stream.on('error', () => undefined);
    const [code] = await gone;
    assert.equal(code, 1006, 'terminated, not closed politely');
  });

  it('refuses a text frame: the tunnel carries bytes only', async () => {
    const { stream, remote } = await pair();
    const failed = once(stream, 'error');
    remote.send('hello');
    const [err] = await failed;
    assert.match((err as Error).message, /text instead of/);
  });
});
