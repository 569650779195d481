// Creating the app's schema on goapp-db from the tree (moto for AWS, a real MariaDB behind the
// local-port route standing in for the RDS server), then pointing the sample project's
// config.yaml at it with the quick-fix, and undoing that in one step.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as mysql from 'mysql2/promise';
import type { Browser, Page } from 'playwright-core';
import { SANDBOX_MASTER_PASSWORD, SANDBOX_MASTER_USER } from '../integration/aws/sandboxDatabase';
import { startMariaDb, type MariaDbServer } from '../integration/support';
import { closeBrowser, launchBrowser, openViewContainer, openWorkbench, pane, screenshot, type Workbench } from '../support/browser';
import { ensureCodeServer } from '../support/codeServer';
import { startSandbox, type Sandbox } from '../support/sandbox';
import { openQuickFix, reportFailure, useInWorkspace, waitFor, waitForFile, waitForNotification } from '../support/workbench';
import { assertGoappMigrated, createGoappSchema, expectPatchedConfig, openConfigYaml } from './goapp';

describe('e2e: create a schema from the tree and point config.yaml at it', function () {
  let maria: MariaDbServer | undefined;
  let sandbox: Sandbox | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;
  let originalConfig = '';
  const timings: string[] = [];

  const rootConnection = (): Promise<mysql.Connection> => {
    if (!maria) throw new Error('MariaDB is not running');
    return mysql.createConnection({ host: maria.host, port: maria.port, user: maria.user, password: maria.password });
  };

  before(async function () {
    const t0 = Date.now();
    // A failure here still runs after(), which stops whatever was started.
    await ensureCodeServer();
    // With the login goapp-db's managed secret in moto holds: the extension reads it from Secrets Manager.
    maria = await startMariaDb({ users: [{ user: SANDBOX_MASTER_USER, password: SANDBOX_MASTER_PASSWORD }] });
    sandbox = await startSandbox({
      settings: { 'rdsLink.connections': { 'goapp-db': { route: 'localPort', localPort: `127.0.0.1:${maria.port}`, tls: 'off' } } },
    });
    originalConfig = fs.readFileSync(path.join(sandbox.workspace, 'config.yaml'), 'utf8');
    browser = await launchBrowser();
    wb = await openWorkbench(browser, sandbox.server.url);
    timings.push(`setup ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  afterEach(reportFailure(() => wb, 'e2e-schema-config-failed'));

  after(async function () {
    const stops: [string, () => Promise<void>][] = [
      ['browser', () => closeBrowser(browser)],
      ['sandbox', async () => sandbox?.stop()],
      ['MariaDB', async () => maria?.stop()],
    ];
    for (const [what, stop] of stops) {
      await stop().catch((e: unknown) => console.error(`stopping ${what}:`, e));
    }
    if (timings.length) console.log(`    timings: ${timings.join(', ')}`);
  });

  it('creates goapp with an app user and the project migrations from the tree (SHOW DATABASES)', async function () {
    const t0 = Date.now();
    const { page } = wb;
    await openViewContainer(page, 'RDS Link');
    await createGoappSchema(page, pane(page, 'RDS Databases'), {
      rowTimeoutMs: 60_000,
      toastTimeoutMs: 90_000,
      // Both options, checked by default.
      onOptions: async (widget) => {
        await widget.locator('.monaco-list-row').filter({ hasText: 'Create an app user' }).waitFor({ state: 'visible', timeout: 30_000 });
        assert.equal(await widget.locator('.monaco-list-row input[type=checkbox]:checked, .monaco-list-row .monaco-custom-toggle.checked').count(), 2, 'both options are checked');
      },
      // The migrations in order.
      onPlan: async (plan) => {
        assert.ok(plan.indexOf('000001_create_todos.up.sql') >= 0 && plan.indexOf('000001_create_todos.up.sql') < plan.indexOf('000002_add_users.up.sql'), plan);
        await screenshot(page, 'schema-plan');
      },
    });
    timings.push(`create schema from the tree ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // The progress toast is gone once the connection is closed.
    await page.locator('.notifications-toasts .notification-list-item').filter({ hasText: /Creating goapp on goapp-db/ }).waitFor({ state: 'hidden', timeout: 30_000 });
    console.log(`    screenshot: ${await screenshot(page, 'schema-created')}`);

    const root = await rootConnection();
    try {
      const [dbs] = await root.query<mysql.RowDataPacket[]>('SHOW DATABASES');
      assert.ok(dbs.map((r) => r.Database).includes('goapp'), JSON.stringify(dbs));
      await assertGoappMigrated(root);
      const [accounts] = await root.query<mysql.RowDataPacket[]>("SELECT Host AS h FROM mysql.user WHERE User = 'goapp_app'");
      assert.deepEqual(accounts.map((r) => r.h), ['%']);
      const [grantRows] = await root.query<mysql.RowDataPacket[]>("SHOW GRANTS FOR 'goapp_app'@'%'");
      const grants = grantRows.map((r) => String(Object.values(r)[0]));
      const onGoapp = grants.filter((g) => /^GRANT .+ ON `goapp`\.\* TO /.test(g));
      const others = grants.filter((g) => !onGoapp.includes(g) && !/^GRANT USAGE ON \*\.\* TO /.test(g));
      assert.ok(onGoapp.length > 0, grants.join('\n'));
      assert.deepEqual(others, [], `grants beyond goapp.*:\n${grants.join('\n')}`);
      // USAGE on *.* grants nothing; make sure it carries no global privilege either.
      assert.ok(grants.every((g) => !/^GRANT (?!USAGE).* ON \*\.\*/.test(g)), grants.join('\n'));
    } finally {
      await root.end();
    }
  });

  it('uses goapp in this workspace and points config.yaml at it with the quick-fix', async function () {
    const t0 = Date.now();
    const { page } = wb;
    await useInWorkspace(page);

    await openConfigYaml(page);
    const editor = page.locator('.editor-instance .monaco-editor').first();
    // The Hint diagnostics (VS Code draws hints as three faint dots, not a squiggle).
    await editor.locator('.squiggly-hint').first().waitFor({ state: 'attached', timeout: 60_000 });
    const hostLine = editor.locator('.view-line', { hasText: 'host: localhost # local MySQL' }).first();
    await hostLine.getByText('localhost').first().click();

    // Ctrl+. lists the quick-fixes on the host line; the workspace's target is among them (it
    // reaches the provider a moment after the click on the notification).
    await openQuickFix(page, 'Point at RDS goapp-db (goapp)');
    // The action widget takes the keyboard (a pointer block covers it until the mouse moves):
    // walk the focus down to the fix, then apply it.
    const focused = page.locator('.action-widget .monaco-list-row.focused').first();
    for (let i = 0; (await focused.getAttribute('aria-label')) !== 'Point at RDS goapp-db (goapp)'; i++) {
      if (i > 10) assert.fail(`the fix is not reachable: ${await page.locator('.action-widget').innerText()}`);
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await waitForNotification(page, /Pointed config\.yaml at goapp-db \(goapp\)\. Undo reverts it\./, 30_000);

    await editor.locator('.view-lines').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+S');
    const { patched, password } = await expectPatchedConfig(path.join(sandbox?.workspace ?? '', 'config.yaml'), originalConfig);
    assert.match(patched, /\nredis:\n {2}host: localhost\n {2}port: 6379\n$/, 'the redis section is unchanged');
    assert.equal(await editorText(page), patched);

    // The password written is the app user's: it logs in to goapp (and sees only it).
    const app = await mysql.createConnection({ host: maria?.host, port: maria?.port, user: 'goapp_app', password, database: 'goapp' });
    try {
      const [dbs] = await app.query<mysql.RowDataPacket[]>('SHOW DATABASES');
      assert.deepEqual(dbs.map((r) => r.Database).filter((d) => d !== 'information_schema'), ['goapp']);
      await app.query('INSERT INTO todos (title) VALUES (?)', ['from the e2e test']);
    } finally {
      await app.end();
    }
    timings.push(`quick-fix ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // Nothing in the file points elsewhere now: the hints go away.
    await editor.locator('.squiggly-hint').first().waitFor({ state: 'detached', timeout: 10_000 });
    await page.mouse.move(900, 600);
    console.log(`    screenshot: ${await screenshot(page, 'quickfix')}`);
  });

  it('undoes the whole patch with one Ctrl+Z', async function () {
    const { page } = wb;
    const editor = page.locator('.editor-instance .monaco-editor').first();
    assert.notEqual(await editorText(page), originalConfig, 'the editor holds the patched text before the undo');
    await editor.locator('.view-lines').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+Z');
    await waitFor(async () => (await editorText(page)) === originalConfig, 10_000, async () => `editor text after one undo:\n${await editorText(page)}`);
    await page.keyboard.press('Control+S');
    await waitForFile(path.join(sandbox?.workspace ?? '', 'config.yaml'), (text) => text === originalConfig);
  });
});

/** The text of the active editor as drawn (all lines of a short file), with LF line ends. */
async function editorText(page: Page): Promise<string> {
  // Runs in the page; the test's tsconfig has no DOM types, hence the structural ones.
  type Line = { style: { top: string }; textContent: string | null };
  const lines = await page.locator('.editor-instance .monaco-editor .view-lines').first().evaluate((el: { querySelectorAll(s: string): ArrayLike<Line> }) =>
    Array.from(el.querySelectorAll('.view-line'))
      .map((l) => ({ top: parseFloat(l.style.top || '0'), text: (l.textContent ?? '').replace(/\u00a0/g, ' ') }))
      .sort((x, y) => x.top - y.top)
      .map((l) => l.text),
  );
  return lines.join('\n');
}
