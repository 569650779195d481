import * as assert from 'node:assert/strict';
import {
  compareEngineVersions,
  deploymentNameProblem,
  isMajorChange,
  parameterGroupFamily,
  preflightBlueGreen,
  suggestDeploymentName,
  versionOptions,
  type BlueGreenRefusal,
} from '../../../src/core/aws/blueGreen';
import { dbArn, deployment, sourceDb } from './builders';

const codes = (refusals: readonly BlueGreenRefusal[]): string[] => refusals.map((r) => r.code);

describe('Blue/Green preflight', () => {
  it('lets an available MySQL instance with backups and a self-managed password through', () => {
    assert.deepEqual(preflightBlueGreen(sourceDb(), { name: 'shop-upgrade', targetEngineVersion: '8.4.3', targetParameterGroup: 'app-84', targetInstanceClass: 'db.t3.small' }), []);
  });

  it('accepts MariaDB and an Aurora MySQL cluster too', () => {
    assert.deepEqual(preflightBlueGreen(sourceDb({ engine: 'mariadb', engineVersion: '10.11.8' })), []);
    assert.deepEqual(preflightBlueGreen(sourceDb({ id: 'reports', kind: 'cluster', engine: 'aurora-mysql', engineVersion: '8.0.mysql_aurora.3.05.2', instanceClass: undefined })), []);
  });

  it('refuses automated backups off (retention 0), naming the fix', () => {
    const r = preflightBlueGreen(sourceDb({ backupRetentionPeriod: 0 }));
    assert.deepEqual(codes(r), ['backupsOff']);
    assert.match(r[0].message, /shop-db/);
    assert.match(r[0].message, /at least 1 day/);
  });

  it('does not guess when the backup retention is unknown', () => {
    assert.deepEqual(preflightBlueGreen(sourceDb({ backupRetentionPeriod: undefined })), []);
  });

  it('refuses a master password managed in Secrets Manager', () => {
    const r = preflightBlueGreen(sourceDb({ masterUserSecretArn: 'arn:aws:secretsmanager:us-east-1:1:secret:rds!db-1' }));
    assert.deepEqual(codes(r), ['managedMasterPassword']);
    assert.match(r[0].message, /Secrets Manager/);
    assert.match(r[0].message, /self-managed password/);
  });

  it('refuses PostgreSQL (AWS supports it, this product does not prepare it) and other engines', () => {
    const pg = preflightBlueGreen(sourceDb({ engine: 'postgres', engineVersion: '16.3' }));
    assert.deepEqual(codes(pg), ['unsupportedEngine']);
    assert.match(pg[0].message, /RDS supports Blue\/Green deployments for postgres/);
    assert.match(pg[0].message, /RDS console/);
    const oracle = preflightBlueGreen(sourceDb({ engine: 'oracle-ee', engineVersion: '19.0.0.0' }));
    assert.deepEqual(codes(oracle), ['unsupportedEngine']);
    assert.match(oracle[0].message, /not available for engine oracle-ee/);
    // Aurora MySQL 1 (engine "aurora", MySQL 5.6) has no Blue/Green.
    assert.deepEqual(codes(preflightBlueGreen(sourceDb({ kind: 'cluster', engine: 'aurora', instanceClass: undefined }))), ['unsupportedEngine']);
  });

  it('refuses a Multi-AZ DB cluster (a cluster that is not Aurora)', () => {
    assert.deepEqual(codes(preflightBlueGreen(sourceDb({ kind: 'cluster', engine: 'mysql', instanceClass: undefined }))), ['multiAzCluster']);
  });

  it('sends an Aurora member instance to its cluster', () => {
    const r = preflightBlueGreen(sourceDb({ id: 'reports-1', engine: 'aurora-mysql', clusterId: 'reports' }));
    assert.deepEqual(codes(r), ['clusterMember']);
    assert.match(r[0].message, /cluster reports/);
  });

  it('refuses a read replica, pointing at its source', () => {
    const r = preflightBlueGreen(sourceDb({ id: 'shop-replica', readReplicaSourceId: 'shop-db' }));
    assert.deepEqual(codes(r), ['readReplica']);
    assert.match(r[0].message, /Create the Blue\/Green deployment on shop-db/);
  });

  it('refuses a DB that is not available', () => {
    for (const status of ['modifying', 'stopped', 'backing-up', 'creating']) {
      const r = preflightBlueGreen(sourceDb({ status }));
      assert.deepEqual(codes(r), ['notAvailable'], status);
      assert.match(r[0].message, new RegExp(`"${status}"`));
    }
  });

  it('refuses a target version older than the current one; the same version is a no-upgrade deployment', () => {
    const r = preflightBlueGreen(sourceDb({ engineVersion: '8.0.39' }), { targetEngineVersion: '8.0.36' });
    assert.deepEqual(codes(r), ['notAnUpgrade']);
    assert.match(r[0].message, /8\.0\.36 is older than 8\.0\.39/);
    assert.deepEqual(preflightBlueGreen(sourceDb(), { targetEngineVersion: '8.0.39' }), []);
    assert.deepEqual(preflightBlueGreen(sourceDb(), { targetEngineVersion: '8.0.40' }), []);
  });

  it('refuses an instance class for an Aurora cluster (green members keep blue\'s classes)', () => {
    const cluster = sourceDb({ id: 'reports', kind: 'cluster', engine: 'aurora-mysql', engineVersion: '8.0.mysql_aurora.3.05.2', instanceClass: undefined });
    assert.deepEqual(codes(preflightBlueGreen(cluster, { targetInstanceClass: 'db.r6g.large' })), ['instanceClassOnCluster']);
  });

  it('refuses a DB already in a deployment, as blue or as green, but not one being deleted', () => {
    const db = sourceDb();
    const asBlue = preflightBlueGreen(db, {}, [deployment()]);
    assert.deepEqual(codes(asBlue), ['inDeployment']);
    assert.match(asBlue[0].message, /already the blue side of Blue\/Green deployment shop-upgrade/);
    const asGreen = preflightBlueGreen(db, {}, [deployment({ status: 'SWITCHOVER_COMPLETED', sourceArn: dbArn('shop-db-old1'), targetArn: db.arn })]);
    assert.deepEqual(codes(asGreen), ['inDeployment']);
    assert.match(asGreen[0].message, /green side/);
    assert.deepEqual(preflightBlueGreen(db, {}, [deployment({ status: 'DELETING' })]), []);
  });

  it('checks the name: RDS\'s pattern and length, and unique in the region', () => {
    assert.deepEqual(codes(preflightBlueGreen(sourceDb(), { name: 'bad--name' })), ['invalidName']);
    assert.deepEqual(codes(preflightBlueGreen(sourceDb(), { name: '' })), ['invalidName']);
    const taken = deployment({ name: 'Shop-Upgrade', sourceArn: dbArn('other'), targetArn: dbArn('other-green') });
    assert.deepEqual(codes(preflightBlueGreen(sourceDb(), { name: 'shop-upgrade' }, [taken])), ['nameTaken']);
  });

  it('reports every problem at once, not only the first', () => {
    const r = preflightBlueGreen(sourceDb({ backupRetentionPeriod: 0, masterUserSecretArn: 'arn:secret', status: 'modifying' }), { name: '9lives' });
    assert.deepEqual(codes(r), ['managedMasterPassword', 'backupsOff', 'notAvailable', 'invalidName']);
  });

  it('refuses a DB without an ARN', () => {
    assert.deepEqual(codes(preflightBlueGreen(sourceDb({ arn: undefined }))), ['noArn']);
  });
});

