/**
 * Forgets the SSH host key remembered for an instance, so that the next connection checks the
 * key again as a first use (console fingerprints, else trust on first use). From an instance
 * node, or from the palette with a pick of the remembered keys; automation passes { instanceId }.
 */
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import { Commands } from '../ids';
import { InstanceNode } from '../tree/nodes';
import { HostKeyMemento } from '../state/hostKeys';
import { registerCommand, type CommandContext } from './registerCommand';

const l = vscode.l10n.t;

function instanceIdOf(arg: unknown): string | undefined {
  if (arg instanceof InstanceNode) return arg.instance.id;
  if (arg && typeof arg === 'object' && typeof (arg as { instanceId?: unknown }).instanceId === 'string') return (arg as { instanceId: string }).instanceId;
  return undefined;
}

export function registerForgetHostKey(ctx: CommandContext): void {
  registerCommand(ctx, Commands.forgetHostKey, async (arg?: unknown): Promise<boolean> => {
    const store = new HostKeyMemento(ctx.extension.globalState);
    let instanceId = instanceIdOf(arg);
    if (!instanceId) {
      const known = store.list();
      if (known.length === 0) {
        void vscode.window.showInformationMessage(l('No SSH host key is remembered yet.'));
        return false;
      }
      const picked = await vscode.window.showQuickPick(
        known.map(({ instanceId: id, key }) => ({
          label: id,
          description: `${key.keyType} ${key.sha256}`,
          detail: key.basis === 'console' ? l('Checked against the console output on {0}', key.since.slice(0, 10)) : l('Trusted on first use on {0}', key.since.slice(0, 10)),
          id,
        })),
        { title: l('Forget the SSH host key of which instance?'), matchOnDescription: true },
      );
      if (!picked) throw new CancelledError();
      instanceId = picked.id;
    }
    const key = store.get(instanceId);
    if (!key) {
      void vscode.window.showInformationMessage(l('No SSH host key is remembered for {0}.', instanceId));
      return false;
    }
    await store.forget(instanceId);
    ctx.log.info(`Forgot the SSH host key of ${instanceId} (${key.keyType} ${key.sha256})`);
    void vscode.window.showInformationMessage(l('Forgot the SSH host key of {0}. The next connection checks the key again.', instanceId));
    return true;
  });
}
