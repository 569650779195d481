/**
 * Pure rules and texts for switchover and delete: what AWS allows, checked before calling it,
 * and what the confirmation modal says will happen.
 */
import { t } from '../../l10n';
import type { RdsDatabase } from '../types';
import { arnResourceName, blueGreenStatusLabel } from './mapping';
import type { BlueGreenDeployment, BlueGreenRefusal } from './types';

/** SwitchoverTimeout in seconds: AWS takes 30 or more (default 300); we cap it at an hour. */
export const SWITCHOVER_TIMEOUT = { min: 30, max: 3600, default: 300 } as const;

/** Why a switchover timeout is refused, or undefined when it is fine. Accepts an input box's text. */
export function switchoverTimeoutProblem(value: number | string): string | undefined {
  const text = typeof value === 'string' ? value.trim() : String(value);
  const seconds = Number(text);
  if (text === '' || !Number.isInteger(seconds) || seconds < SWITCHOVER_TIMEOUT.min || seconds > SWITCHOVER_TIMEOUT.max) {
    return t('Enter a whole number of seconds from {0} to {1} (default {2}).', SWITCHOVER_TIMEOUT.min, SWITCHOVER_TIMEOUT.max, SWITCHOVER_TIMEOUT.default);
  }
  return undefined;
}

/** Why this deployment cannot be switched over now, or undefined when it can. */
export function switchoverRefusal(d: BlueGreenDeployment): BlueGreenRefusal | undefined {
  if (d.status === 'AVAILABLE') return undefined;
  if (d.status === 'SWITCHOVER_COMPLETED') {
    return { code: 'notReadyForSwitchover', message: t('Blue/Green deployment {0} has already been switched over.', d.name) };
  }
  return {
    code: 'notReadyForSwitchover',
    message: t('Blue/Green deployment {0} is "{1}"; it can be switched over only when it is ready to switch over.', d.name, blueGreenStatusLabel(d.status)),
  };
}

export interface Rename {
  readonly from: string;
  readonly to: string;
}

export interface SwitchoverSummary {
  /** One line for the modal's message. */
  readonly message: string;
  /** The modal's detail: what stops, what moves, what is renamed, and the timeout's effect. */
  readonly detail: string;
  /** Blue members renamed …-old1 and green members given the blue names, in that order. */
  readonly renames: readonly Rename[];
}

/**
 * AWS renames each blue resource with "-old1" (the next free number, in practice 1) and gives
 * each green resource the name of its blue counterpart.
 */
export function oldName(name: string): string {
  return `${name}-old1`;
}

/**
 * The modal's text for a switchover: writes stop, endpoints move, the old instance is renamed.
 * @param db the blue DB as listed (for its endpoint), when known
 * @param green the green DB as listed (for its version and class), when known
 */
export function describeSwitchover(
  deployment: BlueGreenDeployment,
  db?: RdsDatabase,
  options: { readonly timeoutSeconds?: number; readonly green?: RdsDatabase } = {},
): SwitchoverSummary {
  const blue = arnResourceName(deployment.sourceArn) || db?.id || deployment.name;
  const green = arnResourceName(deployment.targetArn) || options.green?.id || '?';
  const timeout = options.timeoutSeconds ?? SWITCHOVER_TIMEOUT.default;
  const members = deployment.switchoverDetails.length
    ? deployment.switchoverDetails.map((s) => ({ blue: arnResourceName(s.sourceMember), green: arnResourceName(s.targetMember) }))
    : [{ blue, green }];
  const renames: Rename[] = [
    ...members.map((m) => ({ from: m.blue, to: oldName(m.blue) })),
    ...members.filter((m) => m.green).map((m) => ({ from: m.green, to: m.blue })),
  ];
  const lines = [
    t('Writes to {0} stop while RDS switches over (usually under a minute); open connections are dropped and have to reconnect.', blue),
    db?.endpoint
      ? t('The endpoints move: {0} takes the name {1} and its endpoint {2}:{3}, so applications keep their settings.', green, blue, db.endpoint.address, db.endpoint.port)
      : t('The endpoints move: {0} takes the name {1} and its endpoints, so applications keep their settings.', green, blue),
    t('The old instance is renamed {0} and keeps running (and costing) until you delete it.', oldName(blue)),
  ];
  if (members.length > 1) lines.push(t('Renamed: {0}.', renames.map((r) => `${r.from} → ${r.to}`).join(', ')));
  if (options.green?.engineVersion && db?.engineVersion && options.green.engineVersion !== db.engineVersion) {
    lines.push(t('{0} will run {1} {2} instead of {3}.', blue, options.green.engine, options.green.engineVersion, db.engineVersion));
  }
  lines.push(t('If the switchover takes longer than {0} seconds, RDS rolls it back and changes nothing.', timeout));
  return {
    message: t('Switch over Blue/Green deployment {0}: {1} becomes production in place of {2}?', deployment.name, green, blue),
    detail: lines.join('\n'),
    renames,
  };
}

/**
 * Why this deletion is refused, or undefined when AWS would take it. After a switchover the
 * green resources are production, and AWS refuses DeleteTarget then.
 */
export function deleteRefusal(d: BlueGreenDeployment, options: { readonly deleteTarget: boolean }): BlueGreenRefusal | undefined {
  if (d.status === 'DELETING') return { code: 'busy', message: t('Blue/Green deployment {0} is already being deleted.', d.name) };
  if (d.status === 'SWITCHOVER_IN_PROGRESS') {
    return { code: 'busy', message: t('Blue/Green deployment {0} is switching over; delete it once the switchover has finished.', d.name) };
  }
  if (options.deleteTarget && d.status === 'SWITCHOVER_COMPLETED') {
    return {
      code: 'deleteTargetAfterSwitchover',
      message: t(
        'Blue/Green deployment {0} has been switched over, so its green side {1} is now production; AWS does not let the deployment delete it. Delete the deployment alone; the old instance {2} stays until you delete it yourself.',
        d.name,
        arnResourceName(d.targetArn),
        arnResourceName(d.sourceArn),
      ),
    };
  }
  return undefined;
}

/** The modal's text for a deletion. */
export function describeDelete(d: BlueGreenDeployment, options: { readonly deleteTarget: boolean }): { readonly message: string; readonly detail: string } {
  const blue = arnResourceName(d.sourceArn);
  const green = arnResourceName(d.targetArn);
  const detail =
    options.deleteTarget
      ? t('The green side {0} is deleted too, with its data. {1} is not touched.', green, blue)
      : d.status === 'SWITCHOVER_COMPLETED'
        ? t('Only the deployment is deleted: {0} stays production, and the old instance {1} stays until you delete it yourself.', green, blue)
        : t('Only the deployment is deleted: {0} and {1} both stay, as ordinary databases (and both cost money).', blue, green);
  return { message: t('Delete Blue/Green deployment {0}?', d.name), detail };
}
