/** Switches a Blue/Green deployment over (the endpoints move to green) and waits until it completes. */
import * as vscode from 'vscode';
import type { BlueGreenDeployment } from '../../core/aws/index';
import { CancelledError } from '../../core/errors';
import { Commands } from '../../ids';
import { confirmModal } from '../../ui/confirm';
import type { Deps } from '../deps';
import { deploymentOf, refused, waitForDeployment, type BlueGreenOutcome } from './deployments';

const l = vscode.l10n.t;

/** The timeout the person types, after which AWS rolls the switchover back; then the modal question. */
async function askTimeout(deps: Deps, deployment: BlueGreenDeployment): Promise<number> {
  const aws = deps.core.aws();
  const typed = await deps.ui.showInputBox({
    title: l('Switchover timeout in seconds ({0}–{1})', aws.SWITCHOVER_TIMEOUT.min, aws.SWITCHOVER_TIMEOUT.max),
    prompt: l('If the switchover takes longer, AWS rolls it back and nothing changes.'),
    value: String(aws.SWITCHOVER_TIMEOUT.default),
    validateInput: (v) => aws.switchoverTimeoutProblem(v),
  });
  if (typed === undefined) throw new CancelledError();
  const timeoutSeconds = Number(typed);
  const summary = aws.describeSwitchover(deployment, undefined, { timeoutSeconds });
  await confirmModal(deps.ui, summary.message, summary.detail, l('Switch Over'), { destructive: true });
  return timeoutSeconds;
}

/** Automation passes `{ region, id, timeoutSeconds? }` and is asked nothing. */
export async function switchoverBlueGreen(deps: Deps, nodeOrArgs?: unknown): Promise<BlueGreenOutcome> {
  const aws = deps.core.aws();
  const { deployment, args } = await deploymentOf(deps, Commands.switchoverBlueGreen, nodeOrArgs, (d) => d.status === 'AVAILABLE');
  const refusal = aws.switchoverRefusal(deployment);
  if (refusal) return refused(deps, !!args, [refusal.message]);
  const timeoutSeconds = args ? args.optionalNumber('timeoutSeconds') ?? aws.SWITCHOVER_TIMEOUT.default : await askTimeout(deps, deployment);
  const client = deps.store.getSession().rds(deployment.region);
  await aws.switchoverBlueGreen(client, deployment.id, timeoutSeconds);
  deps.log.info(`Switchover of ${deployment.id} started (timeout ${timeoutSeconds} s)`);
  const done = await waitForDeployment(deps, l('Blue/Green {0}: switching over', deployment.name), deployment.region, deployment.id, 'SWITCHOVER_COMPLETED');
  await deps.store.reloadRegion(deployment.region);
  void deps.ui.showInformationMessage(l('Switched over {0}: the endpoints now lead to green.', deployment.name), {});
  return { status: 'switchedOver', deployment: done ?? deployment };
}
