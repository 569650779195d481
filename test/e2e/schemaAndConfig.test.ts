// Creating the app's schema on goapp-db from the tree (moto for AWS, a real MariaDB behind the
// local-port route standing in for the RDS server), then pointing the sample project's
// config.yaml at it with the quick-fix, and undoing that in one step.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as mysql from 'mysql2/promise';
import type { Browser, Page } from 'playwright-core';
import { startMariaDb, type MariaDbServer } from '../integration/support';
import { closeBrowser, launchBrowser, openViewContainer, openWorkbench, pane, runCommand, screenshot, type Workbench } from '../support/browser';
import { ensureCodeServer } from '../support/codeServer';
import { startSandbox, type Sandbox } from '../support/sandbox';

/** What moto puts in goapp-db's RDS-managed master secret. */
const MASTER_USER = 'admin';
const MASTER_PASSWORD = 'P@55w0rd!';
const ENDPOINT = 'goapp-db.aaaaaaaaaa.us-east-1.rds.amazonaws.com';

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
    maria = await startMariaDb();
    // The login the managed secret in moto holds: the extension reads it from Secrets Manager.
    const root = await rootConnection();
    try {
      for (const host of ['%', 'localhost', '127.0.0.1']) {
        await root.query('CREATE USER ?@? IDENTIFIED BY ?', [MASTER_USER, host, MASTER_PASSWORD]);
        await root.query('GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION', [MASTER_USER, host]);
      }
    } finally {
      await root.end();
    }
    sandbox = await startSandbox({
      settings: { 'rdsLink.connections': { 'goapp-db': { route: 'localPort', localPort: `127.0.0.1:${maria.port}`, tls: 'off' } } },
    });
    originalConfig = fs.readFileSync(path.join(sandbox.workspace, 'config.yaml'), 'utf8');
    browser = await launchBrowser();
    wb = await openWorkbench(browser, sandbox.server.url);
    timings.push(`setup ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      const file = await screenshot(wb.page, 'e2e-schema-config-failed').catch(() => undefined);
      if (file) console.log(`    screenshot: ${file}`);
      if (wb.errors.length) console.log(`    browser errors:\n      ${wb.errors.slice(-20).join('\n      ')}`);
    }
  });

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
    const rds = pane(page, 'RDS Databases');
    const row = rds.getByRole('treeitem', { name: /^goapp-db/ }).first();
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    await row.click({ button: 'right' });
    const item = page.locator('.context-view .action-menu-item', { hasText: 'Create Database (Schema)…' }).first();
    await item.hover();
    await page.keyboard.press('Enter');

    const widget = page.locator('.quick-input-widget');
    const input = widget.locator('.quick-input-box input');
    // The database name.
    await widget.locator('.quick-input-title', { hasText: 'Create a database on goapp-db' }).waitFor({ state: 'visible', timeout: 30_000 });
    await input.fill('goapp');
    await page.waitForTimeout(200);
    await page.keyboard.press('Enter');
    // Both options, checked by default.
    await widget.locator('.quick-input-title', { hasText: 'Also, on goapp-db:' }).waitFor({ state: 'visible', timeout: 30_000 });
    const options = widget.locator('.monaco-list-row');
    await options.filter({ hasText: 'Create an app user' }).waitFor({ state: 'visible', timeout: 30_000 });
    await options.filter({ hasText: "Run the project's schema SQL (2 files)" }).waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await widget.locator('.monaco-list-row input[type=checkbox]:checked, .monaco-list-row .monaco-custom-toggle.checked').count(), 2, 'both options are checked');
    await page.keyboard.press('Enter');
    // The app user's name: the suggested one.
    await widget.locator('.quick-input-title', { hasText: 'App user name' }).waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await input.inputValue(), 'goapp_app');
    await page.keyboard.press('Enter');
    // The migration plan.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const plan = await dialog.innerText();
    assert.match(plan, /Run 2 SQL files on goapp-db\.goapp/);
    assert.ok(plan.indexOf('000001_create_todos.up.sql') >= 0 && plan.indexOf('000001_create_todos.up.sql') < plan.indexOf('000002_add_users.up.sql'), plan);
    await screenshot(page, 'schema-plan');
    await dialog.locator('.monaco-button', { hasText: /^Run$/ }).click();
    const toast = page.locator('.notifications-toasts .notification-list-item').filter({ hasText: /Created goapp on goapp-db/ }).first();
    await toast.waitFor({ state: 'visible', timeout: 90_000 });
    const message = await toast.innerText();
    assert.match(message, /User goapp_app can use it\./);
    assert.match(message, /2 migration files applied\./);
    timings.push(`create schema from the tree ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // The progress toast is gone once the connection is closed.
    await page.locator('.notifications-toasts .notification-list-item').filter({ hasText: /Creating goapp on goapp-db/ }).waitFor({ state: 'hidden', timeout: 30_000 });
    console.log(`    screenshot: ${await screenshot(page, 'schema-created')}`);

    const root = await rootConnection();
    try {
      const [dbs] = await root.query<mysql.RowDataPacket[]>('SHOW DATABASES');
      assert.ok(dbs.map((r) => r.Database).includes('goapp'), JSON.stringify(dbs));
      const [tables] = await root.query<mysql.RowDataPacket[]>("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'goapp' ORDER BY TABLE_NAME");
      assert.deepEqual(tables.map((r) => r.t), ['schema_migrations', 'todos', 'users']);
      const [cols] = await root.query<mysql.RowDataPacket[]>("SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'goapp' AND TABLE_NAME = 'todos' AND COLUMN_NAME = 'user_id'");
      assert.equal(cols.length, 1, 'the second migration added todos.user_id');
      const [versions] = await root.query<mysql.RowDataPacket[]>('SELECT version, dirty FROM goapp.schema_migrations');
      assert.deepEqual(versions.map((r) => [Number(r.version), Number(r.dirty)]), [[2, 0]]);
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

    // Ctrl+. lists the quick-fixes on the host line; the workspace's target is among them.
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Point at RDS goapp-db (goapp)' }).first();
    for (let attempt = 0; ; attempt++) {
      await page.keyboard.press('Control+.');
      try {
        await fix.waitFor({ state: 'visible', timeout: 10_000 });
        break;
      } catch (err) {
        // The target reaches the provider a moment after the click on the notification.
        if (attempt >= 5) throw err;
        await page.keyboard.press('Escape');
        await page.waitForTimeout(1000);
      }
    }
    // The action widget takes the keyboard (a pointer block covers it until the mouse moves):
    // walk the focus down to the fix, then apply it.
    const focused = page.locator('.action-widget .monaco-list-row.focused').first();
    for (let i = 0; (await focused.getAttribute('aria-label')) !== 'Point at RDS goapp-db (goapp)'; i++) {
      if (i > 10) assert.fail(`the fix is not reachable: ${await page.locator('.action-widget').innerText()}`);
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await page.locator('.notifications-toasts').getByText(/Pointed config\.yaml at goapp-db \(goapp\)\. Undo reverts it\./).waitFor({ state: 'visible', timeout: 30_000 });

    await editor.locator('.view-lines').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+S');
    const file = path.join(sandbox?.workspace ?? '', 'config.yaml');
    const patched = await waitForFile(file, (text) => text !== originalConfig);
    const password = /^ {2}password: "(.*)"$/m.exec(patched)?.[1] ?? '';
    assert.match(password, /^[A-Za-z0-9._-]{32}$/, `the generated password in:\n${patched}`);
    const expected = originalConfig
      .replace('  host: localhost # local MySQL for development\n', `  host: ${ENDPOINT} # local MySQL for development\n`)
      .replace('  user: goapp\n', '  user: goapp_app\n')
      .replace('  password: "devpassword"\n', `  password: "${password}"\n`)
      .replace('  name: goapp_dev\n', '  name: goapp\n');
    assert.notEqual(expected, originalConfig);
    assert.equal(patched, expected);
    assert.match(patched, /\nredis:\n {2}host: localhost\n {2}port: 6379\n$/, 'the redis section is unchanged');
    assert.equal(await editorText(page), expected);

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

/** Clicks "Use in This Workspace" on the success notification (from the notification centre if the toast is gone). */
async function useInWorkspace(page: Page): Promise<void> {
  const button = (scope: string) =>
    page.locator(`${scope} .notification-list-item`).filter({ hasText: /Created goapp on goapp-db/ }).first().locator('.monaco-button', { hasText: 'Use in This Workspace' }).first();
  const toast = button('.notifications-toasts');
  if (await toast.isVisible()) {
    await toast.click();
  } else {
    await runCommand(page, 'Notifications: Show Notifications');
    const inCenter = button('.notifications-center');
    await inCenter.waitFor({ state: 'visible', timeout: 10_000 });
    await inCenter.click();
    await page.keyboard.press('Escape');
  }
}

/** Opens config.yaml from the Explorer. */
async function openConfigYaml(page: Page): Promise<void> {
  await openViewContainer(page, 'Explorer');
  const row = page.locator('.part.sidebar .explorer-folders-view .monaco-list-row', { hasText: /^config\.yaml$/ }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click();
  await page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'database:' }).first().waitFor({ state: 'visible', timeout: 30_000 });
}

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

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, describe: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(await describe());
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function waitForFile(file: string, ok: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
  let text = '';
  await waitFor(async () => ok((text = fs.readFileSync(file, 'utf8'))), timeoutMs, async () => `${file} after saving:\n${text}`);
  return text;
}
