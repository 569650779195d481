// The whole job, as a newcomer does it with `npm start`, in headless Chromium on code-server:
// select the profile and regions → both trees → link goapp-web to the private goapp-db → create
// the schema through the SSH tunnel (the sandbox's SSH stand-in, TLS verified with the sandbox CA)
// with an app user and the project's migrations → point config.yaml at it with the quick-fix.
// Then three places are checked: the security groups in moto, the tables in MariaDB, and
// config.yaml on disk. Then Deploy… from the EC2 view's title bar: the guided first deploy (answers
// in the quick picks and inputs: the tag app=goapp, Rolling), the plan and the systemd unit
// accepted, the real Go build, and the rollout to the sandbox's three app instances (rootless
// namespaces with OpenSSH, support/sandboxHosts.ts; systemd cannot run here, so their systemctl is
// a supervisor stand-in). GET /todos on each host answers from MariaDB, moto holds the release
// tags, and the EC2 view shows the release on each instance. A screenshot is taken at each step
// (test-results/fullflow-*.png); with RDS_LINK_TOUR_MEDIA=1 the three the README shows are copied
// to media/tour-*.png.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { DescribeInstancesCommand, DescribeSecurityGroupsCommand, EC2Client, type SecurityGroup } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import * as mysql from 'mysql2/promise';
import type { Browser, Page } from 'playwright-core';
import { httpGetOver } from '../../src/core/deploy/health';
import { openSshSession } from '../../src/core/instance/sshSession';
import { clientConfig, SANDBOX_APP_INSTANCES } from '../integration/aws/sandbox';
import { closeBrowser, launchBrowser, openViewContainer, openWorkbench, pane, paneHeader, runCommand, screenshot, type Workbench } from '../support/browser';
import { ensureCodeServer, repoRoot } from '../support/codeServer';
import { startSandbox, type Sandbox } from '../support/sandbox';
import { expandRow, openQuickFix, pickInQuickInput, reportFailure, useInWorkspace, waitForNotification } from '../support/workbench';
import { assertGoappMigrated, createGoappSchema, expectPatchedConfig, GOAPP_DB_ENDPOINT as ENDPOINT, linkGoappWeb, openConfigYaml } from './goapp';

/** The screenshots the README's tour shows, and the names they get in media/. */
const TOUR = { 'fullflow-04-trees': 'tour-trees', 'fullflow-05-link-plan': 'tour-link-plan', 'fullflow-10-quickfix': 'tour-quickfix' } as const;

