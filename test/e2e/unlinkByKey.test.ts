// Commands asked for by an automation caller (arguments, no prompts) in a fresh window whose RDS
// Link views were never opened: an unlink by linkKey loads what it needs itself, and the
// Blue/Green commands return their outcome, a refusal included. The caller is a tiny
// test-only extension (command-runner/) laid out beside the product, since the workbench UI has
// no way to pass arguments to a command.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import type { Browser } from 'playwright-core';
import { applyPlan, createSdkLinkApi, listLinks, prepareLink } from '../../src/core/aws/link';
import { listInstances } from '../../src/core/aws/ec2';
import { listDatabases } from '../../src/core/aws/rds';
import { clientConfig } from '../integration/aws/sandbox';
import { closeBrowser, launchBrowser, openWorkbench, type Workbench } from '../support/browser';
import { ensureCodeServer, layoutExtension, repoRoot } from '../support/codeServer';
import { startSandbox, type Sandbox } from '../support/sandbox';
import { reportFailure } from '../support/workbench';

const REGION = 'us-east-1';

describe('e2e: automation arguments in a fresh window whose views were never opened (sandbox account)', function () {
  let sandbox: Sandbox | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;
  let ec2: EC2Client;
  let rds: RDSClient;
  const requests = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-e2e-commands-'));

  before(async function () {
    await ensureCodeServer();
    sandbox = await startSandbox({ env: { RDS_LINK_E2E_COMMANDS: requests } });
    // Laid out before a browser connects: the extension host, started by the first client, finds it.
    await layoutExtension(sandbox.server.extensionsDir, path.join(repoRoot, 'test', 'e2e', 'command-runner'));
    ec2 = new EC2Client(clientConfig(sandbox.moto.endpoint, REGION));
    rds = new RDSClient(clientConfig(sandbox.moto.endpoint, REGION));
    browser = await launchBrowser();
    wb = await openWorkbench(browser, sandbox.server.url);
  });

  afterEach(reportFailure(() => wb, 'e2e-unlink-by-key-failed'));

  after(async function () {
    ec2?.destroy();
    rds?.destroy();
    await closeBrowser(browser);
    await sandbox?.stop();
    fs.rmSync(requests, { recursive: true, force: true });
  });

  async function pairGroups(): Promise<string[]> {
    const out = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['ec2-rds-*', 'rds-ec2-*'] }] }));
    return (out.SecurityGroups ?? []).map((g) => g.GroupName ?? '').sort();
  }

  /** Asks the command runner to run `command` with `args`, and waits for its answer. */
  async function run(command: string, ...args: unknown[]): Promise<{ result?: unknown; error?: string }> {
    const response = path.join(requests, 'response.json');
    fs.rmSync(response, { force: true });
    fs.writeFileSync(path.join(requests, 'request.json.tmp'), JSON.stringify({ command, args }));
    fs.renameSync(path.join(requests, 'request.json.tmp'), path.join(requests, 'request.json'));
    const deadline = Date.now() + 90_000;
    while (!fs.existsSync(response)) {
      if (Date.now() > deadline) throw new Error(`no answer to ${command} within 90 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return JSON.parse(fs.readFileSync(response, 'utf8')) as { result?: unknown; error?: string };
  }

  it('unlinks goapp-web from goapp-db by its key, without the views, and the pair is gone in moto', async function () {
    assert.ok(sandbox);
    // The link is made outside the window, as another machine (or the console) would make it.
    const api = createSdkLinkApi(ec2, rds);
    const { plan } = await prepareLink(api, { instanceId: sandbox.ids.instances['goapp-web'], db: { kind: 'instance', id: 'goapp-db' } });
    await applyPlan(plan, api, { deleteRetryDelaysMs: [50], consistencyRetryDelaysMs: [50] });
    const [link] = await listLinks(api, await listInstances(ec2, REGION), await listDatabases(rds, REGION));
    assert.ok(link, 'goapp-web is linked');
    assert.deepEqual(await pairGroups(), ['ec2-rds-1', 'rds-ec2-1']);

    const answer = await run('rdsLink.unlink', { linkKey: link.key, confirmed: true });
    assert.equal(answer.error, undefined, answer.error);
    const outcome = answer.result as { status?: string; plan?: string[] } | null;
    assert.equal(outcome?.status, 'applied', `the command returned ${JSON.stringify(answer.result)}`);
    assert.match((outcome?.plan ?? []).join('\n'), /will no longer be able to connect to goapp-db/);
    assert.deepEqual(await pairGroups(), []);
    // Nothing opened the views on the way: the RDS Link side bar was never shown.
    assert.equal(await wb.page.locator('.part.sidebar .composite.title').filter({ hasText: 'RDS Link' }).count(), 0);
  });

  it('Blue/Green from automation returns the outcome: refused with the reason, created, deleted', async function () {
    const refused = await run('rdsLink.createBlueGreen', { region: REGION, database: { kind: 'instance', id: 'goapp-db' } });
    assert.equal(refused.error, undefined, refused.error);
    const r = refused.result as { status?: string; refusals?: string[] } | null;
    assert.equal(r?.status, 'refused', JSON.stringify(refused.result));
    assert.match((r?.refusals ?? []).join(' '), /master password of goapp-db is managed in AWS Secrets Manager/);

    const created = await run('rdsLink.createBlueGreen', { region: REGION, database: { kind: 'instance', id: 'legacy-mysql' }, name: 'legacy-auto' });
    const c = created.result as { status?: string; deployment?: { id: string; name: string } } | null;
    assert.equal(c?.status, 'created', JSON.stringify(created));
    assert.equal(c?.deployment?.name, 'legacy-auto');

    const deleted = await run('rdsLink.deleteBlueGreen', { region: REGION, id: c?.deployment?.id, deleteTarget: true });
    const d = deleted.result as { status?: string; deletedTarget?: boolean } | null;
    assert.deepEqual([d?.status, d?.deletedTarget], ['deleted', true], JSON.stringify(deleted));
  });
});
