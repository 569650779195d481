// What `npm start` shows first: the walkthrough "From nothing to a running app on RDS", opened in
// the first window the way scripts/start.mjs asks for it, with its steps in the course's order; a
// step's button runs its command, and the step is then checked off.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { closeBrowser, launchBrowser, openViewContainer, openWorkbench, pane, type Workbench } from '../support/browser';
import { codeServerModule, ensureCodeServer, layoutExtension } from '../support/codeServer';
import { startSandbox, type Sandbox } from '../support/sandbox';
import { pickInQuickInput, reportFailure, waitFor } from '../support/workbench';

describe('e2e: the walkthrough opens in the first window (sandbox account)', function () {
  let sandbox: Sandbox | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;
  const requests = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-e2e-walkthrough-'));

  before(async function () {
    await ensureCodeServer();
    const cs = await codeServerModule();
    const first = cs.runAtFirstWindow(requests, 'workbench.action.openWalkthrough', [cs.startWalkthrough, false]);
    sandbox = await startSandbox({ env: first.env });
    // Laid out before a browser connects: the extension host, started by the first client, finds it.
    await layoutExtension(sandbox.server.extensionsDir, first.extensionDir);
    browser = await launchBrowser();
    wb = await openWorkbench(browser, sandbox.server.url);
  });

  afterEach(reportFailure(() => wb, 'e2e-walkthrough-failed'));

  after(async function () {
    await closeBrowser(browser);
    await sandbox?.stop();
    fs.rmSync(requests, { recursive: true, force: true });
  });

  it('shows the steps in order and the first step\'s markdown; its button picks the profile and checks the step off', async function () {
    const page = wb.page;
    const walkthrough = page.locator('.gettingStartedContainer');
    await walkthrough.getByText('From nothing to a running app on RDS').first().waitFor({ state: 'visible', timeout: 60_000 });
    const steps = walkthrough.locator('.getting-started-step');
    await waitFor(async () => (await steps.count()) === 8, 30_000, async () => `steps shown: ${JSON.stringify(await steps.allInnerTexts())}`);
    const titles = (await steps.locator('.step-title').allInnerTexts()).map((t) => t.trim());
    assert.deepEqual(titles, [
      'Choose the AWS profile and regions', 'Create or pick the EC2 instance for the app', 'Create the RDS database', 'Link the instance to the database',
      'Create the database and the app user', 'Point the config at RDS', 'Deploy the app', 'When the app cannot connect',
    ]);
    // The expanded step's media: its markdown, rendered in the walkthrough's webview.
    const media = page.frameLocator('.gettingStartedContainer iframe.webview').frameLocator('iframe');
    await media.getByRole('heading', { name: 'Profile and regions' }).waitFor({ state: 'visible', timeout: 30_000 });
    await media.locator('img[alt="The EC2 Instances and RDS Databases views of the sandbox account"]').waitFor({ state: 'visible', timeout: 30_000 });
    const first = steps.first();
    const checkedOff = async (): Promise<boolean> => /\bcomplete\b/.test((await first.locator('.getting-started-step-checkbox, .codicon').first().getAttribute('class')) ?? '');
    assert.equal(await checkedOff(), false, 'the profile step is not done before its command ran');
    // The first step is the one expanded: its button runs RDS Link: Select AWS Profile….
    await first.getByRole('button', { name: 'Select AWS Profile' }).click();
    await pickInQuickInput(page, 'sandbox');
    await waitFor(checkedOff, 30_000, async () => `the profile step after its command: ${await first.evaluate((e) => e.outerHTML.slice(0, 1500))}`);
  });

  it('checks the instance step off once the views list a running instance (the context key rdsLink.hasRunningInstance works in VS Code 1.96)', async function () {
    const page = wb.page;
    const step = page.locator('.gettingStartedContainer .getting-started-step').nth(1);
    const checkedOff = async (): Promise<boolean> => /\bcomplete\b/.test((await step.locator('.getting-started-step-checkbox, .codicon').first().getAttribute('class')) ?? '');
    // The sandbox's goapp-web runs: once the EC2 view has loaded it, rdsLink.hasRunningInstance is set.
    await openViewContainer(page, 'RDS Link');
    await pane(page, 'EC2 Instances').getByRole('treeitem', { name: /^goapp-web/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await waitFor(checkedOff, 30_000, async () => `the instance step with goapp-web running: ${await step.evaluate((e) => e.outerHTML.slice(0, 1500))}`);
  });
});
