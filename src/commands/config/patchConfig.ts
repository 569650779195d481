/**
 * RDS Link: Point Config at RDS — behind the quick-fix and the source action too. Arguments: the
 * file's URI (else the active editor's), the target (`{ host, port, user, database, label? }`, or
 * 'pick' to ask; else the workspace's), and the scope (`{ groups }`, `{ block }` or 'preferred').
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DbTarget, Detection, KeyMap, PatchPlan, PatchVerdict } from '../../core/goconfig/index';
import { oversizeReason } from '../../codeActions/configFixes';
import { Commands } from '../../ids';
import { endpointPasswordKey } from '../../state/passwords';
import type { WorkspaceTarget } from '../../state/targets';
import { argsOf } from '../args';
import type { Deps } from '../deps';
import { chooseBlock } from './chooseBlock';
import { addDotEnvEdits, addEdits, ignoreDotEnv } from './dotEnv';
import { choosePasswordDestination, type PasswordChoice } from './passwordDestination';
import { askTarget, targetOf } from './target';

const l = vscode.l10n.t;

export interface PatchOutcome {
  readonly changed: number;
  readonly warnings: readonly string[];
  readonly passwordWrittenTo?: PasswordChoice;
  /** What the patched file, read again, makes of the connection. */
  readonly verdict: PatchVerdict['kind'];
}

/** The document and what the detection reads in it; refuses a file it cannot read. */
async function readConfig(deps: Deps, uriArg: unknown, keyMap: KeyMap | undefined): Promise<{ doc: vscode.TextDocument; detection: Detection }> {
  const uri = uriArg instanceof vscode.Uri ? uriArg : deps.workspace.activeDocument();
  if (!uri) throw new Error(l('Open the project\'s database config file first.'));
  const doc = await deps.workspace.openTextDocument(uri);
  const tooLarge = oversizeReason(doc, deps.settings.configMaxFileSizeKb());
  if (tooLarge) throw new Error(tooLarge);
  const detection = deps.core.goconfig().detectConfig(doc.fileName, doc.getText(), undefined, { keyMap });
  const name = path.basename(doc.fileName);
  if (!detection) throw new Error(l('{0} is not a config format RDS Link reads (.env, YAML, JSON, TOML, INI, beego .conf, docker-compose or Go).', name));
  if (detection.failure) {
    throw new Error(l('{0} could not be read, so nothing was changed: {1} (line {2}, column {3}).', name, detection.failure.reason, detection.failure.line, detection.failure.column));
  }
  return { doc, detection };
}

/** The target given, else asked ('pick', or no workspace target yet: then it becomes the workspace's), else the workspace's. */
async function patchTarget(deps: Deps, targetArg: unknown): Promise<WorkspaceTarget> {
  const args = argsOf(Commands.patchConfig, targetArg);
  if (args) {
    const { password: _ignored, ...t } = targetOf(args);
    return { ...t, label: t.label ?? t.host, region: args.optionalString('region') };
  }
  const current = deps.targets.current;
  if (targetArg !== 'pick' && current) return current;
  const target = await askTarget(deps);
  await deps.targets.remember(target);
  if (!deps.targets.current) await deps.targets.setCurrent(target);
  return target;
}

function plan(deps: Deps, detection: Detection, target: DbTarget, scope: { groups?: readonly string[] }): PatchPlan {
  const planned = deps.core.goconfig().planPatch(detection, target, scope);
  if (!planned.ok) throw planned.error;
  return planned;
}

/** Tells the person what the patched file now says, and returns the outcome. */
function report(deps: Deps, doc: vscode.TextDocument, target: WorkspaceTarget, detection: Detection, finalPlan: PatchPlan, choice: PasswordChoice, verdict: PatchVerdict): PatchOutcome {
  const warnings = finalPlan.warnings.map((w) => w.message);
  const outcome = { changed: finalPlan.edits.length, warnings, passwordWrittenTo: choice, verdict: verdict.kind };
  if (verdict.kind !== 'onTarget') {
    void deps.ui.showWarningMessage(l('{0} Undo reverts what was changed.', verdict.message), {});
    return outcome;
  }
  const guess = detection.keySource === 'guess' ? ` ${l("The keys were matched by their names, a guess: no Go code in the workspace was found reading them.")}` : '';
  const summary = l('Pointed {0} at {1} ({2}). Undo reverts it.', path.basename(doc.fileName), target.label, target.database) + guess;
  if (warnings.length) void deps.ui.showWarningMessage(`${summary} ${warnings.join(' ')}`, {});
  else void deps.ui.showInformationMessage(summary, {});
  return outcome;
}

export async function patchConfig(deps: Deps, uriArg?: unknown, targetArg?: unknown, scopeArg?: unknown): Promise<PatchOutcome> {
  const keyMap = deps.keyMaps.current();
  const { doc, detection } = await readConfig(deps, uriArg, keyMap);
  // Offsets are only good for this version; prompts come in between.
  const version = doc.version;
  const core = deps.core.goconfig();
  const target = await patchTarget(deps, targetArg);
  const password = await deps.passwords.get(endpointPasswordKey(target));
  const full: DbTarget = { host: target.host, port: target.port, user: target.user, database: target.database, password };
  const scope = { groups: await chooseBlock(deps, detection, doc.getText(), scopeArg) };
  const withPassword = plan(deps, detection, full, scope);
  const folder = deps.workspace.folderOf(doc.uri);
  const choice = await choosePasswordDestination(deps.ui, doc, detection, withPassword, password, folder);
  const written = choice === 'file' ? full : { ...full, password: undefined };
  const finalPlan = choice === 'file' || !password ? withPassword : plan(deps, detection, written, scope);

  const edit = new vscode.WorkspaceEdit();
  if (choice === 'dotEnv' && folder && password) {
    await ignoreDotEnv(deps, folder);
    await addDotEnvEdits(deps, edit, folder, core.passwordEnvVar(detection), password);
  }
  addEdits(edit, doc, finalPlan.edits);
  // Judged on the text as it will be: "points at RDS" only when the file, read again, says so.
  const verdict = core.verifyPatch(detection, finalPlan, core.applyEdits(doc.getText(), finalPlan.edits), written, { ...scope, keyMap });
  if (edit.size === 0) {
    if (verdict.kind === 'onTarget') void deps.ui.showInformationMessage(l('{0} already points at {1} ({2}).', path.basename(doc.fileName), target.label, target.database), {});
    else void deps.ui.showWarningMessage(verdict.message, {});
    return { changed: 0, warnings: finalPlan.warnings.map((w) => w.message), passwordWrittenTo: 'none', verdict: verdict.kind };
  }
  // After the last await: the offsets are good only for the version they were computed on.
  if (doc.version !== version) throw new Error(l('{0} changed while RDS Link was asking; nothing was changed. Run the fix again.', path.basename(doc.fileName)));
  if (!(await deps.workspace.applyEdit(edit))) throw new Error(l('VS Code did not apply the edit to {0}.', path.basename(doc.fileName)));
  deps.log.info(`Pointed ${doc.fileName} at ${target.host}:${target.port}/${target.database}: ${finalPlan.edits.length} edits, password to ${choice}`);
  return report(deps, doc, target, detection, finalPlan, choice, verdict);
}
