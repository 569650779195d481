// The product's DB tunnel (openConnection → openSshTunnel → openSshSession) carried by an EC2
// Instance Connect Endpoint tunnel: the EICE stand-in (SigV4 checked) → the real OpenSSH server
// as the instance → the real MariaDB (TLS verified) as the RDS database behind it.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as path from 'node:path';
import { openConnection, openLocalForward } from '../../../src/core/db/connection';
import { DbCredentials } from '../../../src/core/db/credentials';
import { discoverMigrations, runMigrations } from '../../../src/core/db/migrations';
import { chooseRoute } from '../../../src/core/db/routes';
import { createDatabase } from '../../../src/core/db/schema';
import { openEiceTunnel, type EiceTunnelStream } from '../../../src/core/instance/eice/tunnel';
import { startEiceStandIn, startSshd, type EiceStandIn, type SshServer } from '../support';
import { serverConnections, eventually, testRouteContext } from './helpers';
import { startTlsMariaDb, type TlsMariaDb } from './tlsMariaDb';

const fixtures = path.resolve(__dirname, '../../../../test/fixtures/db');
const REGION = 'eu-west-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const INSTANCE_IP = '10.0.1.5';
const endpoint = { id: 'eice-0fedcba9876543210', dnsName: 'eice-0fedcba9876543210.abcdef12.ec2-instance-connect-endpoint.eu-west-1.amazonaws.com', securityGroupIds: ['sg-0eice'] };

describe('EICE: the DB tunnel over an EC2 Instance Connect Endpoint, to OpenSSH and MariaDB', () => {
  let db: TlsMariaDb;
  let ssh: SshServer;
  let eice: EiceStandIn;

  before(async () => {
    const started = await Promise.allSettled([startTlsMariaDb(), startSshd()]);
    for (const r of started) if (r.status === 'rejected') throw r.reason;
    [db, ssh] = started.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [TlsMariaDb, SshServer];
    eice = await startEiceStandIn({
      endpoints: [endpoint],
      credentials,
      region: REGION,
      route: (ip, port) => (ip === INSTANCE_IP && port === 22 ? { host: ssh.host, port: ssh.port } : undefined),
    });
  });

  after(async () => {
    await eice?.stop();
    await Promise.all([db?.stop(), ssh?.stop()]);
  });

  it('creates a database and runs a migration through the product\'s SSH tunnel on the EICE stream', async function () {
    this.timeout(30_000);
    const d = chooseRoute(testRouteContext(db, ssh), false);
    assert.ok(d.kind === 'route' && d.route.kind === 'sshTunnel');
    const sock: EiceTunnelStream = await openEiceTunnel(
      { endpoint, instanceId: d.route.instance.id, privateIpAddress: INSTANCE_IP },
      { region: REGION, credentials, connectUrl: eice.url },
    );
    const session = await openConnection(d.route, new DbCredentials('root', db.password, 'given'), { sock });
    try {
      await createDatabase(session.connection, 'through_eice');
      const plan = await discoverMigrations(path.join(fixtures, 'migrate-app'));
      const result = await runMigrations(session.connection, 'through_eice', [plan.files[0]]);
      assert.equal(result.applied.length, 1);
      const [rows] = await session.connection.query("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'through_eice' ORDER BY 1");
      assert.ok((rows as Array<{ t: string }>).some((r) => r.t === 'schema_migrations'));
    } finally {
      await session.close();
    }
    // The SSH bytes went through the stand-in, not over a TCP connection of ours to sshd.
    assert.ok(eice.events.some((e) => e.kind === 'tunnel' && e.detail === `${endpoint.id} → ${INSTANCE_IP}:22`));
    assert.ok(sock.bytesWritten > 0);
    assert.ok(sock.destroyed, 'closing the session destroys the tunnel it was given');
    assert.equal(await eventually(() => Promise.resolve(eice.openTunnels(endpoint.id)), (n) => n === 0), 0);
    assert.equal(await eventually(() => serverConnections(ssh.port), (n) => n === 0), 0);
  });

  it('a local forward outlives the tunnel\'s maxTunnelDuration: the next client gets a new tunnel', async function () {
    this.timeout(30_000);
    const d = chooseRoute(testRouteContext(db, ssh), false);
    assert.ok(d.kind === 'route' && d.route.kind === 'sshTunnel');
    const route = { ...d.route, eice: { endpoint, privateIpAddress: INSTANCE_IP } };
    const log: string[] = [];
    const tunnelsBefore = eice.events.filter((e) => e.kind === 'tunnel').length;
    const forward = await openLocalForward(route, { eice: { region: REGION, credentials, connectUrl: eice.url, maxTunnelDurationSeconds: 2 }, log: (l) => log.push(l) });
    /** MariaDB greets first: a greeting proves a client got through the forward to the database. */
    const greeted = (): Promise<Buffer> =>
      new Promise((resolve, reject) => {
        const c = net.connect({ host: forward.host, port: forward.port });
        c.once('data', (b: Buffer) => (c.destroy(), resolve(b)));
        c.once('error', reject);
        c.once('close', () => reject(new Error('closed without a greeting')));
      });
    try {
      assert.ok((await greeted()).length > 0);
      assert.equal(eice.openTunnels(endpoint.id), 1);
      // Past the tunnel's 2 s: the endpoint has closed it.
      await eventually(() => Promise.resolve(eice.events.filter((e) => e.kind === 'expired').length), (n) => n > 0, 5000);
      assert.equal(await eventually(() => Promise.resolve(eice.openTunnels(endpoint.id)), (n) => n === 0), 0);
      assert.ok((await greeted()).length > 0, 'the forward reaches the database after the first tunnel ended');
      assert.equal(eice.events.filter((e) => e.kind === 'tunnel').length - tunnelsBefore, 2, 'a second tunnel was opened');
      assert.ok(log.some((l) => /maximum duration \(2 s\).*logging in to .* again over a new tunnel/.test(l)), log.join('\n'));
    } finally {
      await forward.close();
    }
    assert.equal(await eventually(() => Promise.resolve(eice.openTunnels(endpoint.id)), (n) => n === 0), 0);
  });
});
