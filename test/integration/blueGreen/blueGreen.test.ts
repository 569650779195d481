/**
 * Blue/Green deployments through the real SDK against moto, from a seeded account. The tests
 * run in order over one lifecycle (create → available → switchover → delete) of legacy-mysql.
 *
 * What moto 5.2.1 does, and what we check ourselves instead:
 * - the deployment is AVAILABLE as soon as it exists (create answers PROVISIONING);
 * - the green DB is "<source>-green-<6 letters>", with the target version, class and group;
 * - switchover answers SWITCHOVER_IN_PROGRESS, then describes SWITCHOVER_COMPLETED: the source is
 *   renamed "<source>-old1", green takes the source's name, and the deployment's Source/Target
 *   ARNs follow the renames;
 * - it refuses a managed master password (SourceDatabaseNotSupportedFault) but accepts backups
 *   off, a second deployment of the same DB, any name, and DeleteTarget after a switchover
 *   (silently keeping green): our preflight and delete rules refuse those;
 * - DescribeBlueGreenDeployments fails (HTTP 500) with MaxRecords or Marker;
 * - DescribeDBEngineVersions is not implemented (HTTP 500); DescribeOrderableDBInstanceOptions
 *   answers nothing for MySQL; a deleted deployment is gone at once (NotFound).
 */
import * as assert from 'node:assert/strict';
import {
  CreateBlueGreenDeploymentCommand,
  CreateDBClusterParameterGroupCommand,
  CreateDBInstanceCommand,
  CreateDBParameterGroupCommand,
  DescribeBlueGreenDeploymentsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  BlueGreenRefusedError,
  createBlueGreen,
  deleteBlueGreen,
  deploymentRole,
  deploymentSide,
  deploymentsOfDb,
  describeSwitchover,
  greenOf,
  listBlueGreenDeployments,
  listInstanceClasses,
  listParameterGroups,
  prepareBlueGreen,
  preflightBlueGreen,
  readBlueGreenSource,
  suggestDeploymentName,
  switchoverBlueGreen,
  waitForBlueGreen,
  type BlueGreenDeployment,
  type WaitOptions,
  type WaitProgress,
} from '../../../src/core/aws/blueGreen';
import { blueGreenRefusal } from '../../../src/core/aws/capabilities';
import { listDatabases } from '../../../src/core/aws/rds';
import { AwsSession, type CallInfo } from '../../../src/core/aws/session';
import type { RdsDatabase } from '../../../src/core/aws/types';
import { startMoto, type MotoServer } from '../support';
import { clientConfig, seedSandbox } from '../aws/sandbox';

const REGION = 'us-east-1';
const credentials = async () => ({ accessKeyId: 'test', secretAccessKey: 'test' });
// moto is immediate; keep the real backoff's shape with tiny delays.
const fastWait = { backoff: { initialMs: 20, maxMs: 100, factor: 2 }, timeoutMs: 10_000 } satisfies Partial<WaitOptions>;

