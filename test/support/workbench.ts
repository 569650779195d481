// The workbench gestures and checks the e2e tests share, on top of browser.ts: tree rows (context
// menu, expand), the quick input, notifications, the quick-fix menu, files written by the editor,
// and the afterEach report of a failed test.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { runCommand, screenshot, type Workbench } from './browser';

/**
 * An afterEach hook: when the test failed, saves a screenshot as test-results/<name>.png and
 * prints the last browser errors, then whatever `more` prints.
 */
export function reportFailure(workbench: () => Workbench | undefined, name: string, more?: () => void): Mocha.AsyncFunc {
  return async function (this: Mocha.Context) {
    const wb = workbench();
    if (this.currentTest?.state === 'failed' && wb) {
      const file = await screenshot(wb.page, name).catch(() => undefined);
      if (file) console.log(`    screenshot: ${file}`);
      if (wb.errors.length) console.log(`    browser errors:\n      ${wb.errors.slice(-20).join('\n      ')}`);
      more?.();
    }
  };
}

/**
 * Right-clicks a tree row of `view` (once it is visible, up to `rowTimeoutMs`) and runs the entry
 * `label` of its context menu.
 */
export async function contextMenu(page: Page, view: Locator, row: RegExp, label: string, rowTimeoutMs = 30_000): Promise<void> {
  const target = view.getByRole('treeitem', { name: row }).first();
  await target.waitFor({ state: 'visible', timeout: rowTimeoutMs });
  await target.click({ button: 'right' });
  const item = page.locator('.context-view .action-menu-item', { hasText: label }).first();
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  await item.hover();
  await page.keyboard.press('Enter');
}

/**
 * Expands a tree row once it has children. A row becomes expandable only when the data behind
 * its children has loaded (links, deployments), so wait for that before clicking: a click on a
 * leaf would only select it.
 */
export async function expandRow(row: Locator): Promise<void> {
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  const started = Date.now();
  while ((await row.getAttribute('aria-expanded')) === null) {
    if (Date.now() - started > 30_000) throw new Error('the row never became expandable');
    await new Promise((r) => setTimeout(r, 200));
  }
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
}

/** Accepts what a quick pick (its first row) or an input box (its value) offers. */
export async function acceptQuickInput(page: Page, kind: 'pick' | 'input'): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'visible', timeout: 30_000 });
  if (kind === 'pick') await page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
}

/** Types `text` into the open quick pick and clicks the first row that shows it. */
export async function pickInQuickInput(page: Page, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(text);
  const row = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: text }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click();
}

/**
 * Waits until a notification says `text`, and gives its whole message (buttons included): from
 * the toast, or, since a toast hides itself after a while (sooner than a slow step on a loaded
 * machine ends, and it may hide between being seen and being read), from the notification centre.
 */
export async function waitForNotification(page: Page, text: RegExp, timeoutMs = 90_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const item = (scope: string) => page.locator(`${scope} .notification-list-item`).filter({ has: page.getByText(text) }).first();
  for (let round = 1; ; round++) {
    try {
      const toast = item('.notifications-toasts');
      await toast.waitFor({ state: 'visible', timeout: Math.max(1, Math.min(3_000, deadline - Date.now())) });
      return await toast.innerText({ timeout: 2_000 });
    } catch (err) {
      await runCommand(page, 'Notifications: Show Notifications');
      const inCenter = item('.notifications-center');
      const message = (await inCenter.isVisible()) ? await inCenter.innerText({ timeout: 5_000 }).catch(() => undefined) : undefined;
      await page.keyboard.press('Escape');
      if (message !== undefined) return message;
      if (Date.now() >= deadline) throw new Error(`no notification matched ${text} within ${timeoutMs / 1000} s (${round} looks)`, { cause: err });
    }
  }
}

/**
 * Clicks `button` on the notification that says `text` (from the notification centre if the toast
 * is gone). `leaveCentreOpen`: for a button that opens a modal dialog, which an Escape would cancel.
 */
