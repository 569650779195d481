// The endpoint's first bytes can reach us in the same TCP read as its 101 answer (a busy host reads
// both at once). ws hands those bytes on before the tunnel's stream listens, so they must be held,
// not dropped: sshd's banner is in them, and without it ssh2 waits until its handshake times out.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { openEiceTunnel } from '../../../../src/core/instance/eice';

/** A websocket server by hand: it answers the upgrade and sends `first` in one write. */
function eagerEndpoint(first: Buffer): Promise<{ port: number; close: () => void }> {
  return new Promise((resolve) => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      let request = '';
      socket.on('data', (chunk) => {
        if (request.includes('\r\n\r\n')) return;
        request += chunk.toString('latin1');
        if (!request.includes('\r\n\r\n')) return;
        const key = /sec-websocket-key: *(\S+)/i.exec(request)?.[1] ?? '';
        const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        const answer = Buffer.from(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`, 'latin1');
        // One unmasked binary frame (first.length < 126).
        socket.write(Buffer.concat([answer, Buffer.from([0x82, first.length]), first]));
      });
      socket.on('error', () => undefined);
    });
    const close = () => {
      for (const s of sockets) s.destroy();
      server.close();
    };
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as net.AddressInfo).port, close }));
  });
}

describe('an EICE tunnel whose first bytes come with the 101 answer', () => {
  it('keeps those bytes for the reader (sshd\'s banner is not lost)', async function () {
    this.timeout(10_000);
    const banner = Buffer.from('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n', 'latin1');
    const endpoint = await eagerEndpoint(banner);
    let stream: Awaited<ReturnType<typeof openEiceTunnel>> | undefined;
    try {
      stream = await openEiceTunnel(
        { endpoint: { id: 'eice-1', dnsName: 'eice-1.example', securityGroupIds: [] }, privateIpAddress: '10.0.0.1' },
        { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, connectUrl: `ws://127.0.0.1:${endpoint.port}`, handshakeTimeoutMs: 5000 },
      );
      // The reader comes a moment later, as ssh2 does once it has the stream.
      await new Promise((r) => setTimeout(r, 50));
      const got = await new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no bytes within 2 s: the first frame was dropped')), 2000);
        stream?.once('data', (c: Buffer) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      assert.equal(got.toString('latin1'), banner.toString('latin1'));
    } finally {
      stream?.destroy();
      endpoint.close();
    }
  });
});
