/** Deletes a Blue/Green deployment, with or without its green database. */
import * as vscode from 'vscode';
import type { BlueGreenDeployment } from '../../core/aws/index';
import { Commands } from '../../ids';
import { confirmModal } from '../../ui/confirm';
import type { Deps } from '../deps';
import { deploymentOf, pickValue, refused, waitForDeployment, type BlueGreenOutcome } from './deployments';

const l = vscode.l10n.t;

/** Whether green goes too: offered only when it may. */
function askDeleteTarget(deps: Deps, deployment: BlueGreenDeployment): Promise<boolean> {
  const aws = deps.core.aws();
  const canDeleteGreen = !aws.deleteRefusal(deployment, { deleteTarget: true });
  return pickValue(deps.ui, [
    { label: l('Delete the deployment only'), detail: aws.describeDelete(deployment, { deleteTarget: false }).detail, value: false },
    ...(canDeleteGreen ? [{ label: l('Delete the deployment and the green database'), detail: aws.describeDelete(deployment, { deleteTarget: true }).detail, value: true }] : []),
  ], l('Delete Blue/Green deployment {0}', deployment.name));
}

/** Automation passes `{ region, id, deleteTarget? }` and is asked nothing. */
export async function deleteBlueGreen(deps: Deps, nodeOrArgs?: unknown): Promise<BlueGreenOutcome> {
  const aws = deps.core.aws();
  const { deployment, args } = await deploymentOf(deps, Commands.deleteBlueGreen, nodeOrArgs, () => true);
  const deleteTarget = args ? args.optionalBoolean('deleteTarget') ?? false : await askDeleteTarget(deps, deployment);
  const refusal = aws.deleteRefusal(deployment, { deleteTarget });
  if (refusal) return refused(deps, !!args, [refusal.message]);
  if (!args) {
    const text = aws.describeDelete(deployment, { deleteTarget });
    await confirmModal(deps.ui, text.message, text.detail, l('Delete'), { destructive: true });
  }
  const client = deps.store.getSession().rds(deployment.region);
  const deleting = await aws.deleteBlueGreen(client, deployment, { deleteTarget });
  if (deleting) await waitForDeployment(deps, l('Deleting Blue/Green {0}', deployment.name), deployment.region, deployment.id, 'deleted');
  deps.log.info(`Deleted Blue/Green ${deployment.id}${deleteTarget ? ' with green' : ''}`);
  await deps.store.reloadRegion(deployment.region, ['rds']);
  void deps.ui.showInformationMessage(l('Deleted Blue/Green deployment {0}.', deployment.name), {});
  return { status: 'deleted', deployment, deletedTarget: deleteTarget };
}
