import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type * as mysql from 'mysql2/promise';
import { DbCredentials } from '../../../src/core/db/credentials';
import { openConnection, openLocalForward, type CredentialInput, type DbSession } from '../../../src/core/db/connection';
import { findMysqlClient, mysqlShellCommand, shellTargetFor } from '../../../src/core/db/mysqlShell';
import { chooseRoute, type LocalPortRoute, type Route, type RouteContext, type SshTunnelRoute } from '../../../src/core/db/routes';
import { fingerprintSha256 } from '../../../src/core/instance/sshSession';
import { makeTestCertificates, startMariaDb, startSshd, type MariaDbServer, type SshServer } from '../support';
import { leftovers, ourListeningPorts, serverConnections, testRouteContext } from './helpers';
import { FAKE_ENDPOINT, startTlsMariaDb, type TlsMariaDb } from './tlsMariaDb';

function route(ctx: RouteContext, endpointAnswers: boolean): Route {
  const d = chooseRoute(ctx, endpointAnswers);
  if (d.kind !== 'route') throw new Error(d.message);
  return d.route;
}

async function one(conn: mysql.Connection, sql: string): Promise<unknown> {
  const [rows] = await conn.query(sql);
  return Object.values((rows as Array<Record<string, unknown>>)[0])[0];
}

