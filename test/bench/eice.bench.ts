/**
 * eice_vs_public_ssh_ratio: connect (SSH login, forward, TLS inside), CREATE DATABASE and 10 small
 * golang-migrate files, close — with SSH carried by an EC2 Instance Connect Endpoint tunnel ÷ with
 * SSH straight to the instance's public address, 5 ms each way between this machine and AWS in
 * both cases (a TCP relay in front of the EICE stand-in, resp. in front of sshd; the endpoint
 * reaches the instance inside the VPC, so that leg has none). Must be ≤ 1.3: the tunnel adds its
 * websocket handshake once and framing, never a delay per statement.
 *
 * Both run the product's connection code (openConnection, the sshTunnel route). Until the SSH leg
 * takes a ready `sock`, the EICE side reaches it through an in-process bridge: a loopback port
 * whose every connection is piped into a new EICE tunnel (what `aws ec2-instance-connect
 * open-tunnel --local-port` does). That adds a loopback hop, so the figure errs against EICE.
 */
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { openConnection } from '../../src/core/db/connection';
import { DbCredentials } from '../../src/core/db/credentials';
import { runMigrations } from '../../src/core/db/migrations';
import type { SshTunnelRoute } from '../../src/core/db/routes';
import { createDatabase } from '../../src/core/db/schema';
import { openEiceTunnel, type EiceConnectOptions, type EiceTunnelTarget } from '../../src/core/instance/eice/tunnel';
import { FAKE_ENDPOINT, startTlsMariaDb } from '../integration/db/tlsMariaDb';
import { startEiceStandIn, startSshd } from '../integration/support';
import { tenMigrations } from './db.bench';
import { startTcpDelay } from './tcpDelay';

const RUNS = 9;
const WAN_ONE_WAY_MS = 5;
const REGION = 'eu-west-1';
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench-secret' };
const endpoint = { id: 'eice-0bench000000000001', dnsName: 'eice-0bench000000000001.abcdefgh.ec2-instance-connect-endpoint.eu-west-1.amazonaws.com', securityGroupIds: ['sg-0bench'] };

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A loopback port: each connection gets its own EICE tunnel, piped both ways. */
async function eiceBridge(target: EiceTunnelTarget, options: EiceConnectOptions): Promise<{ port: number; stop(): Promise<void> }> {
  const open = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (local) => {
    open.add(local);
    local.once('close', () => open.delete(local));
    local.pause();
    openEiceTunnel(target, options).then(
      (tunnel) => {
        tunnel.on('error', () => local.destroy());
        local.on('error', () => tunnel.destroy());
        local.once('close', () => tunnel.destroy());
        local.pipe(tunnel).pipe(local);
        local.resume();
      },
      () => local.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      server.close(() => resolve());
    }),
  };
}

export async function run(): Promise<Array<{ name: string; value: number; unit: string }>> {
  const [db, ssh] = await Promise.all([startTlsMariaDb(), startSshd()]);
  const eice = await startEiceStandIn({ endpoints: [endpoint], credentials, region: REGION, route: () => ({ host: ssh.host, port: ssh.port }) });
  const [eiceWan, sshWan] = await Promise.all([startTcpDelay('127.0.0.1', eice.port, WAN_ONE_WAY_MS), startTcpDelay(ssh.host, ssh.port, WAN_ONE_WAY_MS)]);
  const bridge = await eiceBridge({ endpoint, privateIpAddress: '10.0.1.25' }, { region: REGION, credentials, connectUrl: `ws://127.0.0.1:${eiceWan.port}` });
  try {
    const files = await tenMigrations();
    const creds = new DbCredentials('root', db.password, 'given');
    const publicSsh: SshTunnelRoute = {
      kind: 'sshTunnel',
      target: { host: db.host, port: db.port },
      instance: { id: 'i-bench', region: REGION },
      ssh: { host: sshWan.host, port: sshWan.port, username: ssh.username },
      key: { kind: 'privateKey', privateKey: ssh.privateKey, push: false },
      tls: { mode: 'verify', ca: [db.caPem], servername: FAKE_ENDPOINT },
    };
    const throughEice: SshTunnelRoute = { ...publicSsh, ssh: { ...publicSsh.ssh, host: '127.0.0.1', port: bridge.port } };
    let n = 0;
    const once = async (route: SshTunnelRoute, kind: string): Promise<number> => {
      const started = performance.now();
      const s = await openConnection(route, creds);
      try {
        const name = `bench_${kind}_${n++}`;
        await createDatabase(s.connection, name);
        const r = await runMigrations(s.connection, name, files);
        if (r.applied.length !== 10) throw new Error(`applied ${r.applied.length} migrations`);
      } finally {
        await s.close();
      }
      return performance.now() - started;
    };
    await once(publicSsh, 'ssh');
    await once(throughEice, 'eice');
    const sshMs: number[] = [];
    const eiceMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      sshMs.push(await once(publicSsh, 'ssh'));
      eiceMs.push(await once(throughEice, 'eice'));
    }
    if (!eice.events.some((e) => e.kind === 'tunnel')) throw new Error('no tunnel went through the EICE stand-in');
    return [
      { name: 'eice_public_ssh_ms', value: median(sshMs), unit: 'ms' },
      { name: 'eice_tunnel_ms', value: median(eiceMs), unit: 'ms' },
      { name: 'eice_vs_public_ssh_ratio', value: median(eiceMs) / median(sshMs), unit: 'ratio' },
    ];
  } finally {
    await bridge.stop();
    await Promise.all([eiceWan.stop(), sshWan.stop()]);
    await eice.stop();
    await Promise.all([db.stop(), ssh.stop()]);
  }
}
