// Deploys of the real sandbox app (built by the real Go compiler) to real test hosts (network
// namespaces, each with its own sshd and address), through the product's runner and its SSH
// executor, against a real MariaDB. systemd cannot run here (no systemd as PID 1): a small
// supervisor script stands in for the unit (reads the env file, runs `current`'s binary in
// `current`, restarts it). The hosts share this machine's filesystem, so each host's layout
// lives under a folder of its own.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as mysql from 'mysql2/promise';
import type { HealthCheck } from '../../../src/core/deploy/deployFile';
import { releaseName } from '../../../src/core/deploy/build';
import { httpGetOver } from '../../../src/core/deploy/health';
import { ReleaseLayout, shellQuote } from '../../../src/core/deploy/releases';
import { SshDeployExecutor } from '../../../src/core/deploy/sshExecutor';
import { planDeploy, runDeploy, type DeployOutcome } from '../../../src/core/deploy/strategy';
import type { InstanceAccess } from '../../../src/core/instance/reach';
import { openSshSession } from '../../../src/core/instance/sshSession';
import { accessTo, startMariaDb, startTestHosts, type MariaDbServer, type TestNetwork } from '../support';
import { buildSandboxApp } from '../support/goapp';

const PASSWORD = 'dep1oy-Secret_pw';
const HEALTH: HealthCheck = { path: '/healthz', timeoutSeconds: 5, retries: 40, intervalSeconds: 0 };

// The stand-in for `systemctl restart goapp`: stop the old process, start the new one. A release
// marked broken (the test's way to make one host fail) starts with a wrong DB password, so its
// /healthz answers 503: it runs, but not against its database.
const SUPERVISOR = `#!/bin/sh
root=$1
pidf=$root/app.pid
if [ -f "$pidf" ]; then pid=$(cat "$pidf"); kill "$pid" 2>/dev/null; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; fi
cd "$root/opt/goapp/current" || exit 1
set -a; . "$root/etc/goapp/env"; set +a
[ -f "$root/broken-$(basename "$(pwd -P)")" ] && DB_PASSWORD=wrong-on-purpose
nohup ./goapp >"$root/app.log" 2>&1 </dev/null &
echo $! > "$pidf"
`;

