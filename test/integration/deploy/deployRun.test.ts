// The deploy commands' run (src/commands/deploy/run.ts, what Deploy… and Roll Back Deployment…
// call between their questions) end to end to 2 real test hosts: the survey over SSH (uname -m,
// the current release), the real Go build of the sandbox app from a deploy file's folder, the
// rollout through the SSH executor with shipped folders (templates/, static/, read once and sent
// to each host over its one SFTP channel), the kept releases, and a rollback to the first release.
// systemd cannot run here (no systemd as PID 1): a small supervisor script stands in for
// `systemctl restart` (reads the env file, runs `current`'s binary), so the unit is not installed.
// The hosts share this machine's filesystem: each host's layout lives under a folder of its own.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as mysql from 'mysql2/promise';
import { buildBinaries, collectShipped, execute, keptReleases, SessionPool, survey, type Hosts } from '../../../src/commands/deploy/run';
import type { Ec2Instance } from '../../../src/core/aws/types';
import * as deployCore from '../../../src/core/deploy/index';
import { openSshSession } from '../../../src/core/instance/sshSession';
import { accessTo, startMariaDb, startTestHosts, type MariaDbServer, type TestNetwork } from '../support';
import { ensureGoToolchain, GOAPP_DIR } from '../support/goapp';

const PASSWORD = 'run-Secret_pw9';

const SUPERVISOR = `#!/bin/sh
root=$1
pidf=$root/app.pid
if [ -f "$pidf" ]; then pid=$(cat "$pidf"); kill "$pid" 2>/dev/null; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; fi
cd "$root/opt/goapp/current" || exit 1
set -a; . "$root/etc/goapp/env"; set +a
nohup ./goapp >"$root/app.log" 2>&1 </dev/null &
echo $! > "$pidf"
`;

