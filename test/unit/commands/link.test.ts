// Link and unlink through their one planned-change flow, with a scripted person and the real
// core planner and applier over an in-memory AWS (test/unit/link/fakeAws.ts): what is shown,
// what is applied, that a re-plan that differs stops, and that a cancel changes nothing.
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { findLinks, describePlan, prepareLink } from '../../../src/core/aws/index';
import type { LinkedPair } from '../../../src/core/aws/index';
import { ArgumentError } from '../../../src/commands/args';
import { linkInstanceToDatabase } from '../../../src/commands/link/linkInstanceToDatabase';
import { unlink } from '../../../src/commands/link/unlink';
import { isCancellation } from '../../../src/core/errors';
import { DatabaseNode, LinkNode } from '../../../src/tree/nodes';
import { FakeAws } from '../link/fakeAws';
import { baseGroups, consolePair, db, instance, REGION, world } from '../link/builders';
import { fakeDeps } from '../support/fakeDeps';
import { escape, pick, press, TestUserInput, type Answer } from '../support/testUserInput';

const web = instance();
const appdb = db();

function setup(answers: Answer[], aws = FakeAws.from(world()), links: LinkedPair[] = []) {
  const ui = new TestUserInput(answers);
  const deps = fakeDeps({ ui, store: { instances: [web], databases: [appdb], links, linkApi: aws } });
  return { ui, deps, aws };
}

/** A world where web and appdb are linked by pair 1, and that link as the store would list it. */
function linkedWorld(): { aws: FakeAws; link: LinkedPair } {
  const pair = consolePair(1, { ours: true });
  const w = world({ instances: [instance({ groups: ['sg-web', 'sg-ec2rds1'] })], databases: [db({ securityGroupIds: ['sg-db', 'sg-rdsec21'] })], groups: [...baseGroups(), ...pair] });
  const [link] = findLinks(w.instances, w.databases, w.groups);
  return { aws: FakeAws.from(w), link };
}

const cancelled = (e: unknown): boolean => isCancellation(e);

