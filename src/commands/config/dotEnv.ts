/** The workspace's .env as the place for a password: made ignored by git first, then written. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TextEdit } from '../../core/goconfig/index';
import { isIgnoredByGit } from '../../services/git';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

/** Core's text edits (offsets) as replacements in a WorkspaceEdit. */
export function addEdits(edit: vscode.WorkspaceEdit, doc: vscode.TextDocument, edits: readonly TextEdit[]): void {
  for (const e of edits) edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)), e.newText);
}

/**
 * Makes git ignore the workspace's .env before any password is written to it: .gitignore is
 * changed and saved to disk first, then git is asked again. A .env that git would still commit
 * (a `!.env` rule elsewhere, a git that cannot answer) gets no password.
 */
export async function ignoreDotEnv(deps: Pick<Deps, 'core' | 'workspace'>, folder: string): Promise<void> {
  const envFile = path.join(folder, '.env');
  if ((await isIgnoredByGit(envFile)) === true) return;
  const core = deps.core.goconfig();
  const gitignore = vscode.Uri.file(path.join(folder, '.gitignore'));
  if (fs.existsSync(gitignore.fsPath)) {
    const doc = await deps.workspace.openTextDocument(gitignore);
    const edit = new vscode.WorkspaceEdit();
    addEdits(edit, doc, core.gitignoreEdits(doc.getText(), '.env'));
    if (edit.size && !(await deps.workspace.applyEdit(edit))) throw new Error(l('VS Code did not apply the edit to {0}.', '.gitignore'));
    if (doc.isDirty && !(await doc.save())) throw new Error(l('{0} could not be saved, so no password was written to .env.', '.gitignore'));
  } else {
    await deps.workspace.writeFile(gitignore, Buffer.from(core.applyEdits('', core.gitignoreEdits('', '.env'))));
  }
  const ignored = await isIgnoredByGit(envFile);
  if (ignored !== true) {
    const why = ignored === false ? l('another rule (such as !.env) un-ignores it') : ignored.unknown;
    throw new Error(l('git would still commit .env after .gitignore was changed ({0}), so no password was written to it.', why));
  }
}

/** Writes the password to the workspace's .env: changes the variable, or adds it, quoted as the value needs. */
export async function addDotEnvEdits(deps: Pick<Deps, 'core' | 'workspace'>, edit: vscode.WorkspaceEdit, folder: string, variable: string, password: string): Promise<void> {
  const core = deps.core.goconfig();
  const envFile = path.join(folder, '.env');
  const uri = vscode.Uri.file(envFile);
  if (fs.existsSync(envFile)) {
    const doc = await deps.workspace.openTextDocument(uri);
    addEdits(edit, doc, core.envSecretEdits(doc.getText(), variable, password, envFile));
  } else {
    edit.createFile(uri, { ignoreIfExists: true, contents: Buffer.from(core.applyEdits('', core.envSecretEdits('', variable, password, envFile))) });
  }
}

/** Whether the Go app loads env vars from a .env file (godotenv and friends), judging by go.mod. */
export function readsEnv(folder: string): boolean {
  try {
    return /godotenv|envconfig|caarlos0\/env|cleanenv/.test(fs.readFileSync(path.join(folder, 'go.mod'), 'utf8'));
  } catch {
    return false;
  }
}
