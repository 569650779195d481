// The config quick-fix in a real extension host: the workspace target set by automation, the
// diagnostic on a local setting, the preferred code action, the patch as one undoable edit, and
// a file that does not parse left untouched.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './extensionUnderTest';

const target = { host: 'goapp-db.abc123.us-east-1.rds.amazonaws.com', port: 3306, user: 'goapp_app', password: 'S3cret-pass_word.1', database: 'goapp', label: 'goapp-db' };

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs a command that shows quick picks, and takes the first item of each until the command ends. */
async function takingFirstPick<T>(run: Thenable<T>): Promise<T> {
  let settled = false;
  const result = Promise.resolve(run).finally(() => {
    settled = true;
  });
  while (!settled) {
    await new Promise((r) => setTimeout(r, 250));
    if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  return result;
}

interface PatchOutcome {
  changed: number;
  passwordWrittenTo?: string;
}

describe('config quick-fix: point a Go project config at RDS', function () {
  this.timeout(60_000);
  let folder: vscode.Uri;

  before(async function () {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const first = vscode.workspace.workspaceFolders?.[0];
    assert.ok(first, 'the test workspace has a folder');
    folder = first.uri;
    await vscode.commands.executeCommand('rdsLink.useDatabaseInWorkspace', target);
  });

  async function write(name: string, text: string): Promise<vscode.TextDocument> {
    const uri = vscode.Uri.joinPath(folder, name);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
    return vscode.workspace.openTextDocument(uri);
  }

  it('marks local settings with a hint and offers the workspace target as the preferred fix', async function () {
    const doc = await write('app.env', '# local\nDB_HOST=localhost\nDB_PORT=3306\nDB_USER=shop\nDB_PASSWORD=secret\nDB_NAME=shop\nREDIS_HOST=localhost\n');
    await vscode.window.showTextDocument(doc);
    const diagnostics = await until('the rdsLink diagnostics', () => {
      const ds = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.code === 'rdsLink.notRds');
      return ds.length ? ds : undefined;
    });
    assert.ok(diagnostics.every((d) => d.severity === vscode.DiagnosticSeverity.Hint));
    const lines = diagnostics.map((d) => d.range.start.line).sort();
    assert.deepEqual(lines, [1, 3, 5], 'host, user, name; not the port (3306 already), not REDIS_HOST, not the password');
    const host = diagnostics.find((d) => d.range.start.line === 1);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, host?.range);
    const fix = actions.find((a) => a.title === 'Point at RDS goapp-db (goapp)');
    assert.ok(fix, `no fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.isPreferred, true);
    assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
  });

  it('applies the fix as one edit that changes only the values, and one undo reverts it', async function () {
    const before = '# local\r\nDB_HOST="localhost" # dev box\r\nDB_PORT=3306\r\nDB_USER=shop\r\nDB_PASSWORD=secret\r\nDB_NAME=shop\r\nREDIS_HOST=localhost';
    const doc = await write('fix.env', before);
    const editor = await vscode.window.showTextDocument(doc);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(1, 9, 1, 9));
    const fix = actions.find((a) => a.title === 'Point at RDS goapp-db (goapp)');
    assert.ok(fix?.command, 'the fix runs a command');
    await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    assert.equal(
      doc.getText(),
      `# local\r\nDB_HOST="${target.host}" # dev box\r\nDB_PORT=3306\r\nDB_USER=goapp_app\r\nDB_PASSWORD=${target.password}\r\nDB_NAME=goapp\r\nREDIS_HOST=localhost`,
    );
    assert.equal(vscode.window.activeTextEditor, editor);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), before);
  });

  it('offers the same fix as a source action anywhere in the file', async function () {
    const doc = await write('config.yaml', 'server:\n  port: 8080\ndatabase:\n  host: localhost\n  name: shop\n');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(1, 0, 1, 0), 'source.rdsLink.pointAtRds');
    assert.deepEqual(actions.map((a) => a.title), ['Point at RDS goapp-db (goapp)']);
  });

  it('a quick-fix on a staging: setting changes only the staging: block', async function () {
    const block = (env: string, host: string): string => `${env}:\n  database:\n    host: ${host}\n    user: shop\n    name: shop_${env}\n`;
    const before = block('development', 'localhost') + block('staging', 'staging-db.internal') + block('production', 'prod-db.internal');
    const doc = await write('envs.yaml', before);
    await vscode.window.showTextDocument(doc);
    const stagingHost = new vscode.Range(7, 10, 7, 29);
    assert.equal(doc.getText(stagingHost), 'staging-db.internal');
    await until('a diagnostic on the staging host', () => vscode.languages.getDiagnostics(doc.uri).find((d) => d.code === 'rdsLink.notRds' && d.range.contains(stagingHost)));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, stagingHost);
    const fix = actions.find((a) => a.title === 'Point at RDS goapp-db (goapp)' && a.kind?.value === vscode.CodeActionKind.QuickFix.value);
    assert.ok(fix?.command, `no fix among: ${actions.map((a) => a.title).join(', ')}`);
    const result = await vscode.commands.executeCommand<{ verdict: string }>(fix.command.command, ...(fix.command.arguments ?? []));
    assert.equal(result?.verdict, 'onTarget');
    const stagingAfter = `staging:\n  database:\n    host: ${target.host}\n    user: ${target.user}\n    name: ${target.database}\n    password: ${target.password}\n`;
    assert.equal(doc.getText(), block('development', 'localhost') + stagingAfter + block('production', 'prod-db.internal'));
  });

  it("learns from the app's Go code that mysql.path is the host, and patches it", async function () {
    await write('gva/config.go', [
      'package config', '',
      'type Server struct {', '\tMysql Mysql `mapstructure:"mysql" yaml:"mysql"`', '}', '',
      'type Mysql struct {',
      '\tPath     string `mapstructure:"path"`', '\tPort     string `mapstructure:"port"`', '\tDbname   string `mapstructure:"db-name"`',
      '\tUsername string `mapstructure:"username"`', '\tPassword string `mapstructure:"password"`', '}', '',
      'func (m *Mysql) Dsn() string {', '\treturn m.Username + ":" + m.Password + "@tcp(" + m.Path + ":" + m.Port + ")/" + m.Dbname', '}', '',
    ].join('\n'));
    const doc = await write('gva/config.yaml', 'mysql:\n  path: 127.0.0.1\n  port: "3306"\n  db-name: gva\n  username: root\n  password: "123456"\n');
    await vscode.window.showTextDocument(doc);
    // The scan runs in the background: the diagnostic on `path` shows once the map knows it is the host.
    await until('a diagnostic on mysql.path', () => vscode.languages.getDiagnostics(doc.uri).find((d) => d.code === 'rdsLink.notRds' && d.range.start.line === 1), 30_000);
    const result = await vscode.commands.executeCommand<{ verdict: string }>('rdsLink.patchConfig', doc.uri);
    assert.equal(result?.verdict, 'onTarget');
    assert.equal(doc.getText(), `mysql:\n  path: ${target.host}\n  port: "3306"\n  db-name: ${target.database}\n  username: ${target.user}\n  password: "${target.password}"\n`);
  });

  it('reports a partial result as partial when the host still comes from an env var', async function () {
    const doc = await write('partial.yaml', 'database:\n  host: ${DB_HOST}\n  user: root\n  password: dev\n  name: shop\n');
    const result = await vscode.commands.executeCommand<{ changed: number; verdict: string }>('rdsLink.patchConfig', doc.uri);
    assert.equal(result?.verdict, 'partial');
    assert.ok(result.changed > 0);
    assert.equal(doc.getText(), `database:\n  host: \${DB_HOST}\n  user: ${target.user}\n  password: ${target.password}\n  name: ${target.database}\n`);
  });

  it('says why when nothing could be patched, and changes nothing', async function () {
    const text = 'MYSQL_ROOT_PASSWORD=rootpw\nREDIS_HOST=redis\n';
    const doc = await write('nothing.env', text);
    const result = await vscode.commands.executeCommand<{ changed: number; verdict: string }>('rdsLink.patchConfig', doc.uri);
    assert.deepEqual([result?.verdict, result?.changed], ['nothing', 0]);
    assert.equal(doc.getText(), text);
  });

  it('refuses a file it cannot parse and changes nothing', async function () {
    const broken = '{\n  "database": { "host": "localhost", \n';
    const doc = await write('config.json', broken);
    await vscode.window.showTextDocument(doc);
    const result = await vscode.commands.executeCommand('rdsLink.patchConfig', doc.uri);
    assert.equal(result, undefined, 'the command failed (and said why)');
    assert.equal(doc.getText(), broken);
    assert.equal(doc.isDirty, false);
  });

  it('skips a file over rdsLink.config.maxFileSizeKb, and says so', async function () {
    const config = vscode.workspace.getConfiguration('rdsLink');
    await config.update('config.maxFileSizeKb', 1, vscode.ConfigurationTarget.Global);
    try {
      const text = `DB_HOST=localhost\nDB_USER=shop\nDB_NAME=shop\n# ${'x'.repeat(3000)}\n`;
      const doc = await write('big.env', text);
      await vscode.window.showTextDocument(doc);
      const skipped = await until('the "skipped" diagnostic', () => vscode.languages.getDiagnostics(doc.uri).find((d) => d.code === 'rdsLink.configSkipped'));
      assert.match(skipped.message, /did not read big\.env for database settings: 3 KB is over the limit of 1 KB \(setting rdsLink\.config\.maxFileSizeKb\)/);
      assert.equal(skipped.severity, vscode.DiagnosticSeverity.Information);
      assert.deepEqual(vscode.languages.getDiagnostics(doc.uri).filter((d) => d.code === 'rdsLink.notRds'), []);
      assert.equal(await vscode.commands.executeCommand('rdsLink.patchConfig', doc.uri, target), undefined, 'the fix refuses it too');
      assert.equal(doc.getText(), text);
      // Raised again: the file is read, and its settings get their hints.
      await config.update('config.maxFileSizeKb', 64, vscode.ConfigurationTarget.Global);
      await until('the hints once the limit allows the file', () => vscode.languages.getDiagnostics(doc.uri).some((d) => d.code === 'rdsLink.notRds'));
      assert.ok(!vscode.languages.getDiagnostics(doc.uri).some((d) => d.code === 'rdsLink.configSkipped'));
    } finally {
      await config.update('config.maxFileSizeKb', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  describe('where the password goes when git would commit the file', function () {
    const yaml = 'database:\n  host: localhost\n  user: shop\n  password: old\n  name: shop\n';
    let dir: string;
    before(() => {
      dir = folder.fsPath;
      execFileSync('git', ['init', '-q', dir]);
      fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n');
    });
    after(() => fs.rmSync(path.join(dir, '.git'), { recursive: true, force: true }));

    it('asks (and offers no .env) when git cannot be run, instead of taking the file for safe (a repository or not)', async function () {
      const doc = await write('nogit.yaml', yaml);
      const saved = process.env.PATH;
      process.env.PATH = path.join(dir, 'no-such-bin');
      let outcome: PatchOutcome | undefined;
      try {
        // The first item is "Leave the password out": no .env is offered while git cannot say whether it commits .env.
        outcome = await takingFirstPick(vscode.commands.executeCommand<PatchOutcome>('rdsLink.patchConfig', doc.uri, target));
      } finally {
        process.env.PATH = saved;
      }
      assert.equal(outcome?.passwordWrittenTo, 'none', 'the password question was asked, and answered with "leave it out"');
      assert.ok(!doc.getText().includes(target.password), doc.getText());
      assert.ok(doc.getText().includes(target.host));
    });

    it('never applies edits computed on an older version of the file', async function () {
      const doc = await write('stale.yaml', yaml);
      // A change that lands while the fix writes .gitignore / reads .env, after the prompt.
      let changed = false;
      const sub = vscode.workspace.onDidOpenTextDocument((opened) => {
        if (changed || !['.gitignore', '.env'].includes(path.basename(opened.fileName))) return;
        changed = true;
        const edit = new vscode.WorkspaceEdit();
        edit.insert(doc.uri, new vscode.Position(0, 0), '# edited meanwhile\n');
        void vscode.workspace.applyEdit(edit);
      });
      try {
        await takingFirstPick(vscode.commands.executeCommand<PatchOutcome>('rdsLink.patchConfig', doc.uri, target));
      } finally {
        sub.dispose();
      }
      assert.ok(changed, 'the change was made during the fix');
      await until('the change to reach the document', () => doc.getText().startsWith('# edited'));
      assert.equal(doc.getText(), `# edited meanwhile\n${yaml}`, 'the stale fix was refused, not applied at shifted offsets');
      await doc.save();
    });

    it('writes .gitignore to disk before any password reaches .env', async function () {
      // .gitignore as the user had it (the previous fix may have saved .env into it).
      const gitignore = vscode.Uri.file(path.join(dir, '.gitignore'));
      await vscode.workspace.fs.writeFile(gitignore, Buffer.from('node_modules/\n'));
      const ignoreDoc = await vscode.workspace.openTextDocument(gitignore);
      await until('.gitignore to reload', () => ignoreDoc.getText() === 'node_modules/\n');
      const doc = await write('app.yaml', yaml);
      // The first item is "Write it to .env".
      const outcome = await takingFirstPick(vscode.commands.executeCommand<PatchOutcome>('rdsLink.patchConfig', doc.uri, target));
      assert.equal(outcome?.passwordWrittenTo, 'dotEnv');
      assert.ok(!doc.getText().includes(target.password), doc.getText());
      assert.equal(fs.readFileSync(gitignore.fsPath, 'utf8'), 'node_modules/\n.env\n', 'on disk, not only in an editor');
      assert.doesNotThrow(() => execFileSync('git', ['-C', dir, 'check-ignore', '-q', '.env']), 'git ignores .env');
      const env = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(dir, '.env')));
      assert.ok(env.getText().includes(target.password), env.getText());
      await env.save();
    });
  });
});