describe('commands: link and unlink (planned change over a fake AWS)', () => {
  it('link from the palette: picks the DB then an instance of its region, shows the plan, applies it and refreshes the region', async () => {
    const { ui, deps, aws } = setup([pick('appdb'), pick('web'), press('Link')]);
    const expected = describePlan((await prepareLink(FakeAws.from(world()), { instanceId: 'i-web', db: { kind: 'instance', id: 'appdb' } })).plan);
    const outcome = await linkInstanceToDatabase(deps);
    ui.assertDone();
    assert.equal(outcome.status, 'applied');
    assert.deepEqual(outcome.plan, expected);
    const question = ui.shown.find((s) => s.modal);
    assert.equal(question?.text, 'Link web to appdb?');
    assert.equal(question?.detail, expected.join('\n'), 'the modal shows the plan, line by line');
    assert.ok(aws.groupByName('ec2-rds-1') && aws.groupByName('rds-ec2-1'), 'the pair exists in AWS');
    assert.deepEqual(deps.fakeStore.reloads, [{ region: REGION, services: ['ec2', 'rds'] }]);
    assert.equal(ui.shown.at(-1)?.text, 'Linked web to appdb through ec2-rds-1 and rds-ec2-1.');
  });

  it('link: Escape on the question applies nothing and refreshes nothing', async () => {
    const { ui, deps, aws } = setup([pick('web'), escape]);
    const before = aws.snapshot();
    await assert.rejects(linkInstanceToDatabase(deps, new DatabaseNode(appdb, false)), cancelled);
    ui.assertDone();
    assert.equal(ui.shown.filter((s) => s.modal).length, 1, 'cancelled at the question, after the plan');
    assert.deepEqual(aws.snapshot(), before);
    assert.deepEqual(aws.mutations(), []);
    assert.deepEqual(deps.fakeStore.reloads, []);
  });

  it('link: a re-plan that differs from the plan shown stops before any change', async () => {
    const aws = FakeAws.from(world());
    const ui = new (class extends TestUserInput {
      override showInformationMessage<T extends string>(message: string, options: vscode.MessageOptions, ...items: T[]): Promise<T | undefined> {
        // While the question is on screen, someone else makes an ec2-rds-1 in the VPC.
        if (options.modal) for (const g of consolePair(1, { ec2Id: 'sg-other1', rdsId: 'sg-other2' })) aws.addGroup(g);
        return super.showInformationMessage(message, options, ...items);
      }
    })([pick('web'), press('Link')]);
    const deps = fakeDeps({ ui, store: { instances: [web], databases: [appdb], linkApi: aws } });
    await assert.rejects(linkInstanceToDatabase(deps, new DatabaseNode(appdb, false)), /AWS changed while the plan was shown/);
    assert.deepEqual(aws.mutations(), [], 'nothing was applied');
    assert.equal(aws.calls.some((c) => c.dryRun), false, 'not even the dry run');
    assert.deepEqual(deps.fakeStore.reloads, []);
  });

  it('link: an existing valid pair is "already linked": no question, nothing changed', async () => {
    const { aws } = linkedWorld();
    const { ui, deps } = setup([], aws);
    const outcome = await linkInstanceToDatabase(deps, { region: REGION, instanceId: 'i-web', database: { kind: 'instance', id: 'appdb' } });
    assert.equal(outcome.status, 'alreadyLinked');
    assert.equal(ui.shown.some((s) => s.modal), false);
    assert.equal(ui.shown.at(-1)?.text, 'web is already linked to appdb: nothing was changed.');
    assert.deepEqual(aws.mutations(), []);
  });

  it('link by automation with confirmed: no prompt, applied in the region named', async () => {
    const { ui, deps, aws } = setup([]);
    const outcome = await linkInstanceToDatabase(deps, { region: REGION, instanceId: 'i-web', database: { kind: 'instance', id: 'appdb' }, confirmed: true });
    assert.equal(outcome.status, 'applied');
    assert.equal(ui.shown.filter((s) => s.kind === 'pick' || s.modal).length, 0);
    assert.deepEqual(deps.fakeStore.linkApiRegions, [REGION]);
    assert.ok(aws.mutations().length > 0);
  });

  it('link: wrong automation arguments fail naming the field, before AWS is read', async () => {
    const { deps, aws } = setup([]);
    await assert.rejects(linkInstanceToDatabase(deps, { region: REGION, database: { kind: 'instance', id: 'appdb' } }), (e: unknown) => e instanceof ArgumentError && /"instanceId"/.test(e.message));
    await assert.rejects(linkInstanceToDatabase(deps, { region: REGION, instanceId: 'i-web', database: { kind: 'db', id: 'appdb' } }), (e: unknown) => e instanceof ArgumentError && /database\.kind/.test(e.message));
    await assert.rejects(linkInstanceToDatabase(deps, { region: REGION, instanceId: 'i-web', database: { kind: 'instance', id: 'appdb' }, confirmed: 'yes' }), /"confirmed"/);
    assert.deepEqual(aws.calls, []);
  });

  it('unlink from its node: a destructive question with the plan, then the pair is gone', async () => {
    const { aws, link } = linkedWorld();
    const { ui, deps } = setup([press('Unlink')], aws, [link]);
    const outcome = await unlink(deps, new LinkNode(link, 'db'));
    ui.assertDone();
    const question = ui.shown.find((s) => s.modal);
    assert.deepEqual([question?.kind, question?.text, question?.detail], ['warning', 'Unlink web from appdb?', outcome.plan.join('\n')]);
    assert.equal(outcome.status, 'applied');
    assert.equal(aws.groupByName('ec2-rds-1'), undefined, 'the pair made by RDS Link is deleted');
    assert.deepEqual(deps.fakeStore.reloads, [{ region: REGION, services: ['ec2', 'rds'] }]);
    assert.equal(ui.shown.at(-1)?.text, 'Unlinked web from appdb.');
  });

  it('unlink: Escape on the question changes nothing', async () => {
    const { aws, link } = linkedWorld();
    const { ui, deps } = setup([pick(/web → appdb/), escape], aws, [link]);
    const before = aws.snapshot();
    await assert.rejects(unlink(deps), cancelled);
    assert.equal(ui.shown.filter((s) => s.modal).length, 1, 'cancelled at the question, after the plan');
    assert.deepEqual(aws.snapshot(), before);
    assert.deepEqual(deps.fakeStore.reloads, []);
  });

  it('unlink by key: an unknown key fails, no links fails, a pair already gone is "unchanged" and refreshes', async () => {
    const { aws, link } = linkedWorld();
    await assert.rejects(unlink(setup([], aws, [link]).deps, { linkKey: 'nope' }), /not among the loaded links/);
    await assert.rejects(unlink(setup([], aws).deps), /No links are loaded/);
    await assert.rejects(unlink(setup([], aws, [link]).deps, { linkKey: 7 }), (e: unknown) => e instanceof ArgumentError);
    const gone = setup([], FakeAws.from(world()), [link]);
    const outcome = await unlink(gone.deps, { linkKey: link.key, confirmed: true });
    assert.equal(outcome.status, 'unchanged');
    assert.equal(gone.ui.shown.at(-1)?.text, 'web and appdb are not linked any more: nothing to do.');
    assert.deepEqual(gone.deps.fakeStore.reloads, [{ region: REGION, services: ['ec2', 'rds'] }]);
    assert.deepEqual(gone.aws.mutations(), []);
  });
});
