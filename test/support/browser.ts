// Headless Chromium (Debian's, driven by playwright-core) on the code-server workbench, with the
// few workbench gestures the e2e tests need.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { repoRoot } from './codeServer';

export const chromiumPath = process.env.RDS_LINK_CHROMIUM ?? '/usr/bin/chromium';
/** Flags verified on these machines (PRODUCT.md): no sandbox as root, no GPU, no network chatter. */
export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
export const resultsDir = path.join(repoRoot, 'test-results');

/** Process groups of the browsers launched here: playwright starts each as a group leader. */
const browserGroups = new WeakMap<Browser, number[]>();

export async function launchBrowser(): Promise<Browser> {
  const before = new Set(childProcesses());
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
  browserGroups.set(browser, childProcesses().filter((p) => !before.has(p)));
  return browser;
}

/**
 * Closes the browser and waits (up to 5 s) until all of its processes are gone: its helper
 * processes outlive it for a moment, as zombies that init reaps.
 */
export async function closeBrowser(browser: Browser | undefined): Promise<void> {
  if (!browser) return;
  await browser.close().catch((e: unknown) => console.error('closing the browser:', e));
  const groups = browserGroups.get(browser) ?? [];
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && readProcStats().some((p) => groups.includes(p.pgrp))) await new Promise((r) => setTimeout(r, 100));
}

interface ProcStat {
  pid: number;
  ppid: number;
  pgrp: number;
}

/** Every process from /proc (empty where there is no /proc). */
function readProcStats(): ProcStat[] {
  let names: string[];
  try {
    names = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return [];
  }
  const stats: ProcStat[] = [];
  for (const n of names) {
    try {
      const stat = fs.readFileSync(`/proc/${n}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
      const [, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.push({ pid: Number(n), ppid: Number(ppid), pgrp: Number(pgrp) });
    } catch {
      // gone meanwhile
    }
  }
  return stats;
}

function childProcesses(): number[] {
  return readProcStats().filter((p) => p.ppid === process.pid).map((p) => p.pid);
}

export interface Workbench {
  page: Page;
  /** Uncaught page errors and console errors seen so far, for failure messages. */
  errors: string[];
}

/** Opens the workbench at url and waits until it is laid out. */
export async function openWorkbench(browser: Browser, url: string, timeoutMs = 120_000): Promise<Workbench> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  // The activity bar is filled once the workbench has restored its parts.
  await page.locator('.part.activitybar .action-item').first().waitFor({ state: 'visible', timeout: timeoutMs });
  return { page, errors };
}

/** The activity-bar entry of a view container, by its title ("RDS Link"). */
export function activityBarItem(page: Page, title: string): Locator {
  return page.locator('.part.activitybar .action-item').filter({ has: page.locator(`.action-label[aria-label="${title}"], .action-label[aria-label^="${title} ("]`) }).first();
}

/** Opens a view container from the activity bar, unless it is already the one showing. */
export async function openViewContainer(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const item = activityBarItem(page, title);
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  // Clicking the container that is already showing would hide the side bar.
  const active = (await item.getAttribute('aria-selected')) === 'true' || ((await item.getAttribute('class')) ?? '').split(/\s+/).includes('checked');
  if (!active) await item.click();
  await page.locator('.part.sidebar .composite.title').filter({ hasText: title }).first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** The header of a view (pane) in the side bar, by the view's name. */
export function paneHeader(page: Page, name: string): Locator {
  return page.locator('.part.sidebar .pane-header').filter({ has: viewTitle(page, name) }).first();
}

/** The pane (header and body) of a view in the side bar. */
export function pane(page: Page, name: string): Locator {
  return page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header').filter({ has: viewTitle(page, name) }) }).first();
}

function viewTitle(page: Page, name: string): Locator {
  return page.locator('.title', { hasText: new RegExp(`^${escapeRegExp(name)}$`, 'i') });
}

/** Runs a command from the command palette by its label as shown there ("RDS Link: Refresh"). */
export async function runCommand(page: Page, label: string, timeoutMs = 30_000): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  // F1 opens the palette wherever the focus is (Ctrl+Shift+P can be taken by the browser).
  await page.locator('.monaco-workbench').focus();
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(`>${label}`);
  const row = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
  await input.waitFor({ state: 'hidden', timeout: timeoutMs }).catch(() => undefined);
}

/** Saves a screenshot as test-results/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
