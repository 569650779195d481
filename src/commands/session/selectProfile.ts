import * as vscode from 'vscode';
import { CancelledError } from '../../core/errors';
import { Settings } from '../../ids';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

/** Picks the AWS profile (or the default credential chain); the configuration listener reloads the views. */
export async function selectProfile(deps: Deps): Promise<string> {
  const profiles = await deps.core.aws().listProfiles();
  const active = deps.store.session.profile;
  const chain = { label: l('$(server-environment) Default credential chain'), description: l('environment variables, AWS_PROFILE, then "default"'), name: '' };
  const items = [
    chain,
    ...profiles.map((p) => ({
      label: p.name === active ? `$(check) ${p.name}` : p.name,
      description: [p.kind, p.region].filter(Boolean).join(' · '),
      name: p.name,
    })),
  ];
  const picked = await deps.ui.showQuickPick(items, {
    title: l('Select AWS profile'),
    placeHolder: profiles.length ? l('Profiles from ~/.aws/config and ~/.aws/credentials') : l('No profiles found: run "aws configure" in a terminal'),
  });
  if (!picked) throw new CancelledError();
  await deps.settings.write(Settings.profile, picked.name);
  return picked.name;
}
