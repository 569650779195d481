/** Pure: the SDK's BlueGreenDeployment as our domain type, and how deployments relate to DBs. */
import type { BlueGreenDeployment as SdkBlueGreenDeployment } from '@aws-sdk/client-rds';
import { t } from '../../l10n';
import type { RdsDatabase } from '../types';
import type { BlueGreenDeployment, BlueGreenPhase, BlueGreenStatus } from './types';

export function toBlueGreenDeployment(d: SdkBlueGreenDeployment, region: string): BlueGreenDeployment {
  return {
    id: d.BlueGreenDeploymentIdentifier ?? '',
    name: d.BlueGreenDeploymentName ?? d.BlueGreenDeploymentIdentifier ?? '',
    region,
    sourceArn: d.Source ?? '',
    targetArn: d.Target || undefined,
    status: d.Status ?? 'UNKNOWN',
    statusDetails: d.StatusDetails || undefined,
    switchoverDetails: (d.SwitchoverDetails ?? []).map((s) => ({
      sourceMember: s.SourceMember ?? '',
      targetMember: s.TargetMember || undefined,
      status: s.Status ?? 'UNKNOWN',
    })),
    tasks: (d.Tasks ?? []).map((task) => ({ name: task.Name ?? '', status: task.Status ?? 'UNKNOWN' })),
    createTime: d.CreateTime,
    deleteTime: d.DeleteTime,
  };
}

/** "legacy-mysql" from arn:aws:rds:us-east-1:123456789012:db:legacy-mysql (the name after the type). */
export function arnResourceName(arn: string | undefined): string {
  if (!arn) return '';
  const parts = arn.split(':');
  return parts.length >= 7 ? parts.slice(6).join(':') : arn;
}

/** "db" for an instance, "cluster" for a cluster; undefined when the ARN is not an RDS one. */
export function arnResourceType(arn: string | undefined): 'db' | 'cluster' | undefined {
  const type = arn?.split(':')[5];
  return type === 'db' || type === 'cluster' ? type : undefined;
}

/**
 * The deployments this DB is the blue side of, newest first; after a switchover also the one
 * whose green it became. AWS then reports the renamed old DB (…-old1) as the source and the
 * production DB (green, now under the old name) as the target, so the deployment shows under
 * both: where the user looks for it, and where its history is.
 */
export function deploymentsOfDb(deployments: readonly BlueGreenDeployment[], db: RdsDatabase): BlueGreenDeployment[] {
  if (!db.arn) return [];
  return deployments
    .filter((d) => d.region === db.region && (d.sourceArn === db.arn || (d.status === 'SWITCHOVER_COMPLETED' && d.targetArn === db.arn)))
    .sort(newestFirst);
}

/**
 * Which side of a deployment a DB is on: "blue" (the source, or a source member of a cluster) or
 * "green" (the target or a target member), undefined when it takes no part.
 */
export function deploymentRole(deployment: BlueGreenDeployment, db: RdsDatabase): 'blue' | 'green' | undefined {
  if (!db.arn || deployment.region !== db.region) return undefined;
  if (deployment.sourceArn === db.arn || deployment.switchoverDetails.some((s) => s.sourceMember === db.arn)) return 'blue';
  if (deployment.targetArn === db.arn || deployment.switchoverDetails.some((s) => s.targetMember === db.arn)) return 'green';
  return undefined;
}

/**
 * A DB's side as the user should read it: before a switchover blue or green; after it the old
 * blue (…-old1, which nothing uses any more) and the production DB (which was green).
 */
export type DeploymentSide = 'blue' | 'green' | 'oldBlue' | 'production';

export function deploymentSide(deployment: BlueGreenDeployment, db: RdsDatabase): DeploymentSide | undefined {
  const role = deploymentRole(deployment, db);
  if (!role || deployment.status !== 'SWITCHOVER_COMPLETED') return role;
  return role === 'blue' ? 'oldBlue' : 'production';
}

export function deploymentSideLabel(side: DeploymentSide): string {
  switch (side) {
    case 'blue':
      return t('blue');
    case 'green':
      return t('green');
    case 'oldBlue':
      return t('old blue, replaced by the switchover');
    case 'production':
      return t('production since the switchover (was green)');
  }
}

/**
 * The deployment whose green this DB is, while it is still green (not switched over, not being
 * deleted); the tree marks such a DB, since it looks like any other.
 */
export function greenOf(deployments: readonly BlueGreenDeployment[], db: RdsDatabase): BlueGreenDeployment | undefined {
  return deployments.find((d) => d.status !== 'SWITCHOVER_COMPLETED' && d.status !== 'DELETING' && deploymentRole(d, db) === 'green');
}

export function newestFirst(a: BlueGreenDeployment, b: BlueGreenDeployment): number {
  const byTime = (b.createTime?.getTime() ?? 0) - (a.createTime?.getTime() ?? 0);
  return byTime !== 0 ? byTime : a.name.localeCompare(b.name);
}

export const FAILED_STATUSES: ReadonlySet<string> = new Set(['INVALID_CONFIGURATION', 'PROVISIONING_FAILED', 'SWITCHOVER_FAILED']);

export function blueGreenPhase(status: BlueGreenStatus): BlueGreenPhase {
  switch (status) {
    case 'PROVISIONING':
      return 'provisioning';
    case 'AVAILABLE':
      return 'available';
    case 'SWITCHOVER_IN_PROGRESS':
      return 'switchingOver';
    case 'SWITCHOVER_COMPLETED':
      return 'switchedOver';
    case 'DELETING':
      return 'deleting';
    default:
      return FAILED_STATUSES.has(status) ? 'failed' : 'unknown';
  }
}

/** A deployment's status in words, for a tree description or a progress line. */
export function blueGreenStatusLabel(status: BlueGreenStatus): string {
  switch (status) {
    case 'PROVISIONING':
      return t('Provisioning green');
    case 'AVAILABLE':
      return t('Ready to switch over');
    case 'SWITCHOVER_IN_PROGRESS':
      return t('Switching over');
    case 'SWITCHOVER_COMPLETED':
      return t('Switched over');
    case 'INVALID_CONFIGURATION':
      return t('Invalid configuration');
    case 'PROVISIONING_FAILED':
      return t('Provisioning failed');
    case 'SWITCHOVER_FAILED':
      return t('Switchover failed');
    case 'DELETING':
      return t('Deleting');
    default:
      return humanize(status);
  }
}

/** A task's name in words (AWS names them like CREATING_READ_REPLICA_OF_SOURCE). */
export function blueGreenTaskLabel(name: string): string {
  switch (name) {
    case 'CREATING_READ_REPLICA_OF_SOURCE':
      return t('Create a read replica of blue');
    case 'DB_ENGINE_VERSION_UPGRADE':
      return t('Upgrade the engine version');
    case 'CONFIGURE_BACKUPS':
      return t('Configure backups');
    case 'CREATING_TOPOLOGY_OF_SOURCE':
      return t('Create the topology of blue');
    default:
      return humanize(name);
  }
}

function humanize(code: string): string {
  const words = code.toLowerCase().replace(/_/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : code;
}
