/**
 * The workspace's target DB (`rdsLink.useDatabaseInWorkspace`) and the config patch
 * (`rdsLink.patchConfig`, also behind the quick-fix and the source action).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DbTarget, Detection, PatchPlan, PatchVerdict, TextEdit } from '../core/goconfig/index';
import { CancelledError } from '../core/errors';
import { oversizeReason } from '../codeActions/configFixes';
import { Commands } from '../ids';
import { loadAws, loadDb, loadGoConfig } from '../lazy';
import { DatabaseNode } from '../tree/nodes';
import type { WorkspaceKeyMap } from '../codeActions/goKeyMap';
import type { ResourceStore } from '../state/resourceStore';
import { isIgnoredByGit, isTrackedByGit, wouldBeCommitted } from '../services/git';
import { endpointPasswordKey, type PasswordStore } from '../state/passwords';
import { pickDatabase } from '../ui/pickers';
import type { TargetStore, WorkspaceTarget } from '../state/targets';
import { registerCommand, type CommandContext } from './registerCommand';
import { vscodeUserInput } from '../ui/userInput';

const l = vscode.l10n.t;

/** The automation form of useDatabaseInWorkspace: prompts for nothing. */
export interface TargetArgs {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  readonly database: string;
  readonly label?: string;
}

export interface PatchOutcome {
  readonly changed: number;
  readonly warnings: readonly string[];
  readonly passwordWrittenTo?: 'file' | 'dotEnv' | 'none';
  /** What the patched file, read again, makes of the connection. */
  readonly verdict: PatchVerdict['kind'];
}

function isTargetArgs(x: unknown): x is TargetArgs {
  const t = x as TargetArgs | undefined;
  return !!t && typeof t === 'object' && typeof t.host === 'string' && typeof t.port === 'number' && typeof t.user === 'string' && typeof t.database === 'string';
}

/** Asks for a target: a DB from the views, a database name and a user. */
export async function askTarget(store: ResourceStore, node?: unknown): Promise<WorkspaceTarget> {
  const picked = node instanceof DatabaseNode ? node.db : await pickDatabase(vscodeUserInput, store, { refusal: (d) => loadAws().dbRefusal(d, 'quickFix')?.message });
  // An Aurora member's own endpoint moves on failover; the app belongs on the cluster's writer endpoint.
  const db = (picked.clusterId && store.allDatabases().find((d) => d.kind === 'cluster' && d.id === picked.clusterId && d.region === picked.region)) || picked;
  if (!db.endpoint) throw new Error(l('{0} has no endpoint yet (status: {1}).', db.id, db.status));
  const dbCore = loadDb();
  const database = await vscode.window.showInputBox({
    title: l('Database name on {0}', db.id),
    prompt: l('The database (schema) the app uses'),
    validateInput: (v) => {
      const check = dbCore.validateDatabaseName(v);
      return check.ok ? undefined : check.reason;
    },
  });
  if (database === undefined) throw new CancelledError();
  const user = await vscode.window.showInputBox({
    title: l('Database user on {0}', db.id),
    prompt: l('The user the app logs in as'),
    value: db.masterUsername ?? '',
    validateInput: (v) => {
      const check = dbCore.validateUserName(v);
      return check.ok ? undefined : check.reason;
    },
  });
  if (user === undefined) throw new CancelledError();
  return { host: db.endpoint.address, port: db.endpoint.port, user, database, label: db.id, region: db.region };
}

function toRange(doc: vscode.TextDocument, e: TextEdit): vscode.Range {
  return new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length));
}

function addEdits(edit: vscode.WorkspaceEdit, doc: vscode.TextDocument, edits: readonly TextEdit[]): void {
  for (const e of edits) edit.replace(doc.uri, toRange(doc, e), e.newText);
}

type PasswordChoice = 'file' | 'dotEnv' | 'none';

