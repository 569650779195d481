// The product's SSH session (openSshSession) over an EC2 Instance Connect Endpoint tunnel, when
// things go wrong: a cancel while the websocket connects or while SSH logs in over it, and the
// endpoint's failures said in its words. The EICE stand-in (SigV4 checked) provokes each; the
// instance is the real OpenSSH server, or a TCP port that never says a word, or one that hangs up.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { CancelledError, type CancelSignal } from '../../../../src/core/errors';
import { EiceTunnelError, openEiceTunnel, type EiceTunnelStream } from '../../../../src/core/instance/eice/tunnel';
import type { InstanceAccess } from '../../../../src/core/instance/reach';
import { openSshSession, SessionClosedError, type SshSessionOptions } from '../../../../src/core/instance/sshSession';
import { startEiceStandIn, startSshd, type EiceStandIn, type SshServer } from '../../support';
import { eventually } from '../../db/helpers';

const REGION = 'us-east-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const SSHD_IP = '10.0.2.10';
const SILENT_IP = '10.0.2.20';
const HANGUP_IP = '10.0.2.30';
const endpoint = { id: 'eice-0e1e1e1e1e1e1e1e1', dnsName: 'eice-0e1e1e1e1e1e1e1e1.5555aaaa.ec2-instance-connect-endpoint.us-east-1.amazonaws.com', securityGroupIds: ['sg-0eicessh'] };
const busyEndpoint = { id: 'eice-0f2f2f2f2f2f2f2f2', dnsName: 'eice-0f2f2f2f2f2f2f2f2.6666bbbb.ec2-instance-connect-endpoint.us-east-1.amazonaws.com', securityGroupIds: ['sg-0eicebusy'] };

