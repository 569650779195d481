/**
 * The host-key policy an SSH session gets: the keys remembered per instance (state/hostKeys.ts),
 * and the instance's console output read with GetConsoleOutput for the first connection.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { AwsClients } from '../core/aws/index';
import type { EiceSigning } from '../core/db/index';
import type { HostKeyDecision, HostKeyPolicy } from '../core/instance/index';
import { loadAws } from '../lazy';
import { HostKeyMemento } from '../state/hostKeys';
import { readEiceTunnelSettings, type EiceTunnelSettings } from '../state/settings';

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

/** How an EC2 Instance Connect Endpoint tunnel is signed, where it is dialled, and how long it may live. */
export type EiceAccess = EiceSigning & EiceTunnelSettings;

/**
 * What every SSH session to an instance of `region` needs from AWS: the key push, EICE signing
 * (with the session's credentials, for a route through an endpoint), the host-key policy.
 */
export function sshAccessOptions(
  state: vscode.Memento,
  log: vscode.LogOutputChannel,
  session: AwsClients,
  region: string,
  tunnel: EiceTunnelSettings = readEiceTunnelSettings(),
): { instanceConnect: ReturnType<AwsClients['instanceConnect']>; eice: EiceAccess; hostKeys: HostKeyPolicy } {
  return {
    instanceConnect: session.instanceConnect(region),
    eice: { region, credentials: () => session.ec2(region).config.credentials(), ...tunnel },
    hostKeys: hostKeyPolicy(state, log, session, region),
  };
}

/** The private key file of rdsLink.ssh.identityFile (an absolute path), read when a session needs it. */
export function readIdentityFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(vscode.l10n.t('rdsLink.ssh.identityFile: {0} cannot be read', file), { cause: err });
  }
}
