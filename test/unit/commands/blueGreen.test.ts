// The Blue/Green commands with fake deps: the real rules and texts, the AWS calls stubbed. What
// each asks, what it sends AWS, the refusals (an outcome for automation, an error otherwise),
// that a cancel sends nothing, and the automation-argument errors.
import * as assert from 'node:assert/strict';
import { ArgumentError } from '../../../src/commands/args';
import { createBlueGreen } from '../../../src/commands/blueGreen/createBlueGreen';
import { deleteBlueGreen } from '../../../src/commands/blueGreen/deleteBlueGreen';
import { switchoverBlueGreen } from '../../../src/commands/blueGreen/switchoverBlueGreen';
import type { BlueGreenDeployment, BlueGreenSourceDb } from '../../../src/core/aws/index';
import { CancelledError, isCancellation } from '../../../src/core/errors';
import { deployment, REGION, sourceDb } from '../blueGreen/builders';
import { fakeDeps } from '../support/fakeDeps';
import { escape, pick, press, TestUserInput, type, type Answer } from '../support/testUserInput';
import { storeWithSession, stubAws, type AwsModule } from './awsStubs';

const client = { service: 'rds', region: REGION };
const blue = sourceDb();
const created = deployment({ id: 'bgd-new', name: 'shop-bg', status: 'PROVISIONING' });
const ready = deployment({ id: 'bgd-new', name: 'shop-bg', status: 'AVAILABLE' });

function prepared(db: BlueGreenSourceDb = blue): Awaited<ReturnType<AwsModule['prepareBlueGreen']>> {
  return {
    db,
    regionDeployments: [],
    deployments: [],
    refusals: [],
    versions: [
      { engine: 'mysql', engineVersion: '8.0.39', current: true, majorUpgrade: false },
      { engine: 'mysql', engineVersion: '8.4.3', current: false, majorUpgrade: true },
    ],
  };
}

function bgDeps(answers: readonly Answer[], options: { deployments?: BlueGreenDeployment[]; stubs?: Partial<AwsModule> } = {}) {
  const { core, calls } = stubAws({
    prepareBlueGreen: async () => prepared(),
    listParameterGroups: async () => [
      { name: 'default.mysql8.4', family: 'mysql8.4', isDefault: true, current: false, recommended: false },
      { name: 'shop-84', family: 'mysql8.4', isDefault: false, current: false, recommended: true },
    ],
    listInstanceClasses: async () => ({ classes: ['db.t3.micro', 'db.t3.small'], fallback: false }),
    createBlueGreen: async () => created,
    waitForBlueGreen: async () => ready,
    switchoverBlueGreen: async () => ready,
    deleteBlueGreen: async (_client, d) => ({ ...d, status: 'DELETING' as const }),
    ...options.stubs,
  });
  const store = storeWithSession({ databases: [blue], blueGreen: options.deployments ?? [] });
  const deps = fakeDeps({ ui: new TestUserInput(answers), store, core });
  const sent = (name: string) => calls.filter((c) => c.name === name).map((c) => c.args);
  return { deps, calls, sent };
}

