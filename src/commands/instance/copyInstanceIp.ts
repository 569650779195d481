import * as vscode from 'vscode';
import type { Deps } from '../deps';
import { copyToClipboard, instanceOf } from '../resources';

const l = vscode.l10n.t;

/** Copies the public IP, else the private one; the palette offers only instances that have one. */
export async function copyInstanceIp(deps: Deps, node?: unknown): Promise<string> {
  const i = await instanceOf(deps, node, (x) => !!(x.publicIp ?? x.privateIp));
  const ip = i.publicIp ?? i.privateIp;
  if (!ip) throw new Error(l('Instance {0} has no IP address (state: {1}).', i.id, i.state));
  return copyToClipboard(deps, ip, i.publicIp ? l('public IP') : l('private IP'));
}
