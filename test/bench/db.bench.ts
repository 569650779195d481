/**
 * schema_tunnel_vs_direct_ratio: connect, CREATE DATABASE and run 10 small golang-migrate files,
 * then close — through the SSH tunnel (OpenSSH, forwardOut, TLS inside) ÷ the same done directly
 * (TLS too), with 5 ms each way between "this machine" and AWS in both cases (a TCP relay in
 * front of sshd, resp. MariaDB; the instance reaches RDS inside the VPC, so the tunnel's second
 * leg has none). Loopback alone has no network, which would make the SSH login's fixed CPU cost
 * look like the whole story: schema_loopback_tunnel_vs_direct_ratio prints that case too.
 * Median of several runs each, interleaved. Must be ≤ 1.5: the tunnel
 * adds its handshake once and must not add a delay per statement (Nagle/delayed ACK would).
 * Also prints both medians in ms, the SSH login alone, and the ratio of the same work over sessions
 * that are already open (what the tunnel costs per statement, without its one-time login).
 */
import { openConnection } from '../../src/core/db/connection';
import { DbCredentials } from '../../src/core/db/credentials';
import { planMigrations, runMigrations, type MigrationFile } from '../../src/core/db/migrations';
import type { Route } from '../../src/core/db/routes';
import { createDatabase } from '../../src/core/db/schema';
import { FAKE_ENDPOINT, startTlsMariaDb } from '../integration/db/tlsMariaDb';
import { startSshd } from '../integration/support';
import { startTcpDelay } from './tcpDelay';

const RUNS = 9;
/** One-way delay between the developer's machine and AWS. */
const WAN_ONE_WAY_MS = 5;

export async function tenMigrations(): Promise<MigrationFile[]> {
  const files: Record<string, string> = {};
  for (let i = 1; i <= 10; i++) {
    files[`migrations/${String(i).padStart(4, '0')}_table_${i}.up.sql`] =
      `CREATE TABLE t${i} (\n  id INT AUTO_INCREMENT PRIMARY KEY,\n  name VARCHAR(100) NOT NULL\n);\nINSERT INTO t${i} (name) VALUES ('row ${i}');\n`;
  }
  return [...(await planMigrations(Object.keys(files), (p) => files[p])).files];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<Array<{ name: string; value: number; unit: string }>> {
  const [db, ssh] = await Promise.all([startTlsMariaDb(), startSshd()]);
  const [dbWan, sshWan] = await Promise.all([startTcpDelay(db.host, db.port, WAN_ONE_WAY_MS), startTcpDelay(ssh.host, ssh.port, WAN_ONE_WAY_MS)]);
  try {
    const files = await tenMigrations();
    const creds = new DbCredentials('root', db.password, 'given');
    const tls = { mode: 'verify' as const, ca: [db.caPem], servername: FAKE_ENDPOINT };
    const direct: Route = { kind: 'direct', host: db.host, port: db.port, tls };
    const tunnel: Route = {
      kind: 'sshTunnel',
      target: { host: db.host, port: db.port },
      instance: { id: 'i-bench', region: 'eu-west-1' },
      ssh: { host: ssh.host, port: ssh.port, username: ssh.username },
      key: { kind: 'privateKey', privateKey: ssh.privateKey, push: false },
      tls,
    };
    let n = 0;
    const work = async (conn: Awaited<ReturnType<typeof openConnection>>['connection'], kind: string): Promise<void> => {
      const name = `bench_${kind}_${n++}`;
      await createDatabase(conn, name);
      const r = await runMigrations(conn, name, files);
      if (r.applied.length !== 10) throw new Error(`applied ${r.applied.length} migrations`);
    };
    /** The whole operation: connect (and log in over SSH), create, migrate, close. */
    const once = async (route: Route): Promise<number> => {
      const started = performance.now();
      const s = await openConnection(route, creds);
      try {
        await work(s.connection, route.kind);
      } finally {
        await s.close();
      }
      return performance.now() - started;
    };
    const directWan: Route = { ...direct, host: dbWan.host, port: dbWan.port };
    const tunnelWan: Route = { ...tunnel, ssh: { ...tunnel.ssh, host: sshWan.host, port: sshWan.port } };
    const measure = async (a: Route, b: Route): Promise<[number[], number[]]> => {
      await once(a);
      await once(b);
      const as: number[] = [];
      const bs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        as.push(await once(a));
        bs.push(await once(b));
      }
      return [as, bs];
    };
    const [directMs, tunnelMs] = await measure(directWan, tunnelWan);
    const [directLoop, tunnelLoop] = await measure(direct, tunnel);
    // The same work over sessions opened beforehand.
    const [d, tn] = [await openConnection(direct, creds), await openConnection(tunnel, creds)];
    const openDirect: number[] = [];
    const openTunnel: number[] = [];
    try {
      for (let i = 0; i < RUNS; i++) {
        for (const [s, out] of [[d, openDirect], [tn, openTunnel]] as const) {
          const started = performance.now();
          await work(s.connection, s.route.kind);
          out.push(performance.now() - started);
        }
      }
    } finally {
      await Promise.all([d.close(), tn.close()]);
    }
    return [
      { name: 'schema_direct_ms', value: median(directMs), unit: 'ms' },
      { name: 'schema_tunnel_ms', value: median(tunnelMs), unit: 'ms' },
      { name: 'schema_tunnel_vs_direct_ratio', value: median(tunnelMs) / median(directMs), unit: 'ratio' },
      { name: 'schema_loopback_tunnel_vs_direct_ratio', value: median(tunnelLoop) / median(directLoop), unit: 'ratio' },
      { name: 'schema_open_session_tunnel_vs_direct_ratio', value: median(openTunnel) / median(openDirect), unit: 'ratio' },
    ];
  } finally {
    await Promise.all([dbWan.stop(), sshWan.stop()]);
    await Promise.all([db.stop(), ssh.stop()]);
  }
}
