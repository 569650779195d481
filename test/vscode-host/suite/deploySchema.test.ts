// The editor applies the deploy file's contributed JSON schema (package.json jsonValidation →
// schemas/deploy.schema.json): VS Code's own JSON language service (the built-in
// json-language-features) marks a wrong type and an unknown strategy in rds-link.deploy.json, at
// their place; once the same document is corrected, its diagnostics go away. The same text in a
// file of another name gets no schema diagnostics, so they come from our association.
// YAML is not checked here: code-server ships only the YAML grammar, and yamlValidation takes
// effect only with a YAML language server (the YAML extension, redhat.vscode-yaml), which is not
// installed in this editor (README, "The deploy file").
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionUnderTest } from './extensionUnderTest';

const WRONG = `{
  "version": 1,
  "service": "goapp",
  "port": "eighty",
  "instances": [{ "region": "eu-west-1", "tag": "App=goapp" }],
  "strategy": { "kind": "redBlack" }
}
`;

const VALID = `{
  "version": 1,
  "service": "goapp",
  "port": 8080,
  "instances": [{ "region": "eu-west-1", "tag": "App=goapp" }],
  "files": ["config.yaml", "templates"],
  "strategy": { "kind": "rolling", "batch": "50%" }
}
`;

/** The document's diagnostics once `done` holds for them (the language service answers asynchronously). */
function diagnosticsWhen(uri: vscode.Uri, done: (d: readonly vscode.Diagnostic[]) => boolean, timeoutMs = 45_000): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const d = vscode.languages.getDiagnostics(uri);
      if (!done(d)) return false;
      cleanup();
      resolve(d);
      return true;
    };
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`diagnostics of ${uri.fsPath} did not settle in ${timeoutMs / 1000} s; now: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((x) => x.message))}`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      listener.dispose();
    };
    check();
  });
}

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle));

describe('deploy file: VS Code applies the contributed JSON schema', function () {
  this.timeout(120_000);
  const created: vscode.Uri[] = [];

  before(async function () {
    await extensionUnderTest().activate();
  });

  after(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const uri of created) await vscode.workspace.fs.delete(uri, { useTrash: false }).then(undefined, () => undefined);
  });

  async function open(name: string, text: string): Promise<vscode.TextDocument> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the vscode-host workspace has a folder');
    const uri = vscode.Uri.joinPath(folder.uri, 'schema-check', name);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    created.push(vscode.Uri.joinPath(folder.uri, 'schema-check'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    return doc;
  }

  it('marks a wrong type and an unknown strategy in rds-link.deploy.json where they are; the corrected file has none', async function () {
    const doc = await open('rds-link.deploy.json', WRONG);
    assert.equal(doc.languageId, 'json');
    const wrong = await diagnosticsWhen(doc.uri, (d) => d.length >= 2);
    const at = (line: number) => wrong.filter((d) => d.range.start.line === line).map((d) => d.message);
    assert.ok(at(lineOf(WRONG, '"port"')).some((m) => /Incorrect type\. Expected "integer"/.test(m)), JSON.stringify(wrong.map((d) => [d.range.start.line, d.message])));
    assert.ok(at(lineOf(WRONG, '"strategy"')).some((m) => /Value is not accepted\. Valid values: "bigBang", "rolling", "canary", "blueGreen"/.test(m)), JSON.stringify(wrong.map((d) => [d.range.start.line, d.message])));
    for (const d of wrong) assert.equal(d.severity, vscode.DiagnosticSeverity.Warning, `${d.message}: schema problems are warnings in VS Code`);

    // The same document, corrected: the language service validates it again and clears them.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), VALID);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.deepEqual(await diagnosticsWhen(doc.uri, (d) => d.length === 0), []);
    await doc.save();
  });

  it('the same wrong text in a JSON file of another name gets no schema diagnostics (they come from the deploy file\'s association)', async function () {
    const other = await open('other.json', WRONG);
    // The deploy file is validated within the same round: once it is, other.json has been looked at too.
    const deployFile = await open('rds-link.deploy.json', WRONG);
    await diagnosticsWhen(deployFile.uri, (d) => d.length >= 2);
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(vscode.languages.getDiagnostics(other.uri).map((d) => d.message), []);
  });
});
