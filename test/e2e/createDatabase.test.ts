// Create RDS Database… from the EC2 tree, on goapp-web, in the sandbox account (moto): the
// wizard answered in the real quick input, the plan confirmed in the dialog, and the new DB in
// the RDS view with "Linked instances" → goapp-web; then Delete Database… on it (the menu shows
// on what RDS Link made), through the deletion protection question, checked in moto.
import * as assert from 'node:assert/strict';
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import type { Browser } from 'playwright-core';
import { clientConfig } from '../integration/aws/sandbox';
import { closeBrowser, launchBrowser, openViewContainer, openWorkbench, pane, type Workbench } from '../support/browser';
import { ensureCodeServer } from '../support/codeServer';
import { startSandbox, type Sandbox } from '../support/sandbox';
import { answerQuickInput, contextMenu, expandRow, pressDialogButton, reportFailure, waitFor, waitForNotification } from '../support/workbench';

const REGION = 'us-east-1';
const DB_ID = 'goapp-new-db';

describe('e2e: Create RDS Database… linked to goapp-web from the tree, and Delete Database… (sandbox account)', function () {
  let sandbox: Sandbox | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;
  let rdsClient: RDSClient;

  before(async function () {
    await ensureCodeServer();
    sandbox = await startSandbox();
    rdsClient = new RDSClient(clientConfig(sandbox.moto.endpoint, REGION));
    browser = await launchBrowser();
    wb = await openWorkbench(browser, sandbox.server.url);
  });

  afterEach(reportFailure(() => wb, 'e2e-create-database-failed'));

  after(async function () {
    rdsClient?.destroy();
    await closeBrowser(browser);
    await sandbox?.stop();
  });

  const describeDb = () => rdsClient.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: DB_ID })).then((out) => out.DBInstances?.[0], () => undefined);

  it('creates a DB from goapp-web\'s context menu, and the RDS view shows it with Linked instances → goapp-web', async function () {
    const { page } = wb;
    await openViewContainer(page, 'RDS Link');
    const ec2 = pane(page, 'EC2 Instances');
    await contextMenu(page, ec2, /^goapp-web/, 'Create RDS Database…', 60_000);
    const dialog = page.locator('.monaco-dialog-box');
    const asked = await answerQuickInput(page, [
      [/^Database engine/, { pick: /^MySQL/ }],
      [/version/, { pick: /./ }],
      [/^Instance class/, { pick: /db\.t4g\.micro/ }],
      [/^DB subnet group/, { pick: /goapp-private/ }],
      [/^Master password/, { pick: /Managed by RDS/ }],
      [/^Database identifier/, { type: DB_ID }],
    ], () => dialog.isVisible());
    assert.deepEqual(asked.filter((t) => /engine|class|password|identifier/i.test(t)), ['Database engine', 'Instance class', 'Master password', 'Database identifier']);
    const plan = await dialog.innerText();
    assert.match(plan, new RegExp(`Create RDS database ${DB_ID}\\?`));
    assert.match(plan, /goapp-web/);
    assert.match(plan, /ec2-rds-1/);
    await pressDialogButton(page, /^Create and Link$/);
    await waitForNotification(page, new RegExp(`${DB_ID} is available`), 120_000);

    const rds = pane(page, 'RDS Databases');
    const row = rds.getByRole('treeitem', { name: new RegExp(`^${DB_ID}`) }).first();
    await expandRow(row);
    const linked = rds.getByRole('treeitem', { name: /Linked instances/ }).first();
    await expandRow(linked);
    await rds.getByRole('treeitem', { name: /goapp-web/ }).first().waitFor({ state: 'visible', timeout: 30_000 });

    const db = await describeDb();
    assert.equal(db?.DeletionProtection, true);
    assert.equal(db?.PubliclyAccessible, false);
    assert.ok(db?.MasterUserSecret?.SecretArn, 'the master password is managed in Secrets Manager');
    assert.deepEqual(db?.TagList?.filter((t) => t.Key === 'rds-link:created-by').map((t) => t.Value), ['rds-link']);
  });

  it('Delete Database… shows on the DB it made: asked twice, deletion protection turned off in the flow, final snapshot, gone in moto', async function () {
    const { page } = wb;
    const rds = pane(page, 'RDS Databases');
    await contextMenu(page, rds, new RegExp(`^${DB_ID}`), 'Delete Database…');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dialog.innerText(), new RegExp(`Delete RDS database ${DB_ID}\\?`));
    await pressDialogButton(page, /^Delete…$/);
    await answerQuickInput(page, [[/^Final snapshot of/, { pick: /Take final snapshot/ }]], () => dialog.isVisible());
    assert.match(await dialog.innerText(), /has deletion protection on/);
    await pressDialogButton(page, /^Turn Off Deletion Protection$/);
    await answerQuickInput(page, [[/type its identifier to confirm/, { type: DB_ID }]], async () => !(await describeDb()));
    await waitForNotification(page, new RegExp(`${DB_ID} is (deleted|being deleted)`), 60_000);
    const snapshots = await rdsClient.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: DB_ID }));
    assert.match(snapshots.DBSnapshots?.[0]?.DBSnapshotIdentifier ?? '', new RegExp(`^${DB_ID}-final-\\d{8}-\\d{4}$`));
    await waitFor(async () => (await rds.getByRole('treeitem', { name: new RegExp(`^${DB_ID}`) }).count()) === 0, 30_000, async () => `${DB_ID} is still in the RDS view`);
    // The sandbox's own DB keeps no Delete…: it was not made here.
    const goappDb = rds.getByRole('treeitem', { name: /^goapp-db/ }).first();
    await goappDb.click({ button: 'right' });
    await page.locator('.context-view .action-menu-item', { hasText: 'Copy Endpoint' }).first().waitFor({ state: 'visible', timeout: 30_000 }).catch(() => undefined);
    assert.equal(await page.locator('.context-view .action-menu-item', { hasText: 'Delete Database…' }).count(), 0);
    await page.keyboard.press('Escape');
  });
});
