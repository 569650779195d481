// Delete Database… and Delete Instance… with scripted answers: only what RDS Link made is
// offered; a DB asks twice, offers the final snapshot, and refuses while deletion protection
// stays on; an instance is terminated after one destructive question.
import * as assert from 'node:assert/strict';
import type { DbDeleteApi } from '../../../src/core/aws/index';
import type { RdsDatabase } from '../../../src/core/aws/types';
import { deleteDatabase } from '../../../src/commands/database/deleteDatabase';
import { deleteInstance } from '../../../src/commands/instance/deleteInstance';
import { createdByTags } from '../../../src/core/aws/link/consoleRules';
import { isCancellation } from '../../../src/core/errors';
import { DatabaseNode, InstanceNode } from '../../../src/tree/nodes';
import { db, eni, group, instance } from '../link/builders';
import { FakeAws } from '../link/fakeAws';
import { fakeDeps } from '../support/fakeDeps';
import { escape, pick, press, type, TestUserInput, type Answer } from '../support/testUserInput';
import { storeWithSession, stubAws } from './awsStubs';

const ours = createdByTags();

function dbDeps(answers: readonly Answer[], fresh: RdsDatabase) {
  const calls: string[] = [];
  const api: DbDeleteApi = {
    setDeletionProtection: async (id, on) => void calls.push(`protection(${id},${on})`),
    deleteDbInstance: async (id, snapshot) => void calls.push(`delete(${id},${snapshot ?? 'none'})`),
    waitDeleted: async (id) => void calls.push(`waitDeleted(${id})`),
  };
  const { core } = stubAws({
    createSdkDbCreateApi: () => ({ describeDbInstance: async () => fresh }) as never,
    createSdkDbDeleteApi: () => api,
  });
  const ui = new TestUserInput(answers);
  const store = storeWithSession({ databases: [fresh, db({ id: 'not-ours' })] });
  return { deps: fakeDeps({ ui, store, core }), ui, calls, store };
}

describe('commands: deleteDatabase', () => {
  const protectedDb = db({ region: 'us-east-1', id: 'shop-db', tags: ours, deletionProtection: true });

  it('from the palette offers only the DBs it made; asks, offers the snapshot, turns protection off when told, asks for the id, deletes and waits', async () => {
    const { deps, ui, calls, store } = dbDeps([pick('shop-db'), press('Delete…'), pick(/^Take final snapshot shop-db-final-/), press('Turn Off Deletion Protection'), type('shop-db')], protectedDb);
    const plan = await deleteDatabase(deps);
    assert.deepEqual(ui.shown.find((s) => s.kind === 'pick')?.items, ['shop-db']);
    assert.match(plan.finalSnapshotId ?? '', /^shop-db-final-\d{8}-\d{4}$/);
    assert.deepEqual(calls, ['protection(shop-db,false)', `delete(shop-db,${plan.finalSnapshotId})`, 'waitDeleted(shop-db)']);
    assert.deepEqual(ui.shown.filter((s) => s.modal).map((s) => s.text), ['Delete RDS database shop-db?', 'shop-db has deletion protection on.']);
    assert.equal(ui.shown.at(-1)?.text, `shop-db is deleted. Final snapshot: ${plan.finalSnapshotId}.`);
    assert.deepEqual(store.reloads, [{ region: 'us-east-1', services: ['rds'] }]);
    ui.assertDone();
  });

  it('refuses while deletion protection stays on, before the second question and before any call', async () => {
    const { deps, ui, calls } = dbDeps([press('Delete…'), pick('No final snapshot'), escape], protectedDb);
    await assert.rejects(deleteDatabase(deps, new DatabaseNode(protectedDb)), /shop-db has deletion protection on: it cannot be deleted until the protection is turned off/);
    assert.deepEqual(calls, []);
    assert.ok(!ui.shown.some((s) => s.kind === 'input'));
  });

  it('a wrong or missing identifier at the second question deletes nothing', async () => {
    const { deps, calls } = dbDeps([press('Delete…'), pick('No final snapshot'), escape], db({ region: 'us-east-1', id: 'shop-db', tags: ours }));
    await assert.rejects(deleteDatabase(deps, new DatabaseNode(protectedDb)), (e: unknown) => isCancellation(e));
    assert.deepEqual(calls, []);
    const unprotected = db({ region: 'us-east-1', id: 'shop-db', tags: ours });
    await assert.rejects(deleteDatabase(dbDeps([press('Delete…'), pick('No final snapshot'), type('shop')], unprotected).deps, new DatabaseNode(unprotected)), /Type shop-db to delete it/);
  });

  it('a DB without the tag is refused even from a node', async () => {
    const theirs = db({ region: 'us-east-1', id: 'legacy' });
    const { deps, calls } = dbDeps([], theirs);
    await assert.rejects(deleteDatabase(deps, new DatabaseNode(theirs)), /legacy was not created by RDS Link/);
    assert.deepEqual(calls, []);
  });
});

describe('commands: deleteInstance', () => {
  const made = instance({ region: 'us-east-1', id: 'i-new', name: 'web-1', tags: { Name: 'web-1', ...ours }, networkInterfaces: [eni('eni-new', 0, ['sg-own'])] });
  const other = instance({ region: 'us-east-1', id: 'i-old', name: 'legacy' });

  function instanceDeps(answers: readonly Answer[]) {
    const aws = FakeAws.from({ instances: [made, other], databases: [], groups: [group('sg-own', 'rds-link-web-1', { tags: ours }), group('sg-web', 'web')] });
    const calls: string[] = [];
    const { core } = stubAws({
      createSdkEc2InstanceParts: () => ({
        terminateInstance: async (id: string) => {
          calls.push(`terminate(${id})`);
          aws.terminate(id);
        },
        waitTerminated: async (id: string) => void calls.push(`waitTerminated(${id})`),
      }) as never,
    });
    const ui = new TestUserInput(answers);
    const deps = fakeDeps({ ui, store: storeWithSession({ instances: [made, other], linkApi: aws }), core });
    return { deps, ui, calls, aws };
  }

  it('offers only instances it made, asks once (destructive), terminates, then deletes the group made for it', async () => {
    const { deps, ui, calls } = instanceDeps([pick('web-1'), press('Terminate')]);
    const result = await deleteInstance(deps);
    assert.deepEqual(ui.shown.find((s) => s.kind === 'pick')?.items, ['web-1']);
    const question = ui.shown.find((s) => s.modal);
    assert.equal(question?.kind, 'warning');
    assert.match(question?.detail ?? '', /security group rds-link-web-1 \(sg-own\) is deleted, once nothing else uses it/);
    assert.deepEqual(calls, ['terminate(i-new)', 'waitTerminated(i-new)']);
    assert.deepEqual(result.deletedGroups, ['rds-link-web-1 (sg-own)']);
  });

  it('Escape terminates nothing; an instance without the tag is refused from a node', async () => {
    const first = instanceDeps([escape]);
    await assert.rejects(deleteInstance(first.deps, new InstanceNode(made)), (e: unknown) => isCancellation(e));
    assert.deepEqual(first.calls, []);
    const second = instanceDeps([]);
    await assert.rejects(deleteInstance(second.deps, new InstanceNode(other)), /legacy was not created by RDS Link/);
    assert.deepEqual(second.calls, []);
  });
});
