/**
 * Delete… for what this product created (known by its `rds-link:created-by` tag), and nothing
 * else.
 *
 * A DB: planDeleteDb refuses while deletion protection is on unless the user turned it off in
 * the same flow; applyDeleteDb turns it off (ModifyDBInstance, at once), deletes with or
 * without a final snapshot, and puts the protection back when the delete itself is refused.
 *
 * An instance: terminated, waited for, then the security groups this product made for it are
 * deleted, each only when no network interface holds it and no other group's rule names it
 * (asked of AWS after the termination; moto cannot be trusted for "still used"). A group still
 * used is kept and said so.
 */
import { describeError, type CancelSignal } from '../../errors';
import { t } from '../../l10n';
import { awsErrorCode } from '../awsErrors';
import { CREATED_BY_TAG, isCreatedHere, parseGroupName } from '../link/consoleRules';
import type { LinkApi } from '../link/types';
import type { RdsDatabase, SecurityGroup } from '../types';
import type { InstanceCreateApi } from './instanceApi';

export { isCreatedHere };

/** `<db>-final-YYYYMMDD-HHMM` (UTC): a valid snapshot id (letters, digits, single hyphens, ≤ 255). */
export function finalSnapshotId(dbId: string, now: Date): string {
  const iso = now.toISOString();
  return `${dbId}-final-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 16).replace(':', '')}`.replace(/-+/g, '-').slice(0, 255);
}

export interface DbDeleteAnswers {
  /** Undefined: no final snapshot (the data is gone with the DB). */
  readonly finalSnapshotId?: string;
  /** The user agreed, in this flow, to turn deletion protection off. */
  readonly turnOffProtection: boolean;
}

export interface DbDeletePlan {
  readonly kind: 'deleteDatabase';
  readonly status: 'ready' | 'refused';
  readonly refusal?: string;
  readonly region: string;
  readonly dbId: string;
  readonly finalSnapshotId?: string;
  readonly turnOffProtection: boolean;
}

export function planDeleteDb(db: RdsDatabase, answers: DbDeleteAnswers): DbDeletePlan {
  const base = { kind: 'deleteDatabase' as const, region: db.region, dbId: db.id, finalSnapshotId: answers.finalSnapshotId, turnOffProtection: !!db.deletionProtection && answers.turnOffProtection };
  const refusal = db.kind !== 'instance'
    ? t('{0} is an Aurora cluster; RDS Link deletes only DB instances it created.', db.id)
    : !isCreatedHere(db.tags)
      ? t('{0} was not created by RDS Link (no {1} tag); delete it in the RDS console.', db.id, CREATED_BY_TAG)
      : db.deletionProtection && !answers.turnOffProtection
        ? t('{0} has deletion protection on: it cannot be deleted until the protection is turned off.', db.id)
        : undefined;
  return { ...base, status: refusal ? 'refused' : 'ready', refusal };
}

export function describeDeleteDb(plan: DbDeletePlan): string[] {
  return [
    ...(plan.turnOffProtection ? [t('Turn off deletion protection of {0} (at once).', plan.dbId)] : []),
    plan.finalSnapshotId ? t('Take final snapshot {0}, then delete {1}.', plan.finalSnapshotId, plan.dbId) : t('Delete {0} without a final snapshot: its data is gone.', plan.dbId),
    t('Its automated backups are deleted with it.'),
  ];
}

export interface DbDeleteApi {
  setDeletionProtection(dbId: string, on: boolean): Promise<void>;
  deleteDbInstance(dbId: string, finalSnapshotId: string | undefined): Promise<void>;
  /** Until the DB is gone (waitUntilDBInstanceDeleted); CancelledError when `signal` fires. */
  waitDeleted(dbId: string, options: { readonly signal?: CancelSignal | AbortSignal; readonly minDelaySeconds?: number; readonly maxWaitSeconds?: number }): Promise<void>;
}