/** A TCP server and the connections it holds now. */
async function tcpServer(onConnection: (c: net.Socket) => void): Promise<{ port: number; open: Set<net.Socket>; stop(): Promise<void> }> {
  const open = new Set<net.Socket>();
  const server = net.createServer((c) => {
    open.add(c);
    c.once('close', () => open.delete(c));
    c.on('error', () => undefined);
    // Read (and drop) what comes, so the peer's close is seen.
    c.resume();
    onConnection(c);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    open,
    stop: () => {
      for (const c of open) c.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('EICE: the SSH session over the tunnel, cancelled and refused (stand-in, OpenSSH)', () => {
  let ssh: SshServer;
  let silent: Awaited<ReturnType<typeof tcpServer>>;
  let hangup: Awaited<ReturnType<typeof tcpServer>>;
  let eice: EiceStandIn;
  let slow: EiceStandIn;

  before(async () => {
    ssh = await startSshd();
    // Accepts and never sends a banner: the SSH handshake over the tunnel waits.
    silent = await tcpServer(() => undefined);
    // Hangs up at once: what the endpoint does when the instance's group does not allow 22 from it.
    hangup = await tcpServer((c) => c.destroy());
    const routes: Record<string, number> = { [SSHD_IP]: ssh.port, [SILENT_IP]: silent.port, [HANGUP_IP]: hangup.port };
    const route = (ip: string, port: number) => (port === 22 && routes[ip] ? { host: '127.0.0.1', port: routes[ip] } : undefined);
    eice = await startEiceStandIn({ endpoints: [endpoint, busyEndpoint], credentials, region: REGION, route });
    slow = await startEiceStandIn({ endpoints: [endpoint], credentials, region: REGION, route, upgradeDelayMs: 1500 });
  });

  after(async () => {
    await Promise.all([eice?.stop(), slow?.stop()]);
    await Promise.all([ssh?.stop(), silent?.stop(), hangup?.stop()]);
  });

  function access(ip: string, through = endpoint): InstanceAccess {
    return {
      instance: { id: 'i-0e1cec0ffee000001', region: REGION },
      ssh: { host: ip, port: 22, username: ssh.username },
      eice: { endpoint: through, privateIpAddress: ip },
      key: { kind: 'privateKey', privateKey: ssh.privateKey, push: false },
    };
  }

  const over = (standIn: EiceStandIn, extra: Partial<SshSessionOptions> = {}): SshSessionOptions => ({
    eice: { region: REGION, credentials, connectUrl: standIn.url },
    readyTimeoutMs: 10_000,
    ...extra,
  });

  it('a cancel while the websocket connects closes it and rejects with CancelledError: nothing stays open at the endpoint', async function () {
    this.timeout(15_000);
    const controller = new AbortController();
    const opening = openSshSession(access(SSHD_IP), over(slow, { signal: controller.signal }));
    opening.catch(() => undefined);
    assert.equal(await eventually(() => Promise.resolve(slow.openConnections()), (n) => n === 1), 1, 'the websocket is connecting');
    const cancelledAt = Date.now();
    controller.abort();
    await assert.rejects(opening, (e: Error) => e instanceof CancelledError);
    assert.ok(Date.now() - cancelledAt < 1000, 'the cancel is not held up by the slow endpoint');
    assert.equal(await eventually(() => Promise.resolve(slow.openConnections()), (n) => n === 0), 0, 'the connecting websocket was closed');
    // Past the endpoint's delay: had the websocket lived on, the tunnel would be open by now.
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(slow.openTunnels(endpoint.id), 0);
    assert.equal(slow.openConnections(), 0);
    assert.ok(!slow.events.some((e) => e.kind === 'tunnel'), 'no tunnel was made after the cancel');
  });

  it('a cancel (a polled CancelSignal) while SSH logs in over the tunnel closes the tunnel and rejects with CancelledError', async function () {
    this.timeout(15_000);
    const signal: { isCancellationRequested: boolean } & CancelSignal = { isCancellationRequested: false };
    const opening = openSshSession(access(SILENT_IP), over(eice, { signal }));
    opening.catch(() => undefined);
    assert.equal(await eventually(() => Promise.resolve(silent.open.size), (n) => n === 1), 1, 'the tunnel reached the instance');
    assert.equal(eice.openTunnels(endpoint.id), 1);
    const cancelledAt = Date.now();
    signal.isCancellationRequested = true;
    await assert.rejects(opening, (e: Error) => e instanceof CancelledError);
    assert.ok(Date.now() - cancelledAt < 2000);
    assert.equal(await eventually(() => Promise.resolve(eice.openTunnels(endpoint.id)), (n) => n === 0), 0, 'the tunnel is closed');
    assert.equal(await eventually(() => Promise.resolve(eice.openConnections()), (n) => n === 0), 0, 'no socket left at the endpoint');
    assert.equal(await eventually(() => Promise.resolve(silent.open.size), (n) => n === 0), 0, 'nor at the instance');
  });

  it('a tunnel that closes before the SSH banner names the security groups to fix', async function () {
    this.timeout(15_000);
    await assert.rejects(
      openSshSession(access(HANGUP_IP), over(eice)),
      (e: Error) =>
        e instanceof EiceTunnelError &&
        e.kind === 'unreachableTarget' &&
        /could not reach i-0e1cec0ffee000001:22 \(the tunnel closed before the SSH server said a word\)/.test(e.message) &&
        /must allow TCP port 22 from the endpoint's security group \(sg-0eicessh\)/.test(e.message),
    );
    assert.ok(eice.events.some((e) => e.kind === 'tunnel' && e.detail === `${endpoint.id} → ${HANGUP_IP}:22`), 'the endpoint itself accepted the tunnel');
  });

  it('a session whose tunnel reached maxTunnelDuration says so, and to connect again', async function () {
    this.timeout(15_000);
    const sock: EiceTunnelStream = await openEiceTunnel(
      { endpoint, instanceId: 'i-0e1cec0ffee000001', privateIpAddress: SSHD_IP, maxTunnelDurationSeconds: 2 },
      { region: REGION, credentials, connectUrl: eice.url },
    );
    const session = await openSshSession(access(SSHD_IP), over(eice, { sock }));
    try {
      const dropped = session.guard(new Promise<never>(() => undefined));
      dropped.catch(() => undefined);
      const expected = /closed the tunnel to i-0e1cec0ffee000001:22 at its maximum duration \(2 s\)\. Connect again to go on/;
      await assert.rejects(dropped, (e: Error) => e instanceof SessionClosedError && expected.test(e.message));
      assert.equal((await sock.ended).kind, 'expired');
      await assert.rejects(session.forwardOut('127.0.0.1', ssh.port), (e: Error) => e instanceof SessionClosedError && expected.test(e.message));
    } finally {
      await session.close();
    }
  });

  it('the endpoint refusing the tunnel (403) names ec2-instance-connect:OpenTunnel, before any SSH', async () => {
    const tunnels = eice.events.filter((e) => e.kind === 'tunnel').length;
    await assert.rejects(
      openSshSession(access(SSHD_IP), { ...over(eice), eice: { region: REGION, credentials: { ...credentials, secretAccessKey: 'wrong' }, connectUrl: eice.url } }),
      (e: Error) => e instanceof EiceTunnelError && e.kind === 'refused' && /HTTP 403: SignatureDoesNotMatch.*needs ec2-instance-connect:OpenTunnel on the endpoint/.test(e.message),
    );
    assert.equal(eice.events.filter((e) => e.kind === 'tunnel').length, tunnels);
  });

  it('the 21st connection through one endpoint is refused in words, and what to do', async function () {
    this.timeout(20_000);
    const held = await Promise.all(
      Array.from({ length: 20 }, () => openEiceTunnel({ endpoint: busyEndpoint, privateIpAddress: SILENT_IP }, { region: REGION, credentials, connectUrl: eice.url })),
    );
    try {
      assert.equal(eice.openTunnels(busyEndpoint.id), 20);
      await assert.rejects(
        openSshSession(access(SILENT_IP, busyEndpoint), over(eice)),
        (e: Error) => e instanceof EiceTunnelError && e.kind === 'tooManyConnections' && /allows 20 connections at once.*Close other tunnels through it/.test(e.message),
      );
    } finally {
      for (const h of held) h.destroy();
    }
    assert.equal(await eventually(() => Promise.resolve(eice.openTunnels(busyEndpoint.id)), (n) => n === 0), 0);
  });
});
