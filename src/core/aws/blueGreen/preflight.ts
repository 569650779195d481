/**
 * Pure checks before a Blue/Green deployment is created: each refusal says what is wrong and
 * what to do, so the user is not left with an AWS fault (or, worse, a deployment that sits in
 * INVALID_CONFIGURATION for an hour).
 *
 * Engines: RDS offers Blue/Green for MySQL, MariaDB, PostgreSQL, Aurora MySQL and Aurora
 * PostgreSQL. RDS Link prepares it for the MySQL family only (mysql, mariadb, aurora-mysql):
 * PostgreSQL needs its own checks (logical replication, DDL not replicated, extensions) that this
 * product does not make, so those engines are refused with a pointer to the console.
 */
import { t } from '../../l10n';
import type { BlueGreenChoice, BlueGreenDeployment, BlueGreenRefusal, BlueGreenRefusalCode, BlueGreenSourceDb } from './types';
import { arnResourceName, deploymentRole } from './mapping';
import { compareEngineVersions } from './versions';

export const BLUE_GREEN_ENGINES: readonly string[] = ['mysql', 'mariadb', 'aurora-mysql'];
const AWS_ONLY_ENGINES = new Set(['postgres', 'aurora-postgresql']);

/** BlueGreenDeploymentName: 1–60 characters, a letter first, single hyphens between letters and digits. */
export const DEPLOYMENT_NAME_PATTERN = /^[a-zA-Z](?:-?[a-zA-Z0-9]+)*$/;
export const DEPLOYMENT_NAME_MAX = 60;

/** Deployments that no longer hold a DB (being deleted) do not block a new one. */
function holdsDb(d: BlueGreenDeployment): boolean {
  return d.status !== 'DELETING';
}

/**
 * Every reason not to create the deployment; empty when it may go ahead.
 * @param existing the region's deployments (a DB can take part in one at a time; names are unique)
 */
export function preflightBlueGreen(
  db: BlueGreenSourceDb,
  choice: BlueGreenChoice = {},
  existing: readonly BlueGreenDeployment[] = [],
): BlueGreenRefusal[] {
  const out: BlueGreenRefusal[] = [];
  const refuse = (code: BlueGreenRefusalCode, message: string): void => {
    out.push({ code, message });
  };

  if (!db.arn) refuse('noArn', t('Database {0} reports no ARN, which a Blue/Green deployment needs as its source.', db.id));

  if (AWS_ONLY_ENGINES.has(db.engine)) {
    refuse('unsupportedEngine', t('RDS supports Blue/Green deployments for {0}, but RDS Link prepares them only for MySQL, MariaDB and Aurora MySQL. Use the RDS console for {1}.', db.engine, db.id));
  } else if (!BLUE_GREEN_ENGINES.includes(db.engine)) {
    refuse('unsupportedEngine', t('Blue/Green deployments are not available for engine {0} (database {1}). They work for MySQL, MariaDB and Aurora MySQL.', db.engine, db.id));
  } else if (db.kind === 'cluster' && db.engine !== 'aurora-mysql') {
    refuse('multiAzCluster', t('{0} is a Multi-AZ DB cluster; RDS does not support Blue/Green deployments for those (Multi-AZ DB instances are supported).', db.id));
  }

  if (db.kind === 'instance' && db.clusterId) {
    refuse('clusterMember', t('{0} is a member of Aurora cluster {1}. Create the Blue/Green deployment on the cluster.', db.id, db.clusterId));
  }

  if (db.masterUserSecretArn) {
    refuse('managedMasterPassword', t('The master password of {0} is managed in AWS Secrets Manager, and RDS does not allow Blue/Green deployments with a managed master password. Switch {0} to a self-managed password first.', db.id));
  }

  if (db.backupRetentionPeriod === 0) {
    refuse('backupsOff', t('Automated backups are off for {0} (backup retention 0 days). Blue/Green replicates through the binary log, which needs them: set a backup retention of at least 1 day.', db.id));
  }

  if (db.readReplicaSourceId) {
    refuse('readReplica', t('{0} is a read replica of {1}. Create the Blue/Green deployment on {1}; its replicas get green copies too.', db.id, db.readReplicaSourceId));
  }

  if (db.status !== 'available') {
    refuse('notAvailable', t('{0} is "{1}". A Blue/Green deployment can start only from an available database.', db.id, db.status));
  }

  const involved = existing.find((d) => holdsDb(d) && deploymentRole(d, db) !== undefined);
  if (involved) {
    const role = deploymentRole(involved, db);
    refuse(
      'inDeployment',
      role === 'green'
        ? t('{0} is the green side of Blue/Green deployment {1}. Delete that deployment before starting another one.', db.id, involved.name)
        : t('{0} is already the blue side of Blue/Green deployment {1}. Switch it over or delete it before starting another one.', db.id, involved.name),
    );
  }

  const target = choice.targetEngineVersion;
  if (target && db.engineVersion && compareEngineVersions(target, db.engineVersion) < 0) {
    refuse('notAnUpgrade', t('Version {0} is older than {1}, which {2} runs. Green can only keep the version or upgrade it.', target, db.engineVersion, db.id));
  }

  if (choice.targetInstanceClass && db.kind === 'cluster' && choice.targetInstanceClass !== db.instanceClass) {
    refuse('instanceClassOnCluster', t('An Aurora cluster\'s green members keep the instance classes of blue. Change them on the green instances after the deployment is created.'));
  }

  if (choice.name !== undefined) {
    const problem = deploymentNameProblem(choice.name);
    if (problem) refuse('invalidName', problem);
    else if (existing.some((d) => holdsDb(d) && d.region === db.region && d.name.toLowerCase() === choice.name?.toLowerCase())) {
      refuse('nameTaken', t('A Blue/Green deployment named {0} already exists in {1}.', choice.name, db.region));
    }
  }
  return out;
}

/** Why a deployment name would be refused by RDS, or undefined when it is fine (for an input box). */
export function deploymentNameProblem(name: string): string | undefined {
  if (name.length === 0) return t('Enter a name for the deployment.');
  if (name.length > DEPLOYMENT_NAME_MAX) return t('The name is {0} characters long; RDS allows at most {1}.', name.length, DEPLOYMENT_NAME_MAX);
  if (!DEPLOYMENT_NAME_PATTERN.test(name)) return t('Use letters, digits and single hyphens, starting with a letter and not ending with a hyphen.');
  return undefined;
}

/**
 * A free, valid name like "legacy-mysql-bg-20260312-0930" (UTC), shortened to fit 60 characters;
 * "-2", "-3"… when taken.
 */
export function suggestDeploymentName(db: { readonly id: string }, existing: readonly BlueGreenDeployment[] = [], now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}`;
  const suffix = `-bg-${stamp}`;
  let base = db.id.replace(/[^a-zA-Z0-9-]/g, '-').replace(/-{2,}/g, '-').replace(/^[^a-zA-Z]+/, '');
  base = (base || 'db').slice(0, DEPLOYMENT_NAME_MAX - suffix.length - 3).replace(/-+$/, '');
  const taken = new Set(existing.map((d) => d.name.toLowerCase()));
  const first = `${base}${suffix}`;
  if (!taken.has(first.toLowerCase())) return first;
  for (let n = 2; ; n++) {
    const candidate = `${first}-${n}`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

/** The blue DB's name for a deployment, from its source ARN (for labels). */
export function blueName(d: BlueGreenDeployment): string {
  return arnResourceName(d.sourceArn);
}

/** The green DB's name, from the target ARN (for labels). */
export function greenName(d: BlueGreenDeployment): string {
  return arnResourceName(d.targetArn);
}
