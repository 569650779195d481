// Test hosts for the deploy tests: network namespaces, each with its own address and its own
// OpenSSH sshd, reached with the product's SSH session (core/instance).
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { openSshSession, type SshSession } from '../../../src/core/instance/sshSession';
import { accessTo, startTestHosts, type TestNetwork } from '../support';

function fetchText(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let got = '';
    socket.on('data', (d) => (got += d.toString()));
    socket.once('end', () => resolve(got));
    socket.once('error', reject);
  });
}

// A listener on 0.0.0.0:8080 that answers with the host's name, started over SSH in the background.
const LISTENER = (name: string) =>
  `nohup python3 -c 'import socket\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind(("0.0.0.0",8080))\ns.listen()\nwhile True:\n c,_=s.accept();c.sendall(b"${name}");c.close()' >/dev/null 2>&1 & echo $!`;

describe('deploy test hosts (network namespaces with their own sshd)', () => {
  let network: TestNetwork;
  const sessions: SshSession[] = [];

  before(async () => {
    network = await startTestHosts(3);
  });
  after(async () => {
    for (const s of sessions) await s.close();
    await network?.stop();
  });

  it('three hosts, each at its own address, each reached over SSH there, each listening on port 8080', async () => {
    const addresses = network.hosts.map((h) => h.address);
    assert.equal(new Set(addresses).size, 3);
    for (const host of network.hosts) {
      const s = await openSshSession(accessTo(host));
      sessions.push(s);
      const own = await s.exec('ip -4 -o addr show eth0');
      assert.match(own.stdout, new RegExp(`inet ${host.address.replace(/\./g, '\\.')}/24`));
      const others = addresses.filter((a) => a !== host.address);
      assert.equal(others.some((a) => own.stdout.includes(a)), false);
      const started = await s.exec(LISTENER(host.name));
      assert.equal(started.code, 0, started.stderr);
    }
    for (const host of network.hosts) {
      const answer = await waitFor(() => fetchText(host.address, 8080));
      assert.equal(answer, host.name, `${host.address}:8080 is ${host.name}'s own app`);
    }
    // What the health gate will do: forwardOut to 127.0.0.1:8080 as the host sees it.
    for (const [i, host] of network.hosts.entries()) {
      const ch = await sessions[i].forwardOut('127.0.0.1', 8080);
      const text = await new Promise<string>((resolve) => {
        let got = '';
        ch.on('data', (d: Buffer) => (got += d.toString()));
        ch.once('end', () => resolve(got));
      });
      ch.destroy();
      assert.equal(text, host.name);
    }
  });

  it('a service on this machine\'s loopback is reachable from a host through the gateway relay', async () => {
    const server = net.createServer((c) => c.end('loopback service'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = await network.relayToLoopback((server.address() as net.AddressInfo).port);
      const out = await network.hosts[0].run('python3', ['-c', `import socket;s=socket.create_connection(("${network.gateway}",${port}));print(s.recv(100).decode())`]);
      assert.equal(out.stdout.trim(), 'loopback service');
    } finally {
      server.close();
    }
  });
});

async function waitFor<T>(read: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await read();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
