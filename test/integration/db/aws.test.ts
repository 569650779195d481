/**
 * The AWS side of reaching a database, against moto: the RDS-managed master secret (Secrets
 * Manager) and EC2 Instance Connect's SendSSHPublicKey. moto answers SendSSHPublicKey with
 * Success for any input and installs no key anywhere, so what was sent is read back from moto's
 * request recorder.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { utils as sshUtils } from 'ssh2';
import { listDatabases } from '../../../src/core/aws/rds';
import { AwsSession } from '../../../src/core/aws/session';
import type { RdsDatabase } from '../../../src/core/aws/types';
import { openConnection } from '../../../src/core/db/connection';
import { awsCredentialSources, credentialCandidates, DbCredentials, fetchManagedSecret } from '../../../src/core/db/credentials';
import { chooseRoute, type Route, type RouteContext } from '../../../src/core/db/routes';
import { publicKeyOf } from '../../../src/core/instance/sshKey';
import { sendSshPublicKey } from '../../../src/core/instance/instanceConnect';
import { getFreePort, startMoto, startSshd, type MotoServer, type SshServer } from '../support';
import { leftovers, ourListeningPorts, testRouteContext } from './helpers';
import { startTlsMariaDb, type TlsMariaDb } from './tlsMariaDb';

const REGION = 'eu-west-1';
const credentials = async () => ({ accessKeyId: 'test', secretAccessKey: 'test' });

interface Recorded {
  headers: Record<string, string>;
  body: string;
  body_encoded: boolean;
}

function tunnel(ctx: RouteContext): Route {
  const d = chooseRoute(ctx, false);
  if (d.kind !== 'route') throw new Error(d.message);
  return d.route;
}

describe('db AWS parts against moto', () => {
  let moto: MotoServer;
  let db: TlsMariaDb;
  let ssh: SshServer;
  let session: AwsSession;
  let recordingDir: string;

  before(async () => {
    // moto writes its request log to this file (its default is ./moto_recording in our cwd).
    recordingDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-moto-rec-'));
    const saved = process.env.MOTO_RECORDER_FILEPATH;
    process.env.MOTO_RECORDER_FILEPATH = path.join(recordingDir, 'recording.jsonl');
    try {
      const [m, d, s] = await Promise.allSettled([startMoto(), startTlsMariaDb(), startSshd()]);
      if (m.status === 'fulfilled') moto = m.value;
      if (d.status === 'fulfilled') db = d.value;
      if (s.status === 'fulfilled') ssh = s.value;
      for (const r of [m, d, s]) if (r.status === 'rejected') throw r.reason;
    } finally {
      if (saved === undefined) delete process.env.MOTO_RECORDER_FILEPATH;
      else process.env.MOTO_RECORDER_FILEPATH = saved;
    }
    session = new AwsSession({ endpointUrl: moto.endpoint, credentials });
  });

  after(async () => {
    session?.dispose();
    await Promise.all([moto?.stop(), db?.stop(), ssh?.stop()]);
    fs.rmSync(recordingDir, { recursive: true, force: true });
  });

  async function recorded(target: string): Promise<Array<Record<string, unknown>>> {
    const text = await (await fetch(`${moto.endpoint}/moto-api/recorder/download-recording`)).text();
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Recorded)
      .filter((e) => e.headers['X-Amz-Target'] === target || e.headers['x-amz-target'] === target)
      .map((e) => JSON.parse(e.body_encoded ? Buffer.from(e.body, 'base64').toString('utf8') : e.body) as Record<string, unknown>);
  }

  async function record(): Promise<void> {
    await fetch(`${moto.endpoint}/moto-api/recorder/reset-recording`, { method: 'POST' });
    await fetch(`${moto.endpoint}/moto-api/recorder/start-recording`, { method: 'POST' });
  }

  describe('the RDS-managed master secret', () => {
    let rdsDb: RdsDatabase;

    before(async () => {
      const rds = new RDSClient({ region: REGION, endpoint: moto.endpoint, credentials });
      try {
        await rds.send(
          new CreateDBInstanceCommand({ DBInstanceIdentifier: 'goapp-db', Engine: 'mysql', EngineVersion: '8.0.39', DBInstanceClass: 'db.t3.micro', AllocatedStorage: 20, MasterUsername: 'admin', ManageMasterUserPassword: true }),
        );
      } finally {
        rds.destroy();
      }
      const found = (await listDatabases(session.rds(REGION), REGION)).find((d) => d.id === 'goapp-db');
      assert.ok(found?.masterUserSecretArn, `no MasterUserSecret in ${JSON.stringify(found)}`);
      rdsDb = found;
    });

    it('is read with GetSecretValue on MasterUserSecret.SecretArn', async () => {
      const raw = await session.secretsManager(REGION).send(new GetSecretValueCommand({ SecretId: rdsDb.masterUserSecretArn }));
      const expected = JSON.parse(raw.SecretString ?? '{}') as { username: string; password: string };
      const creds = await awsCredentialSources(session, rdsDb).managedSecret?.();
      assert.ok(creds);
      assert.equal(creds.source, 'managedSecret');
      assert.equal(creds.user, 'admin');
      assert.equal(creds.password, expected.password);
      assert.ok(creds.password.length > 0);
    });

    it('logs in to the database first, before any stored password is asked for', async () => {
      const secret = await fetchManagedSecret(session.secretsManager(REGION), rdsDb.masterUserSecretArn as string);
      const admin = await db.admin();
      try {
        await admin.query("CREATE USER IF NOT EXISTS 'admin'@'%' IDENTIFIED BY ?", [secret.password]);
        await admin.query("GRANT ALL PRIVILEGES ON *.* TO 'admin'@'%'");
      } finally {
        await admin.end();
      }
      let storedAsked = false;
      const candidates = credentialCandidates(
        { db: rdsDb },
        { ...awsCredentialSources(session, rdsDb), storedPassword: async () => ((storedAsked = true), 'stale') },
      );
      const direct = chooseRoute(testRouteContext(db), true);
      assert.equal(direct.kind, 'route');
      const s = await openConnection(direct.kind === 'route' ? direct.route : (undefined as never), candidates);
      try {
        assert.equal(s.credentials.source, 'managedSecret');
        const [rows] = await s.connection.query('SELECT CURRENT_USER() AS u');
        assert.equal((rows as Array<{ u: string }>)[0].u, 'admin@%');
        assert.equal(storedAsked, false);
      } finally {
        await s.close();
      }
    });

    it('signs IAM tokens with the session’s own credentials, for the DB endpoint', async () => {
      const token = await awsCredentialSources(session, rdsDb).iamToken?.('app_iam');
      assert.ok(token);
      const url = new URL(`https://${token.password}`);
      assert.equal(url.host, `${rdsDb.endpoint?.address}:${rdsDb.endpoint?.port}`);
      assert.equal(url.searchParams.get('DBUser'), 'app_iam');
      assert.match(url.searchParams.get('X-Amz-Credential') ?? '', new RegExp(`^test/\\d{8}/${REGION}/rds-db/aws4_request$`));
    });

    it('parses a secret we create, with DSN-hostile characters in the password', async () => {
      const sm = new SecretsManagerClient({ region: REGION, endpoint: moto.endpoint, credentials });
      try {
        const password = 'p@ss:w/rd#?"\'\\ü';
        const made = await sm.send(new CreateSecretCommand({ Name: 'goapp/db', SecretString: JSON.stringify({ username: 'app', password, engine: 'mysql', host: 'x', port: 3306 }) }));
        const c = await fetchManagedSecret(session.secretsManager(REGION), made.ARN as string);
        assert.deepEqual([c.user, c.password], ['app', password]);

        const bad = await sm.send(new CreateSecretCommand({ Name: 'goapp/not-json', SecretString: 'hunter2-plain-text' }));
        await assert.rejects(fetchManagedSecret(session.secretsManager(REGION), bad.ARN as string), (e: Error) => /not JSON with "username" and "password"/.test(e.message) && !/hunter2/.test(e.message));

        const bin = await sm.send(new CreateSecretCommand({ Name: 'goapp/binary', SecretBinary: Buffer.from('x') }));
        await assert.rejects(fetchManagedSecret(session.secretsManager(REGION), bin.ARN as string), /no text value/);
      } finally {
        sm.destroy();
      }
      await assert.rejects(
        fetchManagedSecret(session.secretsManager(REGION), `arn:aws:secretsmanager:${REGION}:123456789012:secret:rds!db-missing-AbCdEf`),
        /does not exist/,
      );
    });
  });

  describe('SendSSHPublicKey', () => {
    let listeningBefore: number[];
    beforeEach(async () => {
      listeningBefore = await ourListeningPorts();
      await record();
    });

    it('sends instance id, OS user, key and zone as EC2 Instance Connect expects them', async () => {
      await sendSshPublicKey(session.instanceConnect(REGION), { instanceId: 'i-0abc', osUser: 'ubuntu', publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq rds-link', availabilityZone: 'eu-west-1a' });
      assert.deepEqual(await recorded('AWSEC2InstanceConnectService.SendSSHPublicKey'), [
        { InstanceId: 'i-0abc', InstanceOSUser: 'ubuntu', SSHPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq rds-link', AvailabilityZone: 'eu-west-1a' },
      ]);
    });

    it('pushes the public half of the login key, then the tunnel logs in with it', async () => {
      const ctx = testRouteContext(db, ssh);
      const r = tunnel({ ...ctx, sshHostOverride: { ...ctx.sshHostOverride!, pushKey: true } });
      const s = await openConnection(r, new DbCredentials('root', db.password, 'given'), { instanceConnect: session.instanceConnect(REGION) });
      await s.close();
      const calls = await recorded('AWSEC2InstanceConnectService.SendSSHPublicKey');
      assert.equal(calls.length, 1);
      assert.equal(calls[0].InstanceId, 'i-0123456789abcdef0');
      assert.equal(calls[0].InstanceOSUser, ssh.username);
      assert.equal(String(calls[0].SSHPublicKey).split(' ').slice(0, 2).join(' '), publicKeyOf(ssh.privateKey).split(' ').slice(0, 2).join(' '));
      assert.deepEqual(await leftovers({ ssh: ssh.port, db: db.port }, listeningBefore), []);
    });

    it('pushes a fresh ed25519 key when it has none; a host that ignores it refuses the login, and nothing is left', async () => {
      // moto accepts the key but no real instance installs it: the test sshd does not know it.
      const ctx = testRouteContext(db, ssh, { sshHostOverride: { host: ssh.host, port: ssh.port } });
      const r = tunnel(ctx);
      assert.deepEqual(r.kind === 'sshTunnel' && r.key, { kind: 'instanceConnect' });
      await assert.rejects(openConnection(r, new DbCredentials('root', db.password, 'given'), { instanceConnect: session.instanceConnect(REGION) }), /refused the SSH login as rdslink-test/);
      const [call, ...more] = await recorded('AWSEC2InstanceConnectService.SendSSHPublicKey');
      assert.equal(more.length, 0);
      assert.equal(call.InstanceOSUser, ssh.username);
      assert.match(String(call.SSHPublicKey), /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI\S+ rds-link-i-0123456789abcdef0$/);
      const parsed = sshUtils.parseKey(String(call.SSHPublicKey));
      assert.ok(!(parsed instanceof Error) && parsed.type === 'ssh-ed25519');
      assert.deepEqual(await leftovers({ ssh: ssh.port }, listeningBefore), []);
    });

    it('a failed key push is the error reported, and the SSH connection started meanwhile is closed', async () => {
      const closedPort = await getFreePort();
      const unreachable = new AwsSession({ endpointUrl: `http://127.0.0.1:${closedPort}`, credentials, maxAttempts: 1 });
      try {
        const r = tunnel(testRouteContext(db, ssh, { sshHostOverride: { host: ssh.host, port: ssh.port } }));
        await assert.rejects(
          openConnection(r, new DbCredentials('root', db.password, 'given'), { instanceConnect: unreachable.instanceConnect(REGION) }),
          /EC2 Instance Connect could not send the SSH key to i-0123456789abcdef0/,
        );
      } finally {
        unreachable.dispose();
      }
      assert.deepEqual(await leftovers({ ssh: ssh.port }, listeningBefore), []);
    });

    it('without an Instance Connect client, says so before opening anything', async () => {
      const r = tunnel(testRouteContext(db, ssh, { sshHostOverride: { host: ssh.host, port: ssh.port } }));
      await assert.rejects(openConnection(r, new DbCredentials('root', db.password, 'given')), /needs an EC2 Instance Connect client/);
      assert.deepEqual(await recorded('AWSEC2InstanceConnectService.SendSSHPublicKey'), []);
      assert.deepEqual(await leftovers({ ssh: ssh.port }, listeningBefore), []);
    });
  });
});
