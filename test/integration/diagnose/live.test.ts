// The live checks of a diagnosis (core/diagnose/live) from a real OpenSSH "instance" to a real
// MariaDB: the name resolves there, the TCP connection opens, the MySQL greeting arrives.
import * as assert from 'node:assert/strict';
import type { InstanceAccess } from '../../../src/core/instance/reach';
import { openSshSession, type SshSession } from '../../../src/core/instance/sshSession';
import { openSshTunnel } from '../../../src/core/db/sshTunnel';
import type { SshTunnelRoute } from '../../../src/core/db/routes';
import { readGreeting, runLiveChecks } from '../../../src/core/diagnose/live';
import type { Check } from '../../../src/core/diagnose/types';
import { getFreePort, startMariaDb, startSshd, type MariaDbServer, type SshServer } from '../support';

const byId = (checks: readonly Check[], id: string): Check => {
  const c = checks.find((x) => x.id === id);
  assert.ok(c, `no ${id} in ${checks.map((x) => x.id).join(', ')}`);
  return c;
};
const summary = (checks: readonly Check[]): string => checks.map((c) => `${c.id} ${c.status}: ${c.evidence.join(' ')}`).join('\n');

describe('diagnose live checks from the instance over SSH (real OpenSSH, real MariaDB)', function () {
  let ssh: SshServer;
  let db: MariaDbServer;
  let session: SshSession;

  before(async () => {
    [ssh, db] = await Promise.all([startSshd(), startMariaDb()]);
    const access: InstanceAccess = {
      instance: { id: 'i-0livediag0000000', region: 'eu-west-1' },
      ssh: { host: ssh.host, port: ssh.port, username: ssh.username },
      viaHostOverride: true,
      key: { kind: 'privateKey', privateKey: ssh.privateKey, push: false },
    };
    session = await openSshSession(access, { forwardTimeoutMs: 5000 });
  });
  after(async () => {
    await session?.close();
    await Promise.all([ssh?.stop(), db?.stop()]);
  });

  it('a reachable server passes all three, with where the name resolved and the server version', async () => {
    const checks = await runLiveChecks(session, { host: 'localhost', port: db.port });
    assert.deepEqual(checks.map((c) => c.status), ['pass', 'pass', 'pass'], summary(checks));
    assert.match(byId(checks, 'liveResolve').evidence[0] ?? '', /localhost resolves on the instance to .*127\.0\.0\.1/);
    assert.match(byId(checks, 'liveGreeting').evidence[0] ?? '', /protocol 10, server 1\d\.\d+\.\d+-MariaDB/);
    assert.equal(session.openChannels, 0, 'the greeting channel is closed after the check');
  });

  it('a closed port fails the TCP check with the DB\'s security group / the link as the fix', async () => {
    const closed = await getFreePort();
    const checks = await runLiveChecks(session, { host: '127.0.0.1', port: closed });
    const tcp = byId(checks, 'liveTcp');
    assert.equal(tcp.status, 'fail', summary(checks));
    assert.match(tcp.evidence[0] ?? '', new RegExp(`could not connect to 127\\.0\\.0\\.1:${closed}`));
    assert.deepEqual(tcp.fix, { kind: 'link' });
    assert.equal(byId(checks, 'liveGreeting').status, 'unknown');
    assert.equal(byId(checks, 'liveResolve').status, 'pass');
  });

  it('an unresolvable name fails the lookup with the VPC\'s DNS attributes as the fix', async () => {
    // A 64-character label: no resolver sends such a query, so nothing leaves the machine.
    const name = `${'a'.repeat(64)}.eu-west-1.rds.amazonaws.com`;
    const checks = await runLiveChecks(session, { host: name, port: db.port });
    const resolved = byId(checks, 'liveResolve');
    assert.equal(resolved.status, 'fail', summary(checks));
    assert.match(resolved.evidence[0] ?? '', /does not resolve on the instance/);
    assert.ok(resolved.fix?.kind === 'text' && /DNS attributes/.test(resolved.fix.message));
    assert.equal(byId(checks, 'liveTcp').status, 'fail');
    assert.notEqual(resolved.evidence[0], byId(checks, 'liveTcp').evidence[0]);
  });

  it('the database check\'s tunnel forwards over this session: no second login, and closing it leaves the session open', async () => {
    // The route names an SSH port where nothing listens: a login of its own would fail.
    const route = {
      kind: 'sshTunnel', instance: { id: 'i-0livediag0000000', region: 'eu-west-1' }, ssh: { host: '127.0.0.1', port: await getFreePort(), username: ssh.username },
      viaHostOverride: true, key: { kind: 'privateKey', privateKey: ssh.privateKey, push: false }, target: { host: '127.0.0.1', port: db.port }, tls: { mode: 'verify' },
    } as unknown as SshTunnelRoute;
    const tunnel = await openSshTunnel(route, { over: { instanceId: 'i-0livediag0000000', session } });
    assert.equal(tunnel.hostKeySha256, session.hostKeySha256);
    const channel = await tunnel.forward();
    assert.equal((await readGreeting(channel, 5000)).protocolVersion, 10);
    channel.destroy();
    await tunnel.close();
    const again = await runLiveChecks(session, { host: 'localhost', port: db.port });
    assert.deepEqual(again.map((c) => c.status), ['pass', 'pass', 'pass'], summary(again));
    // A session to another instance is not used.
    await assert.rejects(openSshTunnel(route, { over: { instanceId: 'i-0other', session }, readyTimeoutMs: 3000 }));
  });
});
