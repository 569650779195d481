// Test hosts that stand for EC2 instances: each its own network namespace with its own address
// (10.99.<n>.<10+i>/24, one veth pair per host on a bridge in the root namespace, whose address
// 10.99.<n>.1 is the hosts' gateway) and its own OpenSSH sshd on port 22 of that address. So
// each host's app can listen on the same port, as on separate machines.
//
// Needs root and `ip` (iproute2). Traffic goes only to these hosts and to loopback. The subnet's
// third octet is the first one free on this machine, so parallel runs do not collide.
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import type { InstanceAccess } from '../../../src/core/instance/reach';
import { ensureCommand } from './debian';
import { runCommand } from './processes';
import { startSshd, type SshServer } from './sshd';

export interface TestHost {
  /** host1, host2, … */
  readonly name: string;
  readonly netns: string;
  /** Its own address, e.g. 10.99.0.11. */
  readonly address: string;
  /** sshd on address:22; the user is root (the deploy scripts then need no sudo). */
  readonly ssh: SshServer;
  /** Runs a command inside the host's namespace (as root, outside SSH). */
  run(file: string, args: readonly string[], options?: { input?: string; timeoutMs?: number }): Promise<{ stdout: string; stderr: string }>;
}

export interface TestNetwork {
  readonly hosts: readonly TestHost[];
  /** The bridge's address: the hosts' gateway, where relays to loopback services listen. */
  readonly gateway: string;
  /**
   * Makes a service on 127.0.0.1:port reachable from the hosts at gateway:<returned port>
   * (a TCP relay in this process), e.g. MariaDB for the app on a host.
   */
  relayToLoopback(port: number): Promise<number>;
  stop(): Promise<void>;
}

/** How the product's SSH session reaches the host (as root, with the host's test key). */
export function accessTo(host: TestHost): InstanceAccess {
  return {
    instance: { id: `i-${host.name}`, region: 'eu-west-1' },
    ssh: { host: host.ssh.host, port: host.ssh.port, username: host.ssh.username },
    key: { kind: 'privateKey', privateKey: host.ssh.privateKey, push: false },
  };
}

const ip = (args: readonly string[]) => runCommand('ip', args, { timeoutMs: 20_000 });

/** The first 10.99.N.0/24 that no interface here uses. */
async function freeSubnet(): Promise<number> {
  const { stdout } = await ip(['-o', '-4', 'addr', 'show']);
  const used = new Set([...stdout.matchAll(/inet 10\.99\.(\d+)\./g)].map((m) => Number(m[1])));
  for (let n = 0; n < 255; n++) if (!used.has(n)) return n;
  throw new Error('No free 10.99.N.0/24 subnet for test hosts.');
}

export async function startTestHosts(count: number): Promise<TestNetwork> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new Error('Test hosts need root (ip netns, veth pairs, a bridge).');
  await ensureCommand('ip', 'iproute2');
  const tag = randomBytes(3).toString('hex');
  const subnet = await freeSubnet();
  const gateway = `10.99.${subnet}.1`;
  const bridge = `rlbr${tag}`;
  const undo: Array<() => Promise<unknown>> = [];
  const relays = new Set<net.Server>();
  const relayed = new Set<net.Socket>();
  const stop = async () => {
    for (const r of relays) r.close();
    for (const sock of relayed) sock.destroy();
    for (const u of undo.splice(0).reverse()) await u().catch(() => undefined);
  };
  try {
    await ip(['link', 'add', bridge, 'type', 'bridge']);
    undo.push(() => ip(['link', 'del', bridge]));
    await ip(['addr', 'add', `${gateway}/24`, 'dev', bridge]);
    await ip(['link', 'set', bridge, 'up']);
    const hosts: TestHost[] = [];
    for (let i = 1; i <= count; i++) {
      const netns = `rlhost${tag}-${i}`;
      const outside = `rlv${tag}${i}`;
      const address = `10.99.${subnet}.${10 + i}`;
      await ip(['netns', 'add', netns]);
      // Whatever still runs in the namespace (an app a test started) goes with it.
      undo.push(async () => {
        const pids = (await ip(['netns', 'pids', netns]).catch(() => ({ stdout: '' }))).stdout.split(/\s+/).filter(Boolean).map(Number);
        for (const pid of pids) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        await ip(['netns', 'del', netns]);
      });
      await ip(['link', 'add', outside, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
      undo.push(() => ip(['link', 'del', outside]));
      await ip(['link', 'set', outside, 'master', bridge]);
      await ip(['link', 'set', outside, 'up']);
      const inNs = (args: readonly string[]) => ip(['netns', 'exec', netns, 'ip', ...args]);
      await inNs(['link', 'set', 'lo', 'up']);
      await inNs(['addr', 'add', `${address}/24`, 'dev', 'eth0']);
      await inNs(['link', 'set', 'eth0', 'up']);
      await inNs(['route', 'add', 'default', 'via', gateway]);
      const ssh = await startSshd({ username: 'root', listenAddress: address, port: 22, netns });
      // Stopped before its namespace goes (undo runs last-in first-out).
      undo.push(() => ssh.stop());
      hosts.push({
        name: `host${i}`,
        netns,
        address,
        ssh,
        run: (file, args, options = {}) => runCommand('ip', ['netns', 'exec', netns, file, ...args], options),
      });
    }
    return {
      hosts,
      gateway,
      stop,
      relayToLoopback: (port) =>
        new Promise((resolve, reject) => {
          const server = net.createServer((inbound) => {
            const outbound = net.connect({ host: '127.0.0.1', port });
            for (const sock of [inbound, outbound]) {
              relayed.add(sock);
              sock.once('close', () => relayed.delete(sock));
            }
            inbound.on('error', () => outbound.destroy());
            outbound.on('error', () => inbound.destroy());
            inbound.pipe(outbound).pipe(inbound);
          });
          relays.add(server);
          server.once('error', reject);
          server.listen(0, gateway, () => resolve((server.address() as net.AddressInfo).port));
        }),
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
