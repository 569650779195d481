import * as vscode from 'vscode';
import { Settings } from '../../ids';
import type { Deps } from '../deps';
import { reloadAndReport } from './reload';

const l = vscode.l10n.t;

/** Runs `aws sso login` for the session's profile in a terminal; the views reload when it closes. */
export function ssoLogin(deps: Deps): void {
  const profile = deps.store.session.profile || deps.core.aws().effectiveProfileName(deps.settings.user(Settings.profile, ''));
  // The CLI itself is the terminal's process, its arguments passed as they are: no shell
  // parses the profile name.
  deps.subscriptions.push(deps.ui.openTerminal({ name: l('AWS SSO login'), shellPath: 'aws', shellArgs: ['sso', 'login', '--profile', profile] }, () => {
    void reloadAndReport(deps);
  }));
}
