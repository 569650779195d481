/**
 * How SSH reaches instances, from the SSH settings (no network): one context for the DB route
 * decision, deploys and the diagnosis alike. `rdsLink.ssh.hostOverrides` (instance id →
 * host:port, user settings only) is for sandboxes and tests with several hosts; an instance
 * listed there wins over `rdsLink.ssh.hostOverride`, which applies to every other instance (an
 * empty value: that instance is reached itself).
 */
import * as vscode from 'vscode';
import type { ReachContext, SshHostOverride } from '../core/instance/index';
import type { SshSettings } from '../state/settings';
import { readIdentityFile } from './hostKeys';

const l = vscode.l10n.t;

type ParseHostPort = (s: string) => { host: string; port: number } | undefined;

/** The overrides, the inside-VPC choice and the OS users; a value that is not host:port is an error naming it. */
export function reachContext(ssh: SshSettings, parseHostPort: ParseHostPort, readPrivateKey = readIdentityFile): ReachContext {
  let key: string | undefined;
  // Read once, and only when an override uses it.
  const privateKey = (): { privateKey?: string } => (ssh.identityFile ? { privateKey: (key ??= readPrivateKey(ssh.identityFile)) } : {});
  const override = (typed: string, problem: string): SshHostOverride => {
    const hp = parseHostPort(typed);
    if (!hp) throw new Error(problem);
    return { host: hp.host, port: hp.port, ...privateKey() };
  };
  // An empty value: that instance is reached itself (the one override for all does not apply).
  const perInstance = new Map(Object.entries(ssh.hostOverrides).map(([id, typed]) => [id, typed === '' ? null : override(typed, l('The SSH host override "{0}" for {1} is not host:port.', typed, id))]));
  const forAll = ssh.hostOverride ? override(ssh.hostOverride, l('rdsLink.ssh.hostOverride "{0}" is not host:port.', ssh.hostOverride)) : undefined;
  return {
    insideVpc: ssh.insideVpc,
    osUserOverrides: new Map(Object.entries(ssh.osUsers)),
    ...(forAll ? { sshHostOverride: forAll } : {}),
    ...(perInstance.size > 0 ? { sshHostOverrides: perInstance } : {}),
  };
}
