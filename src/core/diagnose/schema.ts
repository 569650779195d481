/**
 * "Does the app's database exist on the server": one query over a session the caller opened
 * through the usual route, with credentials already at hand (a diagnosis never asks for a password).
 */
import { t } from '../l10n';
import type { Check } from './types';

/** What the check needs of a MySQL session (mysql2's promise connection has it). */
export interface SchemaQuerier {
  query(sql: string, values?: unknown[]): Promise<unknown>;
}

const SCHEMA = 'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?';
/** A row when the login itself holds SHOW DATABASES (USER_PRIVILEGES names it 'user'@'host'). */
const SEES_ALL = "SELECT 1 FROM information_schema.USER_PRIVILEGES WHERE PRIVILEGE_TYPE = 'SHOW DATABASES' AND GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')";

const TITLE = (): string => t('The app\'s database exists on the server');

/** The check as "unknown", with the reason it did not run (no name, no credentials, no route). */
export function schemaUnknown(reason: string): Check {
  return { id: 'dbExists', title: TITLE(), status: 'unknown', evidence: [reason] };
}

/**
 * pass when `name` is a schema on the server; fail with "Create Database (Schema)…" otherwise;
 * unknown when the query fails, or when the login lacks SHOW DATABASES (it sees only its own). `login` says
 * who asked ("admin, stored password"), for the evidence.
 */
export async function checkDatabaseExists(conn: SchemaQuerier, name: string, login: string): Promise<Check> {
  let found: boolean;
  let seesAll: boolean;
  try {
    const [rows] = (await conn.query(SCHEMA, [name])) as [Array<{ name: string }>, unknown];
    // information_schema compares without case; the server's names may not.
    found = rows.some((r) => r.name === name);
    seesAll = found || ((await conn.query(SEES_ALL)) as [unknown[], unknown])[0].length > 0;
  } catch (err) {
    return schemaUnknown(t('The query for database "{0}" failed ({1}): {2}', name, login, (err as Error).message));
  }
  if (found) return { id: 'dbExists', title: TITLE(), status: 'pass', evidence: [t('Database "{0}" exists on the server (asked as {1}).', name, login)] };
  // A login without SHOW DATABASES sees only the databases it has rights on.
  if (!seesAll) return schemaUnknown(t('{0} sees no database "{1}", but it lacks the SHOW DATABASES privilege: it may exist without rights for this login.', login, name));
  return {
    id: 'dbExists',
    title: TITLE(),
    status: 'fail',
    evidence: [t('The server has no database "{0}" (asked as {1}).', name, login)],
    fix: { kind: 'createSchema', name },
  };
}
