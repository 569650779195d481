// diagnoseConnection's parts that need no AWS: which pair it diagnoses (node or pickers), its
// automation-argument errors, when the live checks do not run (and why), the app config read
// from the workspace, and the offers after the report.
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import * as awsCore from '../../../src/core/aws/index';
import { findLinks } from '../../../src/core/aws/index';
import type { Diagnosis, DiagnosisState } from '../../../src/core/diagnose/types';
import { ArgumentError } from '../../../src/commands/args';
import type { Deps } from '../../../src/commands/deps';
import { appConnections } from '../../../src/commands/diagnose/appConnections';
import { choosePairToDiagnose, diagnoseConnection } from '../../../src/commands/diagnose/diagnoseConnection';
import { databaseExists } from '../../../src/commands/diagnose/databaseExists';
import { eicePort } from '../../../src/commands/diagnose/eicePort';
import { liveChecks, openInstanceSsh } from '../../../src/commands/diagnose/liveChecks';
import type { SshTunnelRoute } from '../../../src/core/db/index';
import { sg, tcp } from '../diagnose/builders';
import { offerNextSteps, ShownDiagnosis } from '../../../src/commands/diagnose/nextSteps';
import { Commands } from '../../../src/ids';
import { DatabaseNode, InstanceNode, LinkNode } from '../../../src/tree/nodes';
import { baseGroups, consolePair, db, instance } from '../link/builders';
import { state as diagnosisState } from '../diagnose/builders';
import { FakeStore, fakeDeps, MemoryWorkspace } from '../support/fakeDeps';
import { pick, press, TestUserInput, type Answer } from '../support/testUserInput';
import { CancelledError } from '../../../src/core/errors';
import { createdDatabasesOf, recordCreatedDatabase } from '../../../src/state/createdDatabases';

const web = instance();
const api = instance({ id: 'i-api', name: 'api' });
const elsewhere = instance({ id: 'i-far', name: 'far', region: 'us-east-1' });
const appdb = db();

