// "Why can't my app reach the database?" as a user meets it on the sandbox (moto, the TLS MariaDB
// behind the SSH stand-in): goapp-web ↔ goapp-db diagnosed before the link fails on the security
// groups and offers "Link Them"; the offer shown with the report is followed (the markdown
// preview runs no command links: VS Code disables them there, so the offer is the report's
// notification); diagnosed again from the "Linked instances" node, the security-group checks pass.
// Each time the report is read as the preview shows it, check by check.
import * as assert from 'node:assert/strict';
import type { Browser, Frame, Page } from 'playwright-core';
import { closeBrowser, launchBrowser, openViewContainer, openWorkbench, pane, screenshot, type Workbench } from '../support/browser';
import { ensureCodeServer } from '../support/codeServer';
import { startSandbox, type Sandbox } from '../support/sandbox';
import { contextMenu, expandRow, pickInQuickInput, reportFailure, waitFor, waitForNotification } from '../support/workbench';

const DIAGNOSE = 'Diagnose Connection: Why Can\'t My App Reach the Database?';
const HEAD = 'Why can\'t the app reach the database?';
const SG_EGRESS = 'Security groups: the instance may send to the DB port';
const SG_INGRESS = 'Security groups: the DB accepts the instance';

/** One check as the preview shows it: its mark, its title, and the lines under it. */
interface ShownCheck {
  readonly mark: 'pass' | 'fail' | 'unknown';
  readonly title: string;
  readonly body: string;
}

const marks: Record<string, ShownCheck['mark']> = { '✅': 'pass', '❌': 'fail', '❔': 'unknown' };

/** The text of the markdown preview (a webview, frames inside frames) that shows the report. */
async function previewText(page: Page): Promise<string | undefined> {
  const frames: Frame[] = page.frames();
  for (const f of frames) {
    // A string, evaluated in the page: this file is compiled without the DOM's types.
    const text = await f.evaluate<string>('document.body ? document.body.innerText : ""').catch(() => '');
    if (text.includes(HEAD)) return text;
  }
  return undefined;
}

/** Splits the preview's text at the check headings ("✅ Title"). */
function checksOf(text: string): ShownCheck[] {
  const out: { mark: ShownCheck['mark']; title: string; body: string[] }[] = [];
  for (const line of text.split('\n')) {
    const m = /^(✅|❌|❔)\s*(.+)$/u.exec(line.trim());
    if (m) out.push({ mark: marks[m[1]], title: m[2].trim(), body: [] });
    else if (out.length) out[out.length - 1].body.push(line.trim());
  }
  return out.map((c) => ({ mark: c.mark, title: c.title, body: c.body.filter(Boolean).join('\n') }));
}

/** Waits until the preview shows a report of goapp-web's instance → goapp-db that `ok` accepts, and returns its checks. */
async function waitForReport(page: Page, ok: (text: string) => boolean, timeoutMs = 120_000): Promise<{ text: string; checks: ShownCheck[] }> {
  let text = '';
  await waitFor(async () => ok((text = (await previewText(page)) ?? '')), timeoutMs, async () => `the report never matched; the preview shows:\n${text}`);
  return { text, checks: checksOf(text) };
}

/** The static checks, in the report's order, and the mark each shows in this sandbox with and without the link. */
const STATIC = ['The database', 'The instance', SG_EGRESS, SG_INGRESS, 'Network ACL: out of the instance\'s subnet', 'Network ACL: into the DB\'s subnet',
  'Network ACL: answers out of the DB\'s subnet', 'Network ACL: answers into the instance\'s subnet', 'Route from the instance\'s subnet to the DB',
  'Route from the DB\'s subnet back to the instance', 'DNS of the instance\'s VPC'];
const LIVE = ['The endpoint resolves on the instance', 'A TCP connection from the instance opens', 'A MySQL server answers'];
const APP = ['The app\'s config points at this database', 'The app\'s database exists on the server'];

const table = (checks: readonly ShownCheck[]): string[] => checks.map((c) => `${c.mark} ${c.title}`);

function checkTitled(checks: readonly ShownCheck[], title: string): ShownCheck {
  const c = checks.find((x) => x.title === title);
  assert.ok(c, `no check "${title}" in: ${checks.map((x) => x.title).join(' | ')}`);
  return c;
}