async function askWhereThePasswordGoes(file: string, canUseDotEnv: boolean, unknown: string | undefined): Promise<PasswordChoice> {
  const name = path.basename(file);
  const items: (vscode.QuickPickItem & { choice: PasswordChoice })[] = [
    ...(canUseDotEnv ? [{ label: l('$(lock) Write it to .env'), detail: l('.env is added to .gitignore when it is not ignored yet; the app reads it as an environment variable.'), choice: 'dotEnv' as const }] : []),
    { label: l('$(circle-slash) Leave the password out'), detail: l('Everything else is pointed at RDS; set the password yourself.'), choice: 'none' },
    { label: l('$(warning) Write it into {0}', name), detail: l('git would commit this file, and the password with it.'), choice: 'file' },
  ];
  // git that cannot answer (missing, timed out, refused) counts as "would commit", and says so.
  const title = unknown ? l('git could not tell whether it would commit {0} ({1}). Where should the database password go?', name, unknown) : l('git would commit {0}. Where should the database password go?', name);
  const picked = await vscode.window.showQuickPick(items, { title, ignoreFocusOut: true });
  if (!picked) throw new CancelledError();
  return picked.choice;
}

/**
 * Makes git ignore the workspace's .env before any password is written to it: .gitignore is
 * changed and saved to disk first, then git is asked again. A .env that git would still commit
 * (a `!.env` rule elsewhere, a git that cannot answer) gets no password.
 */
async function ignoreDotEnv(folder: string): Promise<void> {
  const envFile = path.join(folder, '.env');
  if ((await isIgnoredByGit(envFile)) === true) return;
  const core = loadGoConfig();
  const gitignore = vscode.Uri.file(path.join(folder, '.gitignore'));
  if (fs.existsSync(gitignore.fsPath)) {
    const doc = await vscode.workspace.openTextDocument(gitignore);
    const edit = new vscode.WorkspaceEdit();
    addEdits(edit, doc, core.gitignoreEdits(doc.getText(), '.env'));
    if (edit.size && !(await vscode.workspace.applyEdit(edit))) throw new Error(l('VS Code did not apply the edit to {0}.', '.gitignore'));
    if (doc.isDirty && !(await doc.save())) throw new Error(l('{0} could not be saved, so no password was written to .env.', '.gitignore'));
  } else {
    await vscode.workspace.fs.writeFile(gitignore, Buffer.from(core.applyEdits('', core.gitignoreEdits('', '.env'))));
  }
  const ignored = await isIgnoredByGit(envFile);
  if (ignored !== true) {
    const why = ignored === false ? l('another rule (such as !.env) un-ignores it') : ignored.unknown;
    throw new Error(l('git would still commit .env after .gitignore was changed ({0}), so no password was written to it.', why));
  }
}

/** Writes the password to the workspace's .env: changes the variable, or adds it, quoted as the value needs. */
async function addDotEnvEdits(edit: vscode.WorkspaceEdit, folder: string, variable: string, password: string): Promise<void> {
  const core = loadGoConfig();
  const envFile = path.join(folder, '.env');
  const uri = vscode.Uri.file(envFile);
  if (fs.existsSync(envFile)) {
    const doc = await vscode.workspace.openTextDocument(uri);
    addEdits(edit, doc, core.envSecretEdits(doc.getText(), variable, password, envFile));
  } else {
    edit.createFile(uri, { ignoreIfExists: true, contents: Buffer.from(core.applyEdits('', core.envSecretEdits('', variable, password, envFile))) });
  }
}