export async function clickNotificationButton(page: Page, text: RegExp, button: string, leaveCentreOpen = false): Promise<void> {
  const locate = (scope: string) =>
    page.locator(`${scope} .notification-list-item`).filter({ hasText: text }).first().locator('.monaco-button', { hasText: button }).first();
  const toast = locate('.notifications-toasts');
  if (await toast.isVisible()) {
    await toast.click();
  } else {
    await runCommand(page, 'Notifications: Show Notifications');
    const inCenter = locate('.notifications-center');
    await inCenter.waitFor({ state: 'visible', timeout: 10_000 });
    await inCenter.click();
    if (!leaveCentreOpen) await page.keyboard.press('Escape');
  }
}

/** Clicks "Use in This Workspace" on the notification that says `created`. */
export async function useInWorkspace(page: Page, created: RegExp = /Created goapp on goapp-db/): Promise<void> {
  await clickNotificationButton(page, created, 'Use in This Workspace');
}

/**
 * Opens the quick-fix menu (Ctrl+.) at the cursor until it lists `title`, and returns that row.
 * The fix may reach the provider a moment after the action that makes it possible (a click on a
 * notification), so the menu is closed and opened again, up to six times.
 */
export async function openQuickFix(page: Page, title: string): Promise<Locator> {
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('Control+.');
    try {
      await fix.waitFor({ state: 'visible', timeout: 10_000 });
      return fix;
    } catch (err) {
      if (attempt >= 5) throw err;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1000);
    }
  }
}

/** Polls `check` every 200 ms; fails with `describe()` once `timeoutMs` has passed. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, describe: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(await describe());
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits until the text of `file` passes `ok` (the editor saves it a moment after Ctrl+S), and returns it. */
export async function waitForFile(file: string, ok: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
  let text = '';
  await waitFor(async () => ok((text = fs.readFileSync(file, 'utf8'))), timeoutMs, async () => `${file} after saving:\n${text}`);
  return text;
}

/** The extension's log file in code-server's user data dir. */
export function extensionLog(userDataDir: string): string {
  const logs = path.join(userDataDir, 'logs');
  const found = (fs.readdirSync(logs, { recursive: true }) as string[]).filter((f) => /RDS Link\.log$/.test(f));
  return found.map((f) => fs.readFileSync(path.join(logs, f), 'utf8')).join('\n');
}

/**
 * How to answer one question: the row to pick, the text to type, or what the box (or the pick's
 * first row) offers (`accept`), with `accept`'s text typed when the box is empty.
 */
export type QuickInputAnswer = { pick: RegExp } | { type: string } | { accept: true | string };

/** Answers the quick inputs as they open, by title, until `until` holds; returns the titles asked, in order. */
export async function answerQuickInput(page: Page, answers: ReadonlyArray<[RegExp, QuickInputAnswer]>, until: () => Promise<boolean>): Promise<string[]> {
  const widget = page.locator('.quick-input-widget');
  const asked: string[] = [];
  const deadline = Date.now() + 90_000;
  while (!(await until())) {
    if (Date.now() > deadline) throw new Error(`the wizard did not finish; asked: ${asked.join(' | ')}`);
    if (!(await widget.isVisible())) {
      await page.waitForTimeout(200);
      continue;
    }
    const title = (await widget.locator('.quick-input-title').innerText().catch(() => '')).trim();
    const answer = answers.find(([re]) => re.test(title))?.[1];
    if (!title || asked.at(-1) === title) {
      await page.waitForTimeout(200);
      continue;
    }
    if (!answer) throw new Error(`no scripted answer for "${title}"`);
    asked.push(title);
    if ('type' in answer) {
      await widget.locator('.quick-input-box input').fill(answer.type);
      await page.keyboard.press('Enter');
    } else if ('accept' in answer) {
      const input = widget.locator('.quick-input-box input');
      if (typeof answer.accept === 'string' && !(await input.inputValue())) await input.fill(answer.accept);
      await page.keyboard.press('Enter');
    } else {
      const row = widget.locator('.monaco-list-row').filter({ hasText: answer.pick }).first();
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      await row.click();
    }
    await page.waitForTimeout(300);
  }
  return asked;
}

/** Presses a dialog's button from the keyboard: a long plan can push the buttons below the viewport. */
export async function pressDialogButton(page: Page, label: RegExp): Promise<void> {
  const button = page.locator('.monaco-dialog-box .monaco-button', { hasText: label }).first();
  await button.waitFor({ state: 'attached', timeout: 30_000 });
  await button.focus();
  await page.keyboard.press('Enter');
}
