/**
 * What the create command offers: a fresh read of the source DB, the versions it can upgrade
 * to, the parameter groups of the chosen version's family, and the instance classes.
 *
 * Against moto 5.2.1: DescribeDBEngineVersions is not implemented (HTTP 500), so prepareBlueGreen
 * offers the current version only and says why; DescribeOrderableDBInstanceOptions returns
 * nothing for MySQL, so a built-in class list stands in; DescribeDBParameterGroups lists a
 * default group only once a DB uses it, so the family's default is added when missing.
 */
import {
  DescribeDBClustersCommand,
  DescribeDBEngineVersionsCommand,
  DescribeDBInstancesCommand,
  paginateDescribeDBClusterParameterGroups,
  paginateDescribeDBParameterGroups,
  paginateDescribeOrderableDBInstanceOptions,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { describeError, isCancellation } from '../../errors';
import { t } from '../../l10n';
import { toDbCluster, toDbInstance } from '../rds';
import type { RdsDatabase } from '../types';
import { awsErrorCode } from '../awsErrors';
import { deploymentRole } from './mapping';
import { listBlueGreenDeployments } from './deployments';
import { preflightBlueGreen } from './preflight';
import type { BlueGreenDeployment, BlueGreenRefusal, BlueGreenSourceDb, InstanceClassOptions, ParameterGroupOption, UpgradeTarget, VersionOption } from './types';
import { compareEngineVersions, isMajorChange, parameterGroupFamily, versionOptions } from './versions';

/** Parameter group listings take MaxRecords 20–100; orderable options up to 1000. */
const GROUP_PAGE_SIZE = 100;
const ORDERABLE_PAGE_SIZE = 1000;

/**
 * Classes offered when RDS lists no orderable ones (moto does not for MySQL): current
 * generations that RDS for MySQL, MariaDB and Aurora MySQL offer in most regions.
 */
export const FALLBACK_INSTANCE_CLASSES: readonly string[] = [
  'db.t3.micro', 'db.t3.small', 'db.t3.medium', 'db.t3.large',
  'db.t4g.micro', 'db.t4g.small', 'db.t4g.medium', 'db.t4g.large',
  'db.m5.large', 'db.m5.xlarge', 'db.m6g.large', 'db.m6g.xlarge', 'db.m6i.large', 'db.m6i.xlarge', 'db.m7g.large', 'db.m7g.xlarge',
  'db.r5.large', 'db.r5.xlarge', 'db.r6g.large', 'db.r6g.xlarge', 'db.r6i.large', 'db.r6i.xlarge', 'db.r7g.large', 'db.r7g.xlarge',
];

/**
 * The DB as RDS reports it now, with the facts the preflight needs (replica source, parameter
 * group). Undefined when it no longer exists.
 */
export async function readBlueGreenSource(client: RDSClient, db: RdsDatabase): Promise<BlueGreenSourceDb | undefined> {
  try {
    if (db.kind === 'cluster') {
      const c = (await client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: db.id }))).DBClusters?.[0];
      if (!c) return undefined;
      const fresh = toDbCluster(c, db.region, new Map());
      return { ...fresh, vpcId: fresh.vpcId ?? db.vpcId, readReplicaSourceId: c.ReplicationSourceIdentifier || undefined, parameterGroupName: c.DBClusterParameterGroup || undefined };
    }
    const d = (await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: db.id }))).DBInstances?.[0];
    if (!d) return undefined;
    return {
      ...toDbInstance(d, db.region),
      readReplicaSourceId: d.ReadReplicaSourceDBInstanceIdentifier || d.ReadReplicaSourceDBClusterIdentifier || undefined,
      parameterGroupName: d.DBParameterGroups?.[0]?.DBParameterGroupName || undefined,
    };
  } catch (err) {
    if (/^DB(Instance|Cluster)NotFound/.test(awsErrorCode(err))) return undefined;
    throw err;
  }
}

