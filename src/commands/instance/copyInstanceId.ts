import * as vscode from 'vscode';
import type { Deps } from '../deps';
import { copyToClipboard, instanceOf } from '../resources';

const l = vscode.l10n.t;

export async function copyInstanceId(deps: Deps, node?: unknown): Promise<string> {
  const i = await instanceOf(deps, node);
  return copyToClipboard(deps, i.id, l('instance ID'));
}
