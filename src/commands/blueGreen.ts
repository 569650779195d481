/**
 * RDS Blue/Green deployments from the tree: create (with preflight and choices), switchover,
 * delete. Creating and switching over take minutes to hours in AWS, so the waits are cancellable
 * and say that cancelling stops only the waiting.
 */
import * as vscode from 'vscode';
import type { BlueGreenDeployment, BlueGreenSourceDb, WaitUntil } from '../core/aws/index';
import type { RdsDatabase } from '../core/aws/types';
import { CancelledError, isCancellation, toAbortSignal } from '../core/errors';
import { Commands } from '../ids';
import { loadAws } from '../lazy';
import { BlueGreenNode, DatabaseNode } from '../tree/nodes';
import type { ResourceStore } from '../state/resourceStore';
import { confirmModal } from '../ui/confirm';
import { findDatabase, pickDatabase } from '../ui/pickers';
import { registerCommand, type CommandContext } from './registerCommand';
import { vscodeUserInput } from '../ui/userInput';

const l = vscode.l10n.t;

/** Automation forms: no prompts. */
export interface CreateBlueGreenArgs {
  readonly region: string;
  readonly database: { readonly kind: 'instance' | 'cluster'; readonly id: string };
  readonly name?: string;
  readonly targetEngineVersion?: string;
  readonly targetParameterGroup?: string;
  readonly targetInstanceClass?: string;
}
export interface DeploymentArgs {
  readonly region: string;
  readonly id: string;
  readonly timeoutSeconds?: number;
  readonly deleteTarget?: boolean;
}

/**
 * What a Blue/Green command returns to a programmatic caller, as link and unlink return their
 * outcome: what happened, or why it was refused (undefined after a cancel or a failure).
 */
export interface BlueGreenOutcome {
  readonly status: 'created' | 'switchedOver' | 'deleted' | 'refused';
  readonly deployment?: BlueGreenDeployment;
  /** Why the command was refused, as sentences. */
  readonly refusals?: readonly string[];
  /** For a delete: whether the green database went with it. */
  readonly deletedTarget?: boolean;
}

const has = <K extends string>(x: unknown, ...keys: K[]): x is Record<K, unknown> => !!x && typeof x === 'object' && keys.every((k) => k in x);

async function pick<T>(items: (vscode.QuickPickItem & { value: T })[], title: string, placeHolder?: string): Promise<T> {
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true });
  if (!picked) throw new CancelledError();
  return picked.value;
}

function findDeployment(store: ResourceStore, region: string, id: string): BlueGreenDeployment {
  const d = store.blueGreen.get(region)?.find((x) => x.id === id);
  if (!d) throw new Error(l('Blue/Green deployment {0} is not among the loaded deployments; refresh the RDS view.', id));
  return d;
}

async function pickDeployment(store: ResourceStore, predicate: (d: BlueGreenDeployment) => boolean): Promise<BlueGreenDeployment> {
  const all = [...store.blueGreen.values()].flat().filter(predicate);
  if (all.length === 0) throw new Error(l('No matching Blue/Green deployments are loaded.'));
  const aws = loadAws();
  return pick(all.map((d) => ({ label: d.name, description: `${aws.blueGreenStatusLabel(d.status)} · ${d.region}`, value: d })), l('Select a Blue/Green deployment'));
}

