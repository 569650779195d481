// Long work over an EC2 Instance Connect Endpoint tunnel (openLongSshSession, as deploys, the
// diagnosis and the DB tunnel use it): the EICE stand-in (SigV4 checked) closes each tunnel after
// a 2 s maxTunnelDuration; the instance is the real OpenSSH server. A step that starts after the
// end logs in again over a new tunnel and goes on; a step the end cuts fails in the endpoint's
// words, promptly, and is not run twice.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SessionPool } from '../../../../src/commands/deploy/run';
import type { Ec2Instance } from '../../../../src/core/aws/types';
import type { InstanceAccess } from '../../../../src/core/instance/reach';
import { openLongSshSession } from '../../../../src/core/instance/relogin';
import { SessionClosedError, type SshSession } from '../../../../src/core/instance/sshSession';
import { startEiceStandIn, startSshd, type EiceStandIn, type SshServer } from '../../support';
import { eventually } from '../../db/helpers';

const REGION = 'us-east-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const INSTANCE_IP = '10.0.3.10';
const INSTANCE_ID = 'i-0re10g1n000000001';
const endpoint = { id: 'eice-0a1b2c3d4e5f60718', dnsName: 'eice-0a1b2c3d4e5f60718.7777cccc.ec2-instance-connect-endpoint.us-east-1.amazonaws.com', securityGroupIds: ['sg-0relogin'] };
const EXPIRED = /closed the tunnel to i-0re10g1n000000001:22 at its maximum duration \(2 s\)\. Connect again to go on/;

describe('EICE: long work outlives maxTunnelDuration (stand-in, OpenSSH)', () => {
  let ssh: SshServer;
  let eice: EiceStandIn;
  let dir: string;

  before(async () => {
    ssh = await startSshd();
    eice = await startEiceStandIn({
      endpoints: [endpoint],
      credentials,
      region: REGION,
      route: (ip, port) => (ip === INSTANCE_IP && port === 22 ? { host: ssh.host, port: ssh.port } : undefined),
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-relogin-'));
    fs.chmodSync(dir, 0o777);
  });

  after(async () => {
    await eice?.stop();
    await ssh?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const access = (): InstanceAccess => ({
    instance: { id: INSTANCE_ID, region: REGION },
    ssh: { host: INSTANCE_IP, port: 22, username: ssh.username },
    eice: { endpoint, privateIpAddress: INSTANCE_IP },
    key: { kind: 'privateKey', privateKey: ssh.privateKey, push: false },
  });
  const open = (log: string[]): Promise<SshSession> =>
    openLongSshSession(access(), { eice: { region: REGION, credentials, connectUrl: eice.url, maxTunnelDurationSeconds: 2 }, readyTimeoutMs: 10_000, log: (l) => log.push(l) });
  const tunnels = (): number => eice.events.filter((e) => e.kind === 'tunnel').length;
  const expiries = (): number => eice.events.filter((e) => e.kind === 'expired').length;
  /** Waits until the stand-in has closed the tunnel at its maximum duration. */
  const pastMaxDuration = async (before: number): Promise<void> => {
    await eventually(() => Promise.resolve(expiries()), (n) => n > before, 6000);
    assert.equal(await eventually(() => Promise.resolve(eice.openTunnels(endpoint.id)), (n) => n === 0), 0);
  };

  it('a deploy\'s session pool: commands and an SFTP upload that start after the tunnel ended log in again and go on', async function () {
    this.timeout(30_000);
    const log: string[] = [];
    const instance = { id: INSTANCE_ID, region: REGION, state: 'running' } as Ec2Instance;
    const pool = new SessionPool({ instances: [instance], openSession: () => open(log) });
    const before = tunnels();
    try {
      const s = await pool.get(INSTANCE_ID);
      assert.equal((await s.exec('echo first')).stdout.trim(), 'first');
      const expiredBefore = expiries();
      await pastMaxDuration(expiredBefore);
      // Two steps at once after the end share one re-login.
      const [a, b] = await Promise.all([s.exec('echo second'), s.exec('echo third')]);
      assert.deepEqual([a.stdout.trim(), b.stdout.trim()], ['second', 'third']);
      assert.equal(tunnels() - before, 2, 'one new tunnel for both steps');
      assert.equal(log.filter((l) => /maximum duration \(2 s\).*logging in to i-0re10g1n000000001 again over a new tunnel/.test(l)).length, 1, log.join('\n'));

      await pastMaxDuration(expiredBefore + 1);
      const local = path.join(dir, 'release.txt');
      fs.writeFileSync(local, 'release v2\n');
      const remote = path.join(dir, 'uploaded.txt');
      const sftp = await (await pool.get(INSTANCE_ID)).sftp();
      try {
        await s.guard(new Promise<void>((resolve, reject) => sftp.fastPut(local, remote, { mode: 0o644 }, (e) => (e ? reject(e) : resolve()))));
      } finally {
        sftp.end();
      }
      assert.equal(fs.readFileSync(remote, 'utf8'), 'release v2\n');
      assert.equal(tunnels() - before, 3);
    } finally {
      await pool.close();
    }
    assert.equal(await eventually(() => Promise.resolve(eice.openTunnels(endpoint.id)), (n) => n === 0), 0);
  });

  it('a command the tunnel\'s end cuts in the middle fails in the endpoint\'s words at once, and is not run again', async function () {
    this.timeout(30_000);
    const log: string[] = [];
    const marker = path.join(dir, 'runs.txt');
    const session = await open(log);
    const before = tunnels();
    try {
      const started = Date.now();
      await assert.rejects(
        session.exec(`echo run >> ${marker}; sleep 8`),
        (e: Error) => e instanceof SessionClosedError && e.interrupted && EXPIRED.test(e.message),
      );
      assert.ok(Date.now() - started < 5000, `failed after ${Date.now() - started} ms, not at the tunnel's end`);
      assert.equal(tunnels(), before, 'no new tunnel for a step that was cut');
      assert.equal(fs.readFileSync(marker, 'utf8'), 'run\n', 'the command ran once');
      // The next step is a new one: it logs in again.
      assert.equal((await session.exec('echo after')).stdout.trim(), 'after');
      assert.equal(tunnels() - before, 1);
    } finally {
      await session.close();
    }
  });

  it('closed while idle after the end: nothing is opened again', async function () {
    this.timeout(15_000);
    const session = await open([]);
    await pastMaxDuration(expiries());
    const before = tunnels();
    await session.close();
    await assert.rejects(session.exec('true'), SessionClosedError);
    assert.equal(tunnels(), before);
  });
});
