/**
 * createDatabase's parts: the wizard's questions as QuickPicks, the region and password prompts,
 * the run under progress, the outcome's report (with "Wait Again"/"Link Again"), and the plans
 * left waiting (state/leftWork.ts).
 */
import * as vscode from 'vscode';
import type { DbCreateOutcome, DbCreatePlan, Prompter } from '../../core/aws/index';
import type { Ec2Instance } from '../../core/aws/types';
import { CancelledError } from '../../core/errors';
import { Commands } from '../../ids';
import type { UserInput } from '../../ui/userInput';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

/** core's wizard asks through this. */
export function prompterFor(ui: UserInput): Prompter {
  return {
    async pick(title, items) {
      const picked = await ui.showQuickPick(items.map((i) => ({ ...i })), { title, ignoreFocusOut: true, matchOnDescription: true });
      return picked?.value;
    },
    input(title, options) {
      return ui.showInputBox({ title, value: options.value, prompt: options.prompt, ignoreFocusOut: true, validateInput: options.validate });
    },
  };
}

/** The instance's region, the only one shown, else the one the person picks. */
export async function pickRegion(deps: Pick<Deps, 'ui' | 'store'>, instance: Ec2Instance | undefined, title = l('Region of the new database')): Promise<string> {
  if (instance) return instance.region;
  const regions = deps.store.regions;
  if (regions.length === 1) return regions[0];
  const picked = await deps.ui.showQuickPick(regions.map((label) => ({ label })), { title, ignoreFocusOut: true });
  if (!picked) throw new CancelledError();
  return picked.label;
}

/** The master password the person chooses, typed twice. */
export async function askOwnPassword(ui: UserInput): Promise<string> {
  const first = await ui.showInputBox({
    title: l('Master password'),
    password: true,
    ignoreFocusOut: true,
    prompt: l('8 to 41 printable characters, without / " @ or spaces'),
    validateInput: (v) => (/^[\x21-\x7e]{8,41}$/.test(v) && !/[/"@]/.test(v) ? undefined : l('8 to 41 printable characters, without / " @ or spaces')),
  });
  if (first === undefined) throw new CancelledError();
  const again = await ui.showInputBox({ title: l('Master password (again)'), password: true, ignoreFocusOut: true, validateInput: (v) => (v === first ? undefined : l('The passwords differ.')) });
  if (again === undefined) throw new CancelledError();
  return first;
}

/** The plans whose wait was left or whose link failed, to pick up again. */
export function pendingCreates(deps: Pick<Deps, 'leftWork'>): DbCreatePlan[] {
  return deps.leftWork.databases.all();
}

export function forgetPending(deps: Pick<Deps, 'leftWork'>, plan: DbCreatePlan): Promise<void> {
  return deps.leftWork.databases.forget(plan);
}

function rememberOutcome(deps: Pick<Deps, 'leftWork'>, plan: DbCreatePlan, outcome: DbCreateOutcome): Promise<void> {
  return outcome.status === 'ready' ? forgetPending(deps, plan) : deps.leftWork.databases.remember(plan);
}

/** Creates (or, resuming, waits for and links) the DB under a cancellable progress; the views reload after. */
export async function runCreate(deps: Deps, plan: DbCreatePlan, resume: boolean, masterPassword?: string): Promise<DbCreateOutcome> {
  const aws = deps.core.aws();
  return deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title: l('Creating {0}', plan.identifier), cancellable: true }, async (progress, token) => {
    const session = deps.store.getSession();
    const api = aws.createSdkDbCreateApi(session.rds(plan.region), session.ec2(plan.region), plan.region);
    const linkApi = plan.link ? deps.store.linkApi(plan.region) : undefined;
    const options = {
      signal: token,
      masterPassword,
      onProgress: (p: { message: string }) => {
        deps.log.info(`Create ${plan.identifier}: ${p.message}`);
        progress.report({ message: p.message });
      },
    };
    return resume ? aws.resumeCreateDatabase(plan, api, linkApi, options) : aws.applyCreateDatabase(plan, api, linkApi, options);
  }).finally(() => void deps.store.reloadRegion(plan.region, ['rds', 'ec2']));
}

/** Remembers or forgets the plan, then offers the next step: the schema, or waiting/linking again. */
export async function reportCreate(deps: Deps, plan: DbCreatePlan, outcome: DbCreateOutcome): Promise<void> {
  deps.log.info(`Create ${plan.identifier}: ${outcome.status}; exists: ${outcome.exists.join('; ')}`);
  await rememberOutcome(deps, plan, outcome);
  if (outcome.status === 'ready') {
    const schema = l('Create Database (Schema)…');
    const choice = await deps.ui.showInformationMessage(l('{0} is available.', plan.identifier), {}, schema);
    if (choice === schema) await deps.ui.executeCommand(Commands.createSchema);
    return;
  }
  const retry = outcome.status === 'waitLeft' ? l('Wait Again') : l('Link Again');
  const text = outcome.status === 'waitLeft' ? outcome.message : outcome.error;
  const choice = await deps.ui.showWarningMessage(text, { modal: true, detail: l('What exists now: {0}.', outcome.exists.join('; ')) }, retry);
  if (choice === retry) await reportCreate(deps, plan, await runCreate(deps, plan, true));
}
