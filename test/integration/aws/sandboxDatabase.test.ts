// The sandbox behind `npm start` without the editor: moto seeded with the sandbox account, and the
// TLS MariaDB + SSH stand-in behind its RDS endpoints. The extension's own core reaches goapp-db
// with nothing but what the two documented settings give it.
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import { listInstances } from '../../../src/core/aws/ec2';
import { listDatabases } from '../../../src/core/aws/rds';
import { AwsSession } from '../../../src/core/aws/session';
import { openConnection } from '../../../src/core/db/connection';
import { awsCredentialSources, credentialCandidates } from '../../../src/core/db/credentials';
import { decideRoute, parseHostPort } from '../../../src/core/db/routes';
import { pemCertificates, verifyWithExtraCas } from '../../../src/core/db/tls';
import { startMoto, type MotoServer } from '../support';
import { seedSandbox } from './sandbox';
import { SANDBOX_MASTER_USER, startSandboxDatabase, type SandboxDatabase } from './sandboxDatabase';

const GOAPP_DB = 'goapp-db.aaaaaaaaaa.us-east-1.rds.amazonaws.com';

describe('sandbox: the RDS stand-ins behind the seeded account (TLS MariaDB, SSH stand-in)', function () {
  let moto: MotoServer | undefined;
  let sandbox: SandboxDatabase | undefined;
  let session: AwsSession | undefined;

  before(async function () {
    const t0 = Date.now();
    moto = await startMoto();
    await seedSandbox(moto.endpoint);
    sandbox = await startSandboxDatabase(moto.endpoint);
    session = new AwsSession({ endpointUrl: moto.endpoint, credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }) });
    console.log(`      moto seeded and the stand-ins up in ${Date.now() - t0} ms`);
  });

  after(async function () {
    session?.dispose();
    await sandbox?.stop();
    await moto?.stop();
  });

  it('serves the MySQL-family endpoints of the account, with a certificate for their names', function () {
    assert.ok(sandbox);
    const ids = [...new Set(sandbox.endpoints.map((e) => e.id))].sort();
    assert.deepEqual(ids, ['goapp-db', 'legacy-mysql', 'reports-aurora', 'reports-aurora-1']);
    const cert = new X509Certificate(fs.readFileSync(sandbox.certificates.certFile));
    for (const e of sandbox.endpoints) assert.ok(cert.checkHost(e.host), `${e.host} is in the certificate`);
    assert.equal(cert.checkHost('goapp-db.aaaaaaaaaa.eu-west-1.rds.amazonaws.com'), undefined);
    assert.ok(cert.checkIssued(new X509Certificate(fs.readFileSync(sandbox.settings['rdsLink.tls.extraCaFile']))));
  });

  it('lets the core reach goapp-db as the extension does: tunnel through the linked goapp-web, managed secret, TLS verified', async function () {
    assert.ok(sandbox && session);
    const t0 = Date.now();
    const db = (await listDatabases(session.rds('us-east-1'), 'us-east-1')).find((d) => d.id === 'goapp-db');
    const web = (await listInstances(session.ec2('us-east-1'), 'us-east-1')).find((i) => i.name === 'goapp-web');
    assert.ok(db && web);
    assert.equal(db.endpoint?.address, GOAPP_DB);
    const override = parseHostPort(sandbox.settings['rdsLink.ssh.hostOverride']);
    assert.ok(override);
    const decision = await decideRoute({
      db,
      linkedInstances: [web],
      sshHostOverride: override,
      tls: verifyWithExtraCas(pemCertificates(fs.readFileSync(sandbox.settings['rdsLink.tls.extraCaFile'], 'utf8'))),
    });
    assert.equal(decision.kind, 'route', decision.message);
    assert.ok(decision.kind === 'route' && decision.route.kind === 'sshTunnel', decision.message);
    assert.equal(decision.route.ssh.username, 'ec2-user');
    assert.equal(decision.route.key.kind, 'instanceConnect');

    const s = await openConnection(decision.route, credentialCandidates({ db }, awsCredentialSources(session, db)), { instanceConnect: session.instanceConnect('us-east-1') });
    try {
      assert.equal(s.credentials.source, 'managedSecret');
      assert.equal(s.credentials.user, SANDBOX_MASTER_USER);
      assert.equal(s.tls, true);
      const [rows] = await s.connection.query("SHOW SESSION STATUS LIKE 'Ssl_version'");
      assert.match((rows as Array<{ Value: string }>)[0].Value, /^TLSv1\.[23]$/);
    } finally {
      await s.close();
    }
    const events = sandbox.ssh.events.map((e) => `${e.kind} ${e.detail}`);
    assert.ok(events.includes('login ec2-user ssh-ed25519') && events.includes(`forward ${GOAPP_DB}:3306`), events.join('\n'));
    console.log(`      route, key push, SSH, TLS login in ${Date.now() - t0} ms`);
  });
});
