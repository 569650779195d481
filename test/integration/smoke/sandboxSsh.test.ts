// The sandbox's SSH stand-in for an EC2 instance (an ssh2 server, no root, no system users):
// the product's own tunnel route logs in with a fresh key, forwards to an RDS endpoint name and
// reaches the TLS MariaDB behind it with verification on; everything else is refused.
import * as assert from 'node:assert/strict';
import { Client, type ClientChannel } from 'ssh2';
import { DbCredentials } from '../../../src/core/db/credentials';
import { openConnection, type DbSession } from '../../../src/core/db/connection';
import type { SshTunnelRoute } from '../../../src/core/db/routes';
import { generateEphemeralKey } from '../../../src/core/instance/sshKey';
import { verifyWithExtraCas } from '../../../src/core/db/tls';
import { makeTestCertificates, startMariaDb, startSandboxSsh, type MariaDbServer, type SandboxSsh, type TestCertificates } from '../support';

const ENDPOINT = 'goapp-db.aaaaaaaaaa.us-east-1.rds.amazonaws.com';
const OTHER = 'legacy-mysql.aaaaaaaaaa.us-east-1.rds.amazonaws.com';
const MASTER = new DbCredentials('admin', 'P@55w0rd!', 'managedSecret');

function login(ssh: SandboxSsh, username: string, auth: { privateKey?: string; password?: string }): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => resolve(client));
    client.once('error', (err) => {
      client.end();
      reject(err);
    });
    client.connect({ host: ssh.host, port: ssh.port, username, ...auth, readyTimeout: 10_000 });
  });
}

function forwardOut(client: Client, host: string, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => client.forwardOut('127.0.0.1', 0, host, port, (err, ch) => (err ? reject(err) : resolve(ch))));
}

function tunnelRoute(ssh: SandboxSsh, username: string, target: string, tls: SshTunnelRoute['tls']): SshTunnelRoute {
  return {
    kind: 'sshTunnel',
    target: { host: target, port: 3306 },
    instance: { id: 'i-0sandbox', region: 'us-east-1', name: 'goapp-web' },
    ssh: { host: ssh.host, port: ssh.port, username },
    // Any key the client holds: the stand-in plays an instance that EC2 Instance Connect told to accept it.
    key: { kind: 'privateKey', privateKey: generateEphemeralKey('test').privateKey, push: false },
    tls,
  };
}