describe('commands: createBlueGreen (fake deps, scripted answers)', () => {
  it('automation { region, database }: asks nothing, suggests a name, creates, waits and reloads', async () => {
    const { deps, sent } = bgDeps([]);
    const outcome = await createBlueGreen(deps, { region: REGION, database: { kind: 'instance', id: 'shop-db' }, targetEngineVersion: '8.4.3' });
    assert.deepEqual(outcome, { status: 'created', deployment: ready });
    const [[to, db, choice]] = sent('createBlueGreen') as [[unknown, BlueGreenSourceDb, { name: string; targetEngineVersion?: string }]];
    assert.deepEqual(to, client);
    assert.equal(db.id, 'shop-db');
    assert.match(choice.name, /^shop-db-bg-\d{8}-\d{4}$/);
    assert.equal(choice.targetEngineVersion, '8.4.3');
    assert.deepEqual(sent('waitForBlueGreen').map((a) => [a[1], (a[2] as { until: string }).until]), [['bgd-new', 'AVAILABLE']]);
    assert.deepEqual(deps.fakeStore.reloads, [{ region: REGION, services: ['rds'] }, { region: REGION, services: ['rds'] }]);
    assert.equal(deps.ui.shown.filter((s) => s.kind === 'pick' || s.kind === 'input').length, 0);
  });

  it('a wrong automation argument fails naming the field, before anything is read from AWS', async () => {
    const { deps, calls } = bgDeps([]);
    await assert.rejects(createBlueGreen(deps, { region: REGION, database: { kind: 'table', id: 'shop-db' } }),
      (e: unknown) => e instanceof ArgumentError && /rdsLink\.createBlueGreen: the argument "database\.kind"/.test(e.message));
    await assert.rejects(createBlueGreen(deps, { region: REGION, database: { kind: 'instance', id: 'shop-db' }, name: 42 }),
      (e: unknown) => e instanceof ArgumentError && /"name" must be a non-empty string/.test(e.message));
    assert.deepEqual(calls.filter((c) => c.name === 'createBlueGreen'), []);
  });

  it('a preflight refusal is an outcome for automation (and shown), an error from the palette', async () => {
    const refusal = { code: 'unsupportedEngine', message: 'shop-db cannot have one.' } as const;
    const stubs = { prepareBlueGreen: async () => ({ ...prepared(), refusals: [refusal] }) } as Partial<AwsModule>;
    const auto = bgDeps([], { stubs });
    assert.deepEqual(await createBlueGreen(auto.deps, { region: REGION, database: { kind: 'instance', id: 'shop-db' } }), { status: 'refused', refusals: ['shop-db cannot have one.'] });
    assert.deepEqual(auto.deps.ui.shown.filter((s) => s.kind === 'error').map((s) => s.text), ['shop-db cannot have one.']);
    const palette = bgDeps([pick('shop-db')], { stubs });
    await assert.rejects(createBlueGreen(palette.deps), /shop-db cannot have one/);
    assert.deepEqual([...auto.sent('createBlueGreen'), ...palette.sent('createBlueGreen')], []);
  });

  it('from the palette: DB, version, recommended group first, class, name, then a modal question', async () => {
    const { deps, sent } = bgDeps([pick('shop-db'), pick('8.4.3'), pick('shop-84'), pick('db.t3.small'), type('shop-bg'), press('Create')]);
    assert.equal((await createBlueGreen(deps))?.status, 'created');
    const picks = deps.ui.shown.filter((s) => s.kind === 'pick');
    assert.deepEqual(picks.map((s) => s.text), ['Select an RDS database', 'Engine version for green (shop-db runs 8.0.39)', 'Parameter group for green', 'Instance class for green']);
    assert.deepEqual(picks[2].items, ['shop-84', 'default.mysql8.4']);
    assert.equal(deps.ui.shown.find((s) => s.modal)?.text, 'Create Blue/Green deployment shop-bg for shop-db?');
    assert.deepEqual(sent('createBlueGreen')[0][2], { name: 'shop-bg', targetEngineVersion: '8.4.3', targetParameterGroup: 'shop-84', targetInstanceClass: 'db.t3.small' });
    deps.ui.assertDone();
  });

  it('Escape at the modal question creates nothing', async () => {
    const { deps, sent } = bgDeps([pick('shop-db'), pick('8.0.39'), pick('shop-84'), pick('db.t3.micro'), type('shop-bg'), escape]);
    await assert.rejects(createBlueGreen(deps), (e: unknown) => isCancellation(e));
    assert.deepEqual(sent('createBlueGreen'), []);
    assert.deepEqual(deps.fakeStore.reloads, []);
  });

  it('a cancelled wait says that the deployment goes on in AWS, and reloads the RDS view', async () => {
    const { deps } = bgDeps([], { stubs: { waitForBlueGreen: async () => { throw new CancelledError(); } } });
    await assert.rejects(createBlueGreen(deps, { region: REGION, database: { kind: 'instance', id: 'shop-db' } }), (e: unknown) => isCancellation(e));
    assert.match(deps.ui.shown.filter((s) => s.kind === 'info').map((s) => s.text).join('|'), /Stopped waiting\. The Blue\/Green deployment goes on in AWS/);
    assert.equal(deps.fakeStore.reloads.length, 2, 'after the create, and after the stopped wait');
  });
});

