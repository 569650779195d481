// Test hosts ready for deploys of the sandbox app: the netns hosts (testHosts.ts), a real MariaDB
// reachable from them, the app's config.yaml, and on each host the supervisor that stands in for
// systemd (serviceStandIns.ts; systemd cannot run here: no systemd as PID 1). The hosts share this machine's
// filesystem, so each host's layout lives under a folder of its own.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as mysql from 'mysql2/promise';
import { ReleaseLayout, shellQuote } from '../../../src/core/deploy/releases';
import { startMariaDb, type MariaDbServer } from './mariadb';
import { SUPERVISOR } from './serviceStandIns';
import { startTestHosts, type TestHost, type TestNetwork } from './testHosts';

export interface DeployHosts {
  readonly network: TestNetwork;
  readonly db: MariaDbServer;
  /** The app's config.yaml (DB at the gateway's relay to MariaDB, no password: that is the env file's). */
  readonly config: string;
  /** Instance id (`i-host1`) → the folder standing for that host's `/`. */
  readonly roots: ReadonlyMap<string, string>;
  hostOf(id: string): TestHost;
  layoutFor(id: string): ReleaseLayout;
  /** The supervisor's restart, resp. status, for the host (the deploy file's restartCommand / statusCommand). */
  restartCommand(id: string): string;
  statusCommand(id: string): string;
  stop(): Promise<void>;
}

/** `count` hosts, MariaDB with the goapp user and database, the supervisor on each host. */
export async function startDeployHosts(count: number, appPassword: string): Promise<DeployHosts> {
  const [n, d] = await Promise.allSettled([startTestHosts(count), startMariaDb({ users: [{ user: 'goapp', password: appPassword }] })]);
  const network = n.status === 'fulfilled' ? n.value : undefined;
  const db = d.status === 'fulfilled' ? d.value : undefined;
  const roots = new Map<string, string>();
  let configDir: string | undefined;
  const stop = async () => {
    await network?.stop();
    for (const dir of roots.values()) fs.rmSync(dir, { recursive: true, force: true });
    if (configDir) fs.rmSync(configDir, { recursive: true, force: true });
    await db?.stop();
  };
  try {
    for (const r of [n, d]) if (r.status === 'rejected') throw r.reason;
    if (!network || !db) throw new Error('unreachable');
    const root = await mysql.createConnection({ host: db.host, port: db.port, user: 'root', password: db.password });
    await root.query('CREATE DATABASE goapp');
    await root.end();
    const relay = await network.relayToLoopback(db.port);
    configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-deploy-'));
    const config = path.join(configDir, 'config.yaml');
    fs.writeFileSync(config, `server:\n  addr: ":8080"\ndatabase:\n  host: ${network.gateway}\n  port: ${relay}\n  user: goapp\n  password: ""\n  name: goapp\n`);
    for (const h of network.hosts) {
      const dir = `/tmp/rds-link-host-${h.netns}`;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'supervise.sh'), SUPERVISOR, { mode: 0o755 });
      roots.set(`i-${h.name}`, dir);
    }
    const rootOf = (id: string) => {
      const dir = roots.get(id);
      if (!dir) throw new Error(`no host ${id}`);
      return dir;
    };
    // The supervisor (serviceStandIns.ts) in the host's folder: what `systemctl restart goapp` would start.
    const supervise = (id: string, verb: 'restart' | 'status') => {
      const r = rootOf(id);
      const start = verb === 'restart' ? [`${r}/opt/goapp/current`, `${r}/etc/goapp/env`, './goapp'] : [];
      return ['sh', `${r}/supervise.sh`, verb, r, ...start].map(shellQuote).join(' ');
    };
    return {
      network,
      db,
      config,
      roots,
      hostOf: (id) => {
        const h = network.hosts.find((x) => `i-${x.name}` === id);
        if (!h) throw new Error(`no host ${id}`);
        return h;
      },
      layoutFor: (id) => new ReleaseLayout({ service: 'goapp', root: rootOf(id), sudo: '' }),
      restartCommand: (id) => supervise(id, 'restart'),
      statusCommand: (id) => supervise(id, 'status'),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
