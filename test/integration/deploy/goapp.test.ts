// The sandbox Go app, built by the real Go compiler for amd64, installed as a release in one test
// host over SSH (SFTP upload, the release scripts, the env file from stdin), and run against a
// real MariaDB. systemd cannot run on these machines (no systemd as PID 1): a one-line
// supervisor (sh: read the env file, start the binary in `current`) stands in for the unit.
// Each test host shares this machine's filesystem, so its layout lives under a folder of its own.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as mysql from 'mysql2/promise';
import { releaseName } from '../../../src/core/deploy/build';
import { checkHealth } from '../../../src/core/deploy/health';
import { envFileText, ReleaseLayout, shellQuote } from '../../../src/core/deploy/releases';
import { openSshSession, type SshSession } from '../../../src/core/instance/sshSession';
import { accessTo, startMariaDb, startTestHosts, type MariaDbServer, type TestNetwork } from '../support';
import { buildSandboxApp } from '../support/goapp';

const PASSWORD = 'g0app-Secret_pw';

describe('deploy: the sandbox Go app in a test host against MariaDB (/healthz)', function () {
  this.timeout(300_000);
  let network: TestNetwork;
  let db: MariaDbServer;
  let binary: string;
  let session: SshSession;
  let layout: ReleaseLayout;

  before(async () => {
    const [n, d, b] = await Promise.allSettled([startTestHosts(1), startMariaDb({ users: [{ user: 'goapp', password: PASSWORD }] }), buildSandboxApp('amd64', 'v0.1.0-test')]);
    if (n.status === 'fulfilled') network = n.value;
    if (d.status === 'fulfilled') db = d.value;
    for (const r of [n, d, b]) if (r.status === 'rejected') throw r.reason;
    binary = (b as PromiseFulfilledResult<string>).value;
    const root = await mysql.createConnection({ host: db.host, port: db.port, user: 'root', password: db.password });
    await root.query('CREATE DATABASE goapp');
    await root.end();
    session = await openSshSession(accessTo(network.hosts[0]));
    layout = new ReleaseLayout({ service: 'goapp', root: `/tmp/rds-link-host-${network.hosts[0].netns}`, sudo: '' });
  });

  after(async () => {
    await session?.close();
    await network?.stop();
    if (layout) fs.rmSync(layout.base.replace(/\/opt\/goapp$/, ''), { recursive: true, force: true });
    await db?.stop().catch(() => undefined);
  });

  const health = () =>
    checkHealth({ port: 8080, path: '/healthz', retries: 40, intervalMs: 250, timeoutMs: 5000, open: () => session.forwardOut('127.0.0.1', 8080) });

  it('builds a static amd64 binary stamped with the version', () => {
    const head = fs.readFileSync(binary).subarray(0, 20);
    assert.equal(head.subarray(0, 4).toString('latin1'), '\x7fELF');
    assert.equal(head.readUInt16LE(18), 0x3e, 'e_machine x86-64');
    assert.ok(fs.readFileSync(binary).includes('v0.1.0-test'));
  });

  it('runs as a release in the host; GET /healthz answers 200, and 503 once the DB is stopped', async () => {
    const release = releaseName('v0.1.0-test');
    const relay = await network.relayToLoopback(db.port);
    assert.equal((await session.exec(layout.prepareStagingCommand(release))).code, 0);
    const sftp = await session.sftp();
    const put = (local: string | Buffer, remote: string, mode: number) =>
      new Promise<void>((resolve, reject) =>
        typeof local === 'string' ? sftp.fastPut(local, remote, { mode }, (e) => (e ? reject(e) : resolve())) : sftp.writeFile(remote, local, { mode }, (e) => (e ? reject(e) : resolve())),
      );
    await put(binary, `${layout.stagingDir(release)}/goapp`, 0o755);
    // The app's own config.yaml, shipped beside the binary; the password is not in it.
    const config = `server:\n  addr: ":8080"\ndatabase:\n  host: ${network.gateway}\n  port: ${relay}\n  user: goapp\n  password: ""\n  name: goapp\n`;
    await put(Buffer.from(config), `${layout.stagingDir(release)}/config.yaml`, 0o644);
    for (const script of [layout.installReleaseScript(release), layout.switchScript(release)]) {
      const r = await session.exec(layout.asRoot(script), { timeoutMs: 20_000 });
      assert.equal(r.code, 0, r.stderr);
    }
    const envWrite = layout.writeEnvFileCommand();
    assert.equal(envWrite.includes(PASSWORD), false);
    assert.equal((await session.exec(envWrite, { stdin: envFileText({ DB_PASSWORD: PASSWORD }) })).code, 0);
    assert.equal((await session.exec(`stat -c '%a %U' ${shellQuote(layout.envFile)}`)).stdout.trim(), '600 root');

    // The supervisor standing in for systemd: EnvironmentFile, WorkingDirectory and ExecStart of the unit.
    const supervised = `cd ${shellQuote(layout.current)} && set -a && . ${shellQuote(layout.envFile)} && set +a && exec ./goapp`;
    const start = `nohup sh -c ${shellQuote(supervised)} >${shellQuote(`${layout.base}/app.log`)} 2>&1 </dev/null & echo $!`;
    const started = await session.exec(start, { timeoutMs: 10_000 });
    assert.equal(started.code, 0, started.stderr);

    const ok = await health();
    assert.equal(ok.healthy, true, ok.detail);
    assert.equal(ok.detail, 'GET /healthz answered 200');
    const ps = await session.exec('ps -eo args');
    assert.equal(ps.stdout.includes(PASSWORD), false, 'the password is on no command line');

    await db.stop();
    const down = await checkHealth({ port: 8080, path: '/healthz', retries: 1, intervalMs: 0, timeoutMs: 10_000, open: () => session.forwardOut('127.0.0.1', 8080) });
    assert.equal(down.healthy, false);
    assert.equal(down.detail, 'GET /healthz answered 503');
  });
});
