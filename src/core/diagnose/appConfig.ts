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

/** A database created on this DB through RDS Link ("Create Database (Schema)…"), and through which instance. */
export interface CreatedDatabase {
  readonly name: string;
  /** The instance the session went through (an SSH tunnel route), if any. */
  readonly instanceId?: string;
  /** ISO time of the creation. */
  readonly at: string;
}

/** The database to check, and what names it (for the evidence: nothing is guessed). */
export interface DatabaseChoice {
  readonly name: string;
  /** The line of evidence that says where the name comes from. */
  readonly why: string;
}

/**
 * The database whose existence the diagnosis checks, in this order: the one the workspace target
 * names (`target.database`); the one of a config connection that points at the DB's host and
 * port; one created on this DB through RDS Link, through this pair's instance first, newest
 * first (`created`; the link itself names no database); else the first one the config names,
 * although it points elsewhere. Undefined when nothing names one.
 */
export function databaseToCheck(connections: readonly AppConnection[] | undefined, target: AppConfigTarget, created: readonly CreatedDatabase[] = [], instanceId?: string): DatabaseChoice | undefined {
  if (target.database) return { name: target.database, why: t('The name {0} is the one the workspace\'s target gives for this DB.', target.database) };
  const named = (connections ?? []).filter((c) => c.connection.database);
  const onHost = named.find((c) => differences(c.connection, { host: target.host, port: target.port }).length === 0);
  if (onHost?.connection.database) return { name: onHost.connection.database, why: t('The name {0} is the one {1} gives for this DB.', onHost.connection.database, onHost.fileName) };
  const made = created.find((c) => instanceId && c.instanceId === instanceId) ?? created[0];
  if (made) {
    const through = made.instanceId ? t('through {0}', made.instanceId) : t('not through an instance');
    return { name: made.name, why: t('The name {0} is the database created on this DB through RDS Link ({1}, {2}); neither the workspace\'s target nor the app\'s config names one for it.', made.name, made.at.slice(0, 10), through) };
  }
  const first = named[0];
  return first?.connection.database ? { name: first.connection.database, why: t('The name {0} is the first the app\'s config gives ({1}), though it points at another server.', first.connection.database, first.fileName) } : undefined;
}
