/**
 * The app's config in the open workspace, compared with this DB: the host, port and database that
 * each detected connection points at (goconfig's effectiveConnections, computed by the caller so
 * this bundle does not carry goconfig). Pure.
 */
import type { DbTarget, EffectiveConnection } from '../goconfig/types';
import { t } from '../l10n';
import type { Check } from './types';

/** One connection the app's config makes, and the file it is written in. */
export interface AppConnection {
  readonly fileName: string;
  readonly connection: EffectiveConnection;
}

/** The target's address, and the database the app should use when known (the link's or the one created for it). */
export type AppConfigTarget = Pick<DbTarget, 'host' | 'port'> & Partial<Pick<DbTarget, 'database'>>;

const MYSQL_PORT = 3306;

function describe(c: AppConnection): string {
  const { host, port, database } = c.connection;
  return t('{0} ({1}): host {2}, port {3}, database {4}.', c.fileName, c.connection.label, host ?? t('none'), port ?? MYSQL_PORT, database ?? t('none'));
}

/** What differs between one connection and the DB; empty when it points at it. */
function differences(c: EffectiveConnection, target: AppConfigTarget): string[] {
  const out: string[] = [];
  if ((c.host ?? '').toLowerCase() !== target.host.toLowerCase()) out.push(t('host'));
  if ((c.port ?? MYSQL_PORT) !== target.port) out.push(t('port'));
  if (target.database !== undefined && c.database !== target.database) out.push(t('database'));
  return out;
}

/**
 * pass when some connection of the app's config points at the DB's host and port (and database,
 * when known); fail with "Point the config at RDS" otherwise; unknown when no config was found.
 */
export function checkAppConfig(connections: readonly AppConnection[] | undefined, target: AppConfigTarget, why?: string): Check {
  const title = t('The app\'s config points at this database');
  if (!connections || connections.length === 0) {
    return { id: 'appConfig', title, status: 'unknown', evidence: [why ?? t('No MySQL config was found in the open workspace.')] };
  }
  const evidence = connections.map(describe);
  const onTarget = connections.filter((c) => differences(c.connection, target).length === 0);
  if (onTarget.length > 0) return { id: 'appConfig', title, status: 'pass', evidence };
  const first = connections[0] as AppConnection;
  const wanted = target.database !== undefined ? `${target.host}:${target.port}/${target.database}` : `${target.host}:${target.port}`;
  evidence.push(t('None points at {0}; {1} differs in: {2}.', wanted, first.fileName, differences(first.connection, target).join(', ')));
  return { id: 'appConfig', title, status: 'fail', evidence, fix: { kind: 'pointConfig', fileName: first.fileName } };
}

/**
 * The database whose existence the diagnosis checks: the one the workspace target or the link
 * names (`target.database`), else the one of a connection that points at the DB's host and port,
 * else the first one the config names; undefined when none is named.
 */
export function databaseToCheck(connections: readonly AppConnection[] | undefined, target: AppConfigTarget): string | undefined {
  if (target.database) return target.database;
  const named = (connections ?? []).filter((c) => c.connection.database);
  const onHost = named.find((c) => differences(c.connection, { host: target.host, port: target.port }).length === 0);
  return (onHost ?? named[0])?.connection.database;
}
