// Deploy… and Roll Back Deployment… with fake deps and scripted answers: the guided first deploy
// that writes the deploy file, a parse error by line:col, a declined plan (nothing built or
// uploaded), compiler errors in the Problems view, cancel → the rollback offer, the automation
// argument errors, the password in no log line, and a rollback to a kept release. The Go build
// and the SSH executor are fakes here (test/integration/deploy covers the real ones).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ArgumentError } from '../../../src/commands/args';
import { deploy } from '../../../src/commands/deploy/deploy';
import { rollbackDeployment } from '../../../src/commands/deploy/rollbackDeployment';
import type { Deps } from '../../../src/commands/deps';
import * as deployCore from '../../../src/core/deploy/index';
import type { DeployExecutor, GoBuildResult, HealthResult, SshExecutorOptions } from '../../../src/core/deploy/index';
import { isCancellation } from '../../../src/core/errors';
import type { ExecOptions, ExecResult, SshSession } from '../../../src/core/instance/index';
import { endpointPasswordKey } from '../../../src/state/passwords';
import { InstanceNode } from '../../../src/tree/nodes';
import { instance } from '../link/builders';
import { fakeDeps, MemoryProblems, MemoryWorkspace, type FakeDeps } from '../support/fakeDeps';
import { escape, pick, pickMany, press, type, TestUserInput, type Answer } from '../support/testUserInput';

const REGION = 'us-east-1';
const PASSWORD = 'Sup3r-secret_pw';
const web1 = instance({ region: REGION, id: 'i-0000000000000000a', name: 'web1', state: 'running', tags: { App: 'goapp' } });
const web2 = instance({ region: REGION, id: 'i-0000000000000000b', name: 'web2', state: 'running', tags: { App: 'goapp' } });
const other = instance({ region: REGION, id: 'i-0000000000000000c', name: 'other', state: 'running', tags: { App: 'else' } });

const FILE = `version: 1
service: goapp
port: 8080
instances:
  - region: ${REGION}
    tag: App=goapp
strategy:
  kind: rolling
  batch: 1
`;

/** An SSH session that answers the survey, the release list and the unit install; it records every command. */
class FakeSession {
  readonly commands: Array<{ command: string; stdin?: string }> = [];
  constructor(private readonly current: string, private readonly kept: readonly string[]) {}
  readonly hostKeySha256 = 'SHA256:x';
  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    this.commands.push({ command, ...(options.stdin !== undefined ? { stdin: String(options.stdin) } : {}) });
    if (command.startsWith('uname -m')) return { code: 0, stdout: `x86_64\n${this.current}\n`, stderr: '' };
    if (command.includes('ls -1')) return { code: 0, stdout: `${this.kept.join('\n')}\n--\n${this.current}\n`, stderr: '' };
    return { code: 0, stdout: '', stderr: '' };
  }
  async close(): Promise<void> {}
}

interface World {
  readonly deps: FakeDeps;
  readonly dir: string;
  /** deps.files: the workspace's files by path relative to dir (the guided flow writes the deploy file here). */
  readonly files: Record<string, string>;
  readonly builds: string[];
  readonly executors: FakeExecutor[];
  readonly sessions: Map<string, FakeSession>;
  readonly problems: MemoryProblems;
}

/** Stands in for SshDeployExecutor: records the steps, and lets a test act in the middle of one. */
class FakeExecutor implements DeployExecutor {
  static onActivate: ((id: string) => void) | undefined;
  static made: FakeExecutor[] = [];
  readonly steps: string[] = [];
  constructor(readonly options: SshExecutorOptions) {
    FakeExecutor.made.push(this);
  }
  async upload(id: string): Promise<{ previous?: string }> {
    this.steps.push(`upload ${id}`);
    return { previous: 'r-old' };
  }
  async activate(id: string): Promise<void> {
    this.steps.push(`activate ${id}`);
    FakeExecutor.onActivate?.(id);
  }
  async health(id: string): Promise<HealthResult> {
    this.steps.push(`health ${id}`);
    return { healthy: true, detail: 'GET /healthz answered 200' };
  }
  async rollback(id: string, previous: string): Promise<void> {
    this.steps.push(`rollback ${id} ${previous}`);
  }
  async sleep(): Promise<void> {}
  async close(): Promise<void> {}
}

