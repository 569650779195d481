import * as assert from 'node:assert/strict';
import {
  CreateBlueGreenDeploymentCommand,
  DeleteBlueGreenDeploymentCommand,
  DescribeBlueGreenDeploymentsCommand,
  DescribeDBClusterParameterGroupsCommand,
  DescribeDBClustersCommand,
  DescribeDBEngineVersionsCommand,
  DescribeDBInstancesCommand,
  DescribeDBParameterGroupsCommand,
  DescribeOrderableDBInstanceOptionsCommand,
  RDSClient,
  SwitchoverBlueGreenDeploymentCommand,
} from '@aws-sdk/client-rds';
import { state as sdkWarningState } from '@aws-sdk/core/client';
import { mockClient } from 'aws-sdk-client-mock';
import {
  BlueGreenRefusedError,
  FALLBACK_INSTANCE_CLASSES,
  compareInstanceClasses,
  createBlueGreen,
  deleteBlueGreen,
  describeBlueGreen,
  listBlueGreenDeployments,
  listInstanceClasses,
  listParameterGroups,
  listUpgradeTargets,
  prepareBlueGreen,
  readBlueGreenSource,
  switchoverBlueGreen,
} from '../../../src/core/aws/blueGreen';
import { dbArn, deployment, REGION, sourceDb } from './builders';

sdkWarningState.warningEmitted = true;