/** The versions RDS lets this DB upgrade to (DescribeDBEngineVersions → ValidUpgradeTarget), lowest first. */
export async function listUpgradeTargets(client: RDSClient, db: RdsDatabase): Promise<UpgradeTarget[]> {
  const from = db.engineVersion;
  if (!from) return [];
  const out = await client.send(new DescribeDBEngineVersionsCommand({ Engine: db.engine, EngineVersion: from }));
  const targets: UpgradeTarget[] = [];
  for (const u of (out.DBEngineVersions ?? []).flatMap((v) => v.ValidUpgradeTarget ?? [])) {
    const engine = u.Engine ?? db.engine;
    const version = u.EngineVersion;
    if (!version || engine !== db.engine || compareEngineVersions(version, from) <= 0 || targets.some((x) => x.engineVersion === version)) continue;
    targets.push({
      engine,
      engineVersion: version,
      family: parameterGroupFamily(engine, version),
      majorUpgrade: u.IsMajorVersionUpgrade ?? isMajorChange(engine, from, version),
      description: u.Description || undefined,
    });
  }
  return targets.sort((a, b) => compareEngineVersions(a.engineVersion, b.engineVersion));
}

/**
 * The parameter groups green may use with `engineVersion`: DB parameter groups for an instance,
 * DB cluster parameter groups for an Aurora cluster, of that version's family. RDS ignores
 * Filters on these calls, so the family is matched here.
 */
export async function listParameterGroups(client: RDSClient, db: BlueGreenSourceDb, engineVersion = db.engineVersion): Promise<ParameterGroupOption[]> {
  const family = parameterGroupFamily(db.engine, engineVersion);
  if (!family) return [];
  const groups: { name: string; family: string; description?: string }[] = [];
  if (db.kind === 'cluster') {
    for await (const page of paginateDescribeDBClusterParameterGroups({ client, pageSize: GROUP_PAGE_SIZE }, {})) {
      for (const g of page.DBClusterParameterGroups ?? []) {
        groups.push({ name: g.DBClusterParameterGroupName ?? '', family: g.DBParameterGroupFamily ?? '', description: g.Description || undefined });
      }
    }
  } else {
    for await (const page of paginateDescribeDBParameterGroups({ client, pageSize: GROUP_PAGE_SIZE }, {})) {
      for (const g of page.DBParameterGroups ?? []) {
        groups.push({ name: g.DBParameterGroupName ?? '', family: g.DBParameterGroupFamily ?? '', description: g.Description || undefined });
      }
    }
  }
  return parameterGroupOptions(db, family, groups);
}