describe('commands: switchoverBlueGreen and deleteBlueGreen (fake deps, scripted answers)', () => {
  const available = deployment();

  it('switchover by automation { region, id, timeoutSeconds } asks nothing and waits for completion', async () => {
    const { deps, sent } = bgDeps([], { deployments: [available] });
    const outcome = await switchoverBlueGreen(deps, { region: REGION, id: available.id, timeoutSeconds: 600 });
    assert.equal(outcome.status, 'switchedOver');
    assert.deepEqual(sent('switchoverBlueGreen'), [[client, available.id, 600]]);
    assert.equal((sent('waitForBlueGreen')[0][2] as { until: string }).until, 'SWITCHOVER_COMPLETED');
    assert.deepEqual(deps.fakeStore.reloads, [{ region: REGION, services: ['ec2', 'rds'] }]);
  });

  it('switchover from the palette: only ready deployments, the timeout typed, a destructive modal; Escape switches nothing', async () => {
    const done = deployment({ id: 'bgd-done', name: 'old-upgrade', status: 'SWITCHOVER_COMPLETED' });
    const { deps, sent } = bgDeps([pick('shop-upgrade'), type('300'), press('Switch Over'), pick('shop-upgrade'), escape], { deployments: [available, done] });
    await switchoverBlueGreen(deps);
    assert.deepEqual(deps.ui.shown[0].items, ['shop-upgrade']);
    assert.equal(deps.ui.shown.find((s) => s.modal)?.kind, 'warning');
    assert.deepEqual(sent('switchoverBlueGreen'), [[client, available.id, 300]]);
    await assert.rejects(switchoverBlueGreen(deps), (e: unknown) => isCancellation(e));
    assert.equal(sent('switchoverBlueGreen').length, 1);
    deps.ui.assertDone();
  });

  it('switchover of a deployment that is not ready: a refused outcome for automation, nothing sent', async () => {
    const busy = deployment({ status: 'PROVISIONING' });
    const { deps, sent } = bgDeps([], { deployments: [busy] });
    const outcome = await switchoverBlueGreen(deps, { region: REGION, id: busy.id });
    assert.equal(outcome.status, 'refused');
    assert.match(outcome.refusals?.[0] ?? '', /can be switched over only when it is ready/);
    assert.deepEqual(sent('switchoverBlueGreen'), []);
  });

  it('automation naming an unknown deployment or a wrong timeout fails clearly', async () => {
    const { deps, sent } = bgDeps([], { deployments: [available] });
    await assert.rejects(switchoverBlueGreen(deps, { region: REGION, id: 'bgd-nope' }), /bgd-nope is not among the loaded deployments/);
    await assert.rejects(switchoverBlueGreen(deps, { region: REGION, id: available.id, timeoutSeconds: '600' }),
      (e: unknown) => e instanceof ArgumentError && /"timeoutSeconds" must be a number/.test(e.message));
    await assert.rejects(deleteBlueGreen(deps, { region: REGION }), (e: unknown) => e instanceof ArgumentError && /"id"/.test(e.message));
    assert.deepEqual([...sent('switchoverBlueGreen'), ...sent('deleteBlueGreen')], []);
  });

  it('delete by automation { region, id, deleteTarget } deletes with green and waits until it is gone', async () => {
    const { deps, sent } = bgDeps([], { deployments: [available] });
    const outcome = await deleteBlueGreen(deps, { region: REGION, id: available.id, deleteTarget: true });
    assert.deepEqual(outcome, { status: 'deleted', deployment: available, deletedTarget: true });
    assert.deepEqual(sent('deleteBlueGreen'), [[client, available, { deleteTarget: true }]]);
    assert.equal((sent('waitForBlueGreen')[0][2] as { until: string }).until, 'deleted');
    await assert.rejects(deleteBlueGreen(deps, { region: REGION, id: available.id, deleteTarget: 'yes' }), /"deleteTarget" must be true or false/);
  });

  it('delete from the palette: after a switchover only "the deployment only" is offered; Escape at the modal deletes nothing', async () => {
    const done = deployment({ status: 'SWITCHOVER_COMPLETED' });
    const { deps, sent } = bgDeps([pick('shop-upgrade'), pick('Delete the deployment only'), escape, pick('shop-upgrade'), pick('Delete the deployment only'), press('Delete')], { deployments: [done] });
    await assert.rejects(deleteBlueGreen(deps), (e: unknown) => isCancellation(e));
    assert.deepEqual(deps.ui.shown[1].items, ['Delete the deployment only']);
    assert.deepEqual(sent('deleteBlueGreen'), []);
    const outcome = await deleteBlueGreen(deps);
    assert.equal(outcome.deletedTarget, false);
    assert.deepEqual(sent('deleteBlueGreen'), [[client, done, { deleteTarget: false }]]);
    deps.ui.assertDone();
  });
});
