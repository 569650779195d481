/** Session commands: refresh, profile, regions, retry of a failed region, SSO login. */
import * as vscode from 'vscode';
import { Commands, Settings } from '../ids';
import { loadAws } from '../lazy';
import { ErrorNode } from '../tree/nodes';
import type { ResourceStore } from '../state/resourceStore';
import { CancelledError } from '../core/errors';
import { userSetting, writeSetting } from '../state/settings';
import { registerCommand, type CommandContext } from './registerCommand';

const l = vscode.l10n.t;

/** Commercial regions, for the region picker; a region typed into settings works too. */
export const KNOWN_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'af-south-1', 'ap-east-1', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-northeast-1',
  'ap-northeast-2', 'ap-northeast-3', 'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-west-1',
  'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1', 'il-central-1', 'me-south-1', 'me-central-1',
  'mx-central-1', 'sa-east-1',
];

/** Reloads, and offers the way out of the two states a person can fix at once. */
export async function reloadAndReport(store: ResourceStore): Promise<void> {
  await store.reload();
  const s = store.session;
  if (s.state === 'noCredentials' && s.problem.kind === 'ssoExpired') {
    const login = l('Run aws sso login');
    void vscode.window.showWarningMessage(s.problem.message, login).then((c) => {
      if (c === login) void vscode.commands.executeCommand(Commands.ssoLogin);
    });
  }
}

export function registerSessionCommands(ctx: CommandContext, store: ResourceStore): void {
  registerCommand(ctx, Commands.refresh, () => reloadAndReport(store));
  registerCommand(ctx, Commands.showLog, () => ctx.log.show());

  registerCommand(ctx, Commands.selectProfile, async () => {
    const aws = loadAws();
    const profiles = await aws.listProfiles();
    const active = store.session.profile;
    const chain = { label: l('$(server-environment) Default credential chain'), description: l('environment variables, AWS_PROFILE, then "default"'), name: '' };
    const items = [
      chain,
      ...profiles.map((p) => ({
        label: p.name === active ? `$(check) ${p.name}` : p.name,
        description: [p.kind, p.region].filter(Boolean).join(' · '),
        name: p.name,
      })),
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: l('Select AWS profile'),
      placeHolder: profiles.length ? l('Profiles from ~/.aws/config and ~/.aws/credentials') : l('No profiles found: run "aws configure" in a terminal'),
    });
    if (!picked) throw new CancelledError();
    // The configuration listener reloads the views.
    await writeSetting(Settings.profile, picked.name);
    return picked.name;
  });

  registerCommand(ctx, Commands.selectRegions, async () => {
    const current = new Set(store.regions);
    const all = [...new Set([...current, ...KNOWN_REGIONS])];
    const picked = await vscode.window.showQuickPick(
      all.map((r) => ({ label: r, picked: current.has(r) })),
      { title: l('Select AWS regions to show'), canPickMany: true },
    );
    if (!picked) throw new CancelledError();
    if (picked.length === 0) throw new Error(l('Select at least one region.'));
    await writeSetting(Settings.regions, picked.map((p) => p.label));
    return picked.map((p) => p.label);
  });

  registerCommand(ctx, Commands.retry, async (node?: ErrorNode) => {
    if (node instanceof ErrorNode && store.session.state === 'ready') await store.reloadRegion(node.region, [node.service]);
    else await reloadAndReport(store);
  });

  registerCommand(ctx, Commands.ssoLogin, () => {
    const profile = store.session.profile || loadAws().effectiveProfileName(userSetting(Settings.profile, ''));
    // The CLI itself is the terminal's process, its arguments passed as they are: no shell
    // parses the profile name. The terminal closes when the login is done; the views reload then.
    const terminal = vscode.window.createTerminal({ name: l('AWS SSO login'), shellPath: 'aws', shellArgs: ['sso', 'login', '--profile', profile] });
    terminal.show();
    const sub = vscode.window.onDidCloseTerminal((closed) => {
      if (closed !== terminal) return;
      sub.dispose();
      void reloadAndReport(store);
    });
    ctx.extension.subscriptions.push(sub);
  });
}
