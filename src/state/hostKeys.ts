/**
 * SSH host keys remembered per instance id, in globalState: a hash of a public key, nothing
 * secret. The policy that uses them is services/hostKeys.ts.
 */
import type * as vscode from 'vscode';
import type { HostKeyStore, RememberedHostKey } from '../core/instance/index';

const PREFIX = 'rdsLink.hostKey/';

export class HostKeyMemento implements HostKeyStore {
  constructor(private readonly memento: vscode.Memento) {}

  get(instanceId: string): RememberedHostKey | undefined {
    return this.memento.get<RememberedHostKey>(PREFIX + instanceId);
  }

  remember(instanceId: string, key: RememberedHostKey): Thenable<void> {
    return this.memento.update(PREFIX + instanceId, key);
  }

  forget(instanceId: string): Thenable<void> {
    return this.memento.update(PREFIX + instanceId, undefined);
  }

  /** Every remembered key, by instance id. */
  list(): Array<{ readonly instanceId: string; readonly key: RememberedHostKey }> {
    return this.memento
      .keys()
      .filter((k) => k.startsWith(PREFIX))
      .flatMap((k) => {
        const key = this.memento.get<RememberedHostKey>(k);
        return key ? [{ instanceId: k.slice(PREFIX.length), key }] : [];
      })
      .sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  }
}