describe('smoke: the sandbox SSH stand-in (ssh2 server) in front of a TLS MariaDB', function () {
  let certs: TestCertificates | undefined;
  let maria: MariaDbServer | undefined;
  let ssh: SandboxSsh | undefined;
  const sessions: DbSession[] = [];
  const clients: Client[] = [];

  before(async function () {
    const t0 = Date.now();
    certs = await makeTestCertificates({ names: ['*.aaaaaaaaaa.us-east-1.rds.amazonaws.com'] });
    maria = await startMariaDb({ tls: { certFile: certs.certFile, keyFile: certs.keyFile }, users: [{ user: MASTER.user, password: MASTER.password }] });
    ssh = await startSandboxSsh({ endpoints: [`${ENDPOINT}:3306`, `${OTHER}:3306`], target: { host: maria.host, port: maria.port } });
    console.log(`      certificates, MariaDB (TLS) and the SSH stand-in up in ${Date.now() - t0} ms`);
  });

  afterEach(async function () {
    for (const s of sessions.splice(0)) await s.close();
    for (const c of clients.splice(0)) c.end();
  });

  after(async function () {
    await ssh?.stop();
    await maria?.stop();
    certs?.remove();
  });

  it('carries the product\'s tunnel route as ec2-user and as ubuntu, over TLS verified with the sandbox CA and the endpoint name', async function () {
    assert.ok(ssh && certs && maria);
    const before = ssh.events.length;
    const t0 = Date.now();
    for (const user of ['ec2-user', 'ubuntu']) {
      const s = await openConnection(tunnelRoute(ssh, user, ENDPOINT, verifyWithExtraCas([certs.caPem])), MASTER);
      sessions.push(s);
      assert.equal(s.tls, true);
      assert.match(s.serverVersion, /MariaDB/);
      const [rows] = await s.connection.query<import('mysql2').RowDataPacket[]>('SELECT CURRENT_USER() AS u');
      assert.equal(rows[0].u, 'admin@%');
      assert.match(s.hostKeySha256 ?? '', /^SHA256:/);
    }
    console.log(`      two tunnelled TLS logins in ${Date.now() - t0} ms`);
    const events = ssh.events.slice(before).map((e) => `${e.kind} ${e.detail}`);
    assert.deepEqual(events, ['login ec2-user ssh-ed25519', `forward ${ENDPOINT}:3306`, 'login ubuntu ssh-ed25519', `forward ${ENDPOINT}:3306`]);
  });

  it('gives TLS that fails verification against the RDS bundle alone, or for another name (so verification is really on)', async function () {
    assert.ok(ssh && certs);
    await assert.rejects(openConnection(tunnelRoute(ssh, 'ec2-user', ENDPOINT, { mode: 'verify' }), MASTER), /TLS certificate was not accepted/);
    await assert.rejects(
      openConnection(tunnelRoute(ssh, 'ec2-user', ENDPOINT, { ...verifyWithExtraCas([certs.caPem]), servername: 'goapp-db.aaaaaaaaaa.eu-west-1.rds.amazonaws.com' }), MASTER),
      /TLS certificate was not accepted.*eu-west-1/,
    );
  });

  it('forwards only to the RDS endpoints it was given, on their port', async function () {
    assert.ok(ssh && maria);
    const client = await login(ssh, 'ec2-user', { privateKey: generateEphemeralKey('test').privateKey });
    clients.push(client);
    const ok = await forwardOut(client, OTHER, 3306);
    ok.destroy();
    for (const [host, port] of [[ENDPOINT, 22], ['db.example.com', 3306], ['127.0.0.1', maria.port], ['localhost', maria.port], ['other.aaaaaaaaaa.us-east-1.rds.amazonaws.com', 3306]] as const) {
      await assert.rejects(forwardOut(client, host, port), /Channel open failure/, `${host}:${port}`);
    }
    const refused = ssh.events.filter((e) => e.kind === 'forwardRefused').map((e) => e.detail);
    assert.ok(refused.includes(`${ENDPOINT}:22`) && refused.includes('db.example.com:3306') && refused.includes(`127.0.0.1:${maria.port}`), refused.join(', '));
  });

  it('runs nothing: shell and exec are refused', async function () {
    assert.ok(ssh);
    const client = await login(ssh, 'ubuntu', { privateKey: generateEphemeralKey('test').privateKey });
    clients.push(client);
    await assert.rejects(new Promise((resolve, reject) => client.exec('id', (err, ch) => (err ? reject(err) : resolve(ch)))));
    await assert.rejects(new Promise((resolve, reject) => client.shell((err, ch) => (err ? reject(err) : resolve(ch)))));
    assert.ok(ssh.events.filter((e) => e.kind === 'sessionRefused').length >= 2);
  });

  it('refuses other users and password logins', async function () {
    assert.ok(ssh);
    await assert.rejects(login(ssh, 'root', { privateKey: generateEphemeralKey('test').privateKey }), /authentication methods failed/);
    await assert.rejects(login(ssh, 'admin', { privateKey: generateEphemeralKey('test').privateKey }), /authentication methods failed/);
    await assert.rejects(login(ssh, 'ec2-user', { password: 'P@55w0rd!' }), /authentication methods failed/);
    const refused = ssh.events.filter((e) => e.kind === 'loginRefused').map((e) => e.detail);
    assert.ok(refused.some((d) => d.startsWith('root')) && refused.some((d) => d.startsWith('ec2-user (password)')), refused.join(', '));
  });

  it('refuses to start with a name that is not an RDS endpoint', async function () {
    await assert.rejects(startSandboxSsh({ endpoints: ['db.example.com:3306'], target: { host: '127.0.0.1', port: 1 } }), /not an RDS endpoint name/);
  });
});
