import * as vscode from 'vscode';
import type { Deps } from '../deps';
import { copyToClipboard, databaseOf } from '../resources';

const l = vscode.l10n.t;

/** Copies `address:port`; a DB still being created has no endpoint yet. */
export async function copyDbEndpoint(deps: Deps, node?: unknown): Promise<string> {
  const d = await databaseOf(deps, node);
  if (!d.endpoint) throw new Error(l('{0} has no endpoint yet (status: {1}).', d.id, d.status));
  return copyToClipboard(deps, `${d.endpoint.address}:${d.endpoint.port}`, l('endpoint'));
}
