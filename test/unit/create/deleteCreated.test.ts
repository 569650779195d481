// Delete… for what RDS Link made: the DB's plan refuses while deletion protection is on unless
// it is turned off in the flow, and puts it back when the delete fails; an instance's own group
// goes only when nothing uses it. FakeAws has AWS's semantics for "still used" (moto has not).
import * as assert from 'node:assert/strict';
import { applyDeleteDb, applyDeleteInstance, finalSnapshotId, groupsMadeFor, planDeleteDb, type DbDeleteApi } from '../../../src/core/aws/create';
import { createdByTags, pairRule } from '../../../src/core/aws/link/consoleRules';
import { db, eni, group, instance } from '../link/builders';
import { AwsError, FakeAws } from '../link/fakeAws';

const ours = createdByTags();

describe('create: Delete Database… plan and apply', () => {
  it('refuses while deletion protection is on, unless the user turned it off in the flow', () => {
    const protectedDb = db({ tags: ours, deletionProtection: true });
    const refused = planDeleteDb(protectedDb, { turnOffProtection: false, finalSnapshotId: 'appdb-final' });
    assert.equal(refused.status, 'refused');
    assert.match(refused.refusal ?? '', /appdb has deletion protection on/);
    const ready = planDeleteDb(protectedDb, { turnOffProtection: true, finalSnapshotId: 'appdb-final' });
    assert.deepEqual([ready.status, ready.turnOffProtection, ready.finalSnapshotId], ['ready', true, 'appdb-final']);
    // Nothing to turn off on an unprotected DB.
    assert.equal(planDeleteDb(db({ tags: ours }), { turnOffProtection: true }).turnOffProtection, false);
  });

  it('refuses a DB the product did not create, and an Aurora cluster', () => {
    assert.match(planDeleteDb(db(), { turnOffProtection: true }).refusal ?? '', /not created by RDS Link/);
    assert.match(planDeleteDb(db({ kind: 'cluster', tags: ours }), { turnOffProtection: true }).refusal ?? '', /Aurora cluster/);
  });

  it('a final snapshot id RDS accepts: letters, digits, single hyphens, the date and time in UTC', () => {
    assert.equal(finalSnapshotId('shop-db', new Date('2026-01-05T09:07:00Z')), 'shop-db-final-20260105-0907');
    assert.match(finalSnapshotId('a', new Date()), /^[a-z][a-z0-9-]*[a-z0-9]$/);
  });

  function fakeDeleteApi(failDelete: boolean): { api: Pick<DbDeleteApi, 'setDeletionProtection' | 'deleteDbInstance'>; calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      api: {
        async setDeletionProtection(id, on) {
          calls.push(`protection(${id},${on})`);
        },
        async deleteDbInstance(id, snapshot) {
          calls.push(`delete(${id},${snapshot ?? 'none'})`);
          if (failDelete) throw new AwsError('InvalidDBInstanceState', 'DB instance is not in available state');
        },
      },
    };
  }

  it('turns protection off, then deletes with the final snapshot', async () => {
    const { api, calls } = fakeDeleteApi(false);
    await applyDeleteDb(planDeleteDb(db({ tags: ours, deletionProtection: true }), { turnOffProtection: true, finalSnapshotId: 'appdb-final' }), api);
    assert.deepEqual(calls, ['protection(appdb,false)', 'delete(appdb,appdb-final)']);
  });

  it('a refused delete puts the protection back on and says so; a refused plan calls nothing', async () => {
    const { api, calls } = fakeDeleteApi(true);
    await assert.rejects(applyDeleteDb(planDeleteDb(db({ tags: ours, deletionProtection: true }), { turnOffProtection: true }), api), /Deleting appdb failed: DB instance is not in available state.*Deletion protection is on again/);
    assert.deepEqual(calls, ['protection(appdb,false)', 'delete(appdb,none)', 'protection(appdb,true)']);
    const none = fakeDeleteApi(false);
    await assert.rejects(applyDeleteDb(planDeleteDb(db({ tags: ours, deletionProtection: true }), { turnOffProtection: false }), none.api), /deletion protection on/);
    assert.deepEqual(none.calls, []);
  });
});

