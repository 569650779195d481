// The endpoint offer end to end, and its undo, in headless Chromium on code-server. The sandbox
// starts with NO EC2 Instance Connect Endpoint in goapp-vpc (`eiceWithoutEndpoint`: the EC2 shim
// seeds none), so goapp-private — no public IP — is reachable by no route: Create Database
// (Schema)… on goapp-db ends in the three-ways question; "Create an EC2 Instance Connect
// Endpoint" → the instance's subnet → the VPC's default group → the plan (the rule "TCP 22 from
// default" on goapp-private's group) → Create. The shim creates it (create-in-progress, then
// create-complete) and mounts it on the EICE stand-in, and the schema goes on through it. Then
// Undo in the ready message: the plan, Delete, and the endpoint is delete-complete (asked of the
// shim) and exactly the rule it added is gone from moto (DescribeSecurityGroupRules), the
// sandbox's own rule on that group kept.
import * as assert from 'node:assert/strict';
import { DescribeInstanceConnectEndpointsCommand, DescribeSecurityGroupRulesCommand, EC2Client, type SecurityGroupRule } from '@aws-sdk/client-ec2';
import * as mysql from 'mysql2/promise';
import type { Browser, Page } from 'playwright-core';
import { closeBrowser, launchBrowser, openViewContainer, openWorkbench, pane, type Workbench } from '../support/browser';
import { ensureCodeServer } from '../support/codeServer';
import { startSandbox, type Sandbox } from '../support/sandbox';
import { clickNotificationButton, extensionLog, pickInQuickInput, reportFailure, waitForNotification } from '../support/workbench';
import { clientConfig } from '../integration/aws/sandbox';
import { SANDBOX_PRIVATE_INSTANCE } from '../integration/aws/sandboxEice';
import { assertGoappMigrated, createGoappSchema, linkGoappWeb } from './goapp';

const REGION = 'us-east-1';

async function rulesOf(endpoint: string, groupId: string): Promise<SecurityGroupRule[]> {
  const ec2 = new EC2Client(clientConfig(endpoint, REGION));
  try {
    return (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }))).SecurityGroupRules ?? [];
  } finally {
    ec2.destroy();
  }
}

async function quickPickTitled(page: Page, title: string): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ state: 'visible', timeout: 30_000 });
}

