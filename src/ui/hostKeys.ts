/**
 * SSH host keys remembered per instance id, in globalState (a hash of a public key: nothing
 * secret), and the host-key policy the tunnel gets: that store, and the instance's console output
 * read with GetConsoleOutput for the first connection.
 */
import type * as vscode from 'vscode';
import type { AwsClients } from '../core/aws/index';
import type { HostKeyDecision, HostKeyPolicy, HostKeyStore, RememberedHostKey } from '../core/instance/index';
import { loadAws } from '../lazy';

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

/** The policy for a tunnel through an instance in `region`: decisions go to the log at a level that fits. */
export function hostKeyPolicy(state: vscode.Memento, log: vscode.LogOutputChannel, session: AwsClients, region: string): HostKeyPolicy {
  return {
    store: new HostKeyMemento(state),
    consoleOutput: (instanceId) => loadAws().readConsoleOutput(session.ec2(region), instanceId),
    onDecision: (d: HostKeyDecision) => {
      if (!d.accept) log.error(d.message);
      else if (d.basis === 'firstUse') log.warn(d.message);
      else log.info(d.message);
    },
  };
}