export function registerConfigCommands(ctx: CommandContext, store: ResourceStore, targets: TargetStore, passwords: PasswordStore, keyMaps?: WorkspaceKeyMap): void {
  registerCommand(ctx, Commands.useDatabaseInWorkspace, async (nodeOrTarget?: unknown): Promise<WorkspaceTarget> => {
    let target: WorkspaceTarget;
    if (isTargetArgs(nodeOrTarget)) {
      const t = nodeOrTarget;
      target = { host: t.host, port: t.port, user: t.user, database: t.database, label: t.label ?? t.host };
      if (t.password) await passwords.store(endpointPasswordKey(target), t.password);
    } else {
      target = await askTarget(store, nodeOrTarget);
    }
    await targets.setCurrent(target);
    ctx.log.info(`Workspace target: ${target.user}@${target.host}:${target.port}/${target.database}`);
    if (!isTargetArgs(nodeOrTarget)) {
      void vscode.window.showInformationMessage(l('This workspace now uses {0} ({1}) as {2}. Config files that point elsewhere get a quick-fix.', target.label, target.database, target.user));
    }
    return target;
  });

  registerCommand(ctx, Commands.patchConfig, async (uriArg?: unknown, targetArg?: unknown, scopeArg?: unknown): Promise<PatchOutcome> => {
    const uri = uriArg instanceof vscode.Uri ? uriArg : vscode.window.activeTextEditor?.document.uri;
    if (!uri) throw new Error(l('Open the project\'s database config file first.'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const tooLarge = oversizeReason(doc);
    if (tooLarge) throw new Error(tooLarge);
    const core = loadGoConfig();
    const keyMap = keyMaps?.current();
    const detection = core.detectConfig(doc.fileName, doc.getText(), undefined, { keyMap });
    // Offsets are only good for this version; prompts come in between.
    const version = doc.version;
    if (!detection) throw new Error(l('{0} is not a config format RDS Link reads (.env, YAML, JSON, TOML, INI, beego .conf, docker-compose or Go).', path.basename(doc.fileName)));
    if (detection.failure) {
      throw new Error(l('{0} could not be read, so nothing was changed: {1} (line {2}, column {3}).', path.basename(doc.fileName), detection.failure.reason, detection.failure.line, detection.failure.column));
    }

    let target: WorkspaceTarget;
    if (targetArg && typeof targetArg === 'object' && isTargetArgs(targetArg)) target = { ...targetArg, label: (targetArg as TargetArgs).label ?? targetArg.host };
    else if (targetArg === 'pick' || !targets.current) {
      target = await askTarget(store);
      await targets.remember(target);
      if (!targets.current) await targets.setCurrent(target);
    } else target = targets.current;
    const password = await passwords.get(endpointPasswordKey(target));

    const full: DbTarget = { host: target.host, port: target.port, user: target.user, database: target.database, password };
    const scope = { groups: await chooseBlock(detection, doc.getText(), scopeArg) };
    const plan = core.planPatch(detection, full, scope);
    if (!plan.ok) throw plan.error;
    const touchesPassword = (p: PatchPlan): boolean => p.changes.some((c) => c.setting.role === 'password' || c.setting.role === 'dsn' || c.setting.role === 'url') || p.added.some((a) => a.role === 'password');

    let choice: PasswordChoice = password ? 'file' : 'none';
    let finalPlan = plan;
    const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
    const git = password && touchesPassword(plan) && doc.uri.scheme === 'file' ? await wouldBeCommitted(doc.fileName) : undefined;
    if (git?.committed) {
      const passwordSetting = detection.settings.find((s) => s.role === 'password');
      const envFile = folder ? path.join(folder, '.env') : undefined;
      // Not offered when .env is this file, or tracked itself (or git cannot say): the password would be committed there too.
      const canUseDotEnv = !!envFile && path.resolve(envFile) !== path.resolve(doc.fileName) && (await isTrackedByGit(envFile)) === false
        && (fs.existsSync(envFile) || !!passwordSetting?.placeholder || readsEnv(folder ?? ''));
      choice = await askWhereThePasswordGoes(doc.fileName, canUseDotEnv, git.unknown);
      if (choice !== 'file') {
        const withoutPassword = core.planPatch(detection, { ...full, password: undefined }, scope);
        if (!withoutPassword.ok) throw withoutPassword.error;
        finalPlan = withoutPassword;
      }
    }

    const edit = new vscode.WorkspaceEdit();
    if (choice === 'dotEnv' && folder && password) {
      await ignoreDotEnv(folder);
      await addDotEnvEdits(edit, folder, core.passwordEnvVar(detection), password);
    }
    addEdits(edit, doc, finalPlan.edits);
    // Judged on the text as it will be: "points at RDS" only when the file, read again, says so.
    const verdict = core.verifyPatch(detection, finalPlan, core.applyEdits(doc.getText(), finalPlan.edits), choice === 'file' ? full : { ...full, password: undefined }, { ...scope, keyMap });
    if (edit.size === 0) {
      if (verdict.kind === 'onTarget') void vscode.window.showInformationMessage(l('{0} already points at {1} ({2}).', path.basename(doc.fileName), target.label, target.database));
      else void vscode.window.showWarningMessage(verdict.message);
      return { changed: 0, warnings: finalPlan.warnings.map((w) => w.message), passwordWrittenTo: 'none', verdict: verdict.kind };
    }
    // After the last await: the offsets are good only for the version they were computed on.
    if (doc.version !== version) throw new Error(l('{0} changed while RDS Link was asking; nothing was changed. Run the fix again.', path.basename(doc.fileName)));
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(l('VS Code did not apply the edit to {0}.', path.basename(doc.fileName)));
    ctx.log.info(`Pointed ${doc.fileName} at ${target.host}:${target.port}/${target.database}: ${finalPlan.edits.length} edits, password to ${choice}`);
    const warnings = finalPlan.warnings.map((w) => w.message);
    if (verdict.kind !== 'onTarget') {
      void vscode.window.showWarningMessage(l('{0} Undo reverts what was changed.', verdict.message));
      return { changed: finalPlan.edits.length, warnings, passwordWrittenTo: choice, verdict: verdict.kind };
    }
    const guess = detection.keySource === 'guess' ? ` ${l("The keys were matched by their names, a guess: no Go code in the workspace was found reading them.")}` : '';
    const summary = l('Pointed {0} at {1} ({2}). Undo reverts it.', path.basename(doc.fileName), target.label, target.database) + guess;
    if (warnings.length) void vscode.window.showWarningMessage(`${summary} ${warnings.join(' ')}`);
    else void vscode.window.showInformationMessage(summary);
    return { changed: finalPlan.edits.length, warnings, passwordWrittenTo: choice, verdict: verdict.kind };
  });
}

/**
 * The groups to patch in a file with several environment blocks: those given (a quick-fix's
 * block; from automation `{ block: 'staging' }`, or `'preferred'` for the one offered first),
 * else the one the user picks, offered production first. Undefined (every group) when the file
 * has one block or none.
 */
async function chooseBlock(detection: Detection, text: string, scopeArg: unknown): Promise<readonly string[] | undefined> {
  const given = scopeArg as { groups?: unknown; block?: unknown } | undefined;
  if (given && Array.isArray(given.groups)) return given.groups.filter((g): g is string => typeof g === 'string');
  const core = loadGoConfig();
  const envFile = path.join(path.dirname(detection.fileName), '.env');
  const selected = fs.existsSync(envFile) ? core.selectedEnvironment(fs.readFileSync(envFile, 'utf8')) : undefined;
  const blocks = core.environmentBlocks(detection, text, selected);
  if (blocks.length === 0) return undefined;
  if (scopeArg === 'preferred') return blocks[0].groups;
  const named = typeof given?.block === 'string' ? blocks.find((b) => b.name === given.block) : undefined;
  if (named) return named.groups;
  if (given?.block !== undefined) throw new Error(l('{0} has no environment block {1}.', path.basename(detection.fileName), String(given.block)));
  const picked = await vscode.window.showQuickPick(
    blocks.map((b) => ({ label: b.name, description: b.preferred ? l('suggested') : undefined, block: b })),
    { title: l('{0} has a block per environment. Which one should point at RDS?', path.basename(detection.fileName)), ignoreFocusOut: true },
  );
  if (!picked) throw new CancelledError();
  return picked.block.groups;
}

/** Whether the Go app loads env vars from a .env file (godotenv and friends), judging by go.mod. */
function readsEnv(folder: string): boolean {
  try {
    return /godotenv|envconfig|caarlos0\/env|cleanenv/.test(fs.readFileSync(path.join(folder, 'go.mod'), 'utf8'));
  } catch {
    return false;
  }
}
