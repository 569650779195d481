/**
 * Forgets the SSH host key remembered for an instance, so that the next connection checks the
 * key again as a first use (console fingerprints, else trust on first use). From an instance
 * node, or from the palette with a pick of the remembered keys; automation passes { instanceId }.
 */
import * as vscode from 'vscode';
import { Commands } from '../../ids';
import { CancelledError } from '../../core/errors';
import { InstanceNode } from '../../tree/nodes';
import { argsOf } from '../args';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

/** Asks which remembered key to forget; undefined when none is remembered (the person is told). */
async function pickRemembered(deps: Deps): Promise<string | undefined> {
  const known = deps.hostKeys.list();
  if (known.length === 0) {
    void deps.ui.showInformationMessage(l('No SSH host key is remembered yet.'), {});
    return undefined;
  }
  const picked = await deps.ui.showQuickPick(
    known.map(({ instanceId: id, key }) => ({
      label: id,
      description: `${key.keyType} ${key.sha256}`,
      detail: key.basis === 'console' ? l('Checked against the console output on {0}', key.since.slice(0, 10)) : l('Trusted on first use on {0}', key.since.slice(0, 10)),
      id,
    })),
    { title: l('Forget the SSH host key of which instance?'), matchOnDescription: true },
  );
  if (!picked) throw new CancelledError();
  return picked.id;
}

/** Returns whether a key was forgotten. */
export async function forgetHostKey(deps: Deps, arg?: unknown): Promise<boolean> {
  const instanceId = arg instanceof InstanceNode ? arg.instance.id
    : argsOf(Commands.forgetHostKey, arg)?.string('instanceId') ?? await pickRemembered(deps);
  if (!instanceId) return false;
  const key = deps.hostKeys.get(instanceId);
  if (!key) {
    void deps.ui.showInformationMessage(l('No SSH host key is remembered for {0}.', instanceId), {});
    return false;
  }
  await deps.hostKeys.forget(instanceId);
  deps.log.info(`Forgot the SSH host key of ${instanceId} (${key.keyType} ${key.sha256})`);
  void deps.ui.showInformationMessage(l('Forgot the SSH host key of {0}. The next connection checks the key again.', instanceId), {});
  return true;
}
