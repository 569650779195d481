/**
 * Where the password goes when git would commit the config file: .env (when it can be kept out
 * of git), nowhere, or the file itself, as the person chooses.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Detection, PatchPlan } from '../../core/goconfig/index';
import { CancelledError } from '../../core/errors';
import { isTrackedByGit, wouldBeCommitted } from '../../services/git';
import type { UserInput } from '../../ui/userInput';
import { readsEnv } from './dotEnv';

const l = vscode.l10n.t;

export type PasswordChoice = 'file' | 'dotEnv' | 'none';

async function askWhereThePasswordGoes(ui: UserInput, file: string, canUseDotEnv: boolean, unknown: string | undefined): Promise<PasswordChoice> {
  const name = path.basename(file);
  const items: (vscode.QuickPickItem & { choice: PasswordChoice })[] = [
    ...(canUseDotEnv ? [{ label: l('$(lock) Write it to .env'), detail: l('.env is added to .gitignore when it is not ignored yet; the app reads it as an environment variable.'), choice: 'dotEnv' as const }] : []),
    { label: l('$(circle-slash) Leave the password out'), detail: l('Everything else is pointed at RDS; set the password yourself.'), choice: 'none' },
    { label: l('$(warning) Write it into {0}', name), detail: l('git would commit this file, and the password with it.'), choice: 'file' },
  ];
  // git that cannot answer (missing, timed out, refused) counts as "would commit", and says so.
  const title = unknown ? l('git could not tell whether it would commit {0} ({1}). Where should the database password go?', name, unknown) : l('git would commit {0}. Where should the database password go?', name);
  const picked = await ui.showQuickPick(items, { title, ignoreFocusOut: true });
  if (!picked) throw new CancelledError();
  return picked.choice;
}

function touchesPassword(p: PatchPlan): boolean {
  return p.changes.some((c) => c.setting.role === 'password' || c.setting.role === 'dsn' || c.setting.role === 'url') || p.added.some((a) => a.role === 'password');
}

/** .env is offered unless it is this file, or tracked itself (or git cannot say): the password would be committed there too. */
async function canUseDotEnv(detection: Detection, file: string, folder: string | undefined): Promise<boolean> {
  if (!folder) return false;
  const envFile = path.join(folder, '.env');
  if (path.resolve(envFile) === path.resolve(file) || (await isTrackedByGit(envFile)) !== false) return false;
  const passwordSetting = detection.settings.find((s) => s.role === 'password');
  return fs.existsSync(envFile) || !!passwordSetting?.placeholder || readsEnv(folder);
}

/**
 * The password's destination for this patch: the file when no one would see it committed (or
 * there is no password to write, 'none'), else the person's choice.
 */
export async function choosePasswordDestination(ui: UserInput, doc: vscode.TextDocument, detection: Detection, plan: PatchPlan, password: string | undefined, folder: string | undefined): Promise<PasswordChoice> {
  if (!password) return 'none';
  const git = touchesPassword(plan) && doc.uri.scheme === 'file' ? await wouldBeCommitted(doc.fileName) : undefined;
  if (!git?.committed) return 'file';
  return askWhereThePasswordGoes(ui, doc.fileName, await canUseDotEnv(detection, doc.fileName, folder), git.unknown);
}
