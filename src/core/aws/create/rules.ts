/**
 * RDS's own rules for a new DB instance, checked before any call, and the choices a careful
 * engineer would make by default: the smallest burstable class, gp3 20 GiB, and what "free tier
 * eligible" means for that shape.
 */
import { t } from '../../l10n';
import { FALLBACK_INSTANCE_CLASSES, instanceSizeRank } from '../blueGreen/choices';

export type DbEngine = 'mysql' | 'mariadb';
export const DB_ENGINES: readonly DbEngine[] = ['mysql', 'mariadb'];

/** gp3 at 20 GiB: the smallest gp3 volume RDS allows for MySQL and MariaDB, and the free tier's size. */
export const DEFAULT_STORAGE = { type: 'gp3', gib: 20 } as const;
export const DEFAULT_BACKUP_DAYS = 7;
export const DEFAULT_MASTER_USERNAME = 'admin';
export const DB_IDENTIFIER_MAX = 63;

/**
 * Why `id` is not a valid DBInstanceIdentifier (RDS: 1–63 letters, digits or hyphens; a letter
 * first; no hyphen at the end, no two in a row); undefined when it is. RDS stores it lowercase.
 */
export function dbIdentifierProblem(id: string): string | undefined {
  if (id.length === 0) return t('Enter an identifier for the database.');
  if (id.length > DB_IDENTIFIER_MAX) return t('The identifier has {0} characters; RDS allows at most {1}.', id.length, DB_IDENTIFIER_MAX);
  if (!/^[A-Za-z]/.test(id)) return t('The identifier must start with a letter.');
  if (!/^[A-Za-z0-9-]+$/.test(id)) return t('The identifier may hold only letters, digits and hyphens.');
  if (id.endsWith('-') || id.includes('--')) return t('The identifier may not end with a hyphen or hold two hyphens in a row.');
  return undefined;
}

/** MySQL and MariaDB master user names: 1–16 letters, digits or underscores, a letter first; not RDS's own. */
export function masterUsernameProblem(name: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(name)) return t('The master user name must be 1 to 16 letters, digits or underscores, starting with a letter.');
  if (['rdsadmin', 'rdsrepladmin', 'mysql.sys', 'root'].includes(name.toLowerCase())) return t('{0} is reserved by RDS or the engine; choose another master user name.', name);
  return undefined;
}

/** DB subnet group names: up to 255 letters, digits, spaces, periods, underscores or hyphens; not "default". */
export function subnetGroupNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z0-9 ._-]{1,255}$/.test(name) || name.toLowerCase() === 'default') return t('{0} is not a valid DB subnet group name.', name);
  return undefined;
}

/** The subnet group this product creates for a VPC that has none that fits. */
export function newSubnetGroupName(vpcId: string): string {
  return `rds-link-${vpcId}`.toLowerCase();
}

/**
 * Classes offered when DescribeOrderableDBInstanceOptions lists none: moto 5.2.1 returns
 * nothing for MySQL and MariaDB, and a region may answer empty for a just-released version.
 * The Blue/Green list of current generations is the same fact, so it is shared.
 */
export const FALLBACK_DB_CLASSES: readonly string[] = FALLBACK_INSTANCE_CLASSES;

/** The classes the AWS free tier covers for RDS MySQL and MariaDB (Single-AZ, up to 20 GiB). */
export const FREE_TIER_DB_CLASSES: readonly string[] = ['db.t4g.micro', 'db.t3.micro', 'db.t2.micro'];
export const FREE_TIER_STORAGE_GIB = 20;

function generation(family: string): number {
  return Number(/^[a-z]+(\d+)/.exec(family)?.[1] ?? 0);
}

/**
 * The smallest burstable class (db.t*) offered, newest generation first at equal size (so
 * db.t4g.micro over db.t3.micro); the smallest class at all when none is burstable.
 */
export function defaultDbClass(classes: readonly string[]): string | undefined {
  const parse = (c: string) => {
    const [, family = '', size = ''] = c.split('.');
    return { c, family, burstable: /^t\d/.test(family), size: instanceSizeRank(size), gen: generation(family), graviton: family.endsWith('g') };
  };
  const ranked = classes.map(parse).sort((a, b) =>
    Number(b.burstable) - Number(a.burstable) || a.size - b.size || b.gen - a.gen || Number(b.graviton) - Number(a.graviton) || a.c.localeCompare(b.c),
  );
  return ranked[0]?.c;
}

export interface FreeTierVerdict {
  readonly eligible: boolean;
  /** One sentence for the plan, in words (no prices). */
  readonly words: string;
}

/** Whether the shape is the free tier's: a micro burstable class, Single-AZ, at most 20 GiB. */
export function freeTierVerdict(instanceClass: string, storageGib: number, multiAz = false): FreeTierVerdict {
  if (FREE_TIER_DB_CLASSES.includes(instanceClass) && storageGib <= FREE_TIER_STORAGE_GIB && !multiAz) {
    return { eligible: true, words: t('Free tier eligible: {0}, Single-AZ, {1} GiB. Free while the account is within its free tier; billed by the hour after that.', instanceClass, storageGib) };
  }
  const why = !FREE_TIER_DB_CLASSES.includes(instanceClass)
    ? t('{0} is not a free tier class', instanceClass)
    : multiAz
      ? t('Multi-AZ is not in the free tier')
      : t('{0} GiB is more than the free tier\'s {1} GiB', storageGib, FREE_TIER_STORAGE_GIB);
  return { eligible: false, words: t('Not free tier eligible ({0}): billed by the hour from the start.', why) };
}
