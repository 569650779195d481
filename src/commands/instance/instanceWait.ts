/**
 * The end of Create EC2 Instance…, shared with Wait Again for Status Checks: the status-check
 * wait under a cancellable progress, a left wait remembered (state/leftWork.ts) so the EC2 view
 * marks the instance and the wait can be picked up again, and at status OK the next step offered.
 */
import * as vscode from 'vscode';
import { Commands } from '../../ids';
import type { LeftInstanceWait } from '../../state/leftWork';
import { InstanceNode } from '../../tree/nodes';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

export type InstanceApi = ReturnType<ReturnType<Deps['core']['aws']>['createSdkInstanceCreateApi']>;

export function instanceApiFor(deps: Deps, region: string): InstanceApi {
  const session = deps.store.getSession();
  return deps.core.aws().createSdkInstanceCreateApi(session.ec2(region), session.ssm(region), session.iam(region));
}

/** Waits for the status checks again; false when the person left the wait (Cancel). */
export function waitForStatusOk(deps: Deps, wait: LeftInstanceWait, api: InstanceApi): Promise<boolean> {
  const title = l('Waiting for the status checks of {0} ({1})', wait.name, wait.instanceId);
  return deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) =>
    api.waitStatusOk(wait.instanceId, { signal: token }).then(() => true, (err: unknown) => {
      if (token.isCancellationRequested) return false;
      throw err;
    })).finally(() => void deps.store.reloadRegion(wait.region, ['ec2']));
}

/** Remembers a left wait (offering Wait Again now) or forgets it and offers the next step: a DB linked to the instance. */
export async function reportStatus(deps: Deps, wait: LeftInstanceWait, api: InstanceApi, statusOk: boolean): Promise<boolean> {
  deps.log.info(`Create instance ${wait.name}: ${statusOk ? 'status OK' : 'wait left'}; made: ${wait.created.join('; ')}`);
  if (!statusOk) {
    await deps.leftWork.instanceWaits.remember(wait);
    const again = l('Wait Again');
    const text = l('{0} ({1}) is launched; its status checks were not waited for.', wait.name, wait.instanceId);
    const detail = l('What exists now: {0}. Wait Again for Status Checks (on the instance in the EC2 view, or in the Command Palette) picks the wait up later.', wait.created.join('; '));
    const choice = await deps.ui.showWarningMessage(text, { modal: true, detail }, again);
    return choice === again ? reportStatus(deps, wait, api, await waitForStatusOk(deps, wait, api)) : false;
  }
  await deps.leftWork.instanceWaits.forget(wait);
  const database = l('Create RDS Database…');
  const choice = await deps.ui.showInformationMessage(l('{0} ({1}) is running and its status checks passed. Log in as {2}.', wait.name, wait.instanceId, wait.osUser), {}, database);
  if (choice === database) {
    const instance = deps.store.allInstances().find((i) => i.id === wait.instanceId);
    await deps.ui.executeCommand(Commands.createDatabase, ...(instance ? [new InstanceNode(instance)] : []));
  }
  return true;
}
