// The sandbox's deployable instances (support/sandboxHosts.ts): two hosts, each its own rootless
// namespaces with a real OpenSSH sshd, as `npm start` runs them — this test needs no root, and is
// run as a normal user too (`su rltest -c 'npx mocha … sandboxHosts.test.js'`). Then the deploy
// commands' run (src/commands/deploy/run.ts) deploys the real Go build of the sandbox app to both
// with the deploy file's defaults: the real layout (/opt, /etc/goapp/env), `sudo -n`, the systemd
// unit written on the first deploy and `systemctl restart` / `is-active` — systemd cannot run here
// (no systemd as PID 1), so the hosts' systemctl is the supervisor stand-in (serviceStandIns.ts).
// The app reaches its database by the RDS endpoint name, which each host maps to its own
// 127.0.0.1, relayed to the real MariaDB.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as mysql from 'mysql2/promise';
import { buildBinaries, collectShipped, execute, installUnit, SessionPool, survey, type Hosts } from '../../../src/commands/deploy/run';
import type { Ec2Instance } from '../../../src/core/aws/types';
import * as deployCore from '../../../src/core/deploy/index';
import type { InstanceAccess } from '../../../src/core/instance/reach';
import { generateEphemeralKey } from '../../../src/core/instance/sshKey';
import { openSshSession } from '../../../src/core/instance/sshSession';
import { startMariaDb, type MariaDbServer } from '../support';
import { ensureGoToolchain, GOAPP_DIR } from '../support/goapp';
import { startSandboxHosts, type SandboxHost, type SandboxHosts } from '../support/sandboxHosts';

const PASSWORD = 'hosts-Secret_pw7';
const ENDPOINT = 'goapp-db.aaaaaaaaaa.us-east-1.rds.amazonaws.com';