/** Pure: the groups of one family as options, the family's default added when RDS did not list it. */
export function parameterGroupOptions(db: BlueGreenSourceDb, family: string, groups: readonly { name: string; family: string; description?: string }[]): ParameterGroupOption[] {
  const ofFamily = groups.filter((g) => g.name && g.family === family);
  const defaultName = `default.${family}`;
  if (!ofFamily.some((g) => g.name === defaultName)) ofFamily.push({ name: defaultName, family, description: t('Default parameter group for {0}', family) });
  const keep = ofFamily.some((g) => g.name === db.parameterGroupName) ? db.parameterGroupName : defaultName;
  const options = ofFamily.map((g) => ({
    name: g.name,
    family,
    description: g.description,
    isDefault: g.name.startsWith('default.'),
    current: g.name === db.parameterGroupName,
    recommended: g.name === keep,
  }));
  const rank = (o: ParameterGroupOption): number => (o.recommended ? 0 : o.isDefault ? 2 : 1);
  return options.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/**
 * Instance classes green may use with `engineVersion` (DescribeOrderableDBInstanceOptions), blue's
 * first. For an Aurora cluster the list is empty: its green members keep blue's classes.
 */
export async function listInstanceClasses(client: RDSClient, db: RdsDatabase, engineVersion = db.engineVersion): Promise<InstanceClassOptions> {
  if (db.kind === 'cluster') return { classes: [], fallback: false };
  const found = new Set<string>();
  const input = { Engine: db.engine, EngineVersion: engineVersion, Vpc: true };
  for await (const page of paginateDescribeOrderableDBInstanceOptions({ client, pageSize: ORDERABLE_PAGE_SIZE }, input)) {
    for (const o of page.OrderableDBInstanceOptions ?? []) if (o.DBInstanceClass) found.add(o.DBInstanceClass);
  }
  const fallback = found.size === 0;
  const classes = (fallback ? [...FALLBACK_INSTANCE_CLASSES] : [...found]).sort(compareInstanceClasses);
  const current = db.instanceClass;
  return { classes: current ? [current, ...classes.filter((c) => c !== current)] : classes, fallback };
}

const SIZES = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge'];

/** nano < micro < … < xlarge < 2xlarge < 4xlarge …; an unknown size sorts last. */
export function instanceSizeRank(size: string): number {
  const i = SIZES.indexOf(size);
  if (i >= 0) return i;
  const m = /^(\d+)xlarge$/.exec(size);
  if (m) return SIZES.length + Number(m[1]);
  return 10_000;
}

/** db.t3.micro < db.t3.large < db.t3.2xlarge < db.t4g.micro: by family, then size. */
export function compareInstanceClasses(a: string, b: string): number {
  const [, fa = '', sa = ''] = a.split('.');
  const [, fb = '', sb = ''] = b.split('.');
  return fa.localeCompare(fb) || instanceSizeRank(sa) - instanceSizeRank(sb) || a.localeCompare(b);
}

export interface PreparedBlueGreen {
  /** The DB as RDS reports it now. */
  readonly db: BlueGreenSourceDb;
  /** The region's deployments (for the name check), and those this DB takes part in. */
  readonly regionDeployments: readonly BlueGreenDeployment[];
  readonly deployments: readonly BlueGreenDeployment[];
  /** Reasons not to go on, before any choice is made. */
  readonly refusals: readonly BlueGreenRefusal[];
  /** Blue's version first, then the upgrade targets. */
  readonly versions: readonly VersionOption[];
  /** Why only the current version is offered, when the upgrade targets could not be listed. */
  readonly versionsProblem?: string;
}

/**
 * Reads what the create command needs, in parallel: the DB fresh, the region's deployments and
 * the upgrade targets. A failure to list upgrade targets leaves the current version only (with
 * versionsProblem), since a Blue/Green for a parameter or class change needs no upgrade.
 */
export async function prepareBlueGreen(client: RDSClient, db: RdsDatabase): Promise<PreparedBlueGreen> {
  let fresh: BlueGreenSourceDb | undefined;
  let regionDeployments: BlueGreenDeployment[];
  let targets: UpgradeTarget[] = [];
  let versionsProblem: string | undefined;
  try {
    [fresh, regionDeployments, targets] = await Promise.all([
      readBlueGreenSource(client, db),
      listBlueGreenDeployments(client, db.region),
      listUpgradeTargets(client, db).catch((err: unknown) => {
        versionsProblem = t('The versions {0} can upgrade to could not be listed ({1}); only its current version is offered.', db.id, describeError(err));
        return [] as UpgradeTarget[];
      }),
    ]);
  } catch (err) {
    if (isCancellation(err)) throw err;
    throw new Error(t('Reading {0} and its Blue/Green deployments failed', db.id), { cause: err });
  }
  if (!fresh) throw new Error(t('Database {0} was not found.', db.id));
  const source = fresh;
  return {
    db: source,
    regionDeployments,
    deployments: regionDeployments.filter((d) => deploymentRole(d, source) !== undefined),
    refusals: preflightBlueGreen(source, {}, regionDeployments),
    versions: versionOptions(source, targets),
    versionsProblem,
  };
}
