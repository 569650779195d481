// The sandbox's private instance (`npm start`, the e2e sandbox with `eice`) without the editor:
// moto seeded, goapp-private with no public IP, the EC2 shim in front of moto answering
// DescribeInstanceConnectEndpoints, and the EICE stand-in behind it piping to the instances' SSH
// stand-in. The extension's core, given only the shim as its endpoint URL and the sandbox's
// settings, decides the EICE route and creates a schema on goapp-db through it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { listInstances } from '../../../src/core/aws/ec2';
import { listDatabases } from '../../../src/core/aws/rds';
import { AwsSession } from '../../../src/core/aws/session';
import { openConnection } from '../../../src/core/db/connection';
import { awsCredentialSources, credentialCandidates } from '../../../src/core/db/credentials';
import { decideRoute, parseHostPort } from '../../../src/core/db/routes';
import { createDatabase } from '../../../src/core/db/schema';
import { pemCertificates, verifyWithExtraCas } from '../../../src/core/db/tls';
import { findInstanceConnectEndpoint } from '../../../src/core/instance/eice/endpoints';
import { startMoto, type MotoServer } from '../support';
import { seedSandbox } from './sandbox';
import { startSandboxDatabase, type SandboxDatabase } from './sandboxDatabase';
import { SANDBOX_PRIVATE_INSTANCE, startSandboxEice, type SandboxEice } from './sandboxEice';

const REGION = 'us-east-1';
const credentials = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };

describe('sandbox: the private instance through the EC2 Instance Connect Endpoint (shim, stand-in)', function () {
  let moto: MotoServer | undefined;
  let dbs: SandboxDatabase | undefined;
  let eice: SandboxEice | undefined;
  let session: AwsSession | undefined;

  before(async function () {
    moto = await startMoto();
    const ids = await seedSandbox(moto.endpoint);
    dbs = await startSandboxDatabase(moto.endpoint);
    eice = await startSandboxEice({ motoEndpoint: moto.endpoint, ids, ssh: dbs.ssh, credentials });
    session = new AwsSession({ endpointUrl: eice.shim.endpoint, credentials: async () => credentials });
  });

  after(async function () {
    session?.dispose();
    await eice?.stop();
    await dbs?.stop();
    await moto?.stop();
  });

  it('keeps the sandbox\'s host override for the others and exempts only the private instance', () => {
    assert.ok(eice && dbs);
    const settings = eice.settings({ ...dbs.settings, 'rdsLink.ssh.hostOverrides': { 'i-other': '10.99.0.5:22' } });
    assert.equal(settings['rdsLink.endpointUrl'], eice.shim.endpoint);
    assert.deepEqual(settings['rdsLink.ssh.hostOverrides'], { 'i-other': '10.99.0.5:22', [eice.instanceId]: '' });
  });

  it('the core decides the EICE route to goapp-db through goapp-private and creates a database through it', async function () {
    this.timeout(60_000);
    assert.ok(eice && dbs && session);
    const ec2 = session.ec2(REGION);
    const db = (await listDatabases(session.rds(REGION), REGION)).find((d) => d.id === 'goapp-db');
    const instances = await listInstances(ec2, REGION);
    const priv = instances.find((i) => i.name === SANDBOX_PRIVATE_INSTANCE);
    assert.ok(db && priv);
    assert.equal(priv.publicIp, undefined);
    assert.equal(priv.state, 'running');
    const hostOverride = parseHostPort(dbs.settings['rdsLink.ssh.hostOverride']);
    assert.ok(hostOverride);
    const decision = await decideRoute(
      {
        db,
        linkedInstances: [priv],
        // As the sandbox's settings give it: an override for all, none for the private instance.
        sshHostOverride: hostOverride,
        sshHostOverrides: new Map([[priv.id, null]]),
        tls: verifyWithExtraCas(pemCertificates(fs.readFileSync(dbs.settings['rdsLink.tls.extraCaFile'], 'utf8'))),
        findInstanceConnectEndpoint: (placement) => findInstanceConnectEndpoint(ec2, placement),
      },
      async () => false,
    );
    assert.ok(decision.kind === 'route' && decision.route.kind === 'sshTunnel', decision.message);
    assert.equal(decision.route.eice?.endpoint.id, eice.endpoint?.id);
    assert.match(decision.message, /through EC2 Instance Connect Endpoint eice-0a5a4db0c1e2f3a4b to its private IP/);

    const loginsBefore = dbs.ssh.events.filter((e) => e.kind === 'login').length;
    const s = await openConnection(decision.route, credentialCandidates({ db }, awsCredentialSources(session, db)), {
      instanceConnect: session.instanceConnect(REGION),
      eice: { region: REGION, credentials: () => ec2.config.credentials(), connectUrl: eice.shim.endpoint },
    });
    try {
      await createDatabase(s.connection, 'through_sandbox_eice');
      const [rows] = await s.connection.query("SHOW DATABASES LIKE 'through_sandbox_eice'");
      assert.equal((rows as unknown[]).length, 1);
    } finally {
      await s.close();
    }
    assert.ok(eice.standIn.events.some((e) => e.kind === 'tunnel' && e.detail === `${eice?.endpoint?.id} → ${eice?.privateIp}:22`), JSON.stringify(eice.standIn.events));
    assert.ok(dbs.ssh.events.filter((e) => e.kind === 'login').length > loginsBefore, 'the SSH stand-in got the login through the tunnel');
    assert.ok(eice.shim.answered.length > 0, 'the shim answered DescribeInstanceConnectEndpoints');
  });
});
