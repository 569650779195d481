import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { DbCredentials } from '../../../src/core/db/credentials';
import { openConnection, openLocalForward } from '../../../src/core/db/connection';
import { chooseRoute, type Route, type RouteContext, type SshTunnelRoute } from '../../../src/core/db/routes';
import { CancelledError } from '../../../src/core/errors';
import { getFreePort, startSshd, type SshServer } from '../support';
import { eventually, leftovers, ourConnectionsTo, ourListeningPorts, serverConnections, testRouteContext } from './helpers';
import { startTlsMariaDb, type TlsMariaDb } from './tlsMariaDb';

function tunnelRoute(ctx: RouteContext): SshTunnelRoute {
  const d = chooseRoute(ctx, false);
  if (d.kind !== 'route' || d.route.kind !== 'sshTunnel') throw new Error(d.message);
  return d.route;
}

async function processlist(db: TlsMariaDb): Promise<number> {
  const admin = await db.admin();
  try {
    const [rows] = await admin.query("SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE HOST LIKE '127.0.0.1:%'");
    return Number((rows as Array<{ n: number }>)[0].n);
  } finally {
    await admin.end();
  }
}

describe('db cleanup after failures', () => {
  let db: TlsMariaDb;
  let ssh: SshServer;
  let root: DbCredentials;
  let listeningBefore: number[];

  before(async () => {
    const [d, s] = await Promise.allSettled([startTlsMariaDb(), startSshd()]);
    if (d.status === 'fulfilled') db = d.value;
    if (s.status === 'fulfilled') ssh = s.value;
    for (const r of [d, s]) if (r.status === 'rejected') throw r.reason;
    root = new DbCredentials('root', db.password, 'given');
  });

  beforeEach(async () => {
    listeningBefore = await ourListeningPorts();
  });

  afterEach(async function () {
    // Whatever a test did, nothing of it may remain: no SSH session, no socket to the DB, no listener.
    const problems = await leftovers({ ssh: ssh?.port, db: db?.port }, listeningBefore);
    assert.deepEqual(problems, [], `${this.currentTest?.title}: ${problems.join('; ')}`);
    assert.equal(await eventually(() => processlist(db), (n) => n === 0), 0, 'MariaDB still has a client connection from the test');
  });

  after(async () => {
    await Promise.all([db?.stop(), ssh?.stop()]);
  });

  it('a refused database login through the tunnel closes the channel and the SSH session', async () => {
    const r = tunnelRoute(testRouteContext(db, ssh));
    await assert.rejects(openConnection(r, new DbCredentials('root', 'not-the-password', 'typedPassword')), /refused the login/);
  });

  it('a database the instance cannot reach (forwardOut refused) closes the SSH session', async () => {
    const closed = await getFreePort();
    const r = tunnelRoute(testRouteContext(db, ssh, { db: { id: 'gone', region: 'eu-west-1', endpoint: { address: '127.0.0.1', port: closed } } }));
    await assert.rejects(openConnection(r, root), /could not reach the database at 127\.0\.0\.1:\d+.*security group/);
  });

  it('a refused SSH login (wrong OS user) names the user and leaves nothing behind', async () => {
    const ctx = testRouteContext(db, ssh);
    const r = tunnelRoute({ ...ctx, osUserOverrides: new Map([[ctx.linkedInstances[0].id, 'ubuntu']]) });
    await assert.rejects(openConnection(r, root), /refused the SSH login as ubuntu/);
  });

  it('an SSH port that does not answer is reported as such', async () => {
    const closed = await getFreePort();
    const r = tunnelRoute(testRouteContext(db, ssh, { sshHostOverride: { host: '127.0.0.1', port: closed, privateKey: ssh.privateKey } }));
    await assert.rejects(openConnection(r, root), /SSH to 127\.0\.0\.1:\d+ did not answer \(ECONNREFUSED\)/);
  });

  it('a local forward to an unreachable database fails before it listens', async () => {
    const closed = await getFreePort();
    const r = tunnelRoute(testRouteContext(db, ssh, { db: { id: 'gone', region: 'eu-west-1', endpoint: { address: '127.0.0.1', port: closed } } }));
    await assert.rejects(openLocalForward(r), /could not reach the database at 127\.0\.0\.1/);
  });

  it('closing a local forward stops the listener and cuts its clients and the SSH session', async () => {
    const forward = await openLocalForward(tunnelRoute(testRouteContext(db, ssh)));
    assert.ok((await ourListeningPorts()).includes(forward.port));
    const client = net.connect({ host: forward.host, port: forward.port });
    const closedByForward = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.on('error', () => undefined);
    // MariaDB greets first: a greeting proves the client got through the tunnel.
    await new Promise<void>((resolve) => client.once('data', () => resolve()));
    assert.equal(forward.activeConnections, 1);
    await forward.close();
    await closedByForward;
    await assert.rejects(
      new Promise((resolve, reject) => net.connect({ host: '127.0.0.1', port: forward.port }).once('connect', resolve).once('error', reject)),
      /ECONNREFUSED/,
    );
  });

  it('a session closes everything, and close() twice is harmless', async () => {
    const s = await openConnection(tunnelRoute(testRouteContext(db, ssh)), root);
    assert.equal(await serverConnections(ssh.port), 1);
    assert.equal((await ourConnectionsTo(ssh.port)).length, 1);
    await s.close();
    await s.close();
    await assert.rejects(s.connection.query('SELECT 1'), /closed|destroyed|state/i);
  });

  it('a cancel during the SSH login stops there and closes what was opened', async () => {
    const token = { isCancellationRequested: false };
    const r = tunnelRoute(testRouteContext(db, ssh));
    const pending = openConnection(r, root, { signal: token, onProgress: (m) => void (/Connecting over SSH/.test(m) && setImmediate(() => (token.isCancellationRequested = true))) });
    await assert.rejects(pending, CancelledError);
  });

  it('a cancel while logging in to the database (direct) closes the socket', async () => {
    const ac = new AbortController();
    const r: Route = tunnelRoute(testRouteContext(db, ssh));
    const direct: Route = { kind: 'direct', host: db.host, port: db.port, tls: (r as SshTunnelRoute).tls };
    const pending = openConnection(direct, root, { signal: ac.signal });
    setImmediate(() => ac.abort());
    await assert.rejects(pending, CancelledError);
  });

  it('a cancel before anything starts opens nothing', async () => {
    await assert.rejects(openConnection(tunnelRoute(testRouteContext(db, ssh)), root, { signal: { isCancellationRequested: true } }), CancelledError);
    await assert.rejects(openLocalForward(tunnelRoute(testRouteContext(db, ssh)), { signal: { isCancellationRequested: true } }), CancelledError);
  });
});