export async function applyDeleteDb(plan: DbDeletePlan, api: Pick<DbDeleteApi, 'setDeletionProtection' | 'deleteDbInstance'>, onProgress?: (message: string) => void): Promise<void> {
  if (plan.status !== 'ready') throw new Error(plan.refusal);
  if (plan.turnOffProtection) {
    onProgress?.(t('Turning off deletion protection of {0}…', plan.dbId));
    await api.setDeletionProtection(plan.dbId, false);
  }
  onProgress?.(plan.finalSnapshotId ? t('Deleting {0} after final snapshot {1}…', plan.dbId, plan.finalSnapshotId) : t('Deleting {0}…', plan.dbId));
  try {
    await api.deleteDbInstance(plan.dbId, plan.finalSnapshotId);
  } catch (err) {
    if (!plan.turnOffProtection) throw err;
    // The DB stays: leave it as protected as it was.
    const back = await api.setDeletionProtection(plan.dbId, true).then(() => t('Deletion protection is on again.'), (e: unknown) => t('Deletion protection stays off: turning it on again failed ({0}).', describeError(e)));
    throw new Error(t('Deleting {0} failed: {1}. {2}', plan.dbId, describeError(err), back), { cause: err });
  }
}

export type InstanceDeleteApi = Pick<LinkApi, 'describeSecurityGroups' | 'describeInterfaces' | 'deleteSecurityGroup'> & Pick<InstanceCreateApi, 'terminateInstance' | 'waitTerminated'>;

/** The groups of the instance this product made for it: ours by tag, and not a link's `ec2-rds-N` (Unlink owns those). */
export function groupsMadeFor(groups: readonly SecurityGroup[]): SecurityGroup[] {
  return groups.filter((g) => isCreatedHere(g.tags) && !parseGroupName(g.name));
}

export interface InstanceDeleteResult {
  readonly deletedGroups: readonly string[];
  /** Groups kept, each with why. */
  readonly keptGroups: readonly string[];
}

/** Why the group must stay, or undefined when nothing uses it any more. */
async function stillUsed(api: InstanceDeleteApi, group: SecurityGroup, terminatedId: string): Promise<string | undefined> {
  // A terminated instance holds nothing, even while an interface still names it.
  const interfaces = (await api.describeInterfaces({ groupIds: [group.id] })).filter((n) => n.instanceId !== terminatedId);
  if (interfaces.length) return t('{0} is still on {1}', group.name, interfaces.map((n) => n.instanceId ?? n.id).join(', '));
  const inVpc = await api.describeSecurityGroups({ vpcId: group.vpcId });
  const referring = inVpc.filter((g) => g.id !== group.id && [...g.ingress, ...g.egress].some((r) => r.peerGroupId === group.id));
  if (referring.length) return t('{0} is named in rules of {1}', group.name, referring.map((g) => g.name).join(', '));
  return undefined;
}

export async function applyDeleteInstance(
  instance: { readonly id: string; readonly securityGroupIds: readonly string[] },
  api: InstanceDeleteApi,
  options: { readonly onProgress?: (message: string) => void; readonly wait?: { readonly minDelaySeconds?: number; readonly maxWaitSeconds?: number } } = {},
): Promise<InstanceDeleteResult> {
  const ours = instance.securityGroupIds.length ? groupsMadeFor(await api.describeSecurityGroups({ groupIds: instance.securityGroupIds })) : [];
  options.onProgress?.(t('Terminating {0}…', instance.id));
  await api.terminateInstance(instance.id);
  if (!ours.length) return { deletedGroups: [], keptGroups: [] };
  options.onProgress?.(t('Waiting until {0} is terminated (its group can be deleted only then)…', instance.id));
  await api.waitTerminated(instance.id, options.wait ?? {});
  const deletedGroups: string[] = [];
  const keptGroups: string[] = [];
  for (const g of ours) {
    const why = await stillUsed(api, g, instance.id);
    if (why) {
      keptGroups.push(why);
      continue;
    }
    options.onProgress?.(t('Deleting security group {0}…', g.name));
    try {
      await api.deleteSecurityGroup(g.id);
      deletedGroups.push(`${g.name} (${g.id})`);
    } catch (err) {
      if (awsErrorCode(err) !== 'DependencyViolation') throw err;
      keptGroups.push(t('{0} is still used ({1})', g.name, describeError(err)));
    }
  }
  return { deletedGroups, keptGroups };
}
