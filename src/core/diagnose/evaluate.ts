/** The static diagnosis: pure, over described state. */
import { isMysqlFamily } from '../aws/types';
import { t } from '../l10n';
import { checkNacls } from './nacls';
import { checkDns, checkRoutes } from './routes';
import { checkSecurityGroups } from './securityGroups';
import type { Check, CheckStatus, Diagnosis, DiagnosisState } from './types';

/** States in which a DB instance or cluster takes connections. */
const serving = new Set(['available', 'backing-up', 'modifying', 'storage-optimization', 'configuring-enhanced-monitoring', 'configuring-log-exports', 'maintenance', 'upgrading', 'renaming', 'resetting-master-credentials']);

export function checkDatabase(state: DiagnosisState): Check {
  const { db } = state;
  const title = t('The database');
  const endpoint = db.endpoint ? `${db.endpoint.address}:${db.endpoint.port}` : t('no endpoint yet');
  const evidence = [t('{0}: {1} {2}, status {3}, {4}.', db.id, db.engine, db.engineVersion ?? '', db.status, endpoint)];
  if (!serving.has(db.status)) {
    const message = db.status === 'stopped' ? t('Start the database.') : t('Wait until the database is available.');
    return { id: 'database', title, status: 'fail', evidence, fix: { kind: 'text', message } };
  }
  if (!db.endpoint) return { id: 'database', title, status: 'fail', evidence, fix: { kind: 'text', message: t('Wait until the database is available.') } };
  if (!isMysqlFamily(db.engine)) {
    evidence.push(t('{0} does not speak the MySQL protocol.', db.engine));
    return { id: 'database', title, status: 'fail', evidence, fix: { kind: 'text', message: t('Pick a MySQL, MariaDB or Aurora MySQL database.') } };
  }
  if (db.located === 'zone') evidence.push(t('Its address did not resolve here; its subnet is the one of its zone in its subnet group.'));
  return { id: 'database', title, status: 'pass', evidence };
}

export function checkInstance(state: DiagnosisState): Check {
  const { instance } = state;
  const title = t('The instance');
  const evidence = [t('{0}: {1}, private address {2}.', instance.name ? `${instance.id} (${instance.name})` : instance.id, instance.state, instance.ipv4 ?? '?')];
  if (instance.state !== 'running') return { id: 'instance', title, status: 'fail', evidence, fix: { kind: 'text', message: t('Start the instance.') } };
  return { id: 'instance', title, status: 'pass', evidence };
}

export function overallStatus(checks: readonly Check[]): CheckStatus {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  return checks.some((c) => c.status === 'unknown') ? 'unknown' : 'pass';
}

/** Every static check, in the order a person reads them: the two ends, then the path between. */
export function diagnose(state: DiagnosisState): Diagnosis {
  const checks = [checkDatabase(state), checkInstance(state), ...checkSecurityGroups(state), ...checkNacls(state), ...checkRoutes(state), checkDns(state)];
  return { instanceId: state.instance.id, dbId: state.db.id, checks, status: overallStatus(checks) };
}