describe('e2e: diagnose goapp-web ↔ goapp-db before the link, follow "Link Them", diagnose again (sandbox)', function () {
  let sandbox: Sandbox | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;
  let instanceId = '';
  let firstReport = '';

  before(async function () {
    await ensureCodeServer();
    sandbox = await startSandbox({ databases: true });
    instanceId = sandbox.ids.instances['goapp-web'];
    browser = await launchBrowser();
    wb = await openWorkbench(browser, sandbox.server.url);
  });

  afterEach(reportFailure(() => wb, 'e2e-diagnose-failed', () => console.log(`    last report:\n${firstReport}`)));

  after(async function () {
    await closeBrowser(browser);
    await sandbox?.stop();
  });

  it('before the link: the report fails on the DB\'s inbound rules, says "Link them", and the notification offers it', async function () {
    const { page } = wb;
    await openViewContainer(page, 'RDS Link');
    const rds = pane(page, 'RDS Databases');
    await contextMenu(page, rds, /^goapp-db/, DIAGNOSE, 60_000);
    await pickInQuickInput(page, 'goapp-web');
    const { text, checks } = await waitForReport(page, (t) => t.includes(`${instanceId} → goapp-db`) && /Overall: \S+/.test(t));
    firstReport = text;
    console.log(`    screenshot: ${await screenshot(page, 'e2e-diagnose-before-link')}`);
    assert.match(text, /Overall: fail/);
    // Check by check: only the DB's inbound rules and the app's config fail; what needs the link's route did not run.
    assert.deepEqual(table(checks), [
      ...STATIC.map((title) => `${title === SG_INGRESS ? 'fail' : 'pass'} ${title}`),
      ...LIVE.map((title) => `unknown ${title}`),
      `fail ${APP[0]}`, `unknown ${APP[1]}`,
    ]);
    // The two ends.
    assert.equal(checkTitled(checks, 'The database').mark, 'pass');
    assert.match(checkTitled(checks, 'The database').body, /goapp-db: mysql 8\.0\.39, status available, goapp-db\.aaaaaaaaaa\.us-east-1\.rds\.amazonaws\.com:3306/);
    assert.equal(checkTitled(checks, 'The instance').mark, 'pass');
    // The security groups: the instance's default group lets it send, the DB's group lets nothing in.
    const egress = checkTitled(checks, SG_EGRESS);
    assert.equal(egress.mark, 'pass', egress.body);
    const ingress = checkTitled(checks, SG_INGRESS);
    assert.equal(ingress.mark, 'fail', ingress.body);
    assert.match(ingress.body, /Fix: Link them/);
    // No link yet, so no route through the instance: the live checks did not run, and say why.
    for (const title of LIVE) {
      const live = checkTitled(checks, title);
      assert.equal(live.mark, 'unknown', live.body);
      assert.match(live.body, /Not run: no route through an instance/);
    }
    assert.match(checkTitled(checks, APP[0]).body, /config\.yaml .*host localhost/);
    assert.match(checkTitled(checks, APP[1]).body, /Not run: no route|no login/);
    // The offer that comes with the report.
    await waitForNotification(page, /2 of 16 checks failed, 4 unknown, for .* → goapp-db/, 30_000);
    const toast = page.locator('.notifications-toasts .notification-list-item').filter({ hasText: /checks failed/ }).first();
    await toast.locator('.monaco-button', { hasText: /^Link Them$/ }).click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const plan = await dialog.innerText();
    assert.match(plan, /Link goapp-web to goapp-db\?/);
    assert.match(plan, /ec2-rds-1/);
    await dialog.locator('.monaco-button', { hasText: /^Link$/ }).click();
    await waitForNotification(page, /Linked goapp-web to goapp-db through ec2-rds-1 and rds-ec2-1/, 60_000);
  });

  it('after the link, from the "Linked instances" node: the security-group checks pass and name the linked pair', async function () {
    const { page } = wb;
    const rds = pane(page, 'RDS Databases');
    await expandRow(rds.getByRole('treeitem', { name: /^goapp-db/ }).first());
    await expandRow(rds.getByRole('treeitem', { name: /Linked instances/ }).first());
    await contextMenu(page, rds, /^goapp-web/, DIAGNOSE);
    const { text, checks } = await waitForReport(page, (t) => t.includes(`${instanceId} → goapp-db`) && t !== firstReport && t.includes('are the linked pair'));
    console.log(`    screenshot: ${await screenshot(page, 'e2e-diagnose-after-link')}`);
    const egress = checkTitled(checks, SG_EGRESS);
    const ingress = checkTitled(checks, SG_INGRESS);
    assert.equal(egress.mark, 'pass', egress.body);
    assert.equal(ingress.mark, 'pass', ingress.body);
    assert.match(`${egress.body}\n${ingress.body}`, /ec2-rds-1 and rds-ec2-1 are the linked pair/);
    assert.doesNotMatch(text, /Fix: Link them/);
    assert.equal(checkTitled(checks, 'The database').mark, 'pass');
    assert.equal(checkTitled(checks, 'The instance').mark, 'pass');
    // Check by check: the path is open now. The live checks ran through the link's SSH route (the
    // sandbox's SSH stand-in forwards but runs no commands, so the name lookup cannot run there);
    // the config still points at localhost, so its database is looked for and is not there.
    assert.deepEqual(table(checks), [
      ...STATIC.map((title) => `pass ${title}`),
      `unknown ${LIVE[0]}`, `pass ${LIVE[1]}`, `pass ${LIVE[2]}`,
      `fail ${APP[0]}`, `fail ${APP[1]}`,
    ], checks.map((c) => `${c.mark} ${c.title}: ${c.body}`).join('\n'));
    assert.match(checkTitled(checks, LIVE[2]).body, /MariaDB/);
    const exists = checkTitled(checks, APP[1]).body;
    assert.match(exists, /The name goapp_dev is the first the app's config gives \((config\.yaml|\.env)\), though it points at another server\./);
    assert.match(exists, /Fix: Create the database .* with the name goapp_dev/);
  });
});
