// Test hosts ready for deploys of the sandbox app: the netns hosts (testHosts.ts), a real MariaDB
// reachable from them, the app's config.yaml, and on each host the supervisor that stands in for
// systemd (systemd cannot run here: no systemd as PID 1). The hosts share this machine's
// filesystem, so each host's layout lives under a folder of its own.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as mysql from 'mysql2/promise';
import { ReleaseLayout, shellQuote } from '../../../src/core/deploy/releases';
import { startMariaDb, type MariaDbServer } from './mariadb';
import { startTestHosts, type TestHost, type TestNetwork } from './testHosts';

// The stand-in for `systemctl restart goapp`: stop the old process, start the new one. A release
// marked broken (a test's way to make one host fail) starts with a wrong DB password, so its
// /healthz answers 503: it runs, but not against its database.
// `supervise.sh <root> status` stands for `systemctl is-active goapp`: exit 0 while the process
// it started runs (a zombie does not count), 3 (inactive) otherwise.
export const SUPERVISOR = `#!/bin/sh
root=$1
pidf=$root/app.pid
# Some thread of it runs (not all zombies): this machine's PID 1 reaps orphans late, systemd
# would not wait; a Go app's first thread may be a zombie while another still holds the port.
alive() { grep -qs '^State:[[:space:]]*[^Z[:space:]]' /proc/"$1"/task/*/status; }
if [ "$2" = status ]; then
  pid=$(cat "$pidf" 2>/dev/null) && alive "$pid" && { echo active; exit 0; }
  echo inactive
  exit 3
fi
if [ -f "$pidf" ]; then pid=$(cat "$pidf"); kill "$pid" 2>/dev/null; while alive "$pid"; do sleep 0.05; done; fi
cd "$root/opt/goapp/current" || exit 1
set -a; . "$root/etc/goapp/env"; set +a
[ -f "$root/broken-$(basename "$(pwd -P)")" ] && DB_PASSWORD=wrong-on-purpose
nohup ./goapp >>"$root/app.log" 2>&1 </dev/null &
echo $! > "$pidf"
`;

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
    const supervise = (id: string, ...args: string[]) => ['sh', `${rootOf(id)}/supervise.sh`, rootOf(id), ...args].map(shellQuote).join(' ');
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
      restartCommand: (id) => supervise(id),
      statusCommand: (id) => supervise(id, 'status'),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
