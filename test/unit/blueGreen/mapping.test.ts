import * as assert from 'node:assert/strict';
import {
  arnResourceName,
  arnResourceType,
  blueGreenPhase,
  blueGreenStatusLabel,
  blueGreenTaskLabel,
  deploymentRole,
  deploymentSide,
  deploymentSideLabel,
  deploymentsOfDb,
  greenOf,
  toBlueGreenDeployment,
} from '../../../src/core/aws/blueGreen';
import { dbArn, deployment, REGION, sourceDb } from './builders';

describe('Blue/Green mapping', () => {
  it('maps a full SDK deployment: members, tasks, times', () => {
    const d = toBlueGreenDeployment(
      {
        BlueGreenDeploymentIdentifier: 'bgd-abc',
        BlueGreenDeploymentName: 'reports-upgrade',
        Source: dbArn('reports', 'cluster'),
        Target: dbArn('reports-green-xyzabc', 'cluster'),
        SwitchoverDetails: [
          { SourceMember: dbArn('reports', 'cluster'), TargetMember: dbArn('reports-green-xyzabc', 'cluster'), Status: 'AVAILABLE' },
          { SourceMember: dbArn('reports-1'), TargetMember: dbArn('reports-1-green-qwerty'), Status: 'AVAILABLE' },
        ],
        Tasks: [
          { Name: 'CREATING_READ_REPLICA_OF_SOURCE', Status: 'COMPLETED' },
          { Name: 'DB_ENGINE_VERSION_UPGRADE', Status: 'IN_PROGRESS' },
        ],
        Status: 'PROVISIONING',
        StatusDetails: 'Upgrading',
        CreateTime: new Date('2026-03-01T10:00:00Z'),
        DeleteTime: new Date('2026-03-02T10:00:00Z'),
      },
      'eu-west-1',
    );
    assert.deepEqual(d, {
      id: 'bgd-abc',
      name: 'reports-upgrade',
      region: 'eu-west-1',
      sourceArn: dbArn('reports', 'cluster'),
      targetArn: dbArn('reports-green-xyzabc', 'cluster'),
      status: 'PROVISIONING',
      statusDetails: 'Upgrading',
      switchoverDetails: [
        { sourceMember: dbArn('reports', 'cluster'), targetMember: dbArn('reports-green-xyzabc', 'cluster'), status: 'AVAILABLE' },
        { sourceMember: dbArn('reports-1'), targetMember: dbArn('reports-1-green-qwerty'), status: 'AVAILABLE' },
      ],
      tasks: [
        { name: 'CREATING_READ_REPLICA_OF_SOURCE', status: 'COMPLETED' },
        { name: 'DB_ENGINE_VERSION_UPGRADE', status: 'IN_PROGRESS' },
      ],
      createTime: new Date('2026-03-01T10:00:00Z'),
      deleteTime: new Date('2026-03-02T10:00:00Z'),
    });
  });

  it('tolerates a sparse shape: name falls back to the id, empty lists, no target', () => {
    const d = toBlueGreenDeployment({ BlueGreenDeploymentIdentifier: 'bgd-1', Target: '' }, REGION);
    assert.equal(d.name, 'bgd-1');
    assert.equal(d.targetArn, undefined);
    assert.equal(d.status, 'UNKNOWN');
    assert.deepEqual([d.switchoverDetails, d.tasks], [[], []]);
  });

  it('reads names and types out of RDS ARNs', () => {
    assert.equal(arnResourceName(dbArn('legacy-mysql-old1')), 'legacy-mysql-old1');
    assert.equal(arnResourceName(undefined), '');
    assert.equal(arnResourceName('not-an-arn'), 'not-an-arn');
    assert.equal(arnResourceType(dbArn('x', 'cluster')), 'cluster');
    assert.equal(arnResourceType(dbArn('x')), 'db');
    assert.equal(arnResourceType('arn:aws:rds:us-east-1:1:pg:default.mysql8.0'), undefined);
  });

  it('lists a DB\'s deployments by source ARN, newest first, in its region only', () => {
    const db = sourceDb();
    const older = deployment({ id: 'bgd-old', name: 'a', createTime: new Date('2026-01-01T00:00:00Z') });
    const newer = deployment({ id: 'bgd-new', name: 'b', createTime: new Date('2026-02-01T00:00:00Z') });
    const other = deployment({ id: 'bgd-other', sourceArn: dbArn('other-db') });
    const elsewhere = deployment({ id: 'bgd-eu', region: 'eu-west-1' });
    const asGreen = deployment({ id: 'bgd-green', sourceArn: dbArn('x'), targetArn: db.arn });
    assert.deepEqual(deploymentsOfDb([older, other, newer, elsewhere, asGreen], db).map((d) => d.id), ['bgd-new', 'bgd-old']);
    assert.deepEqual(deploymentsOfDb([older], sourceDb({ arn: undefined })), []);
  });

  it('after a switchover the deployment shows under the production DB as well, and neither side is called blue', () => {
    const d = deployment({ status: 'SWITCHOVER_COMPLETED', sourceArn: dbArn('shop-db-old1'), targetArn: dbArn('shop-db') });
    const old = sourceDb({ id: 'shop-db-old1', arn: dbArn('shop-db-old1') });
    const production = sourceDb();
    assert.deepEqual(deploymentsOfDb([d], old).length, 1);
    assert.deepEqual(deploymentsOfDb([d], production).map((x) => x.id), [d.id]);
    assert.equal(deploymentRole(d, production), 'green');
    assert.equal(deploymentSide(d, production), 'production');
    assert.equal(deploymentSide(d, old), 'oldBlue');
    assert.equal(deploymentSideLabel('production'), 'production since the switchover (was green)');
    assert.equal(deploymentSideLabel('oldBlue'), 'old blue, replaced by the switchover');
    // Before it, the green copy has no deployment node of its own, and the sides are plain.
    const before = deployment();
    assert.deepEqual(deploymentsOfDb([before], sourceDb({ id: 'shop-db-green-abcdef', arn: dbArn('shop-db-green-abcdef') })), []);
    assert.equal(deploymentSide(before, production), 'blue');
  });

  it('knows whose green a DB is, until the switchover', () => {
    const green = sourceDb({ id: 'shop-db-green-abcdef', arn: dbArn('shop-db-green-abcdef') });
    const d = deployment();
    assert.equal(greenOf([d], green)?.id, d.id);
    assert.equal(greenOf([d], sourceDb()), undefined, 'blue is not a green');
    assert.equal(greenOf([{ ...d, status: 'SWITCHOVER_COMPLETED' }], green), undefined);
    assert.equal(greenOf([{ ...d, status: 'DELETING' }], green), undefined);
  });

  it('tells blue from green, cluster members included', () => {
    const d = deployment({
      sourceArn: dbArn('reports', 'cluster'),
      targetArn: dbArn('reports-green-a', 'cluster'),
      switchoverDetails: [{ sourceMember: dbArn('reports-1'), targetMember: dbArn('reports-1-green-b'), status: 'AVAILABLE' }],
    });
    assert.equal(deploymentRole(d, sourceDb({ id: 'reports', kind: 'cluster', arn: dbArn('reports', 'cluster') })), 'blue');
    assert.equal(deploymentRole(d, sourceDb({ id: 'reports-1', arn: dbArn('reports-1') })), 'blue');
    assert.equal(deploymentRole(d, sourceDb({ id: 'reports-1-green-b', arn: dbArn('reports-1-green-b') })), 'green');
    assert.equal(deploymentRole(d, sourceDb({ id: 'unrelated', arn: dbArn('unrelated') })), undefined);
  });

  it('groups statuses into phases for the tree, and words them', () => {
    const phases = ['PROVISIONING', 'AVAILABLE', 'SWITCHOVER_IN_PROGRESS', 'SWITCHOVER_COMPLETED', 'INVALID_CONFIGURATION', 'PROVISIONING_FAILED', 'SWITCHOVER_FAILED', 'DELETING', 'SOMETHING_NEW'].map(blueGreenPhase);
    assert.deepEqual(phases, ['provisioning', 'available', 'switchingOver', 'switchedOver', 'failed', 'failed', 'failed', 'deleting', 'unknown']);
    assert.equal(blueGreenStatusLabel('AVAILABLE'), 'Ready to switch over');
    assert.equal(blueGreenStatusLabel('SOMETHING_NEW'), 'Something new');
    assert.equal(blueGreenTaskLabel('DB_ENGINE_VERSION_UPGRADE'), 'Upgrade the engine version');
    assert.equal(blueGreenTaskLabel('MODIFY_PARAMETERS'), 'Modify parameters');
  });
});
