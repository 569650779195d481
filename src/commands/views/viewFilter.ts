import * as vscode from 'vscode';
import type { ViewProvider } from '../../tree/viewProvider';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

/** Sets a view's filter: the text given by automation, else what the person types (Escape keeps it). */
export async function askFilter(deps: Deps, view: ViewProvider<unknown>, text: unknown): Promise<void> {
  const value = typeof text === 'string' ? text : await deps.ui.showInputBox({
    title: view.service === 'ec2' ? l('Filter EC2 instances') : l('Filter RDS databases'),
    prompt: l('Words to match in name, id, tags or state; empty clears the filter'),
    value: view.filter,
  });
  if (value === undefined) return;
  view.setFilter(value);
}
