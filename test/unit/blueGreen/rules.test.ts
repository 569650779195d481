import * as assert from 'node:assert/strict';
import {
  SWITCHOVER_TIMEOUT,
  deleteRefusal,
  describeDelete,
  describeSwitchover,
  oldName,
  switchoverRefusal,
  switchoverTimeoutProblem,
} from '../../../src/core/aws/blueGreen';
import { dbArn, deployment, sourceDb } from './builders';

describe('Blue/Green switchover rules', () => {
  it('takes a timeout of 30–3600 whole seconds, 300 by default', () => {
    assert.deepEqual(SWITCHOVER_TIMEOUT, { min: 30, max: 3600, default: 300 });
    for (const ok of [30, 300, 3600, '45', ' 120 ']) assert.equal(switchoverTimeoutProblem(ok), undefined, String(ok));
    for (const bad of [29, 3601, 0, -5, 30.5, Number.NaN, '', 'abc', '1e9', '60s']) {
      assert.match(switchoverTimeoutProblem(bad) ?? '', /from 30 to 3600 \(default 300\)/, String(bad));
    }
  });

  it('switches over only an AVAILABLE deployment', () => {
    assert.equal(switchoverRefusal(deployment()), undefined);
    assert.match(switchoverRefusal(deployment({ status: 'PROVISIONING' }))?.message ?? '', /"Provisioning green"/);
    assert.match(switchoverRefusal(deployment({ status: 'SWITCHOVER_COMPLETED' }))?.message ?? '', /already been switched over/);
    assert.equal(switchoverRefusal(deployment({ status: 'INVALID_CONFIGURATION' }))?.code, 'notReadyForSwitchover');
  });

  it('says what will happen: writes stop, endpoints move, the old instance becomes -old1', () => {
    const db = sourceDb();
    const green = sourceDb({ id: 'shop-db-green-abcdef', engineVersion: '8.4.3' });
    const s = describeSwitchover(deployment(), db, { timeoutSeconds: 120, green });
    assert.match(s.message, /shop-db-green-abcdef becomes production in place of shop-db/);
    const lines = s.detail.split('\n');
    assert.match(lines[0], /Writes to shop-db stop/);
    assert.match(lines[1], /shop-db-green-abcdef takes the name shop-db and its endpoint shop-db\.abc\.us-east-1\.rds\.amazonaws\.com:3306/);
    assert.match(lines[2], /renamed shop-db-old1/);
    assert.match(s.detail, /will run mysql 8\.4\.3 instead of 8\.0\.39/);
    assert.match(s.detail, /longer than 120 seconds, RDS rolls it back/);
    assert.deepEqual(s.renames, [
      { from: 'shop-db', to: 'shop-db-old1' },
      { from: 'shop-db-green-abcdef', to: 'shop-db' },
    ]);
    assert.equal(oldName('x'), 'x-old1');
  });

  it('lists every renamed member of a cluster, and works without the DB at hand', () => {
    const d = deployment({
      sourceArn: dbArn('reports', 'cluster'),
      targetArn: dbArn('reports-green-a', 'cluster'),
      switchoverDetails: [
        { sourceMember: dbArn('reports', 'cluster'), targetMember: dbArn('reports-green-a', 'cluster'), status: 'AVAILABLE' },
        { sourceMember: dbArn('reports-1'), targetMember: dbArn('reports-1-green-b'), status: 'AVAILABLE' },
      ],
    });
    const s = describeSwitchover(d);
    assert.deepEqual(s.renames.map((r) => `${r.from}>${r.to}`), ['reports>reports-old1', 'reports-1>reports-1-old1', 'reports-green-a>reports', 'reports-1-green-b>reports-1']);
    assert.match(s.detail, /Renamed: reports → reports-old1, reports-1 → reports-1-old1/);
    assert.match(s.detail, /longer than 300 seconds/);
    assert.doesNotMatch(s.detail, /will run/);
  });
});

describe('Blue/Green delete rules', () => {
  it('refuses deleting green after a switchover, explaining why and what remains', () => {
    const d = deployment({ status: 'SWITCHOVER_COMPLETED', sourceArn: dbArn('shop-db-old1'), targetArn: dbArn('shop-db') });
    const r = deleteRefusal(d, { deleteTarget: true });
    assert.equal(r?.code, 'deleteTargetAfterSwitchover');
    assert.match(r?.message ?? '', /green side shop-db is now production/);
    assert.match(r?.message ?? '', /old instance shop-db-old1 stays/);
    assert.equal(deleteRefusal(d, { deleteTarget: false }), undefined);
  });

  it('deletes green along with the deployment before a switchover', () => {
    for (const status of ['PROVISIONING', 'AVAILABLE', 'INVALID_CONFIGURATION', 'SWITCHOVER_FAILED']) {
      assert.equal(deleteRefusal(deployment({ status }), { deleteTarget: true }), undefined, status);
    }
  });

  it('refuses while switching over or already deleting', () => {
    assert.equal(deleteRefusal(deployment({ status: 'SWITCHOVER_IN_PROGRESS' }), { deleteTarget: false })?.code, 'busy');
    assert.match(deleteRefusal(deployment({ status: 'DELETING' }), { deleteTarget: false })?.message ?? '', /already being deleted/);
  });

  it('tells in the modal what is deleted and what stays', () => {
    assert.match(describeDelete(deployment(), { deleteTarget: true }).detail, /green side shop-db-green-abcdef is deleted too, with its data/);
    assert.match(describeDelete(deployment(), { deleteTarget: false }).detail, /shop-db and shop-db-green-abcdef both stay/);
    const switched = deployment({ status: 'SWITCHOVER_COMPLETED', sourceArn: dbArn('shop-db-old1'), targetArn: dbArn('shop-db') });
    assert.match(describeDelete(switched, { deleteTarget: false }).detail, /shop-db stays production, and the old instance shop-db-old1 stays/);
    assert.equal(describeDelete(switched, { deleteTarget: false }).message, 'Delete Blue/Green deployment shop-upgrade?');
  });
});