describe('Blue/Green names', () => {
  it('follows RDS\'s name rule', () => {
    for (const ok of ['a', 'shop-upgrade', 'Shop2-to-84', 'x'.repeat(60)]) assert.equal(deploymentNameProblem(ok), undefined, ok);
    for (const bad of ['', '1st', '-a', 'a-', 'a--b', 'a_b', 'a.b', 'x'.repeat(61)]) assert.ok(deploymentNameProblem(bad), bad);
    assert.match(deploymentNameProblem('x'.repeat(61)) ?? '', /61 characters/);
  });

  it('suggests a valid, free name from the DB id and the UTC time', () => {
    const now = new Date('2026-03-12T09:30:00Z');
    assert.equal(suggestDeploymentName({ id: 'legacy-mysql' }, [], now), 'legacy-mysql-bg-20260312-0930');
    const taken = [deployment({ name: 'legacy-mysql-bg-20260312-0930' }), deployment({ name: 'legacy-mysql-bg-20260312-0930-2' })];
    assert.equal(suggestDeploymentName({ id: 'legacy-mysql' }, taken, now), 'legacy-mysql-bg-20260312-0930-3');
    const long = suggestDeploymentName({ id: `a${'-b'.repeat(40)}` }, [], now);
    assert.ok(long.length <= 60, long);
    assert.equal(deploymentNameProblem(long), undefined, long);
    assert.equal(deploymentNameProblem(suggestDeploymentName({ id: '9db' }, [], now)), undefined);
  });
});

