/** Failures of Blue/Green operations that the VS Code layer may want to tell apart. */
import { t } from '../../l10n';
import { awsErrorCode } from '../awsErrors';
import type { BlueGreenDeployment, BlueGreenRefusal } from './types';
import { blueGreenStatusLabel } from './mapping';

/** Our own checks said no; AWS was not called. */
export class BlueGreenRefusedError extends Error {
  constructor(readonly refusals: readonly BlueGreenRefusal[]) {
    super(refusals.map((r) => r.message).join(' '));
    this.name = 'BlueGreenRefused';
  }
}

/** The deployment reached a failed status (INVALID_CONFIGURATION, PROVISIONING_FAILED, SWITCHOVER_FAILED, …). */
export class BlueGreenFailedError extends Error {
  constructor(readonly deployment: BlueGreenDeployment, reason?: string) {
    super(
      reason ??
        (deployment.statusDetails
          ? t('Blue/Green deployment {0} is "{1}": {2}', deployment.name, blueGreenStatusLabel(deployment.status), deployment.statusDetails)
          : t('Blue/Green deployment {0} is "{1}".', deployment.name, blueGreenStatusLabel(deployment.status))),
    );
    this.name = 'BlueGreenFailed';
  }
}

/** The poll gave up; the deployment itself goes on in AWS. */
export class BlueGreenTimeoutError extends Error {
  constructor(
    readonly deploymentId: string,
    readonly timeoutMs: number,
    readonly last: BlueGreenDeployment | undefined,
  ) {
    super(
      t(
        'Stopped waiting for Blue/Green deployment {0} after {1} minutes; it is still "{2}" and goes on in AWS. Refresh the RDS view to follow it.',
        last?.name ?? deploymentId,
        Math.round(timeoutMs / 60_000),
        last ? blueGreenStatusLabel(last.status) : '?',
      ),
    );
    this.name = 'BlueGreenTimeout';
  }
}

export function isDeploymentNotFound(err: unknown): boolean {
  const code = awsErrorCode(err);
  return code === 'BlueGreenDeploymentNotFoundFault' || code === 'BlueGreenDeploymentNotFound';
}
