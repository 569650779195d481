/**
 * What the db integration tests look at from the outside: sockets of this process (via `ss`),
 * SSH sessions on the test sshd, and the servers' shared setup.
 */
import { execFile } from 'node:child_process';
import type * as mysql from 'mysql2/promise';
import type { Ec2Instance } from '../../../src/core/aws/types';
import type { RouteContext } from '../../../src/core/db/routes';
import type { SshServer } from '../support';
import { FAKE_ENDPOINT, type TlsMariaDb } from './tlsMariaDb';

function ss(args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('ss', args, (err, stdout) => (err ? reject(err) : resolve(stdout.split('\n').filter((l) => l.trim()))));
  });
}

const mine = (line: string) => line.includes(`pid=${process.pid},`);

/** Established TCP connections this process holds to 127.0.0.1:port. */
export async function ourConnectionsTo(port: number): Promise<string[]> {
  return (await ss(['-tnpH', 'state', 'established', 'dst', `127.0.0.1:${port}`])).filter(mine);
}

/** TCP ports this process listens on. */
export async function ourListeningPorts(): Promise<number[]> {
  return (await ss(['-tlnpH'])).filter(mine).map((l) => Number(l.split(/\s+/)[3].split(':').pop()));
}

/** Established connections the server on `port` has (any client). */
export async function serverConnections(port: number): Promise<number> {
  return (await ss(['-tnH', 'state', 'established', `( sport = :${port} )`])).length;
}

/** Polls until check() is true (sockets close asynchronously), or returns its last answer. */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Asserts nothing of ours is left towards sshd and MariaDB, and nothing of ours listens. */
export async function leftovers(ports: { ssh?: number; db?: number }, listeningBefore: readonly number[]): Promise<string[]> {
  const problems: string[] = [];
  if (ports.ssh) {
    const c = await eventually(() => ourConnectionsTo(ports.ssh as number), (l) => l.length === 0);
    if (c.length) problems.push(`SSH connections left: ${c.join(' | ')}`);
    const s = await eventually(() => serverConnections(ports.ssh as number), (n) => n === 0);
    if (s) problems.push(`sshd still has ${s} session(s)`);
  }
  if (ports.db) {
    const c = await eventually(() => ourConnectionsTo(ports.db as number), (l) => l.length === 0);
    if (c.length) problems.push(`DB connections left: ${c.join(' | ')}`);
  }
  const listening = await eventually(ourListeningPorts, (l) => l.every((p) => listeningBefore.includes(p)));
  const extra = listening.filter((p) => !listeningBefore.includes(p));
  if (extra.length) problems.push(`still listening on ${extra.join(', ')}`);
  return problems;
}

export function linkedInstance(over: Partial<Ec2Instance> = {}): Ec2Instance {
  return {
    region: 'eu-west-1',
    id: 'i-0123456789abcdef0',
    name: 'goapp-web',
    state: 'running',
    platform: 'Linux/UNIX',
    imageId: 'ami-al2023',
    publicIp: '203.0.113.10',
    privateIp: '10.0.1.5',
    tags: {},
    networkInterfaces: [],
    securityGroupIds: [],
    ...over,
  };
}

/**
 * A RouteContext for the test servers: the "RDS endpoint" is MariaDB on 127.0.0.1 whose
 * certificate names FAKE_ENDPOINT; SSH goes to the test sshd with its key (no key push).
 */
export function testRouteContext(db: TlsMariaDb, ssh?: SshServer, over: Partial<RouteContext> = {}): RouteContext {
  return {
    db: { id: 'appdb', region: 'eu-west-1', endpoint: { address: db.host, port: db.port } },
    linkedInstances: [linkedInstance()],
    tls: { mode: 'verify', ca: [db.caPem], servername: FAKE_ENDPOINT },
    osUserOverrides: ssh ? new Map([['i-0123456789abcdef0', ssh.username]]) : undefined,
    ...(ssh ? { sshHostOverride: { host: ssh.host, port: ssh.port, privateKey: ssh.privateKey } } : {}),
    ...over,
  };
}

export async function databases(conn: mysql.Connection): Promise<string[]> {
  const [rows] = await conn.query('SHOW DATABASES');
  return (rows as Array<{ Database: string }>).map((r) => r.Database).sort();
}
