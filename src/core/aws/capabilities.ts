/**
 * What can be done with a DB, and with an instance–DB pair, decided in one place: the tree's
 * menus and badges, the pickers, the automation arguments and the planner all ask here, so the
 * paths cannot disagree.
 *
 * A link is a pair of security groups on the DB's port, so it works for every engine, as the
 * console's "Set up EC2 connection" does. Only the features that speak the MySQL protocol
 * (schema creation, the MySQL shell, the config quick-fix) are limited to the MySQL family.
 * Create Blue/Green is offered where its preflight, run on what the listing knows, would not
 * refuse at once.
 */
import { t } from '../l10n';
import { preflightBlueGreen } from './blueGreen/preflight';
import type { BlueGreenDeployment, BlueGreenRefusalCode } from './blueGreen/types';
import type { LinkRefusalCode, Refusal } from './link/types';
import { isMysqlFamily, type Ec2Instance, type RdsDatabase } from './types';

/** States in which RDS accepts a modification (e.g. new security groups). */
const MODIFIABLE_DB_STATUSES = new Set(['available', 'backing-up', 'storage-optimization']);

export function isModifiable(db: Pick<RdsDatabase, 'status'>): boolean {
  return MODIFIABLE_DB_STATUSES.has(db.status);
}

export type DbFeature = 'link' | 'schema' | 'shell' | 'quickFix';

export type PairRefusalCode = Extract<LinkRefusalCode, 'instanceGone' | 'missingVpc' | 'differentVpc' | 'otherRegion' | 'noPrimaryInterface' | 'noEndpoint'>;

/** The refusal for an engine outside the MySQL family, per feature. */
function notMysql(db: RdsDatabase, feature: Exclude<DbFeature, 'link'>): string {
  switch (feature) {
    case 'schema':
      return t('{0} runs {1}. Schemas are created on MySQL, MariaDB and Aurora MySQL only.', db.id, db.engine);
    case 'shell':
      return t('{0} runs {1}. The MySQL shell opens on MySQL, MariaDB and Aurora MySQL only.', db.id, db.engine);
    case 'quickFix':
      return t('{0} runs {1}. The config quick-fix points a project at MySQL, MariaDB and Aurora MySQL only.', db.id, db.engine);
  }
}

/** Why the feature cannot be used on this DB; undefined when it can. */
export function dbRefusal(db: RdsDatabase, feature: DbFeature): Refusal<'notMysql' | 'noEndpoint'> | undefined {
  if (feature !== 'link' && !isMysqlFamily(db.engine)) {
    return { code: 'notMysql', message: notMysql(db, feature) };
  }
  if (!db.endpoint) return { code: 'noEndpoint', message: t('Database {0} has no endpoint yet, so its port is unknown.', db.id) };
  return undefined;
}

/** Throws the refusal's words when the feature cannot be used on this DB. */
export function assertUsable(db: RdsDatabase, feature: DbFeature): void {
  const refusal = dbRefusal(db, feature);
  if (refusal) throw new Error(refusal.message);
}

const label = (i: Ec2Instance): string => (i.name ? `${i.name} (${i.id})` : i.id);

/**
 * Why this instance cannot be linked to this DB; undefined when it can. `vpcOfDb` is the DB's
 * VPC as far as it is known: the pickers pass what the listing says, and with `requireDbVpc` (the
 * planner, which has also asked the DB's groups) an unknown VPC is itself a refusal.
 */
export function pairRefusal(instance: Ec2Instance, db: RdsDatabase, vpcOfDb: string | undefined, requireDbVpc: boolean): Refusal<PairRefusalCode> | undefined {
  if (instance.region !== db.region) {
    return { code: 'otherRegion', message: t('Instance {0} is in {1} and database {2} in {3}. A security-group link works only within one VPC.', label(instance), instance.region, db.id, db.region) };
  }
  if (instance.state === 'terminated' || instance.state === 'shutting-down') {
    return { code: 'instanceGone', message: t('Instance {0} is {1}: there is nothing to link.', label(instance), instance.state) };
  }
  const vpcOfInstance = instance.vpcId ?? instance.networkInterfaces.find((n) => n.deviceIndex === 0)?.vpcId;
  if (!vpcOfInstance) {
    return { code: 'missingVpc', message: t('Instance {0} reports no VPC, so it cannot share security groups with a database.', label(instance)) };
  }
  if (!vpcOfDb && requireDbVpc) {
    return { code: 'missingVpc', message: t('Database {0} reports no VPC (no DB subnet group), so the link cannot tell where to create its security groups.', db.id) };
  }
  if (vpcOfDb && vpcOfInstance !== vpcOfDb) {
    return { code: 'differentVpc', message: t('Instance {0} is in {1} and database {2} in {3}. A security-group link works only within one VPC.', label(instance), vpcOfInstance, db.id, vpcOfDb) };
  }
  if (!instance.networkInterfaces.some((n) => n.deviceIndex === 0)) {
    return { code: 'noPrimaryInterface', message: t('Instance {0} reports no primary network interface to attach the group to.', label(instance)) };
  }
  const noEndpoint = dbRefusal(db, 'link');
  return noEndpoint && { code: 'noEndpoint', message: noEndpoint.message };
}

/**
 * Why Create Blue/Green would be refused at once for this DB, from what the views have listed
 * (managed master password, backups off, a green or blue side already, a cluster member, the
 * engine, the state); undefined when the preflight finds nothing. The create command runs the
 * same preflight again on a fresh read, with what the listing does not show (read replicas).
 */
export function blueGreenRefusal(db: RdsDatabase, deployments: readonly BlueGreenDeployment[]): Refusal<BlueGreenRefusalCode> | undefined {
  const refusals = preflightBlueGreen(db, {}, deployments);
  if (refusals.length === 0) return undefined;
  return { code: refusals[0].code, message: refusals.map((r) => r.message).join(' ') };
}
