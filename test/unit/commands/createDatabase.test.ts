// createDatabase with a fake AWS side: the own master password is asked twice (and refused when
// it breaks RDS's rules), stored under the DB's key only, and a plan left waiting is kept.
import * as assert from 'node:assert/strict';
import * as aws from '../../../src/core/aws/index';
import type { DbCreateOutcome, DbCreatePlan } from '../../../src/core/aws/index';
import type { Deps } from '../../../src/commands/deps';
import { createDatabase } from '../../../src/commands/database/createDatabase';
import { askOwnPassword } from '../../../src/commands/database/dbCreation';
import { Commands } from '../../../src/ids';
import { isCancellation } from '../../../src/core/errors';
import { dbPasswordKey } from '../../../src/state/passwords';
import { FakeStore, fakeDeps } from '../support/fakeDeps';
import { escape, press, type, TestUserInput, type Answer } from '../support/testUserInput';

const plan = { kind: 'createDatabase', status: 'ready', refusals: [], region: 'us-east-1', identifier: 'shop-db', masterUsername: 'admin', password: 'own' } as unknown as DbCreatePlan;

class SessionStore extends FakeStore {
  override getSession(): never {
    return { rds: () => ({}), ec2: () => ({}) } as never;
  }
}

/** A fake AWS side: the wizard returns the plan; applying records the password it was given. */
function createDeps(answers: readonly Answer[], outcome: DbCreateOutcome): { deps: ReturnType<typeof fakeDeps>; ui: TestUserInput; applied: Array<string | undefined> } {
  const applied: Array<string | undefined> = [];
  const fake = {
    ...aws,
    createSdkDbCreateApi: () => ({}),
    runDbWizard: async () => ({ plan }),
    describeCreateDatabase: () => ['Engine: MySQL'],
    applyCreateDatabase: async (_p: DbCreatePlan, _api: unknown, _link: unknown, o: { masterPassword?: string }) => {
      applied.push(o.masterPassword);
      return outcome;
    },
  };
  const ui = new TestUserInput(answers);
  const base = fakeDeps();
  const deps = fakeDeps({ ui, store: new SessionStore(), core: { ...base.core, aws: () => fake as unknown as typeof aws } as Deps['core'] });
  return { deps, ui, applied };
}

describe('commands: createDatabase (the master password prompt)', () => {
  it('asks an own password twice after the plan is confirmed, hands it to the create only, and stores it under the DB\'s key', async () => {
    const ready = { status: 'ready', db: {}, exists: ['shop-db'] } as unknown as DbCreateOutcome;
    const { deps, ui, applied } = createDeps([press('Create'), type('S3cret-pass'), type('S3cret-pass'), press('Create Database (Schema)…')], ready);
    assert.equal(await createDatabase(deps), ready);
    assert.deepEqual(applied, ['S3cret-pass']);
    const key = dbPasswordKey({ account: '123456789012', region: 'us-east-1', dbId: 'shop-db', host: '', port: 3306, user: 'admin' });
    assert.deepEqual([...deps.secrets.values.entries()], [[key, 'S3cret-pass']]);
    assert.deepEqual(ui.shown.filter((s) => s.kind === 'input').map((s) => s.text), ['Master password', 'Master password (again)']);
    assert.deepEqual(ui.executed, [{ command: Commands.createSchema, args: [] }]);
    assert.ok(!deps.log.lines.some((line) => line.includes('S3cret-pass')), 'the password is never logged');
    assert.deepEqual(deps.globalState.get('rdsLink.pendingDatabaseCreates'), [], 'a ready DB is not left pending');
    ui.assertDone();
  });

  it('Escape at the password creates nothing; a left wait keeps the plan to pick up', async () => {
    const left = { status: 'waitLeft', dbId: 'shop-db', message: 'Still creating', exists: ['shop-db'] } as unknown as DbCreateOutcome;
    const first = createDeps([press('Create'), escape], left);
    await assert.rejects(createDatabase(first.deps), (e: unknown) => isCancellation(e));
    assert.deepEqual(first.applied, []);
    assert.equal(first.deps.secrets.values.size, 0);
    const second = createDeps([press('Create'), type('S3cret-pass'), type('S3cret-pass'), escape], left);
    await createDatabase(second.deps);
    assert.deepEqual(second.deps.globalState.get('rdsLink.pendingDatabaseCreates'), [plan]);
    assert.equal(second.ui.shown.at(-1)?.text, 'Still creating');
  });

  it('the password box refuses what RDS refuses, and a second entry that differs', async () => {
    await assert.rejects(askOwnPassword(new TestUserInput([type('short')])), /8 to 41 printable characters/);
    await assert.rejects(askOwnPassword(new TestUserInput([type('with@sign1')])), /8 to 41 printable characters/);
    await assert.rejects(askOwnPassword(new TestUserInput([type('S3cret-pass'), type('S3cret-pasS')])), /The passwords differ/);
    assert.equal(await askOwnPassword(new TestUserInput([type('S3cret-pass'), type('S3cret-pass')])), 'S3cret-pass');
  });
});
