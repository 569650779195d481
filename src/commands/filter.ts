import * as vscode from 'vscode';
import { Commands } from '../ids';
import type { ViewProvider } from '../tree/viewProvider';
import { registerCommand, type CommandContext } from './registerCommand';

const l = vscode.l10n.t;

/** Filter and clear commands for one view. Accepts the text as an argument for automation. */
export function registerFilterCommands(
  ctx: CommandContext,
  provider: ViewProvider<unknown>,
  ids: { filter: typeof Commands.filterEc2 | typeof Commands.filterRds; clear: typeof Commands.clearEc2Filter | typeof Commands.clearRdsFilter },
): void {
  registerCommand(ctx, ids.filter, async (text?: unknown) => {
    const value = typeof text === 'string' ? text : await vscode.window.showInputBox({
      title: provider.service === 'ec2' ? l('Filter EC2 instances') : l('Filter RDS databases'),
      prompt: l('Words to match in name, id, tags or state; empty clears the filter'),
      value: provider.filter,
    });
    if (value === undefined) return;
    provider.setFilter(value);
  });
  registerCommand(ctx, ids.clear, () => provider.setFilter(''));
}
