import * as assert from 'node:assert/strict';
import { DbCreateFailedError, applyCreateDatabase, planCreateDatabase, resumeCreateDatabase, type DbCreatePlan } from '../../../src/core/aws/create';
import { PlanNotApplicableError } from '../../../src/core/aws/link';
import { CancelledError } from '../../../src/core/errors';
import { VPC, instance, world } from '../link/builders';
import { AwsError, FakeAws } from '../link/fakeAws';
import { context } from './builders';
import { FakeDbCreateApi } from './fakeDbCreateApi';

const fast = { link: { deleteRetryDelaysMs: [1], consistencyRetryDelaysMs: [1] } };

function linkedSetup(): { aws: FakeAws; api: FakeDbCreateApi; plan: DbCreatePlan } {
  const w = world({ databases: [] });
  const aws = FakeAws.from(w);
  const api = new FakeDbCreateApi(aws);
  const plan = planCreateDatabase(context({ instance: instance(), vpcGroups: w.groups }), { identifier: 'new-db' });
  assert.equal(plan.status, 'ready', plan.refusals.map((r) => r.message).join());
  return { aws, api, plan };
}

describe('create: applying a DB plan', () => {
  it('creates the subnet group, then the DB with the planned settings, waits, then links', async () => {
    const { aws, api } = linkedSetup();
    const proposal = { name: 'rds-link-vpc-main', subnetIds: ['s1', 's2'], availabilityZones: ['a', 'b'] };
    const plan = planCreateDatabase(context({ instance: instance(), vpcGroups: world().groups, subnetGroups: { vpcId: VPC, usable: [], proposal, onlyPublic: false } }), { identifier: 'new-db' });
    const phases: string[] = [];
    const outcome = await applyCreateDatabase(plan, api, aws, { ...fast, onProgress: (p) => phases.push(p.phase) });
    assert.equal(outcome.status, 'ready');
    assert.deepEqual(api.methods(), ['createSubnetGroup', 'createDbInstance', 'waitAvailable']);
    assert.deepEqual(phases, ['subnetGroup', 'create', 'wait', 'link']);
    assert.deepEqual(
      { ...api.lastCreate },
      {
        identifier: 'new-db', engine: 'mysql', engineVersion: '8.0.41', instanceClass: 'db.t4g.micro', storageType: 'gp3', allocatedStorageGib: 20,
        subnetGroupName: 'rds-link-vpc-main', masterUsername: 'admin', masterPassword: undefined, publiclyAccessible: false, storageEncrypted: true,
        backupRetentionDays: 7, deletionProtection: true, multiAz: false, tags: { 'rds-link:created-by': 'rds-link' },
      },
    );
    const rdsSide = aws.groupByName('rds-ec2-1');
    assert.ok(rdsSide, 'the link made its pair');
    assert.deepEqual(aws.databaseGroups({ kind: 'instance', id: 'new-db' }).sort(), ['sg-default', rdsSide.id].sort());
    assert.equal(outcome.status === 'ready' && outcome.link?.status, 'applied');
  });

  it('keeps the DB when the link fails after it was created, says what exists, and links on a retry', async () => {
    const { aws, api, plan } = linkedSetup();
    aws.failOn('setDatabaseGroups', { kind: 'rejected' });
    const outcome = await applyCreateDatabase(plan, api, aws, fast);
    assert.equal(outcome.status, 'linkFailed');
    if (outcome.status !== 'linkFailed') return;
    // The DB stays: nothing deletes it, and it is there, available.
    assert.ok(!api.methods().some((m) => m.startsWith('delete')));
    assert.equal(api.dbs.get('new-db')?.status, 'available');
    assert.deepEqual(outcome.exists, ['DB instance new-db in eu-west-1 (available, deletion protection on)']);
    assert.match(outcome.error, /Linking new-db to instance i-web failed: .*The database stays as it is; link it again/);
    assert.deepEqual(outcome.retry, { instanceId: 'i-web', db: { kind: 'instance', id: 'new-db' } });
    // The link's own rollback removed its half-made pair.
    assert.equal(aws.groupByName('ec2-rds-1'), undefined);

    const again = await resumeCreateDatabase(plan, api, aws, fast);
    assert.equal(again.status, 'ready');
    assert.ok(aws.groupByName('rds-ec2-1'));
    assert.equal(api.methods().filter((m) => m === 'createDbInstance').length, 1, 'the retry creates nothing new');
  });

  it('deletes the subnet group it made when CreateDBInstance fails, and says nothing is left', async () => {
    const api = new FakeDbCreateApi();
    const proposal = { name: 'rds-link-vpc-main', subnetIds: ['s1', 's2'], availabilityZones: ['a', 'b'] };
    const plan = planCreateDatabase(context({ subnetGroups: { vpcId: VPC, usable: [], proposal, onlyPublic: false } }), { identifier: 'new-db' });
    api.failOn('createDbInstance', new AwsError('StorageQuotaExceeded', 'quota', 400));
    await assert.rejects(applyCreateDatabase(plan, api, undefined), (err: unknown) => {
      assert.ok(err instanceof DbCreateFailedError);
      assert.match(err.message, /Creating DB instance new-db failed: quota\. Nothing was left behind\./);
      return true;
    });
    assert.deepEqual(api.methods(), ['createSubnetGroup', 'createDbInstance', 'deleteSubnetGroup']);
    assert.equal(api.subnetGroups.size, 0);
  });

  it('goes on with a DB AWS made although the answer was lost', async () => {
    const api = new FakeDbCreateApi();
    const plan = planCreateDatabase(context(), { identifier: 'new-db' });
    const lost = new AwsError('TimeoutError', 'socket hang up', null);
    const create = api.createDbInstance.bind(api);
    api.createDbInstance = async (input) => {
      await create(input);
      throw lost;
    };
    const outcome = await applyCreateDatabase(plan, api, undefined);
    assert.equal(outcome.status, 'ready');
  });

  it('leaves the wait on cancel with the DB kept, and picks the wait up again', async () => {
    const { aws, api, plan } = linkedSetup();
    api.holdWait = true;
    const controller = new AbortController();
    const pending = applyCreateDatabase(plan, api, aws, { ...fast, signal: controller.signal, onProgress: (p) => p.phase === 'wait' && setTimeout(() => controller.abort(), 10) });
    const outcome = await pending;
    assert.equal(outcome.status, 'waitLeft');
    if (outcome.status !== 'waitLeft') return;
    assert.match(outcome.message, /^You stopped waiting\. new-db is still being created in AWS, and stays/);
    assert.deepEqual(outcome.exists, ['DB instance new-db in eu-west-1 (being created, deletion protection on)']);
    assert.equal(aws.groupByName('ec2-rds-1'), undefined, 'no link before the DB is available');

    api.holdWait = false;
    const resumed = await resumeCreateDatabase(plan, api, aws, fast);
    assert.equal(resumed.status, 'ready');
    assert.ok(aws.groupByName('ec2-rds-1'));
  });

  it('creates nothing for a refused plan, a cancel before the start, or an own password not given', async () => {
    const api = new FakeDbCreateApi();
    const refused = planCreateDatabase(context(), { identifier: '1-bad' });
    await assert.rejects(applyCreateDatabase(refused, api, undefined), PlanNotApplicableError);
    const ready = planCreateDatabase(context(), { identifier: 'ok-db' });
    await assert.rejects(applyCreateDatabase(ready, api, undefined, { signal: AbortSignal.abort() }), CancelledError);
    const own = planCreateDatabase(context(), { identifier: 'ok-db', password: 'own' });
    await assert.rejects(applyCreateDatabase(own, api, undefined), /own master password, and none was given/);
    assert.deepEqual(api.calls, []);
  });

  it('sends an own password to CreateDBInstance only, never into the plan', async () => {
    const api = new FakeDbCreateApi();
    const plan = planCreateDatabase(context(), { identifier: 'own-db', password: 'own' });
    await applyCreateDatabase(plan, api, undefined, { masterPassword: 'S3cret-pass!' });
    assert.equal(api.lastCreate?.masterPassword, 'S3cret-pass!');
    assert.ok(!JSON.stringify(plan).includes('S3cret'));
  });
});