describe('RDS Blue/Green deployments against moto', function () {
  let moto: MotoServer;
  let session: AwsSession;
  const calls: CallInfo[] = [];
  let created: BlueGreenDeployment;

  before(async () => {
    moto = await startMoto();
    await seedSandbox(moto.endpoint);
    session = new AwsSession({ endpointUrl: moto.endpoint, credentials, onCall: (c) => calls.push(c), maxAttempts: 1 });
    // A parameter group for MySQL 8.4, and one for 8.0 that must not be offered for 8.4.
    const raw = new RDSClient(clientConfig(moto.endpoint, REGION));
    await raw.send(new CreateDBParameterGroupCommand({ DBParameterGroupName: 'legacy-84', DBParameterGroupFamily: 'mysql8.4', Description: 'legacy-mysql on 8.4' }));
    await raw.send(new CreateDBParameterGroupCommand({ DBParameterGroupName: 'legacy-80', DBParameterGroupFamily: 'mysql8.0', Description: 'legacy-mysql on 8.0' }));
    raw.destroy();
  });
  after(async () => {
    session?.dispose();
    await moto?.stop();
  });

  const rds = (): RDSClient => session.rds(REGION);
  const count = (operation: string): number => calls.filter((c) => c.operation === operation).length;
  async function db(id: string, kind: 'instance' | 'cluster' = 'instance'): Promise<RdsDatabase> {
    const found = (await listDatabases(rds(), REGION)).find((d) => d.id === id && d.kind === kind);
    assert.ok(found, `${kind} ${id} is listed`);
    return found;
  }

  it('refuses goapp-db (managed master password) before calling AWS; moto refuses it too', async () => {
    const goapp = await db('goapp-db');
    // What the tree decides from the listing alone: the menu does not offer it, and says why.
    assert.equal(blueGreenRefusal(goapp, [])?.code, 'managedMasterPassword');
    const prepared = await prepareBlueGreen(rds(), goapp);
    assert.deepEqual(prepared.refusals.map((r) => r.code), ['managedMasterPassword']);
    await assert.rejects(createBlueGreen(rds(), prepared.db, { name: 'goapp-upgrade' }), BlueGreenRefusedError);
    assert.equal(count('CreateBlueGreenDeployment'), 0);
    // The same request sent raw: moto's own refusal.
    await assert.rejects(rds().send(new CreateBlueGreenDeploymentCommand({ BlueGreenDeploymentName: 'goapp-raw', Source: goapp.arn })), { name: 'SourceDatabaseNotSupportedFault' });
  });

  it('prepares legacy-mysql: no refusals; moto lists no upgrade targets and no orderable classes', async () => {
    const prepared = await prepareBlueGreen(rds(), await db('legacy-mysql'));
    assert.deepEqual(prepared.refusals, []);
    assert.equal(prepared.db.backupRetentionPeriod, 1);
    assert.equal(prepared.db.parameterGroupName, 'default.mysql8.0');
    assert.equal(prepared.db.readReplicaSourceId, undefined);
    assert.deepEqual(prepared.deployments, []);
    assert.deepEqual(prepared.versions.map((v) => [v.engineVersion, v.current]), [['8.0.39', true]]);
    assert.match(prepared.versionsProblem ?? '', /could not be listed/);
    const classes = await listInstanceClasses(rds(), prepared.db, '8.4.3');
    assert.equal(classes.fallback, true);
    assert.equal(classes.classes[0], 'db.t3.micro');
    assert.ok(classes.classes.includes('db.t3.small'));
  });

  it('offers the parameter groups of the target version\'s family', async () => {
    const source = await readBlueGreenSource(rds(), await db('legacy-mysql'));
    assert.ok(source);
    const same = await listParameterGroups(rds(), source, '8.0.39');
    assert.deepEqual(same.map((g) => [g.name, g.recommended]), [['default.mysql8.0', true], ['legacy-80', false]]);
    const upgrade = await listParameterGroups(rds(), source, '8.4.3');
    assert.deepEqual(upgrade.map((g) => [g.name, g.recommended]), [['default.mysql8.4', true], ['legacy-84', false]]);
  });

  it('creates a deployment for legacy-mysql (8.4.3, legacy-84, db.t3.small) and waits until AVAILABLE', async () => {
    const prepared = await prepareBlueGreen(rds(), await db('legacy-mysql'));
    const name = suggestDeploymentName(prepared.db, prepared.regionDeployments, new Date('2026-03-12T09:30:00Z'));
    assert.equal(name, 'legacy-mysql-bg-20260312-0930');
    const started = await createBlueGreen(rds(), prepared.db, { name, targetEngineVersion: '8.4.3', targetParameterGroup: 'legacy-84', targetInstanceClass: 'db.t3.small' }, prepared.regionDeployments);
    assert.equal(started.status, 'PROVISIONING');
    assert.match(started.id, /^bgd-/);
    assert.equal(started.region, REGION);
    assert.equal(started.sourceArn, prepared.db.arn);
    assert.match(started.targetArn ?? '', /:db:legacy-mysql-green-[a-z]{6}$/);

    const progress: WaitProgress[] = [];
    const ready = await waitForBlueGreen(rds(), started.id, { until: 'AVAILABLE', onProgress: (p) => progress.push(p), ...fastWait });
    assert.equal(ready?.status, 'AVAILABLE');
    assert.deepEqual(progress.map((p) => p.message), ['Ready to switch over']);
    assert.deepEqual(ready?.tasks.map((x) => `${x.name}=${x.status}`), ['CREATING_READ_REPLICA_OF_SOURCE=COMPLETED', 'CONFIGURE_BACKUPS=COMPLETED']);
    created = ready as BlueGreenDeployment;
  });

  it('lists the deployment under legacy-mysql; green is a DB of its own with the target settings', async () => {
    const deployments = await listBlueGreenDeployments(rds(), REGION);
    const legacy = await db('legacy-mysql');
    assert.deepEqual(deploymentsOfDb(deployments, legacy).map((d) => d.id), [created.id]);
    const dbs = await listDatabases(rds(), REGION);
    const green = dbs.find((d) => d.arn === created.targetArn);
    assert.ok(green, 'green is listed');
    assert.match(green.id, /^legacy-mysql-green-[a-z]{6}$/);
    assert.deepEqual([green.engineVersion, green.instanceClass], ['8.4.3', 'db.t3.small']);
    assert.equal((await readBlueGreenSource(rds(), green))?.parameterGroupName, 'legacy-84');
    assert.equal(deploymentRole(created, green), 'green');
    assert.equal(deploymentRole(created, legacy), 'blue');
    assert.deepEqual(deploymentsOfDb(deployments, green), []);
    assert.equal(greenOf(deployments, green)?.id, created.id, 'the tree marks it as the green of legacy-mysql');
    assert.equal(blueGreenRefusal(green, deployments)?.code, 'inDeployment', 'Create Blue/Green is not offered on a green');
  });

  it('refuses a second deployment of legacy-mysql, and a taken name (moto would accept both)', async () => {
    const prepared = await prepareBlueGreen(rds(), await db('legacy-mysql'));
    assert.deepEqual(prepared.refusals.map((r) => r.code), ['inDeployment']);
    assert.deepEqual(prepared.deployments.map((d) => d.id), [created.id]);
    const before = count('CreateBlueGreenDeployment');
    await assert.rejects(createBlueGreen(rds(), prepared.db, { name: 'second' }, prepared.regionDeployments), /already the blue side/);
    assert.equal(count('CreateBlueGreenDeployment'), before);
    const other = await readBlueGreenSource(rds(), await db('billing-postgres'));
    assert.ok(other);
    const onName = preflightBlueGreen({ ...other, engine: 'mysql', engineVersion: '8.0.39' }, { name: created.name }, prepared.regionDeployments);
    assert.deepEqual(onName.map((r) => r.code), ['nameTaken']);
  });

  it('switches over: green takes the name legacy-mysql, the old instance becomes legacy-mysql-old1', async () => {
    const legacy = await db('legacy-mysql');
    const green = (await listDatabases(rds(), REGION)).find((d) => d.arn === created.targetArn);
    const text = describeSwitchover(created, legacy, { timeoutSeconds: 120, green });
    assert.match(text.detail, /Writes to legacy-mysql stop/);
    assert.match(text.detail, /renamed legacy-mysql-old1/);
    assert.match(text.detail, /legacy-mysql will run mysql 8\.4\.3 instead of 8\.0\.39/);
    assert.deepEqual(text.renames[0], { from: 'legacy-mysql', to: 'legacy-mysql-old1' });

    const started = await switchoverBlueGreen(rds(), created.id, 120);
    assert.equal(started.status, 'SWITCHOVER_IN_PROGRESS');
    const done = await waitForBlueGreen(rds(), created.id, { until: 'SWITCHOVER_COMPLETED', ...fastWait });
    assert.equal(done?.status, 'SWITCHOVER_COMPLETED');
    assert.equal(done?.statusDetails, 'Switchover completed');
    assert.match(done?.sourceArn ?? '', /:db:legacy-mysql-old1$/);
    assert.match(done?.targetArn ?? '', /:db:legacy-mysql$/);

    const dbs = await listDatabases(rds(), REGION);
    const ids = dbs.map((d) => d.id);
    assert.ok(ids.includes('legacy-mysql-old1'));
    assert.ok(!ids.some((id) => id.startsWith('legacy-mysql-green-')), ids.join());
    const now = dbs.find((d) => d.id === 'legacy-mysql');
    assert.deepEqual([now?.engineVersion, now?.instanceClass], ['8.4.3', 'db.t3.small']);
    assert.equal(now?.endpoint?.address.startsWith('legacy-mysql.'), true);
    const old = dbs.find((d) => d.id === 'legacy-mysql-old1') as RdsDatabase;
    assert.equal(old.engineVersion, '8.0.39');
    // AWS reports the renamed old DB as the source: the deployment now shows under it.
    const deployments = await listBlueGreenDeployments(rds(), REGION);
    assert.deepEqual(deploymentsOfDb(deployments, old).map((d) => d.id), [created.id]);
    assert.equal(deploymentRole(deployments[0], now as RdsDatabase), 'green');
    // ...and under the production DB too, where the user looks for it; neither is called blue.
    assert.deepEqual(deploymentsOfDb(deployments, now as RdsDatabase).map((d) => d.id), [created.id]);
    assert.deepEqual([deploymentSide(deployments[0], now as RdsDatabase), deploymentSide(deployments[0], old)], ['production', 'oldBlue']);
    created = done as BlueGreenDeployment;
  });

  it('refuses a second switchover, with the reason', async () => {
    await assert.rejects(switchoverBlueGreen(rds(), created.id), (err: unknown) => {
      assert.ok(err instanceof BlueGreenRefusedError);
      assert.match(err.message, /already been switched over/);
      return true;
    });
  });

  it('refuses deleting green after the switchover, then deletes the deployment alone', async () => {
    const deletes = count('DeleteBlueGreenDeployment');
    await assert.rejects(deleteBlueGreen(rds(), created, { deleteTarget: true }), /now production/);
    assert.equal(count('DeleteBlueGreenDeployment'), deletes);

    const deleting = await deleteBlueGreen(rds(), created, { deleteTarget: false });
    assert.equal(deleting?.status, 'DELETING');
    assert.equal(await waitForBlueGreen(rds(), created.id, { until: 'deleted', ...fastWait }), undefined);
    const ids = (await listDatabases(rds(), REGION)).map((d) => d.id);
    assert.ok(ids.includes('legacy-mysql') && ids.includes('legacy-mysql-old1'));
    assert.deepEqual(await listBlueGreenDeployments(rds(), REGION), []);
    assert.equal(await deleteBlueGreen(rds(), created, { deleteTarget: false }), undefined, 'deleting again finds it gone');
  });

  it('deletes a deployment together with its green before a switchover', async () => {
    const raw = new RDSClient(clientConfig(moto.endpoint, REGION));
    await raw.send(new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'orders-db', Engine: 'mysql', EngineVersion: '8.0.39', DBInstanceClass: 'db.t3.micro', AllocatedStorage: 20,
      MasterUsername: 'admin', MasterUserPassword: 'orders-password-1', BackupRetentionPeriod: 3,
    }));
    raw.destroy();
    const prepared = await prepareBlueGreen(rds(), await db('orders-db'));
    assert.deepEqual(prepared.refusals, []);
    const d = await createBlueGreen(rds(), prepared.db, { name: 'orders-try' });
    const ready = await waitForBlueGreen(rds(), d.id, { until: 'AVAILABLE', ...fastWait });
    const greenId = (await listDatabases(rds(), REGION)).find((x) => x.arn === ready?.targetArn)?.id;
    assert.match(greenId ?? '', /^orders-db-green-/);
    await deleteBlueGreen(rds(), ready as BlueGreenDeployment, { deleteTarget: true });
    await waitForBlueGreen(rds(), d.id, { until: 'deleted', ...fastWait });
    const ids = (await listDatabases(rds(), REGION)).map((x) => x.id);
    assert.ok(ids.includes('orders-db'));
    assert.ok(!ids.includes(greenId as string), ids.join());
  });

  it('creates for the Aurora cluster with a cluster parameter group; refuses its member instance', async () => {
    const raw = new RDSClient(clientConfig(moto.endpoint, REGION));
    await raw.send(new CreateDBClusterParameterGroupCommand({ DBClusterParameterGroupName: 'reports-cluster-80', DBParameterGroupFamily: 'aurora-mysql8.0', Description: 'reports' }));
    raw.destroy();
    const member = await prepareBlueGreen(rds(), await db('reports-aurora-1'));
    assert.deepEqual(member.refusals.map((r) => r.code), ['clusterMember']);

    const prepared = await prepareBlueGreen(rds(), await db('reports-aurora', 'cluster'));
    assert.deepEqual(prepared.refusals, []);
    const groups = await listParameterGroups(rds(), prepared.db);
    assert.ok(groups.some((g) => g.name === 'reports-cluster-80'), groups.map((g) => g.name).join());
    assert.deepEqual(await listInstanceClasses(rds(), prepared.db), { classes: [], fallback: false });
    const d = await createBlueGreen(rds(), prepared.db, { name: 'reports-params', targetParameterGroup: 'reports-cluster-80' });
    assert.match(d.targetArn ?? '', /:cluster:reports-aurora-green-[a-z]{6}$/);
    const ready = await waitForBlueGreen(rds(), d.id, { until: 'AVAILABLE', ...fastWait });
    assert.ok(ready);
    const green = await readBlueGreenSource(rds(), await db(ready.targetArn?.split(':').pop() as string, 'cluster'));
    assert.equal(green?.parameterGroupName, 'reports-cluster-80');
    await deleteBlueGreen(rds(), ready, { deleteTarget: true });
    await waitForBlueGreen(rds(), d.id, { until: 'deleted', ...fastWait });
  });

  it('refuses automated backups off, which moto would accept', async () => {
    const raw = new RDSClient(clientConfig(moto.endpoint, REGION));
    await raw.send(new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'nobackup-db', Engine: 'mysql', EngineVersion: '8.0.39', DBInstanceClass: 'db.t3.micro', AllocatedStorage: 20,
      MasterUsername: 'admin', MasterUserPassword: 'nobackup-password-1', BackupRetentionPeriod: 0,
    }));
    const prepared = await prepareBlueGreen(rds(), await db('nobackup-db'));
    assert.deepEqual(prepared.refusals.map((r) => r.code), ['backupsOff']);
    const accepted = await raw.send(new CreateBlueGreenDeploymentCommand({ BlueGreenDeploymentName: 'moto-accepts', Source: prepared.db.arn }));
    assert.equal(accepted.BlueGreenDeployment?.Status, 'PROVISIONING');
    // And moto's paging gap: MaxRecords breaks DescribeBlueGreenDeployments (so we do not send it at 100).
    await assert.rejects(raw.send(new DescribeBlueGreenDeploymentsCommand({ MaxRecords: 20 })), (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 500);
    raw.destroy();
    assert.deepEqual((await listBlueGreenDeployments(rds(), REGION)).map((d) => d.name), ['moto-accepts']);
  });
});
