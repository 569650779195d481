// The instance SSH session (core/instance) against a real OpenSSH sshd: exec with stdin, SFTP,
// forwardOut, and the forward-only session of the DB tunnel refusing commands.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { Resources } from '../../../src/core/lifetime';
import type { InstanceAccess } from '../../../src/core/instance/reach';
import { ForwardOutError, openSshSession, type SshSession } from '../../../src/core/instance/sshSession';
import { startSshd, type SshServer } from '../support';

describe('instance SSH session against OpenSSH (exec, SFTP, forwardOut)', () => {
  let ssh: SshServer;
  const open: SshSession[] = [];

  before(async () => {
    ssh = await startSshd();
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });
  after(async () => {
    await ssh?.stop();
  });

  function access(): InstanceAccess {
    return {
      instance: { id: 'i-0session00000000', region: 'eu-west-1' },
      ssh: { host: ssh.host, port: ssh.port, username: ssh.username },
      viaHostOverride: true,
      key: { kind: 'privateKey', privateKey: ssh.privateKey, push: false },
    };
  }

  async function session(forwardOnly = false): Promise<SshSession> {
    const s = await openSshSession(access(), { forwardOnly });
    open.push(s);
    return s;
  }

  it('exec returns the exit code and output, and hands stdin to the command (never its command line)', async () => {
    const s = await session();
    const ok = await s.exec('id -un; echo oops >&2; exit 3');
    assert.equal(ok.code, 3);
    assert.equal(ok.stdout.trim(), ssh.username);
    assert.equal(ok.stderr.trim(), 'oops');
    const secret = 'pa ss\'"$word\n';
    const fed = await s.exec('cat | od -An -c | tr -s " "', { stdin: secret });
    assert.equal(fed.code, 0);
    assert.match(fed.stdout, /p a s s ' " \$ w o r d \\n/);
    assert.equal(s.openChannels, 0, 'finished commands close their channels');
  });

  it('exec stops a command that runs past its timeout', async () => {
    const s = await session();
    const started = Date.now();
    await assert.rejects(s.exec('sleep 20', { timeoutMs: 500 }), /did not finish within/);
    assert.ok(Date.now() - started < 5000);
  });

  it('SFTP writes a file and reads it back, with its mode', async () => {
    const s = await session();
    const sftp = await s.sftp();
    const dir = (await s.exec('mktemp -d')).stdout.trim();
    const file = `${dir}/app.bin`;
    const body = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));
    await new Promise<void>((resolve, reject) => sftp.writeFile(file, body, { mode: 0o750 }, (e) => (e ? reject(e) : resolve())));
    const back = await new Promise<Buffer>((resolve, reject) => sftp.readFile(file, (e, b) => (e ? reject(e) : resolve(b))));
    assert.equal(Buffer.compare(back, body), 0);
    const mode = (await s.exec(`stat -c %a ${file}`)).stdout.trim();
    assert.equal(mode, '750');
    await s.exec(`rm -rf ${dir}`);
  });

  it('forwardOut reaches a port as the instance sees it; a closed port is a ForwardOutError', async () => {
    const server = net.createServer((c) => c.end('hello from the instance side'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const s = await session(true);
      const ch = await s.forwardOut('127.0.0.1', (server.address() as net.AddressInfo).port);
      const text = await new Promise<string>((resolve) => {
        let got = '';
        ch.on('data', (d: Buffer) => (got += d.toString()));
        ch.once('end', () => resolve(got));
      });
      assert.equal(text, 'hello from the instance side');
      ch.destroy();
      const closedPort = await new Promise<number>((resolve) => {
        const probe = net.createServer();
        probe.listen(0, '127.0.0.1', () => {
          const p = (probe.address() as net.AddressInfo).port;
          probe.close(() => resolve(p));
        });
      });
      await assert.rejects(s.forwardOut('127.0.0.1', closedPort), (e: unknown) => e instanceof ForwardOutError);
    } finally {
      server.close();
    }
  });

  it('a forward-only session refuses exec and SFTP; a closed session refuses everything', async () => {
    const s = await session(true);
    await assert.rejects(s.exec('true'), /only forwards ports/);
    await assert.rejects(s.sftp(), /only forwards ports/);
    const resources = new Resources();
    const other = await openSshSession(access(), {}, resources);
    await resources.close();
    await assert.rejects(other.exec('true'), /is closed/);
  });
});
