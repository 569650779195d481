/**
 * What the three Blue/Green commands share: the deployment from a node, automation arguments or
 * a pick; a refusal told the way the caller can read it; and the long, cancellable waits.
 * Creating and switching over take minutes to hours in AWS, so the waits say that cancelling
 * stops only the waiting.
 */
import * as vscode from 'vscode';
import type { BlueGreenDeployment, WaitUntil } from '../../core/aws/index';
import { CancelledError, isCancellation, toAbortSignal } from '../../core/errors';
import type { CommandId } from '../../ids';
import { BlueGreenNode } from '../../tree/nodes';
import type { UserInput } from '../../ui/userInput';
import { argsOf, type Args } from '../args';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

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

/** One pick whose items carry their value; Escape cancels. */
export async function pickValue<T>(ui: UserInput, items: (vscode.QuickPickItem & { value: T })[], title: string, placeHolder?: string): Promise<T> {
  const picked = await ui.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true });
  if (!picked) throw new CancelledError();
  return picked.value;
}

/**
 * A refusal: from the tree or the palette an error as usual; from automation also the outcome,
 * so the caller learns why (the user still sees it).
 */
export function refused(deps: Deps, automated: boolean, messages: readonly string[]): BlueGreenOutcome {
  const message = messages.join(' ');
  if (!automated) throw new Error(message);
  deps.log.warn(`Blue/Green refused: ${message}`);
  void deps.ui.showErrorMessage(message, {});
  return { status: 'refused', refusals: messages };
}

function findDeployment(deps: Deps, region: string, id: string): BlueGreenDeployment {
  const d = deps.store.blueGreen.get(region)?.find((x) => x.id === id);
  if (!d) throw new Error(l('Blue/Green deployment {0} is not among the loaded deployments; refresh the RDS view.', id));
  return d;
}

async function pickDeployment(deps: Deps, predicate: (d: BlueGreenDeployment) => boolean): Promise<BlueGreenDeployment> {
  const all = [...deps.store.blueGreen.values()].flat().filter(predicate);
  if (all.length === 0) throw new Error(l('No matching Blue/Green deployments are loaded.'));
  const aws = deps.core.aws();
  return pickValue(deps.ui, all.map((d) => ({ label: d.name, description: `${aws.blueGreenStatusLabel(d.status)} · ${d.region}`, value: d })), l('Select a Blue/Green deployment'));
}

/**
 * The deployment a switchover or delete acts on: the node's, the one automation names with
 * `{ region, id }` (then `args` is set and nothing is asked), or a pick among those `offered`.
 */
export async function deploymentOf(deps: Deps, command: CommandId, nodeOrArgs: unknown, offered: (d: BlueGreenDeployment) => boolean): Promise<{ deployment: BlueGreenDeployment; args?: Args }> {
  if (nodeOrArgs instanceof BlueGreenNode) return { deployment: nodeOrArgs.deployment };
  const args = argsOf(command, nodeOrArgs);
  if (args) return { deployment: findDeployment(deps, args.string('region'), args.string('id')), args };
  return { deployment: await pickDeployment(deps, offered) };
}

/** Waits with a cancellable progress; after a failure or cancel the RDS view is refreshed here. */
export async function waitForDeployment(deps: Deps, title: string, region: string, id: string, until: WaitUntil): Promise<BlueGreenDeployment | undefined> {
  try {
    return await deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
      // The token stops the sleeps between polls and aborts the poll in flight.
      deps.core.aws().waitForBlueGreen(deps.store.getSession().withSignal(toAbortSignal(token)).rds(region), id, {
        until,
        signal: token,
        onProgress: (p) => {
          deps.log.info(`Blue/Green ${id}: ${p.message}`);
          progress.report({ message: p.message });
        },
      }));
  } catch (err) {
    // The deployment changed in AWS whatever stopped the wait; callers reload on success.
    void deps.store.reloadRegion(region, ['rds']);
    if (isCancellation(err)) {
      void deps.ui.showInformationMessage(l('Stopped waiting. The Blue/Green deployment goes on in AWS; refresh the RDS view to follow it.'), {});
    }
    throw err;
  }
}