function deps(answers: Parameters<typeof pick>[0][] = [], over: Partial<Omit<Deps, 'ui' | 'store'>> = {}) {
  const ui = new TestUserInput(answers.map(pick));
  return fakeDeps({ ui, store: { instances: [web, api, elsewhere], databases: [appdb] }, ...over });
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('commands: diagnoseConnection (fake deps, scripted answers)', () => {
  it('takes both sides from a link node without asking', async () => {
    const pair = consolePair(1);
    const [link] = findLinks([instance({ groups: ['sg-web', 'sg-ec2rds1'] })], [db({ securityGroupIds: ['sg-rdsec21'] })], [...baseGroups(), ...pair]);
    const d = deps();
    const chosen = await choosePairToDiagnose(d, new LinkNode(link, 'db'));
    assert.deepEqual([chosen.instance.id, chosen.db.id], ['i-web', 'appdb']);
    assert.deepEqual(d.ui.shown, []);
  });

  it('from a DB node asks for an instance of its region only; from an instance node for a DB', async () => {
    const d = deps(['api']);
    const chosen = await choosePairToDiagnose(d, new DatabaseNode(appdb, false));
    assert.equal(chosen.instance.id, 'i-api');
    assert.deepEqual(d.ui.shown.find((s) => s.kind === 'pick')?.items, ['web', 'api'], 'the instance of another region is not offered');
    const e = deps(['appdb']);
    assert.equal((await choosePairToDiagnose(e, new InstanceNode(web))).db.id, 'appdb');
  });

  it('from the palette asks for the DB, then an instance of its region', async () => {
    const d = deps(['appdb', 'web']);
    const chosen = await choosePairToDiagnose(d, undefined);
    d.ui.assertDone();
    assert.deepEqual(d.ui.shown.filter((s) => s.kind === 'pick').map((s) => s.text), ['Select an RDS database', 'Select an EC2 instance']);
    assert.deepEqual([chosen.instance.id, chosen.db.id], ['i-web', 'appdb']);
  });

  it('wrong automation arguments fail naming the field, before any check runs', async () => {
    const d = deps();
    await assert.rejects(diagnoseConnection(d, { region: 'eu-west-1', database: { kind: 'instance', id: 'appdb' } }), (e: unknown) => e instanceof ArgumentError && /"instanceId"/.test(e.message) && e.message.includes(Commands.diagnoseConnection));
    await assert.rejects(diagnoseConnection(d, { instanceId: 'i-web', database: { kind: 'instance', id: 'appdb' } }), /"region"/);
    await assert.rejects(diagnoseConnection(d, { region: 'eu-west-1', instanceId: 'i-web', database: 'appdb' }), /"database"/);
    assert.deepEqual(d.ui.shown, [], 'no progress was shown');
  });

  it('live checks are "unknown" with the reason when the route does not go through this instance over SSH', async () => {
    const signal = new AbortController().signal;
    const reasons = async (decideRoute: () => Promise<unknown>, target = appdb) => {
      const d = deps([], { connections: { decideRoute } as unknown as Deps['connections'] });
      return (await liveChecks(d, await openInstanceSsh(d, target, 'i-web', signal))).map((c) => `${c.status}: ${c.evidence.join(' ')}`);
    };
    assert.deepEqual(await reasons(() => Promise.reject(new Error('never')), db({ endpoint: undefined })), Array(3).fill('unknown: Not run: the database has no endpoint known here.'));
    assert.match((await reasons(() => Promise.reject(new Error('bad host override'))))[0], /^unknown: Not run: no route to the database \(bad host override\)\.$/);
    assert.match((await reasons(async () => ({ kind: 'route', route: { kind: 'direct' }, message: 'public endpoint' })))[0], /no route through an instance \(public endpoint\)/);
    assert.match((await reasons(async () => ({ kind: 'route', route: { kind: 'sshTunnel', instance: { id: 'i-api' } }, message: '' })))[0], /goes through i-api, not i-web/);
  });

  it('opens the live checks\' SSH session with what an EICE route needs (signing for the tunnel, the key push, host keys)', async () => {
    const route = { kind: 'sshTunnel', instance: { id: 'i-web', region: 'eu-west-1' }, target: { host: 'appdb', port: 3306 } } as unknown as SshTunnelRoute;
    const decideRoute = async () => ({ kind: 'route', route, message: 'through i-web' });
    const clients = { instanceConnect: () => 'push', ec2: () => ({ config: { credentials: async () => ({ accessKeyId: 'AKIA' }) } }) };
    const store = new FakeStore({ instances: [web, api, elsewhere], databases: [appdb] });
    (store as unknown as { getSession: () => unknown }).getSession = () => ({ withSignal: () => clients, ...clients });
    let options: Record<string, unknown> | undefined;
    const d = fakeDeps({ store, connections: { decideRoute } as unknown as Deps['connections'] });
    const core = { ...d.core, db: () => ({ ...d.core.db(), openLongSshSession: async (_r: unknown, o: Record<string, unknown>) => { options = o; throw new Error('stop here'); } }) } as unknown as Deps['core'];
    (d.settings as unknown as { values: Map<string, unknown> }).values.set('eiceTunnel', { maxTunnelDurationSeconds: 900, connectUrl: 'http://127.0.0.1:4566' });
    const ssh = await openInstanceSsh({ ...d, core }, appdb, 'i-web', new AbortController().signal);
    assert.equal(ssh.route, route, 'the route is known for the EICE check even without a session');
    const checks = await liveChecks({ ...d, core }, ssh);
    assert.match(checks[0].evidence.join(' '), /no SSH session to i-web \(stop here\)/);
    assert.equal((options?.eice as { region?: string } | undefined)?.region, 'eu-west-1', 'EICE signing for the DB\'s region');
    assert.deepEqual(
      [(options?.eice as { maxTunnelDurationSeconds?: number }).maxTunnelDurationSeconds, (options?.eice as { connectUrl?: string }).connectUrl],
      [900, 'http://127.0.0.1:4566'],
      'the tunnel length and the endpoint URL from the settings',
    );
    assert.equal(options?.instanceConnect, 'push');
    assert.ok(options?.hostKeys);
  });

  it('opens one SSH session for the live checks and the database check: the DB connection forwards over it, and it is closed once', async () => {
    const route = { kind: 'sshTunnel', instance: { id: 'i-web', region: 'eu-west-1' }, target: { host: 'appdb.x.eu-west-1.rds.amazonaws.com', port: 3306 } } as unknown as SshTunnelRoute;
    const endpoint = { address: 'appdb.x.eu-west-1.rds.amazonaws.com', port: 3306 };
    const rds = db({ endpoint });
    const store = new FakeStore({ instances: [web], databases: [rds] });
    Object.assign(store, { getSession: () => ({ withSignal: () => ({ ec2: () => ({}), rds: () => ({}), instanceConnect: () => ({}) }) }) });
    const events: string[] = [];
    const ssh = {
      exec: async () => { events.push('exec'); return { code: 0, stdout: '10.0.11.20\n', stderr: '' }; },
      forwardOut: async () => { events.push('forwardOut'); throw new Error('closed port'); },
      close: async () => { events.push('close'); },
    };
    const opened: unknown[] = [];
    const connectOptions: Array<{ over?: { instanceId: string; session: unknown } }> = [];
    const aws = { ...awsCore, diagnosis: { ...awsCore.diagnosis, readDiagnosisState: async () => diagnosisState() } };
    const d = fakeDeps({
      ui: new TestUserInput([]), store,
      core: { aws: () => aws as unknown as typeof awsCore, db: () => ({ openLongSshSession: async (r: unknown) => { opened.push(r); return ssh; } }) as unknown as ReturnType<Deps['core']['db']>, goconfig: fakeDeps().core.goconfig, deploy: fakeDeps().core.deploy },
      connections: {
        decideRoute: async () => ({ kind: 'route', route, message: 'through i-web' }),
        connect: async (_db: unknown, o: { over?: { instanceId: string; session: unknown } }) => {
          connectOptions.push(o);
          events.push('connect');
          return { connection: { query: async () => [[{ name: 'shop' }], []] }, credentials: { user: 'admin', source: 'managedSecret' }, close: async () => { events.push('db close'); } };
        },
      } as unknown as Deps['connections'],
      documents: { diagnosis: { show: async () => undefined } } as unknown as Deps['documents'],
      files: new MemoryWorkspace({ '.env': `DB_HOST=${endpoint.address}\nDB_PORT=3306\nDB_NAME=shop\n` }),
    });
    const outcome = await diagnoseConnection(d, { region: 'eu-west-1', instanceId: 'i-web', database: { kind: 'instance', id: 'appdb' } });
    assert.equal(opened.length, 1, 'one SSH session');
    assert.equal(connectOptions[0]?.over?.session, ssh, 'the DB connection forwards over the live checks\' session');
    assert.equal(connectOptions[0]?.over?.instanceId, 'i-web');
    assert.deepEqual(events.filter((e) => e === 'close'), ['close']);
    assert.equal(events.at(-1), 'close', 'the session is closed after both checks');
    const byId = new Map(outcome.diagnosis.checks.map((c) => [c.id, c.status]));
    assert.deepEqual([byId.get('liveResolve'), byId.get('liveTcp'), byId.get('dbExists')], ['pass', 'fail', 'pass']);
  });

  it('reads the DB connections of the workspace\'s config files, and nothing without a folder', async () => {
    const files = new Map<string, vscode.Uri>();
    const d = deps([], { files: new MemoryWorkspace({ '.env': 'DB_HOST=localhost\nDB_PORT=3306\nDB_NAME=shop\n', 'notes.json': '{"title": "not a config"}' }) });
    const found = await appConnections(d, files);
    assert.deepEqual(found?.map((c) => [c.fileName, c.connection.host]), [['.env', 'localhost']]);
    assert.equal(files.get('.env')?.fsPath, '/workspace/.env', 'the file for "Point the Config at RDS"');
    assert.equal(await appConnections(deps(), new Map()), undefined);
  });

  it('offers "Link Them" for a link fix and runs the link command with the pair; Copy copies the report', async () => {
    const diagnosis: Diagnosis = { instanceId: 'i-web', dbId: 'appdb', status: 'fail', checks: [{ id: 'sgEgress', title: 'Groups', status: 'fail', evidence: ['no rule'], fix: { kind: 'link' } }] };
    const request = { region: 'eu-west-1', instanceId: 'i-web', database: { kind: 'instance' as const, id: 'appdb' } };
    const state = { db: {} } as DiagnosisState;
    const run = async (button: string) => {
      const ui = new TestUserInput([press(button)]);
      const d = fakeDeps({ ui });
      offerNextSteps(d, new ShownDiagnosis(d, request, diagnosis), state, new Map());
      await flush();
      return ui;
    };
    const linked = await run('Link Them');
    assert.equal(linked.shown[0].text, '1 of 1 checks failed, 0 unknown, for i-web → appdb.');
    assert.deepEqual(linked.shown[0].items, ['Link Them', 'Copy as Text', 'Copy with Account Ids Masked'], 'no analyzer without the DB\'s address');
    assert.deepEqual(linked.executed, [{ command: Commands.linkInstanceToDatabase, args: [request] }]);
    const copied = await run('Copy as Text');
    assert.match(copied.clipboard, /i-web/);
    assert.deepEqual(copied.executed, []);
  });

  it('runs the whole diagnosis: static, live and app-config checks in one report; offers follow only without automation arguments', async () => {
    const reports: Array<[string, string]> = [];
    const reads: unknown[] = [];
    const aws = { ...awsCore, diagnosis: { ...awsCore.diagnosis, readDiagnosisState: async (...a: unknown[]) => { reads.push(a.slice(1)); return diagnosisState(); } } };
    const run = async (answers: Answer[], nodeOrArgs: unknown) => {
      const store = new FakeStore({ instances: [web], databases: [db({ endpoint: { address: 'appdb.x.eu-west-1.rds.amazonaws.com', port: 3306 } })] });
      // The reads are replaced above: the clients are never used.
      Object.assign(store, { getSession: () => ({ withSignal: () => ({ ec2: () => ({}), rds: () => ({}) }) }) });
      const ui = new TestUserInput(answers);
      const d = fakeDeps({
        ui, store,
        core: { aws: () => aws as unknown as typeof awsCore, db: () => { throw new Error('no SSH in this test'); }, goconfig: fakeDeps().core.goconfig, deploy: fakeDeps().core.deploy },
        connections: { decideRoute: async () => ({ kind: 'route', route: { kind: 'direct' }, message: 'public endpoint' }) } as unknown as Deps['connections'],
        documents: { diagnosis: { show: async (name: string, markdown: string) => { reports.push([name, markdown]); } } } as unknown as Deps['documents'],
        files: new MemoryWorkspace({ '.env': 'DB_HOST=localhost\nDB_PORT=3306\nDB_NAME=shop\n' }),
      });
      const outcome = await diagnoseConnection(d, nodeOrArgs);
      await flush();
      return { ui, outcome };
    };
    const automated = await run([], { region: 'eu-west-1', instanceId: 'i-web', database: { kind: 'instance', id: 'appdb' } });
    assert.deepEqual(reads, [['eu-west-1', { instanceId: 'i-web', db: { kind: 'instance', id: 'appdb' } }]]);
    const ids = automated.outcome.diagnosis.checks.map((c) => `${c.id}=${c.status}`);
    assert.ok(ids.includes('liveTcp=unknown') && ids.includes('appConfig=fail'), ids.join(' '));
    assert.equal(automated.outcome.diagnosis.status, 'fail');
    assert.match(automated.outcome.text, /public endpoint/);
    assert.deepEqual(reports.map(([name]) => name), ['i-web-appdb']);
    assert.equal(automated.ui.shown.filter((s) => s.kind === 'info').length, 0, 'no offers for an automation caller');
    const fromNode = await run([pick('appdb'), press('Point the Config at RDS')], new InstanceNode(web));
    fromNode.ui.assertDone();
    const offer = fromNode.ui.shown.find((s) => s.kind === 'info');
    assert.deepEqual(offer?.items?.slice(0, 3), ['Link Them', 'Point the Config at RDS', 'Copy as Text'], 'the groups let nothing through, and .env points elsewhere');
    assert.equal(fromNode.ui.executed[0]?.command, Commands.patchConfig);
    assert.equal((fromNode.ui.executed[0]?.args[0] as vscode.Uri).fsPath, '/workspace/.env');
  });
});

describe('commands: diagnoseConnection, the app\'s database on the server (fake deps)', () => {
  const endpoint = { address: 'appdb.x.eu-west-1.rds.amazonaws.com', port: 3306 };
  const signal = new AbortController().signal;
  const SHOP = { name: 'shop', why: 'The name shop is the one .env gives for this DB.' };
  /** A session whose schema query answers `rows` (and whose login holds SHOW DATABASES); `closed` counts its close calls. */
  function session(rows: Array<{ name: string }>, closed: { n: number }) {
    return { connection: { query: async (sql: string) => [sql.includes('USER_PRIVILEGES') ? [{ 1: 1 }] : rows, []] }, credentials: { user: 'admin', source: 'managedSecret' }, close: async () => { closed.n++; } };
  }

  it('is unknown without a name, and never connects then', async () => {
    const calls: unknown[] = [];
    const d = deps([], { connections: { connect: async (...a: unknown[]) => { calls.push(a); throw new Error('never'); } } as unknown as Deps['connections'] });
    const c = await databaseExists(d, db({ endpoint }), undefined, signal);
    assert.deepEqual([c.id, c.status], ['dbExists', 'unknown']);
    assert.match(c.evidence.join(' '), /^Not run: no database name is known for this pair: .*none was created on this DB through RDS Link \(the link itself names none\)\.$/);
    assert.deepEqual(calls, []);
  });

  it('connects asking nothing (ask: false); no login at hand is "unknown" with the reason; a cancel stays a cancel', async () => {
    const options: Array<{ ask?: boolean }> = [];
    const failing = (err: Error) => deps([], { connections: { connect: async (_db: unknown, o: { ask?: boolean }) => { options.push(o); throw err; } } as unknown as Deps['connections'] });
    const d = failing(new Error('No credentials to log in with.'));
    const c = await databaseExists(d, db({ endpoint }), SHOP, signal);
    assert.deepEqual(options.map((o) => o.ask), [false]);
    assert.equal(c.status, 'unknown');
    assert.equal(c.evidence[0], SHOP.why, 'the evidence says where the name comes from');
    assert.equal(c.evidence[1], 'Not run: no login to appdb without asking for a password (a diagnosis never asks): No credentials to log in with.');
    assert.deepEqual(d.ui.shown, [], 'nothing was asked');
    await assert.rejects(databaseExists(failing(new CancelledError()), db({ endpoint }), SHOP, signal), CancelledError);
  });

  it('asks the server through the session, then closes it: pass, or fail with the name to create', async () => {
    const closed = { n: 0 };
    const run = (rows: Array<{ name: string }>) => databaseExists(deps([], { connections: { connect: async () => session(rows, closed) } as unknown as Deps['connections'] }), db({ endpoint }), SHOP, signal);
    const found = await run([{ name: 'shop' }]);
    assert.deepEqual([found.status, found.evidence], ['pass', [SHOP.why, 'Database "shop" exists on the server (asked as admin, managedSecret).']]);
    const missing = await run([{ name: 'SHOP' }, { name: 'x' }]);
    assert.equal(missing.status, 'fail');
    assert.deepEqual(missing.fix, { kind: 'createSchema', name: 'shop' });
    assert.equal(closed.n, 2);
  });

  it('the whole run compares the workspace target\'s database and checks it exists; the offer opens Create Database (Schema)… on the DB', async () => {
    const aws = { ...awsCore, diagnosis: { ...awsCore.diagnosis, readDiagnosisState: async () => diagnosisState() } };
    const rds = db({ endpoint });
    const store = new FakeStore({ instances: [web], databases: [rds] });
    Object.assign(store, { getSession: () => ({ withSignal: () => ({ ec2: () => ({}), rds: () => ({}) }) }) });
    const asked: unknown[] = [];
    const ui = new TestUserInput([pick('appdb'), press('Create Database (Schema) orders…')]);
    const d = fakeDeps({
      ui, store,
      core: { aws: () => aws as unknown as typeof awsCore, db: () => { throw new Error('no SSH in this test'); }, goconfig: fakeDeps().core.goconfig, deploy: fakeDeps().core.deploy },
      connections: {
        decideRoute: async () => ({ kind: 'route', route: { kind: 'direct' }, message: 'public endpoint' }),
        connect: async (_db: unknown, o: unknown) => { asked.push(o); return session([], { n: 0 }); },
      } as unknown as Deps['connections'],
      documents: { diagnosis: { show: async () => undefined } } as unknown as Deps['documents'],
      files: new MemoryWorkspace({ '.env': `DB_HOST=${endpoint.address}\nDB_PORT=3306\nDB_NAME=shop\n` }),
    });
    await d.targets.setCurrent({ host: endpoint.address, port: 3306, user: 'app', database: 'orders', label: 'appdb', region: 'eu-west-1' });
    const outcome = await diagnoseConnection(d, new InstanceNode(web));
    await flush();
    ui.assertDone();
    const byId = new Map(outcome.diagnosis.checks.map((c) => [c.id, c]));
    assert.equal(byId.get('appConfig')?.status, 'fail', 'the config names shop, the workspace target orders');
    assert.match(byId.get('appConfig')?.evidence.at(-1) ?? '', /differs in: database\.$/);
    assert.equal(byId.get('dbExists')?.status, 'fail');
    assert.equal(asked.length, 1);
    assert.match(outcome.text, /with the name orders/);
    const offer = ui.shown.find((s) => s.kind === 'info');
    assert.ok(offer?.items?.includes('Create Database (Schema) orders…'), offer?.items?.join(', '));
    assert.equal(ui.executed[0]?.command, Commands.createSchema);
    assert.equal((ui.executed[0]?.args[0] as DatabaseNode).db.id, 'appdb');
  });
});

describe('commands: diagnoseConnection, the database name when the link names none (fake deps)', () => {
  const endpoint = { address: 'appdb.x.eu-west-1.rds.amazonaws.com', port: 3306 };

  async function fromLinkNode(files: Record<string, string>, record: (d: ReturnType<typeof fakeDeps>) => Promise<void>) {
    const rds = db({ endpoint, securityGroupIds: ['sg-rdsec21'] });
    const [link] = findLinks([instance({ groups: ['sg-web', 'sg-ec2rds1'] })], [rds], [...baseGroups(), ...consolePair(1)]);
    const aws = { ...awsCore, diagnosis: { ...awsCore.diagnosis, readDiagnosisState: async () => diagnosisState() } };
    const store = new FakeStore({ instances: [web], databases: [rds] });
    Object.assign(store, { getSession: () => ({ withSignal: () => ({ ec2: () => ({}), rds: () => ({}) }) }) });
    const asked: string[] = [];
    const d = fakeDeps({
      ui: new TestUserInput([]), store,
      core: { aws: () => aws as unknown as typeof awsCore, db: () => { throw new Error('no SSH in this test'); }, goconfig: fakeDeps().core.goconfig, deploy: fakeDeps().core.deploy },
      connections: {
        decideRoute: async () => ({ kind: 'route', route: { kind: 'direct' }, message: 'public endpoint' }),
        connect: async () => ({
          connection: { query: async (sql: string, v?: unknown[]) => { if (v) asked.push(String(v[0])); return [sql.includes('USER_PRIVILEGES') ? [{ 1: 1 }] : [{ name: 'goapp' }], []]; } },
          credentials: { user: 'admin', source: 'managedSecret' }, close: async () => undefined,
        }),
      } as unknown as Deps['connections'],
      documents: { diagnosis: { show: async () => undefined } } as unknown as Deps['documents'],
      files: new MemoryWorkspace(files),
    });
    await record(d);
    const outcome = await diagnoseConnection(d, new LinkNode(link, 'db'));
    return { check: outcome.diagnosis.checks.find((c) => c.id === 'dbExists'), asked };
  }

  it('from a "Linked instances" node, checks the database created on the DB through this pair\'s instance, and says so', async () => {
    const { check, asked } = await fromLinkNode({ '.env': 'DB_HOST=localhost\nDB_NAME=goapp_dev\n' }, async (d) => {
      await recordCreatedDatabase(d.globalState, { region: 'eu-west-1', kind: 'instance', id: 'appdb' }, { name: 'goapp', instanceId: 'i-web', at: '2026-12-01T10:00:00.000Z' });
      // Again through the same instance: kept once.
      await recordCreatedDatabase(d.globalState, { region: 'eu-west-1', kind: 'instance', id: 'appdb' }, { name: 'goapp', instanceId: 'i-web', at: '2026-12-02T10:00:00.000Z' });
      assert.equal(createdDatabasesOf(d.globalState, { region: 'eu-west-1', kind: 'instance', id: 'appdb' }).length, 1);
    });
    assert.deepEqual(asked, ['goapp']);
    assert.equal(check?.status, 'pass');
    assert.match(check?.evidence[0] ?? '', /^The name goapp is the database created on this DB through RDS Link \(2026-12-02, through i-web\)/);
  });

  it('with nothing that names one, does not guess: unknown, saying the link names none', async () => {
    const { check, asked } = await fromLinkNode({}, async () => undefined);
    assert.deepEqual(asked, []);
    assert.equal(check?.status, 'unknown');
    assert.match(check?.evidence.join(' ') ?? '', /no database name is known for this pair.*the link itself names none/);
  });
});

describe('commands: diagnoseConnection, SSH through an EC2 Instance Connect Endpoint (fake deps)', () => {
  const signal = new AbortController().signal;
  const route = { kind: 'sshTunnel', eice: { endpoint: { id: 'eice-1', dnsName: 'x', subnetId: 'subnet-pub', securityGroupIds: ['sg-eice'] }, privateIpAddress: '10.0.1.10' } } as unknown as SshTunnelRoute;
  /** Deps whose EC2 client answers DescribeSecurityGroups with `answer` (or fails with it). */
  function withEc2(answer: unknown[] | Error, sent: unknown[]) {
    const store = new FakeStore({});
    const ec2 = { send: async (cmd: { input: unknown }) => { sent.push(cmd.input); if (answer instanceof Error) throw answer; return { SecurityGroups: answer }; } };
    Object.assign(store, { getSession: () => ({ withSignal: () => ({ ec2: () => ec2 }) }) });
    return fakeDeps({ store });
  }
  const instanceAccepts = diagnosisState({ instanceGroups: [sg('sg-app', 'app', [tcp(22, { peerGroupId: 'sg-eice' })])] });

  it('no check without an endpoint on the route, and no call', async () => {
    const sent: unknown[] = [];
    assert.equal(await eicePort(withEc2([], sent), 'eu-west-1', instanceAccepts, undefined, signal), undefined);
    assert.equal(await eicePort(withEc2([], sent), 'eu-west-1', instanceAccepts, { kind: 'sshTunnel' } as SshTunnelRoute, signal), undefined);
    assert.deepEqual(sent, []);
  });

  it('reads the endpoint\'s group and evaluates both sides; a failed read is "unknown" with the reason', async () => {
    const sent: unknown[] = [];
    const group = { GroupId: 'sg-eice', GroupName: 'eice', VpcId: 'vpc-1', IpPermissions: [], IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] };
    const c = await eicePort(withEc2([group], sent), 'eu-west-1', instanceAccepts, route, signal);
    assert.deepEqual(sent, [{ GroupIds: ['sg-eice'] }]);
    assert.equal(c?.status, 'pass', c?.evidence.join(' '));
    const failed = await eicePort(withEc2(new Error('UnauthorizedOperation'), []), 'eu-west-1', instanceAccepts, route, signal);
    assert.deepEqual([failed?.id, failed?.status, failed?.evidence], ['eicePort', 'unknown', ['Reading the endpoint\'s security groups failed: UnauthorizedOperation']]);
  });
});