describe('create: Delete Instance… terminates, then deletes the group made for it when nothing uses it', () => {
  const own = group('sg-own', 'rds-link-web', { tags: ours });
  const link = group('sg-link', 'ec2-rds-1', { tags: ours });
  const theirs = group('sg-theirs', 'web-ssh');
  const made = instance({ id: 'i-new', tags: { Name: 'web', ...ours }, networkInterfaces: [eni('eni-new', 0, ['sg-own', 'sg-link', 'sg-theirs'])] });

  function world(extra?: (aws: FakeAws) => void): { aws: FakeAws; api: Parameters<typeof applyDeleteInstance>[1]; calls: string[] } {
    const aws = FakeAws.from({ instances: [made], databases: [], groups: [own, link, theirs] });
    extra?.(aws);
    const calls: string[] = [];
    const api = {
      describeSecurityGroups: aws.describeSecurityGroups.bind(aws),
      describeInterfaces: aws.describeInterfaces.bind(aws),
      deleteSecurityGroup: async (id: string) => {
        calls.push(`delete(${id})`);
        return aws.deleteSecurityGroup(id);
      },
      terminateInstance: async (id: string) => {
        calls.push(`terminate(${id})`);
        aws.terminate(id);
      },
      waitTerminated: async (id: string) => {
        calls.push(`waitTerminated(${id})`);
      },
    };
    return { aws, api, calls };
  }

  it('only the product\'s own group is a candidate: not a link\'s ec2-rds-N, not a group without the tag', () => {
    assert.deepEqual(groupsMadeFor([own, link, theirs]).map((g) => g.id), ['sg-own']);
  });

  it('deletes the group after the termination, and leaves the others', async () => {
    const { api, calls } = world();
    const result = await applyDeleteInstance(made, api);
    assert.deepEqual(calls, ['terminate(i-new)', 'waitTerminated(i-new)', 'delete(sg-own)']);
    assert.deepEqual(result, { deletedGroups: ['rds-link-web (sg-own)'], keptGroups: [] });
  });

  it('keeps the group while another instance\'s interface holds it', async () => {
    const { api, calls } = world((aws) => aws.addInstance(instance({ id: 'i-other', networkInterfaces: [eni('eni-other', 0, ['sg-own'])] })));
    const result = await applyDeleteInstance(made, api);
    assert.ok(!calls.includes('delete(sg-own)'));
    assert.deepEqual(result.keptGroups, ['rds-link-web is still on i-other']);
  });

  it('keeps the group while another group\'s rule names it', async () => {
    const { api, calls } = world((aws) => aws.addGroup(group('sg-db', 'db-access', { ingress: [pairRule(3306, 'sg-own')] })));
    const result = await applyDeleteInstance(made, api);
    assert.ok(!calls.includes('delete(sg-own)'));
    assert.deepEqual(result.keptGroups, ['rds-link-web is named in rules of db-access']);
  });

  it('a DependencyViolation AWS still answers (a use it lists nowhere) keeps the group, said so', async () => {
    const { api } = world((aws) => aws.addServiceInterface('eni-lambda', []));
    const failing = { ...api, deleteSecurityGroup: () => Promise.reject(new AwsError('DependencyViolation', 'resource sg-own has a dependent object')) };
    const result = await applyDeleteInstance(made, failing);
    assert.deepEqual(result, { deletedGroups: [], keptGroups: ['rds-link-web is still used (resource sg-own has a dependent object)'] });
  });

  it('an instance with no group of ours is terminated without waiting', async () => {
    const { api, calls } = world();
    await applyDeleteInstance({ ...made, securityGroupIds: ['sg-theirs'] }, api);
    assert.deepEqual(calls, ['terminate(i-new)']);
  });
});