describe('db routes against MariaDB and OpenSSH', () => {
  let db: TlsMariaDb;
  let ssh: SshServer;
  let plain: MariaDbServer;
  let root: DbCredentials;
  let listeningBefore: number[];
  const open: DbSession[] = [];

  before(async () => {
    const [d, s, p] = await Promise.allSettled([startTlsMariaDb(), startSshd(), startMariaDb()]);
    if (d.status === 'fulfilled') db = d.value;
    if (s.status === 'fulfilled') ssh = s.value;
    if (p.status === 'fulfilled') plain = p.value;
    for (const r of [d, s, p]) if (r.status === 'rejected') throw r.reason;
    root = new DbCredentials('root', db.password, 'given');
    listeningBefore = await ourListeningPorts();
  });

  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  after(async () => {
    await Promise.all([db?.stop(), ssh?.stop(), plain?.stop()]);
  });

  async function connect(r: Route, creds: CredentialInput = root, opts = {}): Promise<DbSession> {
    const s = await openConnection(r, creds, opts);
    open.push(s);
    return s;
  }

  it('direct: logs in over TLS verified against the CA, checking the endpoint name', async () => {
    const r = route(testRouteContext(db), true);
    assert.equal(r.kind, 'direct');
    const s = await connect(r);
    assert.equal(s.tls, true);
    assert.match(s.serverVersion, /MariaDB/);
    const [rows] = await s.connection.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
    assert.notEqual((rows as Array<{ Value: string }>)[0].Value, '');
  });

  it('direct: refuses a server whose certificate the RDS CA bundle did not sign', async () => {
    const ctx = testRouteContext(db, undefined, { tls: { mode: 'verify', servername: FAKE_ENDPOINT } });
    await assert.rejects(openConnection(route(ctx, true), root), /TLS certificate was not accepted/);
  });

  it('direct: refuses a certificate issued to another name than the endpoint', async () => {
    const ctx = testRouteContext(db, undefined, { tls: { mode: 'verify', ca: [db.caPem], servername: 'otherdb.c1abcdefghij.eu-west-1.rds.amazonaws.com' } });
    await assert.rejects(openConnection(route(ctx, true), root), /TLS certificate was not accepted.*otherdb/);
  });

  it('direct: does not fall back to plain text when the server has no TLS', async () => {
    const r: Route = { kind: 'direct', host: plain.host, port: plain.port, tls: { mode: 'verify', servername: FAKE_ENDPOINT } };
    await assert.rejects(openConnection(r, new DbCredentials('root', plain.password, 'given')), /does not offer TLS/);
    assert.deepEqual(await leftovers({ db: plain.port }, listeningBefore), []);
  });

  it('sshTunnel: logs in through OpenSSH and forwardOut, TLS checked against the endpoint name', async () => {
    const r = route(testRouteContext(db, ssh), false) as SshTunnelRoute;
    assert.equal(r.kind, 'sshTunnel');
    const s = await connect(r);
    assert.equal(s.tls, true);
    assert.equal(s.hostKeySha256, fingerprintSha256(Buffer.from(ssh.hostPublicKey.split(' ')[1], 'base64')));
    // The server sees the connection coming from sshd's side of the tunnel, over TLS.
    assert.match(String(await one(s.connection, 'SELECT CURRENT_USER()')), /^root@/);
    const [rows] = await s.connection.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
    assert.notEqual((rows as Array<{ Value: string }>)[0].Value, '');
    await s.close();
    assert.deepEqual(await leftovers({ ssh: ssh.port, db: db.port }, listeningBefore), []);
  });

  it('sshTunnel: refuses a host key other than the pinned one, and leaves nothing open', async () => {
    const r = route(testRouteContext(db, ssh), false);
    await assert.rejects(openConnection(r, root, { hostKeySha256: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), /host key .* does not match/);
    assert.deepEqual(await leftovers({ ssh: ssh.port }, listeningBefore), []);
  });

  it('sshTunnel: moves on to the next credentials when the login is refused, over the same SSH session', async () => {
    const rejected: string[] = [];
    const candidates = [new DbCredentials('root', 'wrong-password', 'storedPassword'), new DbCredentials('root', db.password, 'typedPassword')];
    const s = await connect(route(testRouteContext(db, ssh), false), candidates, { onCredentialsRejected: (c: DbCredentials) => rejected.push(c.source) });
    assert.equal(s.credentials.source, 'typedPassword');
    assert.deepEqual(rejected, ['storedPassword']);
    assert.equal(await one(s.connection, 'SELECT 1'), 1);
    assert.equal(await serverConnections(ssh.port), 1);
  });

  it('localPort: a forward through the tunnel, then a verified connection to it by the endpoint name', async () => {
    const tunnel = route(testRouteContext(db, ssh), false);
    const forward = await openLocalForward(tunnel);
    try {
      assert.equal(forward.host, '127.0.0.1');
      assert.equal(forward.servername, FAKE_ENDPOINT);
      const local = route(testRouteContext(db, undefined, { preference: { kind: 'localPort', host: forward.host, port: forward.port } }), false) as LocalPortRoute;
      assert.deepEqual(local.tls, { mode: 'verify', ca: [db.caPem], servername: FAKE_ENDPOINT });
      const s = await connect(local);
      assert.equal(s.tls, true);
      assert.equal(await one(s.connection, 'SELECT 2'), 2);
      assert.equal(forward.activeConnections, 1);
      await s.close();
    } finally {
      await forward.close();
    }
    assert.deepEqual(await leftovers({ ssh: ssh.port, db: db.port }, listeningBefore), []);
  });

  it('localPort: TLS can be off there (a local MariaDB without certificates)', async () => {
    const r: Route = { kind: 'localPort', host: plain.host, port: plain.port, tls: { mode: 'off' } };
    const s = await connect(r, new DbCredentials('root', plain.password, 'given'));
    assert.equal(s.tls, false);
    assert.equal(await one(s.connection, 'SELECT 3'), 3);
    const unverified: Route = { kind: 'localPort', host: db.host, port: db.port, tls: { mode: 'unverified' } };
    assert.equal((await connect(unverified)).tls, true);
  });

  it('IAM tokens are refused on a route without TLS before anything is sent', async () => {
    const r: Route = { kind: 'localPort', host: plain.host, port: plain.port, tls: { mode: 'off' } };
    await assert.rejects(openConnection(r, new DbCredentials('app', 'token', 'iamToken')), /IAM authentication needs TLS/);
  });

  it('the mariadb client runs through the forwarded port with the password in its environment only', async function () {
    const client = await findMysqlClient();
    assert.ok(client, 'the tests install a mysql/mariadb client');
    const forward = await openLocalForward(route(testRouteContext(db, ssh), false));
    try {
      const target = shellTargetFor(forward, { user: 'root', database: 'mysql' }, db.caFile);
      const cmd = mysqlShellCommand(client, target, db.password);
      assert.ok(cmd.args.every((a) => !a.includes(db.password)));
      const out = await new Promise<string>((resolve, reject) =>
        execFile(cmd.command, [...cmd.args, '--batch', '--skip-column-names', '-e', "SELECT DATABASE(), CURRENT_USER(), (SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_cipher') <> ''"], { env: { ...process.env, ...cmd.env }, timeout: 15_000 }, (err, stdout, stderr) =>
          err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
        ),
      );
      const [database, user, encrypted] = out.trim().split('\t');
      assert.equal(database, 'mysql');
      assert.match(user, /^root@/);
      assert.equal(encrypted, '1');
    } finally {
      await forward.close();
    }
  });

  it('the mariadb client checks the name when it connects by the certificate\'s name, and through a forward connects on the CA while the extension checks the name', async () => {
    const client = await findMysqlClient();
    assert.ok(client, 'the tests install a mysql/mariadb client');
    // Signed by the CA the client trusts, but issued to the endpoint name only, not to 127.0.0.1.
    const certificates = await makeTestCertificates({ names: [FAKE_ENDPOINT], caName: 'RDS Link Test CA', days: 3 });
    const password = 'Name-Check_pass.1';
    const server = await startMariaDb({ password, tls: { certFile: certificates.certFile, keyFile: certificates.keyFile, caFile: certificates.caFile }, users: [{ user: 'root', password }] });
    const run = (target: ReturnType<typeof shellTargetFor>): Promise<{ failed: boolean; stderr: string }> => {
      const cmd = mysqlShellCommand(client, target, password);
      return new Promise((resolve) =>
        execFile(cmd.command, [...cmd.args, '--batch', '-e', 'SELECT 1'], { env: { ...process.env, ...cmd.env }, timeout: 15_000 }, (err, _stdout, stderr) => resolve({ failed: !!err, stderr })),
      );
    };
    try {
      const forward = await openLocalForward({ kind: 'localPort', host: server.host, port: server.port, tls: { mode: 'verify', ca: [certificates.caPem], servername: FAKE_ENDPOINT } });
      try {
        const target = shellTargetFor(forward, { user: 'root' }, certificates.caFile);
        assert.equal(target.host, '127.0.0.1');
        assert.equal(target.hostIsCertificateName, false);
        const viaForward = await run(target);
        assert.equal(viaForward.failed, false, viaForward.stderr);
        // As if 127.0.0.1 were the name the client connects by: the strict check is on, and refuses.
        const strict = await run({ ...target, hostIsCertificateName: true });
        assert.equal(strict.failed, true, 'the client refused a certificate that does not name 127.0.0.1');
        assert.match(strict.stderr, /SSL|TLS|certificate/i);
      } finally {
        await forward.close();
      }
    } finally {
      await server.stop();
      certificates.remove();
    }
  });
});
