// The private instance's way, in headless Chromium on code-server: goapp-private has no public IP,
// so the schema on goapp-db goes through the VPC's EC2 Instance Connect Endpoint — the sandbox's
// EC2 shim (the extension's endpoint URL) answers DescribeInstanceConnectEndpoints and serves the
// tunnel to the EICE stand-in, which checks the signed URL and pipes port 22 to the instances' SSH
// stand-in, then MariaDB (TLS verified with the sandbox CA). Checked: the log names the route
// through the endpoint, the stand-in saw the tunnel, and the tables are in MariaDB.
import * as assert from 'node:assert/strict';
import * as mysql from 'mysql2/promise';
import type { Browser } from 'playwright-core';
import { closeBrowser, launchBrowser, openViewContainer, openWorkbench, pane, type Workbench } from '../support/browser';
import { ensureCodeServer } from '../support/codeServer';
import { startSandbox, type Sandbox } from '../support/sandbox';
import { extensionLog, reportFailure } from '../support/workbench';
import { SANDBOX_PRIVATE_INSTANCE } from '../integration/aws/sandboxEice';
import { assertGoappMigrated, createGoappSchema, linkGoappWeb } from './goapp';

describe('e2e: the schema through an EC2 Instance Connect Endpoint, for an instance without a public IP', function () {
  let sandbox: Sandbox | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;

  before(async function () {
    await ensureCodeServer();
    sandbox = await startSandbox({ databases: true, eice: true });
    browser = await launchBrowser();
    wb = await openWorkbench(browser, sandbox.server.url);
  });

  afterEach(
    reportFailure(() => wb, 'eice-failed', () => {
      console.log(`    EICE stand-in:\n      ${(sandbox?.eice?.standIn.events ?? []).map((e) => `${e.kind} ${e.detail}`).join('\n      ')}`);
      console.log(`    SSH stand-in:\n      ${(sandbox?.databases?.ssh.events ?? []).map((e) => `${e.kind} ${e.detail}`).join('\n      ')}`);
      if (sandbox) console.log(`    extension log:\n${extensionLog(sandbox.server.userDataDir).split('\n').slice(-40).join('\n')}`);
    }),
  );

  after(async function () {
    await closeBrowser(browser).catch((e: unknown) => console.error('stopping the browser:', e));
    await sandbox?.stop().catch((e: unknown) => console.error('stopping the sandbox:', e));
  });

  it('links goapp-private to goapp-db and creates the goapp schema through the endpoint', async function () {
    const { page } = wb;
    const eice = sandbox?.eice;
    const maria = sandbox?.databases?.maria;
    const endpoint = eice?.endpoint;
    assert.ok(sandbox && eice && endpoint && maria);
    await openViewContainer(page, 'RDS Link');
    await pane(page, 'EC2 Instances').getByRole('treeitem', { name: new RegExp(`^${SANDBOX_PRIVATE_INSTANCE}`) }).first().waitFor({ state: 'visible', timeout: 60_000 });
    const rds = pane(page, 'RDS Databases');
    await linkGoappWeb(page, rds, undefined, SANDBOX_PRIVATE_INSTANCE);
    await createGoappSchema(page, rds, { rowTimeoutMs: 60_000, toastTimeoutMs: 90_000 });

    const log = extensionLog(sandbox.server.userDataDir);
    assert.match(log, new RegExp(`Route to goapp-db: .*Tunnelling through ${SANDBOX_PRIVATE_INSTANCE} \\(${eice.instanceId}\\) over SSH \\(through EC2 Instance Connect Endpoint ${endpoint.id} to its private IP ${eice.privateIp.replace(/\./g, '\\.')}`), log);
    assert.ok(eice.standIn.events.some((e) => e.kind === 'tunnel' && e.detail === `${endpoint.id} → ${eice.privateIp}:22`), 'the tunnel went through the endpoint');
    assert.ok(!eice.standIn.events.some((e) => e.kind === 'refused'), 'no signed URL was refused');
    assert.ok(eice.shim.answered.length > 0, 'the endpoint was looked up through the shim');
    const root = await mysql.createConnection({ socketPath: maria.socketPath, user: maria.user, password: maria.password });
    try {
      await assertGoappMigrated(root);
    } finally {
      await root.end();
    }
  });
});