describe('deploy commands\' run to 2 test hosts (real sshd, real go build, real MariaDB)', function () {
  this.timeout(300_000);
  let network: TestNetwork;
  let db: MariaDbServer;
  let folder: string;
  let go: string;
  const roots = new Map<string, string>();
  const log: string[] = [];

  before(async () => {
    const [n, d, g] = await Promise.allSettled([startTestHosts(2), startMariaDb({ users: [{ user: 'goapp', password: PASSWORD }] }), ensureGoToolchain()]);
    if (n.status === 'fulfilled') network = n.value;
    if (d.status === 'fulfilled') db = d.value;
    for (const r of [n, d, g]) if (r.status === 'rejected') throw r.reason;
    go = (g as PromiseFulfilledResult<string>).value;
    const root = await mysql.createConnection({ host: db.host, port: db.port, user: 'root', password: db.password });
    await root.query('CREATE DATABASE goapp');
    await root.end();
    const relay = await network.relayToLoopback(db.port);
    // The user's project folder: the sandbox app's sources, its config (no password) and the deploy file.
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-deployrun-'));
    for (const f of fs.readdirSync(GOAPP_DIR).filter((x) => x.endsWith('.go'))) fs.copyFileSync(path.join(GOAPP_DIR, f), path.join(folder, f));
    // Folders shipped beside the binary, nested, with an executable and a symlink inside the project.
    for (const [rel, body] of [['templates/index.html', '<h1>todos</h1>\n'], ['templates/partials/nav.html', '<nav>v1</nav>\n'], ['static/css/app.css', 'body { margin: 0 }\n'], ['static/bin/warm.sh', '#!/bin/sh\necho warm\n']]) {
      fs.mkdirSync(path.dirname(path.join(folder, rel)), { recursive: true });
      fs.writeFileSync(path.join(folder, rel), body, { mode: rel.endsWith('.sh') ? 0o755 : 0o644 });
    }
    fs.symlinkSync('../templates/index.html', path.join(folder, 'static', 'index.html'));
    fs.writeFileSync(path.join(folder, 'config.yaml'), `server:\n  addr: ":8080"\ndatabase:\n  host: ${network.gateway}\n  port: ${relay}\n  user: goapp\n  password: ""\n  name: goapp\n`);
    for (const h of network.hosts) {
      const dir = `/tmp/rds-link-run-${h.netns}`;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'supervise.sh'), SUPERVISOR, { mode: 0o755 });
      roots.set(`i-${h.name}`, dir);
    }
  });

  after(async () => {
    await network?.stop();
    for (const dir of roots.values()) fs.rmSync(dir, { recursive: true, force: true });
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
    await db?.stop();
  });

  const text = deployCore.deployFileText({ service: 'goapp', port: 8080, instances: [{ region: 'eu-west-1', tag: { key: 'App', value: 'goapp' } }], files: ['config.yaml', 'templates', 'static/'], strategy: { kind: 'rolling', batch: { count: 1 }, onFailure: 'rollback' } });

  function hosts(): Hosts {
    const parsed = deployCore.parseDeployFile(text);
    assert.ok(parsed.ok);
    const instances = network.hosts.map((h) => ({ id: `i-${h.name}`, region: 'eu-west-1', state: 'running', tags: { App: 'goapp' }, networkInterfaces: [], securityGroupIds: [] }) as unknown as Ec2Instance);
    return {
      core: deployCore,
      file: parsed.file,
      instances,
      openSession: (i) => openSshSession(accessTo(network.hosts.find((h) => `i-${h.name}` === i.id) ?? network.hosts[0])),
      log: (line) => log.push(line),
      layout: (id) => ({ root: roots.get(id), sudo: '' }),
      restartCommand: (id) => `sh ${deployCore.shellQuote(`${roots.get(id)}/supervise.sh`)} ${deployCore.shellQuote(roots.get(id) ?? '')}`,
      // The supervisor's stand-in for `systemctl is-active`: the app it started still runs.
      statusCommand: (id) => `kill -0 "$(cat ${deployCore.shellQuote(`${roots.get(id)}/app.pid`)})"`,
    };
  }

  async function served(id: string): Promise<{ status?: string; version?: string }> {
    const h = network.hosts.find((x) => `i-${x.name}` === id);
    assert.ok(h);
    const s = await openSshSession(accessTo(h));
    try {
      const answer = await deployCore.httpGetOver(await s.forwardOut('127.0.0.1', 8080), '/healthz', 8080, 5000);
      return JSON.parse(answer.body) as { status?: string; version?: string };
    } finally {
      await s.close();
    }
  }

  async function deployVersion(version: string): Promise<string> {
    const h = hosts();
    const pool = new SessionPool(h);
    try {
      const s = await survey(h, pool);
      assert.deepEqual([...s.architectures.values()], ['x86_64', 'x86_64']);
      const env = { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOCACHE: path.join(os.tmpdir(), 'rds-link-deployrun-gocache'), GOFLAGS: '' };
      const built = await buildBinaries(h, s, { go, folder, outDir: path.join(folder, '.out'), version, env });
      assert.ok(built.ok, built.ok ? '' : built.message);
      const release = deployCore.releaseName(version);
      const plan = deployCore.planDeploy(h.file.strategy, h.instances.map((i) => i.id));
      const shipped = await collectShipped(h, folder);
      const { outcome } = await execute(h, pool, plan, { folder, release, binaries: built.binaries, shipped, env: { DB_PASSWORD: PASSWORD } });
      assert.equal(outcome.result, 'succeeded', JSON.stringify(outcome));
      return release;
    } finally {
      await pool.close();
    }
  }

  /** What a host has under current/ for a shipped path: its text and mode, as the host itself reads them over SSH. */
  async function onHost(id: string, rel: string): Promise<string> {
    const h = network.hosts.find((x) => `i-${x.name}` === id);
    assert.ok(h);
    const s = await openSshSession(accessTo(h));
    try {
      const file = deployCore.shellQuote(`${roots.get(id)}/opt/goapp/current/${rel}`);
      const r = await s.exec(`stat -c %a ${file} && cat ${file}`);
      assert.equal(r.code, 0, `${id} ${rel}: ${r.stderr}`);
      return r.stdout;
    } finally {
      await s.close();
    }
  }

  it('deploys twice (v1, v2) with a rolling plan and shipped folders, then rolls both hosts back to v1 through the kept releases', async () => {
    const first = await deployVersion('v1');
    for (const id of ['i-host1', 'i-host2']) {
      assert.deepEqual(await served(id), { status: 'ok', version: 'v1' });
      assert.equal((fs.statSync(`${roots.get(id)}/etc/goapp/env`).mode & 0o777).toString(8), '600');
      assert.equal(await onHost(id, 'templates/partials/nav.html'), '644\n<nav>v1</nav>\n');
      assert.equal(await onHost(id, 'templates/index.html'), '644\n<h1>todos</h1>\n');
      assert.equal(await onHost(id, 'static/css/app.css'), '644\nbody { margin: 0 }\n');
      assert.equal(await onHost(id, 'static/bin/warm.sh'), '755\n#!/bin/sh\necho warm\n');
      assert.equal(await onHost(id, 'static/index.html'), '644\n<h1>todos</h1>\n', 'a link inside the project ships its target\'s content');
    }
    await new Promise((r) => setTimeout(r, 1100)); // release names carry the second
    fs.writeFileSync(path.join(folder, 'templates', 'partials', 'nav.html'), '<nav>v2</nav>\n');
    await deployVersion('v2');
    assert.equal((await served('i-host2')).version, 'v2');
    assert.equal(await onHost('i-host2', 'templates/partials/nav.html'), '644\n<nav>v2</nav>\n');

    const h = hosts();
    const pool = new SessionPool(h);
    try {
      const kept = await keptReleases(h, pool);
      assert.deepEqual(kept.common, [first]);
      const plan = deployCore.planDeploy(h.file.strategy, h.instances.map((i) => i.id));
      const { outcome } = await execute(h, pool, plan, { folder, release: first, rollbackTo: true, shipped: deployCore.NO_SHIPPED_FILES, env: {} });
      assert.deepEqual(outcome.instances.map((i) => [i.instanceId, i.state, i.release]), [['i-host1', 'deployed', first], ['i-host2', 'deployed', first]]);
    } finally {
      await pool.close();
    }
    for (const id of ['i-host1', 'i-host2']) {
      assert.equal((await served(id)).version, 'v1');
      assert.equal(await onHost(id, 'templates/partials/nav.html'), '644\n<nav>v1</nav>\n', 'the rollback brings v1\'s templates back');
    }
    assert.ok(log.some((l) => l.startsWith('Batch 2/2: i-host2')), 'the batches are in the log');
    assert.equal(log.some((l) => l.includes(PASSWORD)), false, 'the password is in no log line');
  });
});
