/**
 * The host-key policy an SSH session gets: the keys remembered per instance (state/hostKeys.ts),
 * and the instance's console output read with GetConsoleOutput for the first connection.
 */
import type * as vscode from 'vscode';
import type { AwsClients } from '../core/aws/index';
import type { HostKeyDecision, HostKeyPolicy } from '../core/instance/index';
import { loadAws } from '../lazy';
import { HostKeyMemento } from '../state/hostKeys';

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
