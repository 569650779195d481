// useDatabaseInWorkspace and patchConfig with fake deps: a workspace facet over a temp folder
// (documents read from disk, edits written back), real git, scripted answers. What they ask,
// what they write where, the refusals, and the automation arguments' errors.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { RdsDatabase } from '../../../src/core/aws/types';
import type { Deps } from '../../../src/commands/deps';
import { patchConfig } from '../../../src/commands/config/patchConfig';
import { useDatabaseInWorkspace } from '../../../src/commands/config/useDatabaseInWorkspace';
import { isCancellation } from '../../../src/core/errors';
import { endpointPasswordKey } from '../../../src/state/passwords';
import { fakeDeps, type FakeDeps } from '../support/fakeDeps';
import { escape, pick, type, TestUserInput, type Answer } from '../support/testUserInput';
import { Position, Uri, type WorkspaceEdit } from '../support/vscodeModule';

const rdsHost = 'shop-db.abc.us-east-1.rds.amazonaws.com';
const target = { host: rdsHost, port: 3306, user: 'shop_app', database: 'shop', label: 'shop-db' };
const ENV = 'DB_HOST=localhost\nDB_PORT=3306\nDB_USER=shop\nDB_PASSWORD=local\nDB_NAME=shop\n';

/** A document over a file on disk; positions are plain offsets (line 0), which the fake workspace reads back. */
function document(file: string): vscode.TextDocument {
  const text = fs.readFileSync(file, 'utf8');
  return {
    uri: Uri.file(file), fileName: file, version: 1, isDirty: false,
    getText: () => text,
    positionAt: (offset: number) => new Position(0, offset),
    save: async () => true,
  } as unknown as vscode.TextDocument;
}

/** The workspace facet over one folder: edits are applied to the files on disk. */
function workspaceOver(folder: string, applied: WorkspaceEdit[]): Deps['workspace'] {
  return {
    firstFolder: () => ({ name: path.basename(folder), path: folder }),
    folderOf: (uri) => (uri.fsPath.startsWith(folder) ? folder : undefined),
    activeDocument: () => undefined,
    openTextDocument: async (uri) => document(uri.fsPath),
    writeFile: async (uri, content) => fs.writeFileSync(uri.fsPath, content),
    applyEdit: async (edit) => {
      const e = edit as unknown as WorkspaceEdit;
      applied.push(e);
      for (const entry of [...e.entries].reverse()) {
        if ('create' in entry) fs.writeFileSync(entry.uri.fsPath, entry.create.contents ?? new Uint8Array());
        else {
          const text = fs.readFileSync(entry.uri.fsPath, 'utf8');
          fs.writeFileSync(entry.uri.fsPath, text.slice(0, entry.range.start.character) + entry.newText + text.slice(entry.range.end.character));
        }
      }
      return true;
    },
  };
}

const folders: string[] = [];
after(() => {
  for (const f of folders) fs.rmSync(f, { recursive: true, force: true });
});

interface Setup { deps: FakeDeps; ui: TestUserInput; folder: string; file: string; applied: WorkspaceEdit[] }

async function setup(answers: readonly Answer[], options: { git?: boolean; goMod?: string; password?: string } = {}): Promise<Setup> {
  const folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rdslink-patch-')));
  folders.push(folder);
  if (options.git) execFileSync('git', ['init', '-q', folder]);
  if (options.goMod) fs.writeFileSync(path.join(folder, 'go.mod'), options.goMod);
  const file = path.join(folder, 'app.env');
  fs.writeFileSync(file, ENV);
  const applied: WorkspaceEdit[] = [];
  const ui = new TestUserInput(answers);
  const deps = fakeDeps({ ui, workspace: workspaceOver(folder, applied), keyMaps: { current: () => undefined } as unknown as Deps['keyMaps'] });
  if (options.password) await deps.passwords.store(endpointPasswordKey(target), options.password);
  return { deps, ui, folder, file, applied };
}

const read = (file: string): string => fs.readFileSync(file, 'utf8');