function setup() {
  const client = new RDSClient({ region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return { client, mock: mockClient(client) };
}

function awsError(name: string, status = 400): Error {
  return Object.assign(new Error(`${name} from AWS`), { name, $metadata: { httpStatusCode: status } });
}

const sdkDeployment = (id: string, status = 'AVAILABLE', over: Record<string, unknown> = {}) => ({
  BlueGreenDeploymentIdentifier: id,
  BlueGreenDeploymentName: `name-${id}`,
  Source: dbArn('shop-db'),
  Target: dbArn('shop-db-green-a'),
  Status: status,
  ...over,
});

describe('Blue/Green over the SDK (mocked)', () => {
  it('lists every page; no MaxRecords at the default page size (moto fails on it), MaxRecords when smaller', async () => {
    const { client, mock } = setup();
    // The paginator reuses one input object, so keep a copy of each call's.
    const inputs: Record<string, unknown>[] = [];
    const pages = [
      { BlueGreenDeployments: [sdkDeployment('bgd-1', 'AVAILABLE', { CreateTime: new Date('2026-01-01') })], Marker: 'm1' },
      { BlueGreenDeployments: [sdkDeployment('bgd-2', 'AVAILABLE', { CreateTime: new Date('2026-02-01') })] },
    ];
    mock.on(DescribeBlueGreenDeploymentsCommand).callsFake((input: Record<string, unknown>) => {
      inputs.push({ ...input });
      return pages[inputs.length - 1];
    });
    const all = await listBlueGreenDeployments(client, REGION);
    assert.deepEqual(all.map((d) => d.id), ['bgd-2', 'bgd-1']);
    assert.deepEqual(inputs.map((i) => [i.Marker, 'MaxRecords' in i ? i.MaxRecords : 'absent']), [[undefined, undefined], ['m1', undefined]]);

    mock.reset();
    mock.on(DescribeBlueGreenDeploymentsCommand).resolves({ BlueGreenDeployments: [] });
    await listBlueGreenDeployments(client, REGION, 20);
    assert.equal(mock.commandCalls(DescribeBlueGreenDeploymentsCommand)[0].args[0].input.MaxRecords, 20);
  });

  it('describes one deployment; a NotFound fault means gone', async () => {
    const { client, mock } = setup();
    mock.on(DescribeBlueGreenDeploymentsCommand, { BlueGreenDeploymentIdentifier: 'bgd-1' }).resolves({ BlueGreenDeployments: [sdkDeployment('bgd-1')] });
    mock.on(DescribeBlueGreenDeploymentsCommand, { BlueGreenDeploymentIdentifier: 'bgd-x' }).rejects(awsError('BlueGreenDeploymentNotFoundFault', 404));
    assert.equal((await describeBlueGreen(client, 'bgd-1'))?.region, REGION);
    assert.equal(await describeBlueGreen(client, 'bgd-x'), undefined);
  });

  it('creates with only what differs from blue, tagged as ours', async () => {
    const { client, mock } = setup();
    mock.on(CreateBlueGreenDeploymentCommand).resolves({ BlueGreenDeployment: sdkDeployment('bgd-new', 'PROVISIONING') });
    const d = await createBlueGreen(client, sourceDb(), { name: 'shop-upgrade', targetEngineVersion: '8.4.3', targetParameterGroup: 'app-84', targetInstanceClass: 'db.t3.micro' });
    assert.equal(d.status, 'PROVISIONING');
    assert.deepEqual(mock.commandCalls(CreateBlueGreenDeploymentCommand)[0].args[0].input, {
      BlueGreenDeploymentName: 'shop-upgrade',
      Source: dbArn('shop-db'),
      Tags: [{ Key: 'rds-link:created-by', Value: 'rds-link' }],
      TargetEngineVersion: '8.4.3',
      TargetDBParameterGroupName: 'app-84',
    });

    mock.resetHistory();
    await createBlueGreen(client, sourceDb(), { name: 'same', targetEngineVersion: '8.0.39', targetParameterGroup: 'default.mysql8.0', targetInstanceClass: 'db.t3.small' });
    const input = mock.commandCalls(CreateBlueGreenDeploymentCommand)[0].args[0].input;
    assert.equal(input.TargetEngineVersion, undefined);
    assert.equal(input.TargetDBParameterGroupName, undefined);
    assert.equal(input.TargetDBInstanceClass, 'db.t3.small');
  });

  it('creates for an Aurora cluster with a DB cluster parameter group', async () => {
    const { client, mock } = setup();
    mock.on(CreateBlueGreenDeploymentCommand).resolves({ BlueGreenDeployment: sdkDeployment('bgd-c', 'PROVISIONING') });
    const cluster = sourceDb({ id: 'reports', kind: 'cluster', engine: 'aurora-mysql', engineVersion: '8.0.mysql_aurora.3.05.2', instanceClass: undefined, parameterGroupName: 'default.aurora-mysql8.0' });
    await createBlueGreen(client, cluster, { name: 'reports-up', targetParameterGroup: 'reports-cluster-pg' });
    const input = mock.commandCalls(CreateBlueGreenDeploymentCommand)[0].args[0].input;
    assert.equal(input.Source, dbArn('reports', 'cluster'));
    assert.equal(input.TargetDBClusterParameterGroupName, 'reports-cluster-pg');
    assert.equal(input.TargetDBParameterGroupName, undefined);
  });

  it('refuses before calling AWS when the preflight says no', async () => {
    const { client, mock } = setup();
    await assert.rejects(createBlueGreen(client, sourceDb({ masterUserSecretArn: 'arn:secret' }), { name: 'x' }), (err: unknown) => {
      assert.ok(err instanceof BlueGreenRefusedError);
      assert.deepEqual(err.refusals.map((r) => r.code), ['managedMasterPassword']);
      return true;
    });
    await assert.rejects(createBlueGreen(client, sourceDb(), { name: 'shop-upgrade' }, [deployment()]), BlueGreenRefusedError);
    assert.equal(mock.commandCalls(CreateBlueGreenDeploymentCommand).length, 0);
  });

  it('wraps AWS\'s create failure with what was being done, keeping the cause', async () => {
    const { client, mock } = setup();
    mock.on(CreateBlueGreenDeploymentCommand).rejects(awsError('SourceDatabaseNotSupportedFault'));
    await assert.rejects(createBlueGreen(client, sourceDb(), { name: 'shop-upgrade' }), (err: unknown) => {
      assert.match((err as Error).message, /Creating Blue\/Green deployment shop-upgrade for shop-db failed/);
      assert.equal(((err as Error).cause as Error).name, 'SourceDatabaseNotSupportedFault');
      return true;
    });
  });

  it('switches over with the timeout, refusing a bad one without a call', async () => {
    const { client, mock } = setup();
    mock.on(SwitchoverBlueGreenDeploymentCommand).resolves({ BlueGreenDeployment: sdkDeployment('bgd-1', 'SWITCHOVER_IN_PROGRESS') });
    await assert.rejects(switchoverBlueGreen(client, 'bgd-1', 10), (err: unknown) => err instanceof BlueGreenRefusedError && err.refusals[0].code === 'invalidTimeout');
    assert.equal(mock.commandCalls(SwitchoverBlueGreenDeploymentCommand).length, 0);
    const d = await switchoverBlueGreen(client, 'bgd-1');
    assert.equal(d.status, 'SWITCHOVER_IN_PROGRESS');
    assert.deepEqual(mock.commandCalls(SwitchoverBlueGreenDeploymentCommand)[0].args[0].input, { BlueGreenDeploymentIdentifier: 'bgd-1', SwitchoverTimeout: 300 });
  });

  it('explains AWS\'s invalid-state fault with the deployment\'s status', async () => {
    const { client, mock } = setup();
    mock.on(SwitchoverBlueGreenDeploymentCommand).rejects(awsError('InvalidBlueGreenDeploymentStateFault'));
    mock.on(DescribeBlueGreenDeploymentsCommand).resolves({ BlueGreenDeployments: [sdkDeployment('bgd-1', 'PROVISIONING')] });
    await assert.rejects(switchoverBlueGreen(client, 'bgd-1', 60), /"Provisioning green"; it can be switched over only when/);
  });

  it('deletes after reading the status fresh: a switchover the tree has not seen yet still refuses DeleteTarget', async () => {
    const { client, mock } = setup();
    mock.on(DescribeBlueGreenDeploymentsCommand).resolves({
      BlueGreenDeployments: [sdkDeployment('bgd-0123456789abcdef', 'SWITCHOVER_COMPLETED', { Source: dbArn('shop-db-old1'), Target: dbArn('shop-db') })],
    });
    await assert.rejects(deleteBlueGreen(client, deployment(), { deleteTarget: true }), (err: unknown) => {
      assert.ok(err instanceof BlueGreenRefusedError);
      assert.equal(err.refusals[0].code, 'deleteTargetAfterSwitchover');
      return true;
    });
    assert.equal(mock.commandCalls(DeleteBlueGreenDeploymentCommand).length, 0);

    mock.on(DeleteBlueGreenDeploymentCommand).resolves({ BlueGreenDeployment: sdkDeployment('bgd-0123456789abcdef', 'DELETING') });
    const d = await deleteBlueGreen(client, deployment(), { deleteTarget: false });
    assert.equal(d?.status, 'DELETING');
    assert.deepEqual(mock.commandCalls(DeleteBlueGreenDeploymentCommand)[0].args[0].input, { BlueGreenDeploymentIdentifier: 'bgd-0123456789abcdef', DeleteTarget: undefined });
  });

  it('deletes green with the deployment before a switchover; an already gone deployment is done', async () => {
    const { client, mock } = setup();
    mock.on(DescribeBlueGreenDeploymentsCommand).resolves({ BlueGreenDeployments: [sdkDeployment('bgd-0123456789abcdef', 'AVAILABLE')] });
    mock.on(DeleteBlueGreenDeploymentCommand).resolves({ BlueGreenDeployment: sdkDeployment('bgd-0123456789abcdef', 'DELETING') });
    await deleteBlueGreen(client, deployment(), { deleteTarget: true });
    assert.equal(mock.commandCalls(DeleteBlueGreenDeploymentCommand)[0].args[0].input.DeleteTarget, true);

    mock.reset();
    mock.on(DescribeBlueGreenDeploymentsCommand).rejects(awsError('BlueGreenDeploymentNotFoundFault', 404));
    assert.equal(await deleteBlueGreen(client, deployment(), { deleteTarget: true }), undefined);
    assert.equal(mock.commandCalls(DeleteBlueGreenDeploymentCommand).length, 0);
  });
});

describe('Blue/Green choices over the SDK (mocked)', () => {
  it('lists valid upgrade targets of the same engine, higher only, lowest first', async () => {
    const { client, mock } = setup();
    mock.on(DescribeDBEngineVersionsCommand).resolves({
      DBEngineVersions: [{
        Engine: 'mysql', EngineVersion: '8.0.39', DBParameterGroupFamily: 'mysql8.0',
        ValidUpgradeTarget: [
          { Engine: 'mysql', EngineVersion: '8.4.3', IsMajorVersionUpgrade: true, Description: 'MySQL 8.4.3' },
          { Engine: 'mysql', EngineVersion: '8.0.40', IsMajorVersionUpgrade: false },
          { Engine: 'mysql', EngineVersion: '8.0.36' },
        ],
      }],
    });
    const targets = await listUpgradeTargets(client, sourceDb());
    assert.deepEqual(targets, [
      { engine: 'mysql', engineVersion: '8.0.40', family: 'mysql8.0', majorUpgrade: false, description: undefined },
      { engine: 'mysql', engineVersion: '8.4.3', family: 'mysql8.4', majorUpgrade: true, description: 'MySQL 8.4.3' },
    ]);
    assert.deepEqual(mock.commandCalls(DescribeDBEngineVersionsCommand)[0].args[0].input, { Engine: 'mysql', EngineVersion: '8.0.39' });
  });

  it('lists parameter groups of the target family, blue\'s kept when the family stays, the default added', async () => {
    const { client, mock } = setup();
    mock.on(DescribeDBParameterGroupsCommand).resolves({
      DBParameterGroups: [
        { DBParameterGroupName: 'default.mysql8.0', DBParameterGroupFamily: 'mysql8.0' },
        { DBParameterGroupName: 'shop-80', DBParameterGroupFamily: 'mysql8.0' },
        { DBParameterGroupName: 'shop-84', DBParameterGroupFamily: 'mysql8.4', Description: 'for 8.4' },
      ],
    });
    const db = sourceDb({ parameterGroupName: 'shop-80' });
    const same = await listParameterGroups(client, db, '8.0.40');
    assert.deepEqual(same.map((g) => [g.name, g.current, g.recommended, g.isDefault]), [['shop-80', true, true, false], ['default.mysql8.0', false, false, true]]);
    const upgrade = await listParameterGroups(client, db, '8.4.3');
    assert.deepEqual(upgrade.map((g) => [g.name, g.recommended, g.isDefault]), [['default.mysql8.4', true, true], ['shop-84', false, false]]);
    assert.equal(mock.commandCalls(DescribeDBParameterGroupsCommand)[0].args[0].input.MaxRecords, 100);
  });

  it('lists DB cluster parameter groups for an Aurora cluster', async () => {
    const { client, mock } = setup();
    mock.on(DescribeDBClusterParameterGroupsCommand).resolves({
      DBClusterParameterGroups: [{ DBClusterParameterGroupName: 'reports-pg', DBParameterGroupFamily: 'aurora-mysql8.0' }],
    });
    const cluster = sourceDb({ id: 'reports', kind: 'cluster', engine: 'aurora-mysql', engineVersion: '8.0.mysql_aurora.3.05.2', parameterGroupName: 'reports-pg' });
    const groups = await listParameterGroups(client, cluster);
    assert.deepEqual(groups.map((g) => [g.name, g.recommended]), [['reports-pg', true], ['default.aurora-mysql8.0', false]]);
    assert.equal(mock.commandCalls(DescribeDBParameterGroupsCommand).length, 0);
  });

  it('lists orderable instance classes once each, blue\'s first, by family and size', async () => {
    const { client, mock } = setup();
    mock.on(DescribeOrderableDBInstanceOptionsCommand)
      .resolvesOnce({ OrderableDBInstanceOptions: [{ DBInstanceClass: 'db.r6g.large' }, { DBInstanceClass: 'db.t3.2xlarge' }, { DBInstanceClass: 'db.t3.micro' }], Marker: 'm' })
      .resolvesOnce({ OrderableDBInstanceOptions: [{ DBInstanceClass: 'db.t3.micro' }, { DBInstanceClass: 'db.t3.large' }, { DBInstanceClass: 'db.t3.small' }] });
    const out = await listInstanceClasses(client, sourceDb({ instanceClass: 'db.t3.small' }), '8.4.3');
    assert.deepEqual(out, { classes: ['db.t3.small', 'db.r6g.large', 'db.t3.micro', 'db.t3.large', 'db.t3.2xlarge'], fallback: false });
    const { Engine, EngineVersion, Vpc, MaxRecords } = mock.commandCalls(DescribeOrderableDBInstanceOptionsCommand)[0].args[0].input;
    assert.deepEqual({ Engine, EngineVersion, Vpc, MaxRecords }, { Engine: 'mysql', EngineVersion: '8.4.3', Vpc: true, MaxRecords: 1000 });
    assert.equal(mock.commandCalls(DescribeOrderableDBInstanceOptionsCommand).length, 2);
  });

  it('falls back to a built-in class list when RDS lists none (moto), and offers none for a cluster', async () => {
    const { client, mock } = setup();
    mock.on(DescribeOrderableDBInstanceOptionsCommand).resolves({ OrderableDBInstanceOptions: [] });
    const out = await listInstanceClasses(client, sourceDb({ instanceClass: 'db.m5.large' }));
    assert.equal(out.fallback, true);
    assert.equal(out.classes[0], 'db.m5.large');
    assert.equal(out.classes.length, FALLBACK_INSTANCE_CLASSES.length);
    assert.deepEqual(await listInstanceClasses(client, sourceDb({ kind: 'cluster', engine: 'aurora-mysql' })), { classes: [], fallback: false });
    assert.ok(compareInstanceClasses('db.t3.micro', 'db.t3.small') < 0 && compareInstanceClasses('db.t3.xlarge', 'db.t3.2xlarge') < 0);
  });

  it('reads the source fresh: replica source and parameter group; gone is undefined', async () => {
    const { client, mock } = setup();
    mock.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'shop-replica' }).resolves({
      DBInstances: [{
        DBInstanceIdentifier: 'shop-replica', DBInstanceArn: dbArn('shop-replica'), Engine: 'mysql', EngineVersion: '8.0.39', DBInstanceStatus: 'available',
        ReadReplicaSourceDBInstanceIdentifier: 'shop-db', DBParameterGroups: [{ DBParameterGroupName: 'shop-80' }], BackupRetentionPeriod: 0,
      }],
    });
    mock.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'gone' }).rejects(awsError('DBInstanceNotFoundFault', 404));
    mock.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ DBClusterIdentifier: 'reports', DBClusterArn: dbArn('reports', 'cluster'), Engine: 'aurora-mysql', Status: 'available', DBClusterParameterGroup: 'reports-pg' }] });
    const replica = await readBlueGreenSource(client, sourceDb({ id: 'shop-replica' }));
    assert.equal(replica?.readReplicaSourceId, 'shop-db');
    assert.equal(replica?.parameterGroupName, 'shop-80');
    assert.equal(replica?.backupRetentionPeriod, 0);
    assert.equal(await readBlueGreenSource(client, sourceDb({ id: 'gone' })), undefined);
    const cluster = await readBlueGreenSource(client, sourceDb({ id: 'reports', kind: 'cluster', vpcId: 'vpc-1' }));
    assert.equal(cluster?.parameterGroupName, 'reports-pg');
    assert.equal(cluster?.vpcId, 'vpc-1');
  });

  it('prepares: fresh refusals, the DB\'s deployments, and the current version alone when targets cannot be listed', async () => {
    const { client, mock } = setup();
    mock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [{ DBInstanceIdentifier: 'shop-db', DBInstanceArn: dbArn('shop-db'), Engine: 'mysql', EngineVersion: '8.0.39', DBInstanceStatus: 'available', BackupRetentionPeriod: 0 }],
    });
    mock.on(DescribeBlueGreenDeploymentsCommand).resolves({ BlueGreenDeployments: [sdkDeployment('bgd-1'), sdkDeployment('bgd-2', 'AVAILABLE', { Source: dbArn('other'), Target: dbArn('other-green') })] });
    mock.on(DescribeDBEngineVersionsCommand).rejects(Object.assign(new Error('Deserialization error'), { $metadata: { httpStatusCode: 500 } }));
    const p = await prepareBlueGreen(client, sourceDb({ backupRetentionPeriod: 7 }));
    assert.deepEqual(p.refusals.map((r) => r.code), ['backupsOff', 'inDeployment']);
    assert.deepEqual(p.deployments.map((d) => d.id), ['bgd-1']);
    assert.equal(p.regionDeployments.length, 2);
    assert.deepEqual(p.versions.map((v) => [v.engineVersion, v.current]), [['8.0.39', true]]);
    assert.match(p.versionsProblem ?? '', /could not be listed \(Deserialization error\); only its current version is offered/);
  });
});
