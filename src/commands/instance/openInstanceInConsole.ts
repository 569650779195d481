import * as vscode from 'vscode';
import { ec2InstanceConsoleUrl } from '../../core/aws/consoleUrls';
import type { Deps } from '../deps';
import { instanceOf } from '../resources';

export async function openInstanceInConsole(deps: Deps, node?: unknown): Promise<void> {
  const i = await instanceOf(deps, node);
  await deps.ui.openExternal(vscode.Uri.parse(ec2InstanceConsoleUrl(i.region, i.id)));
}