describe('commands: patchConfig (the password choice and the refusals)', () => {
  it('outside git writes everything, the password too, without asking', async () => {
    const s = await setup([], { password: 'S3cret' });
    const outcome = await patchConfig(s.deps, Uri.file(s.file), target);
    assert.equal(outcome.passwordWrittenTo, 'file');
    assert.equal(outcome.verdict, 'onTarget');
    assert.equal(read(s.file), `DB_HOST=${rdsHost}\nDB_PORT=3306\nDB_USER=shop_app\nDB_PASSWORD=S3cret\nDB_NAME=shop\n`);
    assert.deepEqual(s.ui.shown.map((x) => x.kind), ['info']);
  });

  it('a file git would commit: asks where the password goes; "leave it out" patches the rest and keeps the password as it was', async () => {
    const s = await setup([pick('Leave the password out')], { git: true, password: 'S3cret' });
    const outcome = await patchConfig(s.deps, Uri.file(s.file), target);
    assert.equal(outcome.passwordWrittenTo, 'none');
    assert.equal(read(s.file), `DB_HOST=${rdsHost}\nDB_PORT=3306\nDB_USER=shop_app\nDB_PASSWORD=local\nDB_NAME=shop\n`);
    assert.equal(s.ui.shown[0].text, 'git would commit app.env. Where should the database password go?');
    assert.deepEqual(s.ui.shown[0].items, ['$(circle-slash) Leave the password out', '$(warning) Write it into app.env'], 'no .env offered: the app does not read one');
    s.ui.assertDone();
  });

  it('"Write it to .env" (the app reads .env) ignores .env in git first, then writes the password there only', async () => {
    const s = await setup([pick('Write it to .env')], { git: true, password: 'S3cret', goMod: 'module shop\nrequire github.com/joho/godotenv v1.5.1\n' });
    const outcome = await patchConfig(s.deps, Uri.file(s.file), target);
    assert.equal(outcome.passwordWrittenTo, 'dotEnv');
    assert.equal(read(path.join(s.folder, '.gitignore')).trim(), '.env');
    assert.match(read(path.join(s.folder, '.env')), /^DB_PASSWORD=S3cret$/m);
    assert.doesNotMatch(read(s.file), /S3cret/);
    assert.match(read(s.file), new RegExp(`DB_HOST=${rdsHost.replace(/\./g, '\\.')}`));
  });

  it('Escape at the password choice changes nothing', async () => {
    const s = await setup([escape], { git: true, password: 'S3cret' });
    await assert.rejects(patchConfig(s.deps, Uri.file(s.file), target), (e: unknown) => isCancellation(e));
    assert.equal(read(s.file), ENV);
    assert.deepEqual(s.applied, []);
  });

  it('refuses a file it does not read, one over the size limit, no file at all, and a malformed target', async () => {
    const s = await setup([]);
    const notes = path.join(s.folder, 'notes.txt');
    fs.writeFileSync(notes, 'DB_HOST=localhost\n');
    await assert.rejects(patchConfig(s.deps, Uri.file(notes), target), /notes\.txt is not a config format RDS Link reads/);
    await assert.rejects(patchConfig(s.deps, undefined, target), /Open the project's database config file first/);
    fs.writeFileSync(s.file, `${ENV}# ${'x'.repeat(3000)}\n`);
    s.deps.settings.values.set('config.maxFileSizeKb', 1);
    await assert.rejects(patchConfig(s.deps, Uri.file(s.file), target), /\d KB is over the limit of 1 KB/);
    s.deps.settings.values.delete('config.maxFileSizeKb');
    await assert.rejects(patchConfig(s.deps, Uri.file(s.file), { ...target, port: '3306' }), /rdsLink\.patchConfig: the argument "port" must be a number/);
    assert.deepEqual(s.applied, []);
  });

  it('a file with a block per environment: patches the block named, refuses one it lacks, asks when none is given', async () => {
    const s = await setup([escape]);
    const yaml = path.join(s.folder, 'config.yaml');
    const text = 'development:\n  database:\n    host: localhost\n    user: root\n    name: dev\nproduction:\n  database:\n    host: old.internal\n    user: shop\n    name: shop\n';
    fs.writeFileSync(yaml, text);
    await assert.rejects(patchConfig(s.deps, Uri.file(yaml), target, { block: 'staging' }), /config\.yaml has no environment block staging\./);
    await assert.rejects(patchConfig(s.deps, Uri.file(yaml), target), (e: unknown) => isCancellation(e));
    assert.equal(s.ui.shown[0].text, 'config.yaml has a block per environment. Which one should point at RDS?');
    assert.equal(read(yaml), text);
    await patchConfig(s.deps, Uri.file(yaml), target, { block: 'production' });
    assert.equal(read(yaml), text.replace('old.internal', rdsHost).replace('user: shop', 'user: shop_app'));
  });
});

const shop: RdsDatabase = {
  region: 'us-east-1', kind: 'instance', id: 'shop-db', engine: 'mysql', status: 'available',
  endpoint: { address: rdsHost, port: 3306 }, publiclyAccessible: false, securityGroupIds: [], masterUsername: 'admin', iamAuthEnabled: false,
};

describe('commands: useDatabaseInWorkspace', () => {
  it('from automation asks nothing, labels by host, and puts a given password in secret storage only', async () => {
    const deps = fakeDeps();
    const result = await useDatabaseInWorkspace(deps, { host: rdsHost, port: 3306, user: 'shop_app', password: 'S3cret', database: 'shop' });
    assert.deepEqual(result, { host: rdsHost, port: 3306, user: 'shop_app', database: 'shop', label: rdsHost });
    assert.deepEqual(deps.targets.current, result);
    assert.equal(deps.secrets.values.get(endpointPasswordKey(result)), 'S3cret');
    assert.deepEqual(deps.ui.shown, []);
  });

  it('refuses malformed arguments, naming the field, and sets nothing', async () => {
    const deps = fakeDeps();
    await assert.rejects(useDatabaseInWorkspace(deps, { host: rdsHost, port: 3306, database: 'shop' }), /"user" must be a non-empty string \(it is missing\)/);
    await assert.rejects(useDatabaseInWorkspace(deps, { host: rdsHost, port: 3306, user: 'a', database: 'shop', password: 42 }), /"password"/);
    assert.equal(deps.targets.current, undefined);
    assert.equal(deps.secrets.values.size, 0);
  });

  it('from the palette asks the DB, the database name and the user; Escape sets nothing', async () => {
    const ui = new TestUserInput([pick('shop-db'), type('shop'), type('shop_app'), pick('shop-db'), escape]);
    const deps = fakeDeps({ ui, store: { databases: [shop] } });
    const result = await useDatabaseInWorkspace(deps);
    assert.deepEqual(result, { host: rdsHost, port: 3306, user: 'shop_app', database: 'shop', label: 'shop-db', region: 'us-east-1' });
    assert.match(ui.shown.at(-1)?.text ?? '', /This workspace now uses shop-db \(shop\) as shop_app/);
    await deps.targets.setCurrent({ ...result, database: 'before' });
    await assert.rejects(useDatabaseInWorkspace(deps), (e: unknown) => isCancellation(e));
    assert.equal(deps.targets.current?.database, 'before');
  });
});
