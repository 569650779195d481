// The built extension, unpacked in code-server's extensions dir, in a real workbench in headless
// Chromium: the RDS Link container opens from the activity bar and shows both of its views.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { closeBrowser, launchBrowser, openViewContainer, openWorkbench, pane, paneHeader, resultsDir, runCommand, screenshot, type Workbench } from '../support/browser';
import { ensureCodeServer, isolatedAwsEnv, makeGoWorkspace, repoRoot, startCodeServer, type CodeServer, type TempWorkspace } from '../support/codeServer';
import { reportFailure } from '../support/workbench';

/** The manifest's English strings, so that these tests follow the wording of package.nls.json. */
function nls(): Record<string, string> {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.nls.json'), 'utf8')) as Record<string, string>;
}

describe('e2e: RDS Link in the workbench (code-server)', function () {
  let workspace: TempWorkspace | undefined;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;

  before(async function () {
    fs.rmSync(path.join(resultsDir, 'e2e-failed.png'), { force: true }); // from an earlier run
    await ensureCodeServer(); // the first run installs it (about a minute)
    workspace = makeGoWorkspace();
    // The build is in dist/ already: scripts/test.mjs builds before it runs any layer.
    server = await startCodeServer({ workspace: workspace.folder, extensionDirs: [repoRoot], env: isolatedAwsEnv(workspace.scratch) });
    browser = await launchBrowser();
    wb = await openWorkbench(browser, server.url);
  });

  afterEach(reportFailure(() => wb, 'e2e-failed'));

  after(async function () {
    await closeBrowser(browser);
    await server?.stop();
    workspace?.dispose();
  });

  it('opens the RDS Link container with the EC2 Instances and RDS Databases views', async function () {
    const { page } = wb;
    await openViewContainer(page, 'RDS Link');
    for (const name of ['EC2 Instances', 'RDS Databases']) {
      const header = paneHeader(page, name);
      await header.waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await header.getAttribute('aria-expanded'), 'true', `the ${name} view is collapsed`);
      const body = pane(page, name).locator('.pane-body');
      await body.waitFor({ state: 'visible', timeout: 30_000 });
      // Until the extension has registered a tree for the view, the workbench says so in its body.
      const noProvider = await body.getByText(/no data provider registered/i).waitFor({ state: 'detached', timeout: 60_000 }).then(() => false, () => true);
      assert.ok(!noProvider, `the ${name} view has no tree data provider: did the extension activate?`);
      const box = await body.boundingBox();
      assert.ok(box && box.height > 20, `the ${name} view has no room to render (${JSON.stringify(box)})`);
    }
    await page.mouse.move(800, 600); // no hover tooltip in the picture
    const file = await screenshot(page, 'e2e-views');
    console.log(`    screenshot: ${file}`);
  });

  it('shows the no-credentials welcome in both views when there are no AWS credentials', async function () {
    // The server runs with an empty AWS configuration (isolatedAwsEnv): after "loading", the
    // session settles on noCredentials, and viewsWelcome shows its text in both views.
    const firstLine = nls()['welcome.noCredentials'].split('\n')[0].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').trim();
    const { page } = wb;
    for (const name of ['EC2 Instances', 'RDS Databases']) {
      await pane(page, name).locator('.pane-body').getByText(firstLine).waitFor({ state: 'visible', timeout: 60_000 });
    }
    await page.mouse.move(800, 600);
    // Overwrites the first picture with the settled state.
    const file = await screenshot(page, 'e2e-views');
    console.log(`    screenshot: ${file}`);
  });

  it('runs "RDS Link: Show Log" from the command palette and shows the RDS Link output', async function () {
    const { page } = wb;
    await runCommand(page, `RDS Link: ${nls()['command.showLog']}`);
    const channel = page.locator('.part.panel select.monaco-select-box').first();
    await channel.waitFor({ state: 'visible', timeout: 30_000 });
    // The Output view shows the channel that was asked for last.
    const deadline = Date.now() + 30_000;
    while ((await channel.inputValue()) !== 'RDS Link' && Date.now() < deadline) await page.waitForTimeout(200);
    assert.equal(await channel.inputValue(), 'RDS Link', 'the Output view does not show the RDS Link log');
  });
});