/** The offer, answered: create, the first subnet (the instance's), the first group (default), the plan accepted. */
async function acceptTheOffer(page: Page, instanceGroupId: string): Promise<void> {
  await quickPickTitled(page, 'How can VS Code reach goapp-db?');
  const why = (await page.locator('.quick-input-widget .quick-input-box input').getAttribute('placeholder')) ?? '';
  assert.match(why, /no public IP and its VPC has no EC2 Instance Connect Endpoint\. Three ways on: create an EC2 Instance Connect Endpoint.*make the instance reachable.*local port/, why);
  await pickInQuickInput(page, 'Create an EC2 Instance Connect Endpoint');
  await quickPickTitled(page, 'The endpoint\'s subnet');
  assert.match(await page.locator('.quick-input-widget .monaco-list-row').first().innerText(), /The instance's own subnet/);
  await page.keyboard.press('Enter');
  await quickPickTitled(page, 'The endpoint\'s security group');
  assert.match(await page.locator('.quick-input-widget .monaco-list-row').first().innerText(), /^default/);
  await page.keyboard.press('Enter');
  const dialog = page.locator('.monaco-dialog-box').filter({ hasText: 'Create an EC2 Instance Connect Endpoint for' });
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  const plan = await dialog.innerText();
  assert.match(plan, new RegExp(`Add to the instance's group ${instanceGroupId} an inbound rule: TCP 22 from sg-`), plan);
  await dialog.locator('.monaco-button', { hasText: /^Create$/ }).click();
}

describe('e2e: the offer to create an EC2 Instance Connect Endpoint, the work through it, and its undo', function () {
  let sandbox: Sandbox | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;

  before(async function () {
    await ensureCodeServer();
    sandbox = await startSandbox({ databases: true, eice: true, eiceWithoutEndpoint: true });
    browser = await launchBrowser();
    wb = await openWorkbench(browser, sandbox.server.url);
  });

  afterEach(
    reportFailure(() => wb, 'eice-offer-failed', () => {
      console.log(`    EICE stand-in:\n      ${(sandbox?.eice?.standIn.events ?? []).map((e) => `${e.kind} ${e.detail}`).join('\n      ')}`);
      if (sandbox) console.log(`    extension log:\n${extensionLog(sandbox.server.userDataDir).split('\n').slice(-40).join('\n')}`);
    }),
  );

  after(async function () {
    await closeBrowser(browser).catch((e: unknown) => console.error('stopping the browser:', e));
    await sandbox?.stop().catch((e: unknown) => console.error('stopping the sandbox:', e));
  });

  it('no endpoint: the schema asks the three ways, creates an endpoint after its plan, and goes on through it; Undo deletes it and its one rule', async function () {
    const { page } = wb;
    const eice = sandbox?.eice;
    const maria = sandbox?.databases?.maria;
    assert.ok(sandbox && eice && maria);
    assert.equal(eice.endpoint, undefined, 'the sandbox seeded no endpoint');
    const groupRulesBefore = await rulesOf(sandbox.moto.endpoint, eice.instanceGroupId);
    await openViewContainer(page, 'RDS Link');
    await pane(page, 'EC2 Instances').getByRole('treeitem', { name: new RegExp(`^${SANDBOX_PRIVATE_INSTANCE}`) }).first().waitFor({ state: 'visible', timeout: 60_000 });
    const rds = pane(page, 'RDS Databases');
    await linkGoappWeb(page, rds, undefined, SANDBOX_PRIVATE_INSTANCE);
    await createGoappSchema(page, rds, { rowTimeoutMs: 60_000, toastTimeoutMs: 120_000, afterRun: () => acceptTheOffer(page, eice.instanceGroupId) });

    // The endpoint the shim made, tagged with the rule added for it; the work went through it.
    assert.equal(eice.shim.created.length, 1);
    const created = eice.shim.created[0];
    assert.equal(created.state, 'create-complete');
    assert.equal(created.tags?.['rds-link:created-by'], 'rds-link');
    const [ruleGroup, ruleId] = (created.tags?.['rds-link:ssh-rule'] ?? '').split(' ');
    assert.equal(ruleGroup, eice.instanceGroupId);
    const added = (await rulesOf(sandbox.moto.endpoint, eice.instanceGroupId)).find((r) => r.SecurityGroupRuleId === ruleId);
    assert.ok(added && added.FromPort === 22 && added.ReferencedGroupInfo?.GroupId === created.securityGroupIds[0], JSON.stringify(added));
    const log = extensionLog(sandbox.server.userDataDir);
    assert.match(log, new RegExp(`Route to goapp-db: .*through EC2 Instance Connect Endpoint ${created.id} to its private IP`), log);
    assert.ok(eice.standIn.events.some((e) => e.kind === 'tunnel' && e.detail === `${created.id} → ${eice.privateIp}:22`), 'the tunnel went through the new endpoint');
    const root = await mysql.createConnection({ socketPath: maria.socketPath, user: maria.user, password: maria.password });
    try {
      await assertGoappMigrated(root);
    } finally {
      await root.end();
    }

    // Undo, from the ready message: the plan names the endpoint and that rule; Delete.
    await clickNotificationButton(page, new RegExp(`${created.id} is ready; .* is reached through it`), 'Undo', true);
    const dialog = page.locator('.monaco-dialog-box').filter({ hasText: `Delete the EC2 Instance Connect Endpoint ${created.id}?` });
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dialog.innerText(), new RegExp(`Revoke the rule ${ruleId} on the instance's group ${eice.instanceGroupId}`));
    await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
    await waitForNotification(page, new RegExp(`Deleted the EC2 Instance Connect Endpoint ${created.id}\\. Revoked the rule ${ruleId} on ${eice.instanceGroupId}\\.`), 60_000);

    assert.deepEqual(eice.shim.deleted, [created.id]);
    const shimEc2 = new EC2Client(clientConfig(eice.shim.endpoint, REGION));
    try {
      const state = (await shimEc2.send(new DescribeInstanceConnectEndpointsCommand({ InstanceConnectEndpointIds: [created.id] }))).InstanceConnectEndpoints?.[0]?.State;
      assert.equal(state, 'delete-complete');
    } finally {
      shimEc2.destroy();
    }
    const groupRulesAfter = await rulesOf(sandbox.moto.endpoint, eice.instanceGroupId);
    assert.ok(!groupRulesAfter.some((r) => r.SecurityGroupRuleId === ruleId), 'the rule it added is gone');
    assert.deepEqual(groupRulesAfter.map((r) => r.SecurityGroupRuleId).sort(), groupRulesBefore.map((r) => r.SecurityGroupRuleId).sort(), 'the group\'s other rules are as before');
  });
});
