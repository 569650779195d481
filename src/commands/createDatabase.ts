/**
 * RDS Link: Create RDS Database… — the wizard's questions (core's runDbWizard) as QuickPicks, the
 * plan once in a modal, then create → wait → link with a cancellable progress. Once the DB exists
 * it stays: a left wait offers "Wait Again", a failed link "Link Again", success "Create Database
 * (Schema)…". A plan whose wait was left or whose link failed is kept (ids and names only, never a
 * password) in globalState, and the command offers to pick it up again next time it runs.
 */
import * as vscode from 'vscode';
import type { DbCreateOutcome, DbCreatePlan, Prompter } from '../core/aws/index';
import type { Ec2Instance } from '../core/aws/types';
import { CancelledError } from '../core/errors';
import { Commands } from '../ids';
import { loadAws } from '../lazy';
import { InstanceNode } from '../tree/nodes';
import type { ResourceStore } from '../state/resourceStore';
import { confirmModal } from '../ui/confirm';
import { loaded } from '../ui/pickers';
import { dbPasswordKey, type PasswordStore } from '../state/passwords';
import { registerCommand, type CommandContext } from './registerCommand';
import { vscodeUserInput } from '../ui/userInput';

const l = vscode.l10n.t;

const prompter: Prompter = {
  async pick(title, items) {
    const picked = await vscode.window.showQuickPick(items.map((i) => ({ ...i })), { title, ignoreFocusOut: true, matchOnDescription: true });
    return picked?.value;
  },
  input(title, options) {
    return Promise.resolve(vscode.window.showInputBox({ title, value: options.value, prompt: options.prompt, ignoreFocusOut: true, validateInput: options.validate }));
  },
};

async function pickRegion(store: ResourceStore, instance: Ec2Instance | undefined): Promise<string> {
  if (instance) return instance.region;
  const regions = store.regions;
  if (regions.length === 1) return regions[0];
  const picked = await vscode.window.showQuickPick([...regions], { title: l('Region of the new database'), ignoreFocusOut: true });
  if (!picked) throw new CancelledError();
  return picked;
}

