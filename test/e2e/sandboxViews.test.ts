// The views against the seeded sandbox account in moto, and a link made from the tree with the
// mouse, checked in moto afterwards.
import * as assert from 'node:assert/strict';
import { CreateSubnetCommand, CreateVpcCommand, DescribeSecurityGroupsCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeBlueGreenDeploymentsCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import type { Browser } from 'playwright-core';
import { clientConfig } from '../integration/aws/sandbox';
import { closeBrowser, launchBrowser, openViewContainer, openWorkbench, pane, runCommand, screenshot, type Workbench } from '../support/browser';
import { ensureCodeServer } from '../support/codeServer';
import { startSandbox, type Sandbox } from '../support/sandbox';
import { acceptQuickInput, contextMenu, expandRow, pickInQuickInput, reportFailure, waitForNotification } from '../support/workbench';

describe('e2e: the views and linking against the sandbox account (moto)', function () {
  let sandbox: Sandbox | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;

  before(async function () {
    await ensureCodeServer();
    sandbox = await startSandbox();
    browser = await launchBrowser();
    wb = await openWorkbench(browser, sandbox.server.url);
  });

  afterEach(reportFailure(() => wb, 'e2e-sandbox-failed'));

  after(async function () {
    await closeBrowser(browser);
    await sandbox?.stop();
  });

  it('shows the seeded instances and databases, with the session in the status bar', async function () {
    const { page } = wb;
    await openViewContainer(page, 'RDS Link');
    const ec2 = pane(page, 'EC2 Instances');
    for (const name of ['goapp-web', 'goapp-worker', 'old-batch']) {
      await ec2.getByRole('treeitem', { name: new RegExp(name) }).first().waitFor({ state: 'visible', timeout: 60_000 });
    }
    const rds = pane(page, 'RDS Databases');
    for (const name of ['goapp-db', 'legacy-mysql', 'billing-postgres', 'reports-aurora']) {
      await rds.getByRole('treeitem', { name: new RegExp(name) }).first().waitFor({ state: 'visible', timeout: 30_000 });
    }
    assert.match(await ec2.getByRole('treeitem', { name: /goapp-worker/ }).first().innerText(), /stopped/);
    // A narrow sidebar cuts the description: the state is in the icon and the accessible name, not in words at its end.
    const postgresRow = rds.getByRole('treeitem', { name: /billing-postgres/ }).first();
    assert.doesNotMatch(await postgresRow.innerText(), /not supported/);
    assert.match((await postgresRow.getAttribute('aria-label')) ?? '', /MySQL tools unavailable/);
    await page.locator('.statusbar-item').filter({ hasText: 'sandbox · 123456789012' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.mouse.move(900, 600);
    console.log(`    screenshot: ${await screenshot(page, 'sandbox-trees')}`);
  });

  it('links goapp-web to goapp-db from the tree: plan, confirm, and the groups exist in moto', async function () {
    const { page } = wb;
    const rds = pane(page, 'RDS Databases');
    await contextMenu(page, rds, /goapp-db/, 'Link EC2 Instance to RDS Database…');
    await pickInQuickInput(page, 'goapp-web');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const planText = await dialog.innerText();
    assert.match(planText, /ec2-rds-1/);
    assert.match(planText, /rds-ec2-1/);
    console.log(`    screenshot: ${await screenshot(page, 'sandbox-link-plan')}`);
    await dialog.locator('.monaco-button', { hasText: /^Link$/ }).click();
    await waitForNotification(page, /Linked goapp-web to goapp-db/, 60_000);

    const endpoint = sandbox?.moto.endpoint ?? '';
    const ec2 = new EC2Client(clientConfig(endpoint, 'us-east-1'));
    const rdsClient = new RDSClient(clientConfig(endpoint, 'us-east-1'));
    try {
      const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['ec2-rds-1', 'rds-ec2-1'] }] }))).SecurityGroups ?? [];
      assert.deepEqual(groups.map((g) => g.GroupName).sort(), ['ec2-rds-1', 'rds-ec2-1']);
      const rdsSide = groups.find((g) => g.GroupName === 'rds-ec2-1');
      const db = (await rdsClient.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'goapp-db' }))).DBInstances?.[0];
      assert.ok(db?.VpcSecurityGroups?.some((g) => g.VpcSecurityGroupId === rdsSide?.GroupId), 'rds-ec2-1 is attached to goapp-db');
    } finally {
      ec2.destroy();
      rdsClient.destroy();
    }
    // The tree shows the link under the DB.
    await expandRow(rds.getByRole('treeitem', { name: /goapp-db/ }).first());
    await rds.getByRole('treeitem', { name: /Linked instances/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.mouse.move(900, 600);
    console.log(`    screenshot: ${await screenshot(page, 'sandbox-linked')}`);
  });

  it('links billing-postgres from the tree on 5432; the picker shows an instance in another VPC and the terminated one as not linkable, last, with the reason', async function () {
    const { page } = wb;
    // An instance in a VPC of its own, made behind the extension's back, then a refresh.
    const ec2Client = new EC2Client(clientConfig(sandbox?.moto.endpoint ?? '', 'us-east-1'));
    try {
      const vpc = await ec2Client.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }));
      const subnet = await ec2Client.send(new CreateSubnetCommand({ VpcId: vpc.Vpc?.VpcId, CidrBlock: '10.30.1.0/24' }));
      await ec2Client.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, SubnetId: subnet.Subnet?.SubnetId, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'other-vpc-web' }] }] }));
    } finally {
      ec2Client.destroy();
    }
    await runCommand(page, 'RDS Link: Refresh');
    await pane(page, 'EC2 Instances').getByRole('treeitem', { name: /other-vpc-web/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
    const rds = pane(page, 'RDS Databases');
    await contextMenu(page, rds, /billing-postgres/, 'Link EC2 Instance to RDS Database…');
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    await rows.first().waitFor({ state: 'visible', timeout: 30_000 });
    const texts = await rows.allInnerTexts();
    const refused = texts.slice(-2).join(' | ');
    assert.match(refused, /old-batch[^|]*terminated: there is nothing to link/, texts.join(' | '));
    assert.match(refused, /other-vpc-web[^|]*vpc-[^|]*A security-group link works only within one VPC/, texts.join(' | '));
    assert.doesNotMatch(texts.slice(0, -2).join(' | '), /nothing to link|only within one VPC/);
    await pickInQuickInput(page, 'goapp-web');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dialog.innerText(), /ec2-rds-2/);
    await dialog.locator('.monaco-button', { hasText: /^Link$/ }).click();
    await waitForNotification(page, /Linked goapp-web to billing-postgres/, 60_000);
    const ec2 = new EC2Client(clientConfig(sandbox?.moto.endpoint ?? '', 'us-east-1'));
    try {
      const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['ec2-rds-2', 'rds-ec2-2'] }] }))).SecurityGroups ?? [];
      const rdsSide = groups.find((g) => g.GroupName === 'rds-ec2-2');
      assert.deepEqual(rdsSide?.IpPermissions?.map((p) => [p.FromPort, p.ToPort]), [[5432, 5432]]);
    } finally {
      ec2.destroy();
    }
  });

  it('creates a Blue/Green deployment for legacy-mysql from the tree and switches it over', async function () {
    const { page } = wb;
    const rds = pane(page, 'RDS Databases');
    // Not offered where the preflight refuses at once (goapp-db's master password is managed); its tooltip says why.
    await rds.getByRole('treeitem', { name: /^goapp-db/ }).first().click({ button: 'right' });
    const menu = page.locator('.context-view .action-menu-item');
    await menu.first().waitFor({ state: 'visible', timeout: 30_000 });
    const offered = await menu.allInnerTexts();
    assert.ok(offered.some((x) => /Link EC2 Instance/.test(x)), offered.join(' | '));
    assert.ok(!offered.some((x) => /Create Blue\/Green/.test(x)), offered.join(' | '));
    await page.keyboard.press('Escape');
    await contextMenu(page, rds, /^legacy-mysql/, 'Create Blue/Green Deployment…');
    // moto does not implement DescribeDBEngineVersions: the picker says why only the current version is offered.
    const versionInput = page.locator('.quick-input-widget .quick-input-box input');
    await page.locator('.quick-input-widget .quick-input-title').filter({ hasText: /Engine version for green/ }).waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await versionInput.getAttribute('placeholder')) ?? '', /could not be listed [\s\S]*only its current version is offered/);
    await acceptQuickInput(page, 'pick'); // engine version (moto lists no upgrade targets: the current one)
    await acceptQuickInput(page, 'pick'); // parameter group (the recommended one)
    await acceptQuickInput(page, 'pick'); // instance class (the current one)
    await acceptQuickInput(page, 'input'); // the suggested name
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    await dialog.locator('.monaco-button', { hasText: /^Create$/ }).click();
    await waitForNotification(page, /is ready to switch over/, 120_000);

    await expandRow(rds.getByRole('treeitem', { name: /^legacy-mysql/ }).first());
    const bgRow = rds.getByRole('treeitem', { name: /legacy-mysql-bg-/ }).first();
    await bgRow.waitFor({ state: 'visible', timeout: 30_000 });
    await page.mouse.move(900, 600);
    console.log(`    screenshot: ${await screenshot(page, 'sandbox-blue-green')}`);
    // The green copy says whose green it is.
    const greenRow = rds.getByRole('treeitem', { name: /^legacy-mysql-green-/ }).first();
    await greenRow.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await greenRow.innerText(), /green of legacy-mysql/);
    await contextMenu(page, rds, /legacy-mysql-bg-/, 'Switch Over Blue/Green Deployment…');
    await acceptQuickInput(page, 'input'); // the default timeout, 300 s
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dialog.innerText(), /-old1/);
    await dialog.locator('.monaco-button', { hasText: /^Switch Over$/ }).click();
    await waitForNotification(page, /^Switched over/, 120_000);
    // After it, the deployment shows under the production DB too, as production, not as blue.
    await expandRow(rds.getByRole('treeitem', { name: /^legacy-mysql,/ }).first());
    const underProduction = rds.getByRole('treeitem', { name: /legacy-mysql-bg-/ }).filter({ hasText: /production since the switchover/ }).first();
    await underProduction.waitFor({ state: 'visible', timeout: 30_000 });
    assert.doesNotMatch(await underProduction.innerText(), /· blue/);

    const rdsClient = new RDSClient(clientConfig(sandbox?.moto.endpoint ?? '', 'us-east-1'));
    try {
      const deployments = (await rdsClient.send(new DescribeBlueGreenDeploymentsCommand({}))).BlueGreenDeployments ?? [];
      assert.deepEqual(deployments.map((d) => d.Status), ['SWITCHOVER_COMPLETED']);
      const ids = ((await rdsClient.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((d) => d.DBInstanceIdentifier);
      assert.ok(ids.includes('legacy-mysql-old1'), ids.join(', '));
      assert.ok(ids.includes('legacy-mysql'));
    } finally {
      rdsClient.destroy();
    }
  });
});
