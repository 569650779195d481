import * as vscode from 'vscode';
import { Commands } from '../../ids';
import { endpointPasswordKey } from '../../state/passwords';
import type { WorkspaceTarget } from '../../state/targets';
import { argsOf } from '../args';
import type { Deps } from '../deps';
import { askTarget, targetOf } from './target';

const l = vscode.l10n.t;

/**
 * RDS Link: Use Database in This Workspace — the target the config quick-fix offers. With
 * `{ host, port, user, password?, database, label? }` it asks nothing (a password goes to secret storage).
 */
export async function useDatabaseInWorkspace(deps: Deps, nodeOrTarget?: unknown): Promise<WorkspaceTarget> {
  const args = argsOf(Commands.useDatabaseInWorkspace, nodeOrTarget);
  let target: WorkspaceTarget;
  if (args) {
    const t = targetOf(args);
    target = { host: t.host, port: t.port, user: t.user, database: t.database, label: t.label ?? t.host };
    if (t.password) await deps.passwords.store(endpointPasswordKey(target), t.password);
  } else {
    target = await askTarget(deps, nodeOrTarget);
  }
  await deps.targets.setCurrent(target);
  deps.log.info(`Workspace target: ${target.user}@${target.host}:${target.port}/${target.database}`);
  if (!args) {
    void deps.ui.showInformationMessage(l('This workspace now uses {0} ({1}) as {2}. Config files that point elsewhere get a quick-fix.', target.label, target.database, target.user), {});
  }
  return target;
}