describe('sandbox hosts: rootless namespaces with OpenSSH, deployed to like instances', function () {
  this.timeout(300_000);
  let db: MariaDbServer | undefined;
  let sandbox: SandboxHosts | undefined;
  let folder = '';
  let go = '';
  const log: string[] = [];

  before(async () => {
    const [d, g] = await Promise.allSettled([startMariaDb({ users: [{ user: 'goapp', password: PASSWORD }] }), ensureGoToolchain()]);
    if (d.status === 'fulfilled') db = d.value;
    for (const r of [d, g]) if (r.status === 'rejected') throw r.reason;
    go = (g as PromiseFulfilledResult<string>).value;
    assert.ok(db);
    const root = await mysql.createConnection({ host: db.host, port: db.port, user: 'root', password: db.password });
    await root.query('CREATE DATABASE goapp');
    await root.query('CREATE TABLE goapp.todos (id BIGINT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(200) NOT NULL, done BOOLEAN NOT NULL DEFAULT FALSE)');
    await root.query("INSERT INTO goapp.todos (title) VALUES ('from MariaDB')");
    await root.end();
    sandbox = await startSandboxHosts({
      hosts: [{ instanceId: 'i-0sandbox1', name: 'goapp-web' }, { instanceId: 'i-0sandbox2', name: 'goapp-2' }],
      endpoints: [{ host: ENDPOINT, port: 3306 }],
      db: { host: db.host, port: db.port },
    });
    // The project folder: the sandbox app's sources and its config at the RDS endpoint (no password: the env file's).
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-sbxhosts-'));
    for (const f of fs.readdirSync(GOAPP_DIR).filter((x) => x.endsWith('.go'))) fs.copyFileSync(path.join(GOAPP_DIR, f), path.join(folder, f));
    fs.writeFileSync(path.join(folder, 'config.yaml'), `server:\n  addr: ":8080"\ndatabase:\n  host: ${ENDPOINT}\n  port: 3306\n  user: goapp\n  password: ""\n  name: goapp\n`);
  });

  after(async () => {
    await sandbox?.stop();
    await db?.stop();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  const access = (h: SandboxHost, username = 'ec2-user', privateKey = sandbox?.privateKey ?? ''): InstanceAccess => ({
    instance: { id: h.instanceId, region: 'us-east-1' },
    ssh: { host: '127.0.0.1', port: h.port, username },
    key: { kind: 'privateKey', privateKey, push: false },
  });

  it('brings each host up as this user, with its own name, network and files, behind OpenSSH that takes the sandbox key', async () => {
    assert.ok(sandbox);
    const [a, b] = sandbox.hosts;
    const banner = await new Promise<string>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: a.port });
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString('latin1'));
      });
      s.once('error', reject);
    });
    assert.match(banner, /^SSH-2\.0-OpenSSH_/);
    for (const [h, user] of [[a, 'ec2-user'], [b, 'ubuntu']] as const) {
      const s = await openSshSession(access(h, user));
      try {
        // Both AMI users are uid 1000 (sshd runs as that uid); sshd names the login in $USER.
        const r = await s.exec(`echo "$USER"; hostname; sudo -n sh -c 'echo "sudo $USER"'; command -v systemctl; getent hosts ${ENDPOINT}`, { timeoutMs: 20_000 });
        assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.trim().replace(/\s+/g, ' ')), [user, h.name, `sudo ${user}`, '/usr/local/bin/systemctl', `127.0.0.1 ${ENDPOINT}`]);
      } finally {
        await s.close();
      }
    }
    // Its own network: a port open in one host is not open in the other, nor here.
    await a.run('sh', ['-c', 'nohup sleep 30 >/dev/null 2>&1 </dev/null & echo $! > /tmp/sleep.pid']);
    assert.notEqual((await a.run('readlink', ['/proc/self/ns/net'])).stdout, (await b.run('readlink', ['/proc/self/ns/net'])).stdout);
    assert.equal((await b.run('ls', ['/tmp'])).stdout.trim(), '', "the other host's /tmp is its own");
    await assert.rejects(openSshSession(access(a, 'ec2-user', generateEphemeralKey('another key').privateKey)), /refused the SSH login/);
    await assert.rejects(openSshSession(access(a, 'root')), /refused the SSH login/);
  });

  function hosts(): Hosts {
    assert.ok(sandbox);
    const text = deployCore.deployFileText({ service: 'goapp', port: 8080, instances: [{ region: 'us-east-1', tag: { key: 'app', value: 'goapp' } }], files: ['config.yaml'], strategy: { kind: 'rolling', batch: { count: 1 }, onFailure: 'rollback' } });
    const parsed = deployCore.parseDeployFile(text);
    assert.ok(parsed.ok);
    const byId = new Map(sandbox.hosts.map((h) => [h.instanceId, h]));
    const instances = sandbox.hosts.map((h) => ({ id: h.instanceId, region: 'us-east-1', state: 'running', architecture: 'x86_64', tags: { app: 'goapp' }, networkInterfaces: [], securityGroupIds: [] }) as unknown as Ec2Instance);
    // No layout, restart or status override: the deploy file's defaults, as on an instance.
    return { core: deployCore, file: parsed.file, instances, log: (l) => log.push(l), openSession: (i) => openSshSession(access(byId.get(i.id) as SandboxHost)) };
  }

  async function get(h: SandboxHost, pathname: string): Promise<{ status: number; body: string }> {
    const s = await openSshSession(access(h));
    try {
      return await deployCore.httpGetOver(await s.forwardOut('127.0.0.1', 8080), pathname, 8080, 5000);
    } finally {
      await s.close();
    }
  }

  it("takes a first deploy of the real Go app through the deploy run: unit, sudo -n, systemctl, health gate on both; /todos answers from MariaDB", async () => {
    assert.ok(sandbox);
    const h = hosts();
    const pool = new SessionPool(h);
    try {
      const s = await survey(h, pool);
      assert.deepEqual([...s.current.keys()], [], 'a first deploy');
      const env = { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOCACHE: path.join(os.tmpdir(), `rds-link-gocache-${os.userInfo().username}`), GOFLAGS: '' };
      const built = await buildBinaries(h, s, { go, folder, outDir: path.join(folder, '.out'), version: 'v1', env });
      assert.ok(built.ok, built.ok ? '' : built.message);
      await installUnit(h, pool, h.instances.map((i) => i.id));
      const plan = deployCore.planDeploy(h.file.strategy, h.instances.map((i) => i.id));
      const release = deployCore.releaseName('v1');
      const { outcome } = await execute(h, pool, plan, { folder, release, binaries: built.binaries, shipped: await collectShipped(h, folder), env: { DB_PASSWORD: PASSWORD } });
      assert.equal(outcome.result, 'succeeded', `${JSON.stringify(outcome)}\n${log.join('\n')}`);
      assert.deepEqual(outcome.instances.map((i) => [i.instanceId, i.state, i.release]), sandbox.hosts.map((x) => [x.instanceId, 'deployed', release]));
    } finally {
      await pool.close();
    }
    for (const x of sandbox.hosts) {
      assert.deepEqual(JSON.parse((await get(x, '/healthz')).body), { status: 'ok', version: 'v1' });
      const todos = await get(x, '/todos');
      assert.equal(todos.status, 200);
      assert.deepEqual(JSON.parse(todos.body), [{ id: 1, title: 'from MariaDB', done: false }]);
      assert.equal((await x.run('stat', ['-c', '%a', '/etc/goapp/env'])).stdout.trim(), '600');
      assert.match(fs.readFileSync(path.join(x.dir, 'etc/systemd/system/goapp.service'), 'utf8'), /^ExecStart=\/opt\/goapp\/current\/goapp$/m);
      assert.match(fs.readlinkSync(path.join(x.dir, 'opt/goapp/current')), /^releases\//);
    }
    assert.equal(log.some((l) => l.includes(PASSWORD)), false, 'the password is in no log line');
  });

  it('stops with no process and no namespace left behind', async () => {
    assert.ok(sandbox);
    const namespaces = await Promise.all(sandbox.hosts.map(async (h) => (await h.run('readlink', ['/proc/self/ns/net'])).stdout.trim()));
    const inThem = () =>
      fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
        try {
          return namespaces.includes(fs.readlinkSync(`/proc/${p}/ns/net`));
        } catch {
          return false;
        }
      });
    // sshd, the agent, the apps and the sleep of the first test at least.
    assert.ok(inThem().length >= 2 * sandbox.hosts.length, inThem().join(' '));
    const dirs = sandbox.hosts.map((h) => h.dir);
    await sandbox.stop();
    sandbox = undefined;
    for (let i = 0; i < 50 && inThem().length; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(inThem(), []);
    for (const d of dirs) assert.equal(fs.existsSync(d), false, `${d} is removed`);
  });
});