function world(answers: readonly Answer[], o: { file?: string; current?: string; build?: GoBuildResult; go?: boolean; extra?: Record<string, string> } = {}): World {
  // The deploy file lives in deps.files (memory); a temp folder holds what the core reads from disk
  // itself: the shipped files (the extra ones, on both) and the build's output folder.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-deploycmd-'));
  const files: Record<string, string> = { ...(o.file !== undefined ? { 'rds-link.deploy.yaml': o.file } : {}), ...o.extra };
  for (const [name, text] of Object.entries(o.extra ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  const builds: string[] = [];
  const sessions = new Map<string, FakeSession>();
  FakeExecutor.made = [];
  FakeExecutor.onActivate = undefined;
  const core = {
    ...deployCore,
    findGo: async () => (o.go === false ? undefined : { path: '/usr/bin/go', version: 'go version go1.19 linux/amd64' }),
    runGoBuild: async (cmd: deployCore.GoBuildCommand, outFile: string) => {
      builds.push(`${String(cmd.env.GOARCH)} ${cmd.args.join(' ')}`);
      return o.build ?? { ok: true as const, outFile, bytes: 10 };
    },
    SshDeployExecutor: FakeExecutor as unknown as typeof deployCore.SshDeployExecutor,
  };
  const problems = new MemoryProblems();
  const base = fakeDeps();
  const deps = fakeDeps({
    ui: new TestUserInput(answers),
    store: { instances: [web1, web2, other] },
    core: { ...base.core, deploy: () => core },
    problems,
    paths: { extension: dir, globalStorage: path.join(dir, '.storage') },
    workspace: { firstFolder: () => ({ name: 'goapp', path: dir }), writeFile: async (uri: { fsPath: string }, content: Uint8Array) => void (files[path.relative(dir, uri.fsPath)] = Buffer.from(content).toString('utf8')) } as unknown as Deps['workspace'],
    files: new MemoryWorkspace(files, `${dir}/`),
    instanceSessions: (() => {
      const opener = {
        open: async (i: { id: string }) => {
          const s = new FakeSession(o.current ?? '', ['r-older', 'r-old', o.current ?? '']);
          sessions.set(i.id, s);
          return s as unknown as SshSession;
        },
        sshProblem: async () => undefined,
      };
      return { ...opener, forInstances: () => opener };
    })(),
  });
  return { deps, dir, files, builds, executors: FakeExecutor.made, sessions, problems };
}

const plan0 = (w: World): string => w.deps.ui.shown.find((s) => s.text.startsWith('Deploy goapp'))?.detail ?? '';
const unitInstalls = (w: World): string[] => [...w.sessions].filter(([, s]) => s.commands.some((c) => c.command.includes('systemd/system'))).map(([id]) => id);

describe('commands: deploy (fake deps, scripted answers)', () => {
  it('with no deploy file, the guided first deploy asks, shows the file, writes it, then deploys and installs the unit when accepted', async () => {
    const w = world(
      [type('goapp'), type('.'), type('8080'), type('/healthz'), pick(/^These instances/), pickMany('config.yaml', 'templates'), pick(/^Rolling, one/), press('Write and Deploy'), press('Deploy'), press('Install the Unit')],
      { extra: { 'config.yaml': 'server:\n  addr: ":8080"\n', 'templates/index.html': '<h1/>', 'main.go': 'package main\n' } },
    );
    const result = await deploy(w.deps, new InstanceNode(web1), [new InstanceNode(web1), new InstanceNode(web2)]);
    w.deps.ui.assertDone();
    const written = w.files['rds-link.deploy.yaml'];
    const parsed = deployCore.parseDeployFile(written);
    assert.ok(parsed.ok, written);
    assert.deepEqual(parsed.file.instances, [{ region: REGION, ids: [web1.id, web2.id] }]);
    assert.deepEqual(parsed.file.files, ['config.yaml', 'templates'], 'the config and the templates folder were offered and picked');
    assert.equal(result.status, 'deployed');
    assert.deepEqual(result.instances.map((i) => [i.instanceId, i.state, i.release]), [[web1.id, 'deployed', result.release], [web2.id, 'deployed', result.release]]);
    assert.equal(w.builds.length, 1, 'one build for one architecture');
    assert.match(w.builds[0], /^amd64 build -trimpath/);
    assert.deepEqual(unitInstalls(w), [web1.id, web2.id]);
    const unit = [...w.sessions.values()][0].commands.find((c) => c.command.includes('systemd/system'));
    assert.match(unit?.stdin ?? '', /ExecStart=\/opt\/goapp\/current\/goapp/);
    assert.deepEqual(w.executors[0].options.shipped.files.map((f) => [f.name, f.data.toString()]), [['config.yaml', 'server:\n  addr: ":8080"\n'], ['templates/index.html', '<h1/>']]);
    assert.match(plan0(w), /Shipped beside the binary: 2 file\(s\), 1 KB \(config.yaml, templates\)/);
    const plan = w.deps.ui.shown.find((s) => s.text.startsWith('Deploy goapp'));
    assert.match(plan?.detail ?? '', /Batch 1: i-0000000000000000a\nBatch 2: i-0000000000000000b/);
    assert.match(plan?.detail ?? '', /GET \/healthz on port 8080/);
  });

  it('a deploy file with problems is an error naming file:line:col, and nothing is asked or built', async () => {
    const w = world([], { file: FILE.replace('port: 8080', 'port: eighty') });
    await assert.rejects(deploy(w.deps), /rds-link\.deploy\.yaml:3:7: "port"/);
    assert.deepEqual(w.deps.ui.shown, []);
    assert.deepEqual(w.builds, []);
  });

  it('a shipped folder is shipped whole; a missing one is refused before anything is asked, built or reached', async () => {
    const shipped = world([press('Deploy')], { file: `${FILE}files: [templates]\n`, current: 'r-old' });
    fs.mkdirSync(path.join(shipped.dir, 'templates', 'partials'), { recursive: true });
    fs.writeFileSync(path.join(shipped.dir, 'templates', 'partials', 'nav.html'), '<nav/>');
    assert.equal((await deploy(shipped.deps)).status, 'deployed');
    assert.deepEqual(shipped.executors[0].options.shipped.files.map((f) => f.name), ['templates/partials/nav.html']);
    assert.deepEqual(shipped.executors[0].options.shipped.dirs, ['templates', 'templates/partials']);

    const w = world([], { file: `${FILE}files: [config.yaml, static]\n`, extra: { 'config.yaml': 'a: 1\n' } });
    await assert.rejects(deploy(w.deps), /cannot be shipped, nothing was built or changed:\n"static" does not exist in /);
    assert.deepEqual(w.deps.ui.shown, []);
    assert.deepEqual(w.builds, []);
    assert.equal(w.sessions.size, 0, 'no SSH session was opened');
  });

  it('declining the plan builds and uploads nothing; the tag picks the running instances tagged App=goapp', async () => {
    const w = world([escape], { file: FILE });
    await assert.rejects(deploy(w.deps), (e: unknown) => isCancellation(e));
    const plan = w.deps.ui.shown[0];
    assert.equal(plan.text, 'Deploy goapp to 2 instance(s)?');
    assert.equal(plan.modal, true);
    assert.match(plan.detail ?? '', /instances already on the new release go back too/);
    assert.deepEqual(w.builds, []);
    assert.deepEqual(w.executors, []);
    assert.equal(w.sessions.size, 0, 'no SSH session was opened');
  });

  it('compiler errors go to the Problems view and nothing is touched on the instances', async () => {
    const diagnostics = [{ file: '/x/main.go', line: 12, column: 5, message: 'undefined: foo' }];
    const w = world([press('Deploy')], { file: FILE, current: 'r-old', build: { ok: false, message: 'go build for amd64 failed (exit 1): ./main.go:12:5: undefined: foo', diagnostics } });
    await assert.rejects(deploy(w.deps), /go build for amd64 failed .*compiler's errors are in the Problems view/);
    assert.deepEqual(w.problems.entries, diagnostics);
    assert.deepEqual(w.executors, []);
    assert.deepEqual(unitInstalls(w), []);
  });

  it('no go on PATH: says so with a way to get it, and builds nothing', async () => {
    const w = world([press('Get Go')], { file: FILE, go: false });
    await assert.rejects(deploy(w.deps), (e: unknown) => isCancellation(e));
    assert.match(w.deps.ui.shown[0].text, /Go is not installed, or not on PATH/);
    assert.deepEqual(w.deps.ui.opened, ['https://go.dev/dl/']);
    assert.deepEqual(w.builds, []);
  });

  it('cancel stops after the current batch and offers to roll back what was done', async () => {
    const w = world([press('Roll Back')], { file: FILE, current: 'r-old' });
    FakeExecutor.onActivate = () => w.deps.ui.cancelProgress();
    const result = await deploy(w.deps, { confirmed: true });
    assert.equal(result.status, 'cancelled');
    assert.deepEqual(w.executors[0].steps, [`upload ${web1.id}`, `activate ${web1.id}`, `health ${web1.id}`, `rollback ${web1.id} r-old`]);
    assert.deepEqual(result.instances.map((i) => [i.instanceId, i.state, i.release]), [[web1.id, 'rolledBack', 'r-old'], [web2.id, 'untouched', undefined]]);
    const offer = w.deps.ui.shown.find((s) => s.text.startsWith('The deploy was cancelled'));
    assert.equal(offer?.modal, true);
    assert.equal(offer?.detail, web1.id);
  });

  it('automation arguments: a wrong type is an ArgumentError naming the field', async () => {
    const w = world([], { file: FILE });
    await assert.rejects(deploy(w.deps, { confirmed: 'yes' }), (e: unknown) => e instanceof ArgumentError && /rdsLink\.deploy: the argument "confirmed" must be true or false/.test(e.message));
    await assert.rejects(deploy(w.deps, { folder: 3 }), /rdsLink\.deploy: the argument "folder" must be a non-empty string/);
    await assert.rejects(rollbackDeployment(w.deps, { release: '' }), /rdsLink\.rollbackDeployment: the argument "release"/);
  });

  it('the DB password goes to the executor\'s env only: in no log line, no command, no file', async () => {
    const w = world([], { file: FILE, current: 'r-old' });
    const target = { label: 'appdb', host: 'appdb.x.rds.amazonaws.com', port: 3306, user: 'goapp', database: 'goapp' };
    await w.deps.targets.setCurrent(target);
    await w.deps.passwords.store(endpointPasswordKey(target), PASSWORD);
    const result = await deploy(w.deps, { confirmed: true, acceptUnit: false });
    assert.equal(result.status, 'deployed');
    assert.deepEqual(w.executors[0].options.env, { DB_HOST: target.host, DB_PORT: '3306', DB_USER: 'goapp', DB_NAME: 'goapp', DB_PASSWORD: PASSWORD });
    assert.ok(w.deps.log.lines.length > 5);
    assert.equal(w.deps.log.lines.some((l) => l.includes(PASSWORD)), false);
    assert.equal([...w.sessions.values()].some((s) => s.commands.some((c) => c.command.includes(PASSWORD) || c.stdin?.includes(PASSWORD))), false);
    assert.equal(Object.values(w.files).some((text) => text.includes(PASSWORD)), false, 'no workspace file holds it');
    const onDisk = (fs.readdirSync(w.dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(w.dir, f)).isFile());
    assert.equal(onDisk.some((f) => fs.readFileSync(path.join(w.dir, f), 'utf8').includes(PASSWORD)), false, 'no file the deploy wrote holds it');
  });
});

describe('commands: rollbackDeployment (fake deps, scripted answers)', () => {
  it('offers the releases every instance keeps (not the current one), then switches back with the strategy, nothing uploaded', async () => {
    const w = world([pick('r-old'), press('Roll Back')], { file: FILE, current: 'r-new' });
    const result = await rollbackDeployment(w.deps);
    w.deps.ui.assertDone();
    assert.deepEqual(w.deps.ui.shown[0].items, ['r-old', 'r-older']);
    assert.equal(result.status, 'deployed');
    assert.equal(result.release, 'r-old');
    assert.equal(w.executors[0].options.rollbackTo, true);
    assert.equal(w.executors[0].options.release, 'r-old');
    assert.deepEqual(w.builds, []);
    assert.match(w.deps.ui.shown[1].detail ?? '', /Nothing is built or uploaded/);
  });

  it('a release not kept on every instance is an argument error, and nothing is switched', async () => {
    const w = world([], { file: FILE, current: 'r-new' });
    await assert.rejects(rollbackDeployment(w.deps, { release: 'r-gone', confirmed: true }), /the release r-gone is not kept on every instance \(kept on all: r-old, r-older\)/);
    assert.deepEqual(w.executors, []);
  });
});
