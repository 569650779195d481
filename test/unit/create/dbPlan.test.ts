import * as assert from 'node:assert/strict';
import { describeCreateDatabase, planCreateDatabase } from '../../../src/core/aws/create';
import { OTHER_VPC, VPC, baseGroups, instance } from '../link/builders';
import { context } from './builders';


describe('create: the plan of a new DB', () => {
  it('takes the careful defaults: private, encrypted, 7-day backups, deletion protection, managed password, tags, gp3 20 GiB', () => {
    const plan = planCreateDatabase(context(), { identifier: 'New-DB' });
    assert.equal(plan.status, 'ready', plan.refusals.map((r) => r.message).join());
    assert.equal(plan.identifier, 'new-db');
    assert.equal(plan.engineVersion, '8.0.41');
    assert.equal(plan.instanceClass, 'db.t4g.micro');
    assert.deepEqual(plan.storage, { type: 'gp3', gib: 20 });
    assert.deepEqual(plan.subnetGroup, { kind: 'existing', name: 'app-private', availabilityZones: ['a', 'b'] });
    assert.equal(plan.publiclyAccessible, false);
    assert.equal(plan.storageEncrypted, true);
    assert.equal(plan.backupRetentionDays, 7);
    assert.equal(plan.deletionProtection, true);
    assert.equal(plan.password, 'managed');
    assert.equal(plan.masterUsername, 'admin');
    assert.deepEqual(plan.tags, { 'rds-link:created-by': 'rds-link' });
    assert.equal(plan.freeTier.eligible, true);
    const text = describeCreateDatabase(plan).join('\n');
    assert.match(text, /Free tier eligible/);
    assert.match(text, /Blue\/Green deployments are not possible with a managed password/);
    assert.match(text, /deletion protection on/);
  });

  it('says own passwords keep Blue/Green, and a large class is not free tier', () => {
    const plan = planCreateDatabase(context(), { identifier: 'db2', password: 'own', instanceClass: 'db.m5.large' });
    assert.equal(plan.status, 'ready');
    const text = describeCreateDatabase(plan).join('\n');
    assert.match(text, /Blue\/Green deployments stay possible/);
    assert.match(text, /Not free tier eligible/);
  });

  it('refuses a bad or taken identifier, a bad user and a class not offered, before any call', () => {
    const plan = planCreateDatabase(context(), { identifier: '9lives--', masterUsername: 'rdsadmin', instanceClass: 'db.x9.huge' });
    assert.equal(plan.status, 'refused');
    assert.deepEqual(plan.refusals.map((r) => r.code), ['identifier', 'masterUsername', 'classNotOffered']);
    assert.deepEqual(planCreateDatabase(context(), { identifier: 'GOAPP-DB' }).refusals.map((r) => r.code), ['identifierTaken']);
  });

  it('proposes a new subnet group when none fits, and refuses with the reason when none can be made', () => {
    const proposal = { name: 'rds-link-vpc-main', subnetIds: ['s1', 's2'], availabilityZones: ['a', 'b'] };
    const plan = planCreateDatabase(context({ subnetGroups: { vpcId: VPC, usable: [], proposal, onlyPublic: false } }), { identifier: 'db3' });
    assert.equal(plan.subnetGroup?.kind, 'create');
    assert.match(describeCreateDatabase(plan).join('\n'), /Create DB subnet group rds-link-vpc-main in VPC vpc-main from the private subnets s1, s2/);
    const none = planCreateDatabase(context({ subnetGroups: { vpcId: VPC, usable: [], onlyPublic: true, problem: 'VPC vpc-main has only public subnets' } }), { identifier: 'db3' });
    assert.equal(none.status, 'refused');
    assert.deepEqual(none.refusals.map((r) => [r.code, r.message]), [['noSubnetGroup', 'VPC vpc-main has only public subnets']]);
  });

  it('states the class fallback and a missing version list', () => {
    const plan = planCreateDatabase(context({ versions: [], versionsProblem: 'The mysql versions could not be listed (x)', classesFallback: true }), { identifier: 'db4' });
    assert.equal(plan.engineVersion, undefined);
    assert.ok(plan.notes.some((n) => /built-in list/.test(n)));
    assert.ok(plan.notes.includes('The mysql versions could not be listed (x)'));
  });

  it('includes the link to the chosen instance, planned by the link planner', () => {
    const plan = planCreateDatabase(context({ instance: instance(), vpcGroups: baseGroups() }), { identifier: 'linked-db' });
    assert.equal(plan.status, 'ready');
    assert.equal(plan.link?.status, 'ready');
    assert.deepEqual([plan.link?.ec2Group?.name, plan.link?.rdsGroup?.name], ['ec2-rds-1', 'rds-ec2-1']);
    const dbStep = plan.link?.steps.find((s) => s.kind === 'setDatabaseGroups');
    // RDS gives a DB made without groups the VPC's default group; the link keeps it.
    assert.deepEqual(dbStep && dbStep.kind === 'setDatabaseGroups' ? dbStep.previous : [], ['sg-default']);
    const text = describeCreateDatabase(plan);
    assert.equal(text.filter((l) => /Then link it to instance web \(i-web\)/.test(l)).length, 1);
    assert.ok(text.some((l) => /ec2-rds-1/.test(l)));
  });

  it('refuses the whole plan when the instance cannot be linked (another VPC)', () => {
    const plan = planCreateDatabase(context({ instance: instance({ vpcId: OTHER_VPC }), vpcGroups: baseGroups() }), { identifier: 'linked-db' });
    assert.equal(plan.status, 'refused');
    assert.deepEqual(plan.refusals.map((r) => r.code), ['link']);
    assert.match(plan.refusals[0].message, /VPC/);
  });
});
