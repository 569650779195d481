// Steps both goapp walkthroughs take (fullFlow.test.ts on the sandbox's TLS MariaDB behind the SSH
// stand-in, schemaAndConfig.test.ts on a MariaDB behind the local-port route): the sample
// project's schema created on goapp-db from the RDS tree, then config.yaml pointed at it.
import * as assert from 'node:assert/strict';
import type * as mysql from 'mysql2/promise';
import type { Locator, Page } from 'playwright-core';
import { openViewContainer } from '../support/browser';
import { contextMenu, pickInQuickInput, waitForFile, waitForNotification } from '../support/workbench';

/** goapp-db's endpoint in the sandbox account (moto), in us-east-1. */
export const GOAPP_DB_ENDPOINT = 'goapp-db.aaaaaaaaaa.us-east-1.rds.amazonaws.com';

export interface CreateSchemaOptions {
  /** How long the goapp-db row may take to show in the tree; default 30 s. */
  readonly rowTimeoutMs?: number;
  /** How long the migrations may take until the success toast shows. */
  readonly toastTimeoutMs: number;
  /** On the options step (both options listed), before it is accepted. */
  readonly onOptions?: (widget: Locator) => Promise<void>;
  /** On the migration plan (its text), before Run. */
  readonly onPlan?: (plan: string) => Promise<void>;
  /** After Run, while the work goes on (the route's own questions, such as the endpoint offer). */
  readonly afterRun?: () => Promise<void>;
}

/**
 * Links goapp-web (or `instance`) to goapp-db from goapp-db's context menu in `rds`: the plan names
 * the console's pair ec2-rds-1/rds-ec2-1; `onPlan` sees it before Link is clicked. Waits until the
 * tree shows the link.
 */
export async function linkGoappWeb(page: Page, rds: Locator, onPlan?: () => Promise<void>, instance = 'goapp-web'): Promise<void> {
  await contextMenu(page, rds, /^goapp-db/, 'Link EC2 Instance to RDS Database…');
  await pickInQuickInput(page, instance);
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  const plan = await dialog.innerText();
  assert.match(plan, new RegExp(`Link ${instance} to goapp-db\\?`));
  assert.match(plan, /ec2-rds-1/);
  assert.match(plan, /rds-ec2-1/);
  await onPlan?.();
  await dialog.locator('.monaco-button', { hasText: /^Link$/ }).click();
  await waitForNotification(page, new RegExp(`Linked ${instance} to goapp-db through ec2-rds-1 and rds-ec2-1`), 60_000);
  await rds.getByRole('treeitem', { name: /^goapp-db/ }).first().click();
  await rds.getByRole('treeitem', { name: /Linked instances/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
}

/**
 * Creates the goapp database on goapp-db from its context menu in `rds`, keeping the defaults
 * (an app user goapp_app, the project's two migrations), and checks the success toast's text.
 */
export async function createGoappSchema(page: Page, rds: Locator, options: CreateSchemaOptions): Promise<void> {
  await contextMenu(page, rds, /^goapp-db/, 'Create Database (Schema)…', options.rowTimeoutMs);
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  // The database name.
  await widget.locator('.quick-input-title', { hasText: 'Create a database on goapp-db' }).waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill('goapp');
  await page.waitForTimeout(200);
  await page.keyboard.press('Enter');
  // The options: an app user, and the project's schema SQL.
  await widget.locator('.quick-input-title', { hasText: 'Also, on goapp-db:' }).waitFor({ state: 'visible', timeout: 30_000 });
  await widget.locator('.monaco-list-row').filter({ hasText: "Run the project's schema SQL (2 files)" }).waitFor({ state: 'visible', timeout: 30_000 });
  await options.onOptions?.(widget);
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
  await options.onPlan?.(plan);
  await dialog.locator('.monaco-button', { hasText: /^Run$/ }).click();
  await options.afterRun?.();
  const message = await waitForNotification(page, /Created goapp on goapp-db/, options.toastTimeoutMs);
  assert.match(message, /User goapp_app can use it\./);
  assert.match(message, /2 migration files applied\./);
}

/** Checks, as root, that goapp holds the tables of both migrations, recorded as applied (version 2, clean). */
export async function assertGoappMigrated(root: mysql.Connection): Promise<void> {
  const [tables] = await root.query<mysql.RowDataPacket[]>("SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'goapp' ORDER BY TABLE_NAME");
  assert.deepEqual(tables.map((r) => r.t), ['schema_migrations', 'todos', 'users']);
  const [cols] = await root.query<mysql.RowDataPacket[]>("SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'goapp' AND TABLE_NAME = 'todos' AND COLUMN_NAME = 'user_id'");
  assert.equal(cols.length, 1, 'the second migration added todos.user_id');
  const [versions] = await root.query<mysql.RowDataPacket[]>('SELECT version, dirty FROM goapp.schema_migrations');
  assert.deepEqual(versions.map((r) => [Number(r.version), Number(r.dirty)]), [[2, 0]]);
}

/** Opens config.yaml from the Explorer. */
export async function openConfigYaml(page: Page): Promise<void> {
  await openViewContainer(page, 'Explorer');
  const row = page.locator('.part.sidebar .explorer-folders-view .monaco-list-row', { hasText: /^config\.yaml$/ }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click();
  await page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'database:' }).first().waitFor({ state: 'visible', timeout: 30_000 });
}

/**
 * Waits until config.yaml (at `file`) is saved with the quick-fix applied, and checks that only
 * the four DB values changed: host to goapp-db's endpoint, user goapp_app, a generated 32-character
 * password, database goapp. Returns the file's text and the password.
 */
export async function expectPatchedConfig(file: string, original: string): Promise<{ patched: string; password: string }> {
  const patched = await waitForFile(file, (text) => text !== original);
  const password = /^ {2}password: "(.*)"$/m.exec(patched)?.[1] ?? '';
  assert.match(password, /^[A-Za-z0-9._-]{32}$/, `the generated password in:\n${patched}`);
  const expected = original
    .replace('  host: localhost # local MySQL for development\n', `  host: ${GOAPP_DB_ENDPOINT} # local MySQL for development\n`)
    .replace('  user: goapp\n', '  user: goapp_app\n')
    .replace('  password: "devpassword"\n', `  password: "${password}"\n`)
    .replace('  name: goapp_dev\n', '  name: goapp\n');
  assert.notEqual(expected, original);
  assert.equal(patched, expected);
  return { patched, password };
}
