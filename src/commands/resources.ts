/** What the instance and database actions share: the resource from a tree node or a picker, and a copy that says what it copied. */
import * as vscode from 'vscode';
import type { DbFeature } from '../core/aws/index';
import type { Ec2Instance, RdsDatabase } from '../core/aws/types';
import { DatabaseNode, InstanceNode } from '../tree/nodes';
import { pickDatabase, pickInstance, type PickOptions } from '../ui/pickers';
import type { Deps } from './deps';

const l = vscode.l10n.t;

/** The node's instance; from the palette, a pick among the loaded ones that `predicate` accepts. */
export async function instanceOf(deps: Deps, node: unknown, predicate?: (i: Ec2Instance) => boolean): Promise<Ec2Instance> {
  return node instanceof InstanceNode ? node.instance : pickInstance(deps.ui, deps.store, predicate);
}

/** The picker's rule for a feature: DBs it cannot use are shown last, with the reason. */
function usableFor(deps: Pick<Deps, 'core'>, feature: DbFeature): PickOptions<RdsDatabase> {
  return { refusal: (d) => deps.core.aws().dbRefusal(d, feature)?.message };
}

/** The node's DB; from the palette, a pick among the loaded ones (those `feature` cannot use come last, with the reason). */
export async function databaseOf(deps: Pick<Deps, 'core' | 'ui' | 'store'>, node: unknown, feature?: DbFeature): Promise<RdsDatabase> {
  return node instanceof DatabaseNode ? node.db : pickDatabase(deps.ui, deps.store, feature ? usableFor(deps, feature) : {});
}

/** Copies `text`, notes it in the status bar, and returns it to a programmatic caller. */
export async function copyToClipboard(deps: Deps, text: string, what: string): Promise<string> {
  await deps.ui.writeClipboard(text);
  deps.ui.setStatusBarMessage(l('Copied {0}: {1}', what, text), 3000);
  return text;
}
