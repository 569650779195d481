// The config quick-fix in a real extension host: the workspace target set by automation, the
// diagnostic on a local setting, the preferred code action, the patch as one undoable edit, and
// a file that does not parse left untouched.
import * as assert from 'node:assert/strict';
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
});