describe('deploy over SSH to test hosts (real sandbox app, real sshd, real MariaDB)', function () {
  this.timeout(300_000);
  let network: TestNetwork;
  let db: MariaDbServer;
  let binaries: { v1: string; v2: string };
  let config: string;
  const roots = new Map<string, string>();
  const log: string[] = [];

  before(async () => {
    const [n, d, b1] = await Promise.allSettled([startTestHosts(4), startMariaDb({ users: [{ user: 'goapp', password: PASSWORD }] }), buildSandboxApp('amd64', 'v1')]);
    if (n.status === 'fulfilled') network = n.value;
    if (d.status === 'fulfilled') db = d.value;
    for (const r of [n, d, b1]) if (r.status === 'rejected') throw r.reason;
    binaries = { v1: (b1 as PromiseFulfilledResult<string>).value, v2: await buildSandboxApp('amd64', 'v2') };
    const root = await mysql.createConnection({ host: db.host, port: db.port, user: 'root', password: db.password });
    await root.query('CREATE DATABASE goapp');
    await root.end();
    const relay = await network.relayToLoopback(db.port);
    config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-deploy-')), 'config.yaml');
    fs.writeFileSync(config, `server:\n  addr: ":8080"\ndatabase:\n  host: ${network.gateway}\n  port: ${relay}\n  user: goapp\n  password: ""\n  name: goapp\n`);
    for (const h of network.hosts) {
      const dir = `/tmp/rds-link-host-${h.netns}`;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'supervise.sh'), SUPERVISOR, { mode: 0o755 });
      roots.set(`i-${h.name}`, dir);
    }
  });

  after(async () => {
    await network?.stop();
    for (const dir of roots.values()) fs.rmSync(dir, { recursive: true, force: true });
    if (config) fs.rmSync(path.dirname(config), { recursive: true, force: true });
    await db?.stop();
  });

  const layoutFor = (id: string) => new ReleaseLayout({ service: 'goapp', root: roots.get(id), sudo: '' });
  const hostOf = (id: string) => {
    const h = network.hosts.find((x) => `i-${x.name}` === id);
    if (!h) throw new Error(`no host ${id}`);
    return h;
  };

  let firstRelease = '';

  async function deploy(
    ids: string[],
    version: 'v1' | 'v2',
    strategy: Parameters<typeof planDeploy>[0],
    release = releaseName(version),
    rollbackTo = false,
    via?: (id: string) => InstanceAccess,
  ): Promise<{ outcome: DeployOutcome; release: string }> {
    const ex = new SshDeployExecutor({
      release,
      rollbackTo,
      openSession: (id) => openSshSession(via?.(id) ?? accessTo(hostOf(id))),
      layoutFor,
      binaryFor: () => binaries[version],
      files: [{ local: config, name: 'config.yaml' }],
      env: { DB_PASSWORD: PASSWORD },
      // The supervisor standing in for systemd lives in each host's own folder.
      restartCommand: (id) => `sh ${shellQuote(`${roots.get(id)}/supervise.sh`)} ${shellQuote(roots.get(id) ?? '')}`,
      port: 8080,
      health: HEALTH,
      keepReleases: 5,
      log: (id, line) => log.push(`${id} ${line}`),
    });
    const outcome = await runDeploy(planDeploy(strategy, ids), ex, { release });
    await ex.close();
    return { outcome, release };
  }

  it('Big Bang to 3 hosts: each runs the new release and answers /healthz 200 from MariaDB', async () => {
    const ids = ['i-host1', 'i-host2', 'i-host3'];
    const { outcome, release } = await deploy(ids, 'v1', { kind: 'bigBang', onFailure: 'rollback' });
    firstRelease = release;
    assert.equal(outcome.result, 'succeeded', JSON.stringify(outcome));
    assert.deepEqual(outcome.instances.map((i) => [i.instanceId, i.state, i.release]), ids.map((id) => [id, 'deployed', release]));
    for (const id of ids) {
      assert.equal(fs.readlinkSync(layoutFor(id).current), `releases/${release}`);
      assert.equal((fs.statSync(layoutFor(id).envFile).mode & 0o777).toString(8), '600');
    }
    assert.equal(log.some((l) => l.includes(PASSWORD)), false, 'the password is in no log line');
    for (const id of ids) assert.equal((await versionServed(id)).status, 'ok');
    assert.equal((await versionServed('i-host1')).version, 'v1');
  });

  it('Rolling to 4 in batches of 1, the 3rd host fails (onFailure: keep): hosts 1–2 stay on the new release, host 3 is back on the old one, host 4 untouched', async () => {
    const ids = ['i-host1', 'i-host2', 'i-host3', 'i-host4'];
    const before = fs.readlinkSync(layoutFor('i-host3').current).replace('releases/', '');
    const release = releaseName('v2');
    fs.writeFileSync(path.join(roots.get('i-host3') ?? '', `broken-${release}`), '');
    const { outcome } = await deploy(ids, 'v2', { kind: 'rolling', batch: { count: 1 }, onFailure: 'keep' }, release);
    assert.equal(outcome.result, 'failed');
    assert.equal(outcome.failure, 'i-host3: GET /healthz answered 503');
    assert.deepEqual(
      outcome.instances.map((i) => [i.instanceId, i.state, i.release]),
      [['i-host1', 'deployed', release], ['i-host2', 'deployed', release], ['i-host3', 'rolledBack', before], ['i-host4', 'untouched', undefined]],
    );
    assert.equal((await versionServed('i-host1')).version, 'v2');
    assert.equal((await versionServed('i-host2')).version, 'v2');
    assert.equal((await versionServed('i-host3')).version, 'v1', 'host 3 serves the old release again');
    assert.equal(fs.readlinkSync(layoutFor('i-host3').current), `releases/${before}`);
    assert.equal(fs.existsSync(layoutFor('i-host4').base), false, 'host 4 was not touched');
    const s = await openSshSession(accessTo(network.hosts[0]));
    try {
      assert.equal((await s.exec('ps -eo args')).stdout.includes(PASSWORD), false, 'the password is on no command line');
    } finally {
      await s.close();
    }
  });

  it('Canary that fails health on the canary: the canary rolls back, nobody else is touched', async () => {
    const ids = ['i-host1', 'i-host2', 'i-host3'];
    const current = (id: string) => fs.readlinkSync(layoutFor(id).current);
    const before = ids.map(current);
    const release = releaseName('v1');
    fs.writeFileSync(path.join(roots.get('i-host1') ?? '', `broken-${release}`), '');
    const { outcome } = await deploy(ids, 'v1', { kind: 'canary', canary: { count: 1 }, bakeSeconds: 1, batch: { count: 2 }, onFailure: 'rollback' }, release);
    assert.equal(outcome.result, 'failed');
    assert.equal(outcome.failure, 'i-host1: GET /healthz answered 503');
    assert.deepEqual(outcome.instances.map((i) => [i.instanceId, i.state]), [['i-host1', 'rolledBack'], ['i-host2', 'untouched'], ['i-host3', 'untouched']]);
    assert.deepEqual(ids.map(current), before);
    for (const id of ['i-host2', 'i-host3']) assert.equal(fs.existsSync(layoutFor(id).releaseDir(release)), false, `${id} got no upload`);
    assert.equal((await versionServed('i-host1')).version, 'v2', 'the canary serves its previous release again');
  });

  it('a rollback deployment moves hosts back to a kept release, with the health gate, uploading nothing', async () => {
    const ids = ['i-host1', 'i-host2'];
    const logged = log.length;
    const { outcome } = await deploy(ids, 'v1', { kind: 'rolling', batch: { count: 1 }, onFailure: 'rollback' }, firstRelease, true);
    assert.equal(outcome.result, 'succeeded', JSON.stringify(outcome));
    assert.deepEqual(outcome.instances.map((i) => [i.instanceId, i.state, i.release]), ids.map((id) => [id, 'deployed', firstRelease]));
    for (const id of ids) assert.equal((await versionServed(id)).version, 'v1');
    assert.equal(log.slice(logged).some((l) => /preparing the upload|installing the release/.test(l)), false, 'nothing uploaded');
    const gone = await deploy(['i-host4'], 'v1', { kind: 'bigBang', onFailure: 'rollback' }, firstRelease, true);
    assert.match(gone.outcome.failure ?? '', /is not kept on this instance/);
  });

  it('an SSH connection dropped mid-upload fails that host before anything is switched or restarted', async function () {
    this.timeout(60_000);
    // A relay in front of host2's sshd that cuts the connection after 1 MB from us: mid-binary.
    let sent = 0;
    const relay = net.createServer((inbound) => {
      const outbound = net.connect({ host: network.hosts[1].address, port: 22 });
      inbound.on('data', (chunk: Buffer) => {
        sent += chunk.length;
        if (sent > 1_000_000) {
          inbound.destroy();
          outbound.destroy();
        } else outbound.write(chunk);
      });
      outbound.pipe(inbound);
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
    try {
      const before = fs.readlinkSync(layoutFor('i-host2').current);
      const cut = (id: string): InstanceAccess => ({ ...accessTo(hostOf(id)), ssh: { ...accessTo(hostOf(id)).ssh, host: '127.0.0.1', port: (relay.address() as net.AddressInfo).port } });
      const { outcome, release } = await deploy(['i-host2'], 'v2', { kind: 'bigBang', onFailure: 'rollback' }, undefined, false, cut);
      assert.equal(outcome.result, 'failed');
      assert.deepEqual(outcome.instances.map((i) => i.state), ['notSwitched']);
      assert.ok(sent > 1_000_000, 'the cut came during the upload');
      assert.equal(fs.readlinkSync(layoutFor('i-host2').current), before, 'current did not move');
      assert.equal(fs.existsSync(layoutFor('i-host2').releaseDir(release)), false, 'no half release');
      assert.equal((await versionServed('i-host2')).status, 'ok', 'the old release still serves');
    } finally {
      relay.close();
    }
  });

  /** GET /healthz on the host's own 127.0.0.1:8080, through SSH. */
  async function versionServed(id: string): Promise<{ status?: string; version?: string }> {
    const s = await openSshSession(accessTo(hostOf(id)));
    try {
      const answer = await httpGetOver(await s.forwardOut('127.0.0.1', 8080), '/healthz', 8080, 5000);
      assert.equal(answer.status, 200, `${id}: ${answer.body}`);
      return JSON.parse(answer.body) as { status?: string; version?: string };
    } finally {
      await s.close();
    }
  }
});