describe('engine versions', () => {
  it('compares by numbers: minor, major, Aurora and MariaDB forms', () => {
    assert.ok(compareEngineVersions('8.0.39', '8.4.3') < 0);
    assert.ok(compareEngineVersions('8.0.40', '8.0.39') > 0);
    assert.ok(compareEngineVersions('10.11.8', '11.4.3') < 0);
    assert.ok(compareEngineVersions('8.0.mysql_aurora.3.05.2', '8.0.mysql_aurora.3.10.0') < 0);
    assert.ok(compareEngineVersions('5.7.mysql_aurora.2.12.1', '8.0.mysql_aurora.3.04.0') < 0);
    assert.equal(compareEngineVersions('8.0.39', '8.0.39'), 0);
    assert.ok(compareEngineVersions('8.0', '8.0.1') < 0);
  });

  it('derives the parameter group family RDS uses', () => {
    assert.equal(parameterGroupFamily('mysql', '8.0.39'), 'mysql8.0');
    assert.equal(parameterGroupFamily('mysql', '8.4.3'), 'mysql8.4');
    assert.equal(parameterGroupFamily('mysql', '5.7.44'), 'mysql5.7');
    assert.equal(parameterGroupFamily('mariadb', '10.11.8'), 'mariadb10.11');
    assert.equal(parameterGroupFamily('aurora-mysql', '8.0.mysql_aurora.3.05.2'), 'aurora-mysql8.0');
    assert.equal(parameterGroupFamily('postgres', '16.3'), undefined);
    assert.equal(parameterGroupFamily('mysql', undefined), undefined);
    assert.ok(isMajorChange('mysql', '8.0.39', '8.4.3'));
    assert.ok(!isMajorChange('mysql', '8.0.39', '8.0.40'));
  });

  it('offers blue\'s version first, then higher targets of the same engine, lowest first', () => {
    const t = (engineVersion: string, engine = 'mysql') => ({ engine, engineVersion, family: parameterGroupFamily(engine, engineVersion), majorUpgrade: false });
    const options = versionOptions(sourceDb(), [t('8.4.3'), t('8.0.36'), t('8.0.40'), t('8.0.40'), t('8.0.39'), t('10.11.8', 'mariadb')]);
    assert.deepEqual(options.map((o) => [o.engineVersion, o.current]), [['8.0.39', true], ['8.0.40', false], ['8.4.3', false]]);
    assert.equal(options[0].family, 'mysql8.0');
  });
});
