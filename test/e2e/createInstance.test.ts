// Create EC2 Instance… from the EC2 view's title bar, in the sandbox account (moto): every question
// answered with its default in the real quick input (Amazon Linux 2023 through its public SSM
// parameter, the free-tier type, SSH only from the address shown — typed when the address echo
// cannot be reached from here), the plan confirmed in the dialog, and the new instance in the EC2
// view with its created-by tag and Delete Instance… on it; then Delete Instance… terminates it.
import * as assert from 'node:assert/strict';
import { DescribeInstancesCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
import type { Browser } from 'playwright-core';
import { clientConfig } from '../integration/aws/sandbox';
import { closeBrowser, launchBrowser, openViewContainer, openWorkbench, pane, paneHeader, screenshot, type Workbench } from '../support/browser';
import { ensureCodeServer } from '../support/codeServer';
import { startSandbox, type Sandbox } from '../support/sandbox';
import { answerQuickInput, contextMenu, pressDialogButton, reportFailure, waitFor, waitForNotification } from '../support/workbench';

const REGION = 'us-east-1';
const NAME = 'app-server';
/** A documentation address (RFC 5737): public in form, so the wizard takes it; nothing is sent to it. */
const TYPED_IP = '198.51.100.20';

describe('e2e: Create EC2 Instance… with the defaults from the EC2 view, then Delete Instance… (sandbox account)', function () {
  let sandbox: Sandbox | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;
  let ec2Client: EC2Client;
  // moto knows the managed policy AmazonSSMManagedInstanceCore only when told to load them (the SSM profile is a default).
  const loadPolicies = process.env.MOTO_IAM_LOAD_MANAGED_POLICIES;

  before(async function () {
    await ensureCodeServer();
    process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = 'true';
    sandbox = await startSandbox();
    ec2Client = new EC2Client(clientConfig(sandbox.moto.endpoint, REGION));
    browser = await launchBrowser();
    wb = await openWorkbench(browser, sandbox.server.url);
  });

  afterEach(reportFailure(() => wb, 'e2e-create-instance-failed'));

  after(async function () {
    if (loadPolicies === undefined) delete process.env.MOTO_IAM_LOAD_MANAGED_POLICIES;
    else process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = loadPolicies;
    ec2Client?.destroy();
    await closeBrowser(browser);
    await sandbox?.stop();
  });

  const findMade = async (): Promise<Instance | undefined> => {
    const out = await ec2Client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: [NAME] }] }));
    return out.Reservations?.flatMap((r) => r.Instances ?? [])[0];
  };

  it('launches with the defaults from the title bar: the plan names the SSM parameter and SSH from the shown address; the view shows it with Delete Instance…', async function () {
    const { page } = wb;
    await openViewContainer(page, 'RDS Link');
    const ec2 = pane(page, 'EC2 Instances');
    await ec2.getByRole('treeitem', { name: /^goapp-web/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
    const header = paneHeader(page, 'EC2 Instances');
    await header.hover();
    await header.locator('.action-label[aria-label="Create EC2 Instance…"]').click();
    // Off the title bar: the button's hover would lie over the tree's rows.
    await page.mouse.move(700, 700);
    const dialog = page.locator('.monaco-dialog-box');
    const asked = await answerQuickInput(page, [
      [/^Your public IPv4 address/, { accept: TYPED_IP }],
      [/./, { accept: true }],
    ], () => dialog.isVisible());
    assert.deepEqual(asked.filter((t) => /name|Operating|Architecture|profile|type|connect|address|Subnet/.test(t)), [
      'Instance name (its Name tag)', 'Operating system', 'Architecture', 'Instance profile for SSM', 'Instance type', 'Who may connect in', 'Your public IPv4 address', 'Subnet',
    ]);
    const plan = await dialog.innerText();
    assert.match(plan, new RegExp(`Launch EC2 instance ${NAME}\\?`));
    assert.match(plan, /\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-kernel-default-x86_64/);
    assert.match(plan, /SSH \(TCP 22\) in from \d+\.\d+\.\d+\.\d+\/32 only/);
    assert.match(plan, /AmazonSSMManagedInstanceCore/);
    await screenshot(page, 'e2e-create-instance-plan');
    await pressDialogButton(page, /^Launch$/);
    await waitForNotification(page, new RegExp(`${NAME} \\(i-[0-9a-f]+\\) is running and its status checks passed`), 120_000);

    const made = await findMade();
    assert.ok(made?.InstanceId, 'moto has the new instance');
    assert.deepEqual(made.Tags?.filter((t) => t.Key === 'rds-link:created-by').map((t) => t.Value), ['rds-link']);
    assert.match(made.InstanceType ?? '', /^t[234]g?\.micro$/, 'a free-tier type by default');
    assert.ok(made.IamInstanceProfile?.Arn?.endsWith('/rds-link-ec2-ssm'), made.IamInstanceProfile?.Arn);
    const row = ec2.getByRole('treeitem', { name: new RegExp(`^${NAME}`) }).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await row.click({ button: 'right' });
    await page.locator('.context-view .action-menu-item', { hasText: 'Delete Instance…' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'e2e-create-instance');
    await page.keyboard.press('Escape');
  });

  it('Delete Instance… on it terminates it, and the view says so', async function () {
    const { page } = wb;
    const ec2 = pane(page, 'EC2 Instances');
    await contextMenu(page, ec2, new RegExp(`^${NAME}`), 'Delete Instance…');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dialog.innerText(), new RegExp(`Terminate instance ${NAME} \\(i-`));
    await pressDialogButton(page, /^Terminate$/);
    await waitForNotification(page, new RegExp(`Terminated ${NAME}`), 120_000);
    assert.equal((await findMade())?.State?.Name, 'terminated');
    const gone = async (): Promise<boolean> => {
      const rows = ec2.getByRole('treeitem', { name: new RegExp(`^${NAME}`) });
      return (await rows.count()) === 0 || /terminated/.test(await rows.first().innerText());
    };
    await waitFor(gone, 30_000, async () => `${NAME} still shows as live in the EC2 view`);
    await screenshot(page, 'e2e-create-instance-deleted');
  });
});
