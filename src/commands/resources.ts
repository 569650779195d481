/** What the instance and database actions share: the resource from a tree node or a picker, and a copy that says what it copied. */
import * as vscode from 'vscode';
import type { Ec2Instance, RdsDatabase } from '../core/aws/types';
import { DatabaseNode, InstanceNode } from '../tree/nodes';
import { pickDatabase, pickInstance } from '../ui/pickers';
import type { Deps } from './deps';

const l = vscode.l10n.t;

/** The node's instance; from the palette, a pick among the loaded ones that `predicate` accepts. */
export async function instanceOf(deps: Deps, node: unknown, predicate?: (i: Ec2Instance) => boolean): Promise<Ec2Instance> {
  return node instanceof InstanceNode ? node.instance : pickInstance(deps.ui, deps.store, predicate);
}

export async function databaseOf(deps: Deps, node: unknown): Promise<RdsDatabase> {
  return node instanceof DatabaseNode ? node.db : pickDatabase(deps.ui, deps.store);
}

/** Copies `text`, notes it in the status bar, and returns it to a programmatic caller. */
export async function copyToClipboard(deps: Deps, text: string, what: string): Promise<string> {
  await deps.ui.writeClipboard(text);
  deps.ui.setStatusBarMessage(l('Copied {0}: {1}', what, text), 3000);
  return text;
}