async function askOwnPassword(): Promise<string> {
  const first = await vscode.window.showInputBox({
    title: l('Master password'),
    password: true,
    ignoreFocusOut: true,
    prompt: l('8 to 41 printable characters, without / " @ or spaces'),
    validateInput: (v) => (/^[\x21-\x7e]{8,41}$/.test(v) && !/[/"@]/.test(v) ? undefined : l('8 to 41 printable characters, without / " @ or spaces')),
  });
  if (first === undefined) throw new CancelledError();
  const again = await vscode.window.showInputBox({ title: l('Master password (again)'), password: true, ignoreFocusOut: true, validateInput: (v) => (v === first ? undefined : l('The passwords differ.')) });
  if (again === undefined) throw new CancelledError();
  return first;
}

const PENDING_KEY = 'rdsLink.pendingDatabaseCreates';

export function registerCreateDatabase(ctx: CommandContext, store: ResourceStore, passwords: PasswordStore): void {
  const state = ctx.extension.globalState;
  const pending = (): DbCreatePlan[] => state.get<DbCreatePlan[]>(PENDING_KEY, []);
  const remember = async (plan: DbCreatePlan, outcome: DbCreateOutcome): Promise<void> => {
    const others = pending().filter((p) => !(p.region === plan.region && p.identifier === plan.identifier));
    await state.update(PENDING_KEY, outcome.status === 'ready' ? others : [...others, plan]);
  };

  const run = async (plan: DbCreatePlan, resume: boolean, masterPassword?: string): Promise<DbCreateOutcome> => {
    const aws = loadAws();
    return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: l('Creating {0}', plan.identifier), cancellable: true }, async (progress, token) => {
      const session = store.getSession();
      const api = aws.createSdkDbCreateApi(session.rds(plan.region), session.ec2(plan.region), plan.region);
      const linkApi = plan.link ? store.linkApi(plan.region) : undefined;
      const options = {
        signal: token,
        masterPassword,
        onProgress: (p: { message: string }) => {
          ctx.log.info(`Create ${plan.identifier}: ${p.message}`);
          progress.report({ message: p.message });
        },
      };
      return resume ? aws.resumeCreateDatabase(plan, api, linkApi, options) : aws.applyCreateDatabase(plan, api, linkApi, options);
    })).finally(() => void store.reloadRegion(plan.region, ['rds', 'ec2']));
  };

  const report = async (plan: DbCreatePlan, outcome: DbCreateOutcome): Promise<void> => {
    ctx.log.info(`Create ${plan.identifier}: ${outcome.status}; exists: ${outcome.exists.join('; ')}`);
    await remember(plan, outcome);
    if (outcome.status === 'ready') {
      const schema = l('Create Database (Schema)…');
      const choice = await vscode.window.showInformationMessage(l('{0} is available.', plan.identifier), schema);
      if (choice === schema) await vscode.commands.executeCommand(Commands.createSchema);
      return;
    }
    const retry = outcome.status === 'waitLeft' ? l('Wait Again') : l('Link Again');
    const text = outcome.status === 'waitLeft' ? outcome.message : outcome.error;
    const choice = await vscode.window.showWarningMessage(text, { modal: true, detail: l('What exists now: {0}.', outcome.exists.join('; ')) }, retry);
    if (choice === retry) await report(plan, await run(plan, true));
  };

  registerCommand(ctx, Commands.createDatabase, async (node?: unknown): Promise<DbCreateOutcome | undefined> => {
    const aws = loadAws();
    await loaded(vscodeUserInput, store);
    const instance = node instanceof InstanceNode ? node.instance : undefined;
    const waiting = pending().filter((p) => store.regions.includes(p.region));
    if (!instance && waiting.length) {
      const fresh = { label: l('$(add) Create a new database'), plan: undefined };
      const picked = await vscode.window.showQuickPick(
        [...waiting.map((p) => ({ label: l('Pick up {0} again', p.identifier), description: p.region, detail: p.link ? l('Wait until it is available, then link it to {0}', p.link.instanceId) : l('Wait until it is available'), plan: p })), fresh],
        { title: l('Create RDS Database'), ignoreFocusOut: true },
      );
      if (!picked) throw new CancelledError();
      if (picked.plan) {
        const plan = picked.plan;
        const session = store.getSession();
        const exists = await aws.createSdkDbCreateApi(session.rds(plan.region), session.ec2(plan.region), plan.region).describeDbInstance(plan.identifier);
        if (!exists) {
          await state.update(PENDING_KEY, pending().filter((p) => p !== plan && !(p.region === plan.region && p.identifier === plan.identifier)));
          throw new Error(l('{0} no longer exists in {1}; there is nothing to pick up.', plan.identifier, plan.region));
        }
        const outcome = await run(plan, true);
        await report(plan, outcome);
        return outcome;
      }
    }
    const region = await pickRegion(store, instance);
    const inRegion = (x: { region: string }) => x.region === region;
    const instances = store.allInstances().filter(inRegion);
    const vpcIds = [...new Set([...instances.map((i) => i.vpcId), ...store.allDatabases().filter(inRegion).map((d) => d.vpcId)].filter((v): v is string => !!v))].sort();
    const session = store.getSession();
    const api = aws.createSdkDbCreateApi(session.rds(region), session.ec2(region), region);
    const { plan } = await aws.runDbWizard(prompter, {
      region,
      instance,
      instances,
      vpcIds,
      prepare: (request) => Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: l('Reading what a new database needs…') }, () =>
        aws.prepareCreateDatabase(api, request.instanceId ? store.linkApi(region) : undefined, request))),
    });
    if (plan.status === 'refused') throw new Error(plan.refusals.map((r) => r.message).join(' '));
    await confirmModal(vscodeUserInput, l('Create RDS database {0}?', plan.identifier), aws.describeCreateDatabase(plan).join('\n'), plan.link ? l('Create and Link') : l('Create'));
    const masterPassword = plan.password === 'own' ? await askOwnPassword() : undefined;
    const outcome = await run(plan, false, masterPassword);
    if (masterPassword) {
      // The DB exists (whatever the outcome): its key is account, region, DB and user, never the endpoint.
      const account = store.accountId();
      await passwords.store(dbPasswordKey({ account, region, dbId: plan.identifier, host: '', port: 3306, user: plan.masterUsername }), masterPassword);
    }
    await report(plan, outcome);
    return outcome;
  });
}