describe('e2e: the full flow on the sandbox — profile, trees, link, schema through the tunnel, quick-fix, deploy', function () {
  let sandbox: Sandbox | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;
  let originalConfig = '';
  let originalEnv = '';
  let release = '';
  const timings: string[] = [];
  const shots: string[] = [];

  const time = async <T>(label: string, step: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const result = await step();
    timings.push(`${label} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return result;
  };
  const shot = async (name: string): Promise<void> => {
    // The pointer on an empty part of the editor area, so that no hover card covers anything.
    await wb.page.mouse.move(900, 620);
    shots.push(await screenshot(wb.page, name));
  };
  const root = (): Promise<mysql.Connection> => {
    const maria = sandbox?.databases?.maria;
    if (!maria) throw new Error('the sandbox MariaDB is not running');
    return mysql.createConnection({ socketPath: maria.socketPath, user: maria.user, password: maria.password });
  };

  before(async function () {
    await time('setup (code-server install check, moto, MariaDB, SSH stand-in, the app instances, code-server, Chromium)', async () => {
      await ensureCodeServer();
      sandbox = await startSandbox({
        databases: true,
        instances: true,
        // No profile and no regions yet: the newcomer picks them (written to the user settings).
        settings: { 'rdsLink.profile': '', 'rdsLink.regions': [] },
        // The user's own Go builds the app: here Debian's, offline in GOPATH mode (no module proxy).
        env: { GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '' },
      });
      originalConfig = fs.readFileSync(path.join(sandbox.workspace, 'config.yaml'), 'utf8');
      originalEnv = fs.readFileSync(path.join(sandbox.workspace, '.env'), 'utf8');
      browser = await launchBrowser();
      wb = await openWorkbench(browser, sandbox.server.url);
    });
  });

  afterEach(
    reportFailure(() => wb, 'fullflow-failed', () => {
      const events = sandbox?.databases?.ssh.events.map((e) => `${e.kind} ${e.detail}`) ?? [];
      if (events.length) console.log(`    SSH stand-in:\n      ${events.join('\n      ')}`);
    }),
  );

  after(async function () {
    const stops: [string, () => Promise<void>][] = [
      ['browser', () => closeBrowser(browser)],
      ['sandbox', async () => sandbox?.stop()],
    ];
    for (const [what, stop] of stops) await stop().catch((e: unknown) => console.error(`stopping ${what}:`, e));
    if (timings.length) console.log(`    timings: ${timings.join(', ')}`);
    if (shots.length) console.log(`    screenshots: ${shots.map((f) => path.basename(f)).join(', ')} in ${path.dirname(shots[0])}`);
  });

  it('selects the sandbox profile and a second region, and shows both trees', async function () {
    const { page } = wb;
    await time('profile and regions', async () => {
      await openViewContainer(page, 'RDS Link');
      await widenSideBar(page, 440);
      await pane(page, 'EC2 Instances').getByText('No AWS credentials were found').first().waitFor({ state: 'visible', timeout: 60_000 });
      await shot('fullflow-01-no-credentials');

      await runCommand(page, 'RDS Link: Select AWS Profile…');
      const widget = page.locator('.quick-input-widget');
      await widget.locator('.monaco-list-row').filter({ hasText: 'sandbox' }).first().waitFor({ state: 'visible', timeout: 30_000 });
      await shot('fullflow-02-profile');
      await widget.locator('.monaco-list-row').filter({ hasText: 'sandbox' }).first().click();
      await page.locator('.statusbar-item').filter({ hasText: 'sandbox · 123456789012' }).first().waitFor({ state: 'visible', timeout: 60_000 });

      await runCommand(page, 'RDS Link: Select AWS Regions…');
      await pickInQuickInput(page, 'eu-west-1');
      await shot('fullflow-03-regions');
      await page.keyboard.press('Enter');
      await widget.locator('.quick-input-box input').waitFor({ state: 'hidden', timeout: 30_000 });
    });

    await time('both trees loaded', async () => {
      const ec2 = pane(page, 'EC2 Instances');
      const rds = pane(page, 'RDS Databases');
      for (const region of ['us-east-1', 'eu-west-1']) {
        await ec2.getByRole('treeitem', { name: new RegExp(`^${region}`) }).first().waitFor({ state: 'visible', timeout: 60_000 });
        await rds.getByRole('treeitem', { name: new RegExp(`^${region}`) }).first().waitFor({ state: 'visible', timeout: 60_000 });
      }
      for (const name of ['goapp-web', 'goapp-worker', 'goapp-2', 'goapp-3', 'old-batch', 'eu-web']) {
        await ec2.getByRole('treeitem', { name: new RegExp(`^${name}`) }).first().waitFor({ state: 'visible', timeout: 60_000 });
      }
      for (const name of ['goapp-db', 'legacy-mysql', 'billing-postgres', 'reports-aurora']) {
        await rds.getByRole('treeitem', { name: new RegExp(`^${name}`) }).first().waitFor({ state: 'visible', timeout: 60_000 });
      }
      assert.match(await ec2.getByRole('treeitem', { name: /^goapp-worker/ }).first().innerText(), /stopped/);
    });
    const settings = JSON.parse(fs.readFileSync(sandbox?.userSettingsFile ?? '', 'utf8')) as Record<string, unknown>;
    assert.equal(settings['rdsLink.profile'], 'sandbox');
    assert.deepEqual([...(settings['rdsLink.regions'] as string[])].sort(), ['eu-west-1', 'us-east-1']);
    await shot('fullflow-04-trees');
  });

  it('links goapp-web to goapp-db from the tree (plan, modal, Link)', async function () {
    const { page } = wb;
    const rds = pane(page, 'RDS Databases');
    await time('link', async () => {
      await linkGoappWeb(page, rds, () => shot('fullflow-05-link-plan'));
    });
    await shot('fullflow-06-linked');
  });

  it('creates the goapp schema through the SSH tunnel: app user and the two migrations', async function () {
    const { page } = wb;
    const rds = pane(page, 'RDS Databases');
    await time('create schema (prompts, tunnel, migrations)', async () => {
      await createGoappSchema(page, rds, {
        toastTimeoutMs: 120_000,
        onOptions: () => shot('fullflow-07-schema-options'),
        onPlan: () => shot('fullflow-08-migration-plan'),
      });
    });
    await shot('fullflow-09-schema-created');

    // It went through the tunnel on goapp-web itself: rdsLink.ssh.hostOverrides sends goapp-web's
    // SSH, the DB route's included, to its sandbox host, whose OpenSSH let the Amazon Linux user in
    // with the sandbox key; the one-for-all SSH stand-in saw no login. MariaDB saw TLS (verified on
    // the client with the sandbox CA).
    const web = sandbox?.instances?.hosts.find((h) => h.name === 'goapp-web');
    assert.ok(web, 'the sandbox host of goapp-web');
    const sshdLog = fs.readFileSync(path.join(web.dir, 'sshd.log'), 'utf8');
    assert.match(sshdLog, /Accepted publickey for ec2-user from 127\.0\.0\.1/);
    const standIn = sandbox?.databases?.ssh.events.map((e) => `${e.kind} ${e.detail}`) ?? [];
    assert.deepEqual(standIn.filter((e) => e.startsWith('login')), [], 'the SSH stand-in is not on goapp-web\'s route');
    const conn = await root();
    try {
      const [ssl] = await conn.query<mysql.RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Ssl_accepts'");
      assert.ok(Number(ssl[0].Value) >= 1, `Ssl_accepts = ${ssl[0].Value}`);
    } finally {
      await conn.end();
    }
  });

  it('points config.yaml at goapp-db with the quick-fix and saves it', async function () {
    const { page } = wb;
    await time('quick-fix', async () => {
      await useInWorkspace(page);
      await runCommand(page, 'Notifications: Clear All Notifications');
      await openConfigYaml(page);
      const editor = page.locator('.editor-instance .monaco-editor').first();
      await editor.locator('.squiggly-hint').first().waitFor({ state: 'attached', timeout: 60_000 });
      await editor.locator('.view-line', { hasText: 'host: localhost # local MySQL' }).first().getByText('localhost').first().click();
      // The workspace target reaches the provider a moment after the click on the notification.
      const fix = await openQuickFix(page, 'Point at RDS goapp-db (goapp)');
      // The preferred fix is focused when the menu opens; the keyboard picks it (a pointer block
      // over the menu takes the mouse).
      for (let i = 0; i < 5 && !/\bfocused\b/.test((await fix.getAttribute('class')) ?? ''); i++) await page.keyboard.press('ArrowDown');
      assert.match((await fix.getAttribute('class')) ?? '', /\bfocused\b/);
      await shot('fullflow-10-quickfix');
      await page.keyboard.press('Enter');
      await waitForNotification(page, /Pointed config\.yaml at goapp-db \(goapp\)\. Undo reverts it\./, 30_000);
      await editor.locator('.view-lines').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('Control+S');
    });
    await shot('fullflow-11-patched');
  });

  it('left the three places as expected: moto, MariaDB, and config.yaml on disk', async function () {
    assert.ok(sandbox?.databases);
    // AWS (moto): the console-style pair, each attached where the console attaches it.
    const ec2 = new EC2Client(clientConfig(sandbox.moto.endpoint, 'us-east-1'));
    const rdsClient = new RDSClient(clientConfig(sandbox.moto.endpoint, 'us-east-1'));
    try {
      const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['ec2-rds-1', 'rds-ec2-1'] }] }))).SecurityGroups ?? [];
      const byName = new Map(groups.map((g) => [g.GroupName, g] as [string | undefined, SecurityGroup]));
      const ec2Side = byName.get('ec2-rds-1');
      const rdsSide = byName.get('rds-ec2-1');
      assert.ok(ec2Side?.GroupId && rdsSide?.GroupId, JSON.stringify(groups.map((g) => g.GroupName)));
      assert.deepEqual(ec2Side.IpPermissionsEgress?.map((p) => [p.IpProtocol, p.FromPort, p.ToPort, p.UserIdGroupPairs?.map((u) => u.GroupId)]), [['tcp', 3306, 3306, [rdsSide.GroupId]]]);
      assert.deepEqual(rdsSide.IpPermissions?.map((p) => [p.IpProtocol, p.FromPort, p.ToPort, p.UserIdGroupPairs?.map((u) => u.GroupId)]), [['tcp', 3306, 3306, [ec2Side.GroupId]]]);
      const instance = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [sandbox.ids.instances['goapp-web']] }))).Reservations?.[0]?.Instances?.[0];
      const primary = instance?.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0);
      assert.ok(primary?.Groups?.some((g) => g.GroupId === ec2Side.GroupId), `ec2-rds-1 on goapp-web's primary interface: ${JSON.stringify(primary?.Groups)}`);
      const db = (await rdsClient.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'goapp-db' }))).DBInstances?.[0];
      assert.ok(db?.VpcSecurityGroups?.some((g) => g.VpcSecurityGroupId === rdsSide.GroupId), 'rds-ec2-1 on goapp-db');
      assert.ok((db?.VpcSecurityGroups?.length ?? 0) >= 2, 'goapp-db kept its existing group');
    } finally {
      ec2.destroy();
      rdsClient.destroy();
    }

    // MariaDB: the schema, both migrations applied, and the app user limited to it.
    const conn = await root();
    try {
      await assertGoappMigrated(conn);
      const [grants] = await conn.query<mysql.RowDataPacket[]>("SHOW GRANTS FOR 'goapp_app'@'%'");
      const lines = grants.map((r) => String(Object.values(r)[0]));
      assert.ok(lines.some((g) => /^GRANT .+ ON `goapp`\.\* TO /.test(g)), lines.join('\n'));
      assert.ok(lines.every((g) => /ON `goapp`\.\*/.test(g) || /^GRANT USAGE ON \*\.\* TO /.test(g)), lines.join('\n'));
    } finally {
      await conn.end();
    }

    // config.yaml on disk: only the four DB values changed; redis and the comment stayed.
    const { password: appPassword } = await expectPatchedConfig(path.join(sandbox.workspace, 'config.yaml'), originalConfig);
    assert.equal(fs.readFileSync(path.join(sandbox.workspace, '.env'), 'utf8'), originalEnv, '.env is untouched');

    // The password written is the app user's: it logs in to goapp over TLS, verified like the extension does.
    const maria = sandbox.databases.maria;
    const app = await mysql.createConnection({
      host: ENDPOINT, port: 3306, user: 'goapp_app', password: appPassword, database: 'goapp',
      // mysql2 checks the name it is given as host; the socket goes to 127.0.0.1 through this stream.
      stream: net.connect({ host: maria.host, port: maria.port }),
      ssl: { ca: sandbox.databases.certificates.caPem, rejectUnauthorized: true, verifyIdentity: true },
    });
    try {
      await app.query('INSERT INTO todos (title) VALUES (?)', ['from the full-flow test']);
      const [n] = await app.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM todos');
      assert.equal(Number(n[0].n), 1);
    } finally {
      await app.end();
    }

    if (process.env.RDS_LINK_TOUR_MEDIA === '1') {
      for (const [from, to] of Object.entries(TOUR)) {
        fs.copyFileSync(path.join(path.dirname(shots[0]), `${from}.png`), path.join(repoRoot, 'media', `${to}.png`));
      }
      console.log(`    copied ${Object.values(TOUR).join(', ')} to media/`);
    }
  });
  it('deploys the app from the EC2 view: the guided first deploy, Rolling, the plan and the unit accepted', async function () {
    const { page } = wb;
    const widget = page.locator('.quick-input-widget');
    const input = widget.locator('.quick-input-box input');
    const answer = async (title: string, value: string) => {
      await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await input.inputValue(), value, `the suggested answer to "${title}"`);
      await page.keyboard.press('Enter');
    };
    const pick = async (title: string, row: string) => {
      await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 30_000 });
      await widget.locator('.monaco-list-row').filter({ hasText: row }).first().click();
    };
    const modal = async (title: RegExp, button: string): Promise<string> => {
      const dialog = page.locator('.monaco-dialog-box').filter({ hasText: title });
      await dialog.waitFor({ state: 'visible', timeout: 180_000 });
      const text = await dialog.innerText();
      await dialog.locator('.monaco-button', { hasText: new RegExp(`^${button}$`) }).click();
      return text;
    };
    await time('deploy: the guided first deploy', async () => {
      await runCommand(page, 'Notifications: Clear All Notifications');
      await openViewContainer(page, 'RDS Link');
      const header = paneHeader(page, 'EC2 Instances');
      await header.hover();
      await header.locator('.action-label[aria-label="Deploy…"]').click();
      await answer('Service name on the instances', 'goapp');
      await answer('The Go package to build', '.');
      await answer('The port the app listens on', '8080');
      await answer('The health check path', '/healthz');
      await pick('Which instances does the app run on?', 'Every instance with a tag');
      await widget.locator('.quick-input-title', { hasText: 'The tag of the app' }).waitFor({ state: 'visible', timeout: 30_000 });
      await input.fill('app=goapp');
      await page.keyboard.press('Enter');
      await widget.locator('.quick-input-title', { hasText: 'Files to ship beside the binary' }).waitFor({ state: 'visible', timeout: 30_000 });
      await page.keyboard.press('Enter'); // config.yaml, picked by default
      await pick('How should a deploy roll out?', 'Rolling, one instance at a time');
      const file = await modal(/Write rds-link\.deploy\.yaml\?/, 'Write and Deploy');
      assert.match(file, /app/);
      assert.match(file, /rolling/i);
      await shot('fullflow-12-deploy-file');
    });
    await time('deploy: plan, build, unit, rollout to 3 instances', async () => {
      const plan = await modal(/Deploy goapp to 3 instance\(s\)\?/, 'Deploy');
      assert.match(plan, /GET \/healthz on port 8080/);
      await modal(/First deploy of goapp on .+: install this systemd unit/, 'Install the Unit');
      const toast = await waitForNotification(page, /Deployed goapp release \S+:/, 300_000);
      release = /Deployed goapp release (\S+):/.exec(toast)?.[1] ?? '';
      for (const name of SANDBOX_APP_INSTANCES) assert.match(toast, new RegExp(`${sandbox?.ids.instances[name]}: deployed, runs ${release.replace(/[.+]/g, '\\$&')}`));
    });
    await shot('fullflow-13-deployed');
  });

  it('runs the release on each instance: GET /todos answers from MariaDB, the tags hold it, the EC2 view shows it', async function () {
    assert.ok(sandbox?.instances && release);
    const hosts = sandbox.instances;
    for (const h of hosts.hosts) {
      // Through the host's sshd, as the health gate does: the app on the host's own 127.0.0.1:8080.
      const s = await openSshSession({ instance: { id: h.instanceId, region: 'us-east-1' }, ssh: { host: '127.0.0.1', port: h.port, username: 'ec2-user' }, key: { kind: 'privateKey', privateKey: hosts.privateKey, push: false } });
      try {
        const todos = await httpGetOver(await s.forwardOut('127.0.0.1', 8080), '/todos', 8080, 5000);
        assert.equal(todos.status, 200, `${h.name}: ${todos.body}`);
        assert.deepEqual((JSON.parse(todos.body) as { title: string }[]).map((t) => t.title), ['from the full-flow test'], h.name);
      } finally {
        await s.close();
      }
    }
    const ec2 = new EC2Client(clientConfig(sandbox.moto.endpoint, 'us-east-1'));
    try {
      const ids = hosts.hosts.map((h) => h.instanceId);
      const found = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }))).Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
      assert.equal(found.length, 3);
      for (const i of found) assert.equal(i.Tags?.find((t) => t.Key === 'rds-link:release')?.Value, release, i.InstanceId);
    } finally {
      ec2.destroy();
    }
    const view = pane(wb.page, 'EC2 Instances');
    await expandRow(view.getByRole('treeitem', { name: /^goapp(?!-)/ }).filter({ hasText: release }).first());
    for (const name of SANDBOX_APP_INSTANCES) {
      const row = view.getByRole('treeitem', { name: new RegExp(`^${name}\\b`) }).filter({ hasText: release }).first();
      await row.waitFor({ state: 'visible', timeout: 60_000 });
    }
    await shot('fullflow-14-releases');
  });
});

/** Drags the side bar's edge so that it is `width` pixels wide (tree rows then show their descriptions). */
async function widenSideBar(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width - 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
}
