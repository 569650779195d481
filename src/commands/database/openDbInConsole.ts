import * as vscode from 'vscode';
import { rdsConsoleUrl } from '../../core/aws/consoleUrls';
import type { Deps } from '../deps';
import { databaseOf } from '../resources';

export async function openDbInConsole(deps: Deps, node?: unknown): Promise<void> {
  const d = await databaseOf(deps, node);
  await deps.ui.openExternal(vscode.Uri.parse(rdsConsoleUrl(d)));
}
