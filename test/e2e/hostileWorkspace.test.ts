// A cloned repository that tries to redirect credentials: its .vscode/settings.json points the
// AWS endpoint, a local-port route with TLS off, and the SSH host at a foreign port on this
// machine, names its own key and CA files (relative, inside the workspace) and another profile
// that exists in the user's AWS config (so that, were it honoured, signed AWS calls with the
// user's keys would reach the foreign port).
// The user's settings point at the sandbox. The product is driven as a user would (views, link,
// create schema through the SSH tunnel); a TCP listener on the foreign port records every byte
// that reaches it. Nothing may, and the user is told which workspace values were ignored and why.
// The byte count goes to test-results/hostile-workspace.json for `npm run bench`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { closeBrowser, launchBrowser, openViewContainer, openWorkbench, pane, resultsDir, runCommand, type Workbench } from '../support/browser';
import { ensureCodeServer } from '../support/codeServer';
import { startSandbox, type Sandbox } from '../support/sandbox';
import { contextMenu, extensionLog, reportFailure, waitForFile, waitForNotification } from '../support/workbench';
import { createGoappSchema, GOAPP_DB_ENDPOINT, linkGoappWeb } from './goapp';

/** A listener that accepts anything and counts what arrives. */
interface Recorder {
  readonly port: number;
  readonly bytes: () => number;
  readonly connections: () => number;
  close(): Promise<void>;
}

async function startRecorder(): Promise<Recorder> {
  let bytes = 0;
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('data', (d) => (bytes += d.length));
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    bytes: () => bytes,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

describe('e2e: a hostile workspace cannot redirect credentials', function () {
  let recorder: Recorder | undefined;
  let sandbox: Sandbox | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;
  let passed = 0;

  before(async function () {
    await ensureCodeServer();
    recorder = await startRecorder();
    const foreign = `127.0.0.1:${recorder.port}`;
    sandbox = await startSandbox({
      databases: true,
      moreProfiles: ['ci-deploy'],
      workspaceSettings: {
        'rdsLink.profile': 'ci-deploy',
        'rdsLink.endpointUrl': `http://${foreign}`,
        'rdsLink.connections': { 'goapp-db': { route: 'localPort', localPort: foreign, tls: 'off' } },
        'rdsLink.ssh.hostOverride': foreign,
        'rdsLink.ssh.identityFile': '.vscode/id_hostile',
        'rdsLink.tls.extraCaFile': '.vscode/hostile-ca.pem',
      },
    });
    // The files the workspace names, as a repository would ship them.
    fs.writeFileSync(path.join(sandbox.workspace, '.vscode/id_hostile'), '-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----\n');
    fs.writeFileSync(path.join(sandbox.workspace, '.vscode/hostile-ca.pem'), '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n');
    browser = await launchBrowser();
    wb = await openWorkbench(browser, sandbox.server.url);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'passed') passed++;
  });
  afterEach(reportFailure(() => wb, 'hostile-workspace-failed', () => {
    console.log(`    foreign listener: ${recorder?.bytes()} bytes in ${recorder?.connections()} connections`);
  }));

  after(async function () {
    if (recorder) {
      fs.mkdirSync(resultsDir, { recursive: true });
      const tests = this.test?.parent?.tests.length ?? 0;
      fs.writeFileSync(path.join(resultsDir, 'hostile-workspace.json'), `${JSON.stringify({ bytes: recorder.bytes(), connections: recorder.connections(), complete: passed === tests, at: new Date().toISOString() }, null, 2)}\n`);
    }
    const stops: [string, () => Promise<void>][] = [
      ['browser', () => closeBrowser(browser)],
      ['sandbox', async () => sandbox?.stop()],
      ['listener', async () => recorder?.close()],
    ];
    for (const [what, stop] of stops) await stop().catch((e: unknown) => console.error(`stopping ${what}:`, e));
  });

  it("lists the user's account, not what the workspace's profile and endpoint point at", async function () {
    const { page } = wb;
    await openViewContainer(page, 'RDS Link');
    await pane(page, 'RDS Databases').getByRole('treeitem', { name: /^goapp-db/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await page.locator('.statusbar-item').filter({ hasText: 'sandbox · 123456789012' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  });

  it('tells the user which workspace values were ignored and why (notification and log)', async function () {
    const message = await waitForNotification(wb.page, /RDS Link ignored these settings of this workspace/);
    for (const key of ['rdsLink.profile', 'rdsLink.endpointUrl', 'rdsLink.ssh.hostOverride', 'rdsLink.ssh.identityFile', 'rdsLink.tls.extraCaFile']) {
      assert.ok(message.includes(`${key} (only user settings can set it`), `${key} is not named with its reason:\n${message}`);
    }
    assert.ok(message.includes('rdsLink.connections.goapp-db (a workspace cannot turn TLS verification down)'), message);
    const log = extensionLog(sandbox?.server.userDataDir ?? '');
    for (const key of ['profile', 'endpointUrl', 'ssh.hostOverride', 'ssh.identityFile', 'tls.extraCaFile', 'connections.goapp-db']) {
      assert.ok(log.includes(`Ignored the workspace's rdsLink.${key}:`), `no log line for ${key}:\n${log}`);
    }
  });

  it("links and creates the schema through the user's SSH host and CA, never the workspace's", async function () {
    const { page } = wb;
    const rds = pane(page, 'RDS Databases');
    await linkGoappWeb(page, rds);
    await createGoappSchema(page, rds, { toastTimeoutMs: 120_000 });
    const events = sandbox?.databases?.ssh.events.map((e) => `${e.kind} ${e.detail}`) ?? [];
    assert.ok(events.includes(`forward ${GOAPP_DB_ENDPOINT}:3306`), events.join('\n'));
  });

  it('refuses a relative CA path even in user settings, so that it never resolves inside the workspace', async function () {
    const { page } = wb;
    // Typed in the Settings editor, as a user would (VS Code does not notice a user settings file
    // written behind its back here).
    await runCommand(page, 'Preferences: Open User Settings');
    await page.locator('.settings-editor .settings-header .suggest-input-container').first().click();
    await page.keyboard.type('rdsLink.tls.extraCaFile');
    const input = page.locator('.settings-editor .setting-item').filter({ hasText: 'Extra Ca File' }).locator('input').first();
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await input.fill('.vscode/hostile-ca.pem');
    await waitForFile(sandbox?.userSettingsFile ?? '', (t) => t.includes('"rdsLink.tls.extraCaFile": ".vscode/hostile-ca.pem"'), 30_000);
    await page.keyboard.press('Control+W');
    await contextMenu(page, pane(page, 'RDS Databases'), /^goapp-db/, 'Open MySQL Shell');
    const message = await waitForNotification(page, /rdsLink\.tls\.extraCaFile is "\.vscode\/hostile-ca\.pem"/);
    assert.match(message, /give an absolute path or one that starts with ~\/ \(a relative path is refused, so that it never points into the workspace\)/);
  });

  it('sent nothing to the foreign port: 0 bytes, 0 connections', function () {
    assert.equal(recorder?.bytes(), 0);
    assert.equal(recorder?.connections(), 0);
  });
});
