import * as vscode from 'vscode';
import { Commands } from '../../ids';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

/** Reloads, and offers the way out of the two states a person can fix at once. */
export async function reloadAndReport(deps: Pick<Deps, 'store' | 'ui'>): Promise<void> {
  await deps.store.reload();
  const s = deps.store.session;
  if (s.state === 'noCredentials' && s.problem.kind === 'ssoExpired') {
    const login = l('Run aws sso login');
    void deps.ui.showWarningMessage(s.problem.message, {}, login).then((c) => {
      if (c === login) void deps.ui.executeCommand(Commands.ssoLogin);
    });
  }
}
