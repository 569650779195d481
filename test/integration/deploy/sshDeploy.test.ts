// Deploys of the real sandbox app (built by the real Go compiler) to real test hosts (network
// namespaces, each with its own sshd and address), through the product's runner and its SSH
// executor, against a real MariaDB. systemd cannot run here (no systemd as PID 1): a small
// supervisor script stands in for the unit (support/deployHosts.ts: reads the env file, runs
// `current`'s binary in `current`, restarts it, and answers the status command). The hosts share
// this machine's filesystem, so each host's layout lives under a folder of its own.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { HealthCheck } from '../../../src/core/deploy/deployFile';
import { releaseName } from '../../../src/core/deploy/build';
import { httpGetOver } from '../../../src/core/deploy/health';
import { collectShippedFiles } from '../../../src/core/deploy/shipped';
import { SshDeployExecutor } from '../../../src/core/deploy/sshExecutor';
import { planDeploy, runDeploy, type DeployOutcome } from '../../../src/core/deploy/strategy';
import type { InstanceAccess } from '../../../src/core/instance/reach';
import { openSshSession } from '../../../src/core/instance/sshSession';
import { accessTo, type TestNetwork } from '../support';
import { startDeployHosts, type DeployHosts } from '../support/deployHosts';
import { buildSandboxApp } from '../support/goapp';

const PASSWORD = 'dep1oy-Secret_pw';
const HEALTH: HealthCheck = { path: '/healthz', timeoutSeconds: 5, retries: 40, intervalSeconds: 0 };

describe('deploy over SSH to test hosts (real sandbox app, real sshd, real MariaDB)', function () {
  this.timeout(300_000);
  let hosts: DeployHosts;
  let network: TestNetwork;
  let binaries: { v1: string; v2: string };
  let roots: ReadonlyMap<string, string>;
  const log: string[] = [];

  before(async () => {
    const [h, b1] = await Promise.allSettled([startDeployHosts(4, PASSWORD), buildSandboxApp('amd64', 'v1')]);
    if (h.status === 'fulfilled') ({ network, roots } = hosts = h.value);
    for (const r of [h, b1]) if (r.status === 'rejected') throw r.reason;
    binaries = { v1: (b1 as PromiseFulfilledResult<string>).value, v2: await buildSandboxApp('amd64', 'v2') };
  });

  after(async () => {
    await hosts?.stop();
  });

  const layoutFor = (id: string) => hosts.layoutFor(id);
  const hostOf = (id: string) => hosts.hostOf(id);

  let firstRelease = '';

  async function deploy(
    ids: string[],
    version: 'v1' | 'v2',
    strategy: Parameters<typeof planDeploy>[0],
    release = releaseName(version),
    rollbackTo = false,
    via?: (id: string) => InstanceAccess,
    binary = () => binaries[version],
  ): Promise<{ outcome: DeployOutcome; release: string }> {
    const ex = new SshDeployExecutor({
      release,
      rollbackTo,
      openSession: (id) => openSshSession(via?.(id) ?? accessTo(hostOf(id))),
      layoutFor,
      binaryFor: binary,
      shipped: await collectShippedFiles(path.dirname(hosts.config), ['config.yaml']),
      env: { DB_PASSWORD: PASSWORD },
      // The supervisor standing in for systemd lives in each host's own folder.
      restartCommand: (id) => hosts.restartCommand(id),
      statusCommand: (id) => hosts.statusCommand(id),
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

  it('a service that is not active fails the health gate even when the port answers 200 (a stray copy holds it): the host rolls back', async () => {
    const first = await deploy(['i-host4'], 'v1', { kind: 'bigBang', onFailure: 'rollback' });
    assert.equal(first.outcome.result, 'succeeded', JSON.stringify(first.outcome));
    // The running v1 leaves the supervisor's books, as a copy started by hand would: it keeps port 8080.
    const root = roots.get('i-host4') ?? '';
    const stray = fs.readFileSync(path.join(root, 'app.pid'), 'utf8').trim();
    fs.rmSync(path.join(root, 'app.pid'));
    // The new release's binary dies at once (as a build that crashes on start would).
    const crashing = path.join(root, 'crashing-goapp');
    fs.writeFileSync(crashing, '#!/bin/sh\necho "panic: on purpose" >&2\nexit 2\n', { mode: 0o755 });
    try {
      const { outcome } = await deploy(['i-host4'], 'v2', { kind: 'bigBang', onFailure: 'rollback' }, releaseName('crash'), false, undefined, () => crashing);
      assert.equal(outcome.result, 'failed', JSON.stringify(outcome));
      assert.equal(outcome.failure, 'i-host4: the service is not active (inactive)');
      assert.deepEqual(outcome.instances.map((i) => [i.state, i.release]), [['rolledBack', first.release]]);
      assert.equal(fs.readlinkSync(layoutFor('i-host4').current), `releases/${first.release}`);
      assert.equal((await versionServed('i-host4')).version, 'v1', 'the stray copy did answer /healthz 200 all along');
    } finally {
      await hostOf('i-host4').run('kill', [stray]).catch(() => undefined);
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