export function registerBlueGreenCommands(ctx: CommandContext, store: ResourceStore): void {
  /**
   * A refusal: from the tree or the palette an error as usual; from automation also the outcome,
   * so the caller learns why (the user still sees it).
   */
  const refused = (automated: boolean, messages: readonly string[]): BlueGreenOutcome => {
    const message = messages.join(' ');
    if (!automated) throw new Error(message);
    ctx.log.warn(`Blue/Green refused: ${message}`);
    void vscode.window.showErrorMessage(message);
    return { status: 'refused', refusals: messages };
  };

  /** Waits with a cancellable progress; after a failure or cancel the RDS view is refreshed here. */
  const wait = (title: string, region: string, id: string, until: WaitUntil): Promise<BlueGreenDeployment | undefined> =>
    Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
      // The token stops the sleeps between polls and aborts the poll in flight.
      loadAws().waitForBlueGreen(store.getSession().withSignal(toAbortSignal(token)).rds(region), id, {
        until,
        signal: token,
        onProgress: (p) => {
          ctx.log.info(`Blue/Green ${id}: ${p.message}`);
          progress.report({ message: p.message });
        },
      }),
    )).then(undefined, (err: unknown) => {
      // The deployment changed in AWS whatever stopped the wait; callers reload on success.
      void store.reloadRegion(region, ['rds']);
      if (isCancellation(err)) {
        void vscode.window.showInformationMessage(l('Stopped waiting. The Blue/Green deployment goes on in AWS; refresh the RDS view to follow it.'));
      }
      throw err;
    });

  registerCommand(ctx, Commands.createBlueGreen, async (nodeOrArgs?: unknown): Promise<BlueGreenOutcome> => {
    const aws = loadAws();
    const args = has(nodeOrArgs, 'region', 'database') ? (nodeOrArgs as unknown as CreateBlueGreenArgs) : undefined;
    let db: RdsDatabase;
    if (args) {
      db = await findDatabase(vscodeUserInput, store, { region: args.region, ...args.database });
    } else {
      // The DBs the preflight refuses at once are offered last, with the reason.
      db = nodeOrArgs instanceof DatabaseNode ? nodeOrArgs.db : await pickDatabase(vscodeUserInput, store, { refusal: (d) => aws.blueGreenRefusal(d, store.blueGreen.get(d.region) ?? [])?.message });
    }
    const client = store.getSession().rds(db.region);
    const prepared = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: l('Checking {0} for a Blue/Green deployment…', db.id), cancellable: true }, (_progress, token) =>
      aws.prepareBlueGreen(aws.abortable(client, toAbortSignal(token)), db));
    if (prepared.refusals.length) return refused(!!args, prepared.refusals.map((r) => r.message));
    const fresh: BlueGreenSourceDb = prepared.db;

    let choice: { name: string; targetEngineVersion?: string; targetParameterGroup?: string; targetInstanceClass?: string };
    if (args) {
      choice = { name: args.name ?? aws.suggestDeploymentName(fresh, prepared.regionDeployments), targetEngineVersion: args.targetEngineVersion, targetParameterGroup: args.targetParameterGroup, targetInstanceClass: args.targetInstanceClass };
    } else {
      if (prepared.versionsProblem) ctx.log.warn(prepared.versionsProblem);
      const version = await pick(prepared.versions.map((v) => ({
        label: v.engineVersion,
        description: v.current ? l('current version: change parameters or class only') : v.majorUpgrade ? l('major upgrade') : l('minor upgrade'),
        detail: v.description,
        value: v.engineVersion,
      })), l('Engine version for green ({0} runs {1})', fresh.id, fresh.engineVersion ?? '?'), prepared.versionsProblem?.replace(/\s+/g, ' '));
      const groups = await aws.listParameterGroups(client, fresh, version);
      const group = groups.length ? await pick(
        [...groups].sort((a, b) => Number(b.recommended) - Number(a.recommended)).map((g) => ({ label: g.name, description: [g.recommended ? l('recommended') : '', g.current ? l('current') : '', g.family].filter(Boolean).join(' · '), detail: g.description, value: g.name })),
        l('Parameter group for green'),
      ) : undefined;
      const classes = await aws.listInstanceClasses(client, fresh, version);
      const instanceClass = classes.classes.length ? await pick(
        classes.classes.map((c, i) => ({ label: c, description: i === 0 && c === fresh.instanceClass ? l('current') : undefined, value: c })),
        classes.fallback ? l('Instance class for green (RDS listed none; common classes shown)') : l('Instance class for green'),
      ) : undefined;
      const name = await vscode.window.showInputBox({
        title: l('Name of the Blue/Green deployment'),
        value: aws.suggestDeploymentName(fresh, prepared.regionDeployments),
        validateInput: (v) => aws.deploymentNameProblem(v),
        ignoreFocusOut: true,
      });
      if (name === undefined) throw new CancelledError();
      choice = { name, targetEngineVersion: version, targetParameterGroup: group, targetInstanceClass: instanceClass };
      await confirmModal(vscodeUserInput, 
        l('Create Blue/Green deployment {0} for {1}?', name, fresh.id),
        [
          l('Green: a synced copy of {0} with engine {1}, parameter group {2}, class {3}.', fresh.id, version, group ?? l('unchanged'), instanceClass ?? l('unchanged')),
          l('Green costs as much as blue while it exists. Nothing changes for the app until you switch over.'),
        ].join('\n'),
        l('Create'),
      );
    }
    const created = await aws.createBlueGreen(client, fresh, choice, prepared.regionDeployments);
    ctx.log.info(`Created Blue/Green ${created.id} (${created.name}) for ${fresh.id}`);
    await store.reloadRegion(db.region, ['rds']);
    const ready = await wait(l('Blue/Green {0}: provisioning green', created.name), db.region, created.id, 'AVAILABLE');
    await store.reloadRegion(db.region, ['rds']);
    void vscode.window.showInformationMessage(l('Blue/Green deployment {0} is ready to switch over.', created.name));
    return { status: 'created', deployment: ready ?? created };
  });

  registerCommand(ctx, Commands.switchoverBlueGreen, async (nodeOrArgs?: unknown): Promise<BlueGreenOutcome> => {
    const aws = loadAws();
    const args = has(nodeOrArgs, 'region', 'id') ? (nodeOrArgs as unknown as DeploymentArgs) : undefined;
    const deployment = nodeOrArgs instanceof BlueGreenNode ? nodeOrArgs.deployment
      : args ? findDeployment(store, args.region, args.id)
        : await pickDeployment(store, (d) => d.status === 'AVAILABLE');
    const refusal = aws.switchoverRefusal(deployment);
    if (refusal) return refused(!!args, [refusal.message]);
    let timeoutSeconds = args?.timeoutSeconds ?? aws.SWITCHOVER_TIMEOUT.default;
    if (!args) {
      const typed = await vscode.window.showInputBox({
        title: l('Switchover timeout in seconds ({0}–{1})', aws.SWITCHOVER_TIMEOUT.min, aws.SWITCHOVER_TIMEOUT.max),
        prompt: l('If the switchover takes longer, AWS rolls it back and nothing changes.'),
        value: String(aws.SWITCHOVER_TIMEOUT.default),
        validateInput: (v) => aws.switchoverTimeoutProblem(v),
      });
      if (typed === undefined) throw new CancelledError();
      timeoutSeconds = Number(typed);
      const summary = aws.describeSwitchover(deployment, undefined, { timeoutSeconds });
      await confirmModal(vscodeUserInput, summary.message, summary.detail, l('Switch Over'), { destructive: true });
    }
    const client = store.getSession().rds(deployment.region);
    await aws.switchoverBlueGreen(client, deployment.id, timeoutSeconds);
    ctx.log.info(`Switchover of ${deployment.id} started (timeout ${timeoutSeconds} s)`);
    const done = await wait(l('Blue/Green {0}: switching over', deployment.name), deployment.region, deployment.id, 'SWITCHOVER_COMPLETED');
    await store.reloadRegion(deployment.region);
    void vscode.window.showInformationMessage(l('Switched over {0}: the endpoints now lead to green.', deployment.name));
    return { status: 'switchedOver', deployment: done ?? deployment };
  });

  registerCommand(ctx, Commands.deleteBlueGreen, async (nodeOrArgs?: unknown): Promise<BlueGreenOutcome> => {
    const aws = loadAws();
    const args = has(nodeOrArgs, 'region', 'id') ? (nodeOrArgs as unknown as DeploymentArgs) : undefined;
    const deployment = nodeOrArgs instanceof BlueGreenNode ? nodeOrArgs.deployment
      : args ? findDeployment(store, args.region, args.id)
        : await pickDeployment(store, () => true);
    let deleteTarget = args?.deleteTarget ?? false;
    if (!args) {
      const canDeleteGreen = !aws.deleteRefusal(deployment, { deleteTarget: true });
      deleteTarget = await pick([
        { label: l('Delete the deployment only'), detail: aws.describeDelete(deployment, { deleteTarget: false }).detail, value: false },
        ...(canDeleteGreen ? [{ label: l('Delete the deployment and the green database'), detail: aws.describeDelete(deployment, { deleteTarget: true }).detail, value: true }] : []),
      ], l('Delete Blue/Green deployment {0}', deployment.name));
    }
    const refusal = aws.deleteRefusal(deployment, { deleteTarget });
    if (refusal) return refused(!!args, [refusal.message]);
    if (!args) {
      const text = aws.describeDelete(deployment, { deleteTarget });
      await confirmModal(vscodeUserInput, text.message, text.detail, l('Delete'), { destructive: true });
    }
    const client = store.getSession().rds(deployment.region);
    const deleting = await aws.deleteBlueGreen(client, deployment, { deleteTarget });
    if (deleting) await wait(l('Deleting Blue/Green {0}', deployment.name), deployment.region, deployment.id, 'deleted');
    ctx.log.info(`Deleted Blue/Green ${deployment.id}${deleteTarget ? ' with green' : ''}`);
    await store.reloadRegion(deployment.region, ['rds']);
    void vscode.window.showInformationMessage(l('Deleted Blue/Green deployment {0}.', deployment.name));
    return { status: 'deleted', deployment, deletedTarget: deleteTarget };
  });
}
