/**
 * Names the user types for a database, an app user and its host, checked before they reach SQL.
 *
 * MySQL allows almost anything in a quoted identifier (any BMP character but NUL, no trailing
 * space, at most 64 characters). We accept less, on purpose: the same name is later written into
 * the Go project's config (a go-sql-driver DSN, a URL, YAML, .env, INI, TOML, a compose file,
 * a shell), where `/ ? @ : # % $ ' " \` ; = &`, spaces and dots all mean something. The policy:
 *
 * - database: 1–64 characters; letters (any script, BMP only) and digits, `_` and `-`;
 *   not one of the server's own schemas. Dots are refused: `a.b` reads as schema.table.
 * - user: 1–32 characters (MySQL 5.7+/8 limit; MariaDB allows more); ASCII letters, digits,
 *   `_`, `-` and `.`; not a built-in or RDS-reserved account.
 * - host: `%` or a host name, IP, or MySQL host pattern (`10.0.%`, `10.0.0.0/255.255.0.0`).
 *
 * A name that passes is also quoted (`escapeId`, with qualified names forbidden) wherever it goes
 * into SQL, so quoting is not the only line of defence, and neither is validation.
 */
import { escapeId } from 'mysql2';
import { t } from '../l10n';

export const MAX_DATABASE_NAME_LENGTH = 64;
export const MAX_USER_NAME_LENGTH = 32;
export const MAX_HOST_LENGTH = 255;

/** Schemas the server owns: creating or granting on them is never what the user wants. */
const SYSTEM_SCHEMAS = new Set(['mysql', 'information_schema', 'performance_schema', 'sys']);

/** Built-in accounts of MySQL/MariaDB and the ones RDS keeps for itself. */
const RESERVED_USERS = new Set([
  'root',
  'rdsadmin',
  'rdsrepladmin',
  'rdsproxyadmin',
  'rds_superuser_role',
  'mysql.sys',
  'mysql.session',
  'mysql.infoschema',
  'mariadb.sys',
  'public',
]);

export type NameCheck = { readonly ok: true; readonly name: string } | { readonly ok: false; readonly reason: string };

const ok = (name: string): NameCheck => ({ ok: true, name });
const fail = (reason: string): NameCheck => ({ ok: false, reason });

/** Letters (any script), combining marks and digits, `_` and `-`. */
const DATABASE_CHAR = /^[\p{L}\p{M}\p{Nd}_-]$/u;
const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const HOST_PATTERN = /^[A-Za-z0-9%_.:/-]+$/;

function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  // Control and invisible characters are shown by code point only.
  return /[\p{L}\p{N}\p{P}\p{S}]/u.test(ch) ? `"${ch}" (${hex})` : hex;
}

export function validateDatabaseName(name: string): NameCheck {
  if (name.length === 0) return fail(t('Enter a database name.'));
  const chars = [...name];
  if (chars.length > MAX_DATABASE_NAME_LENGTH) {
    return fail(t('A database name has at most {0} characters; this one has {1}.', MAX_DATABASE_NAME_LENGTH, chars.length));
  }
  if (/\s$/u.test(name)) return fail(t('A database name cannot end with a space.'));
  for (const ch of chars) {
    if ((ch.codePointAt(0) ?? 0) > 0xffff) {
      return fail(t('MySQL names cannot contain characters outside the Basic Multilingual Plane, such as {0}.', describeChar(ch)));
    }
    if (!DATABASE_CHAR.test(ch)) {
      return fail(t('Use letters, digits, "_" or "-" in a database name; {0} is not allowed (it breaks SQL or connection strings).', describeChar(ch)));
    }
  }
  if (SYSTEM_SCHEMAS.has(name.toLowerCase())) return fail(t('"{0}" is a schema of the server itself; choose another name.', name));
  return ok(name);
}

export function validateUserName(name: string, reserved: readonly string[] = []): NameCheck {
  if (name.length === 0) return fail(t('Enter a user name.'));
  if (name.length > MAX_USER_NAME_LENGTH) {
    return fail(t('A MySQL user name has at most {0} characters; this one has {1}.', MAX_USER_NAME_LENGTH, [...name].length));
  }
  if (!USER_NAME.test(name)) {
    const bad = [...name].find((ch, i) => !(i === 0 ? /[A-Za-z0-9_]/ : /[A-Za-z0-9_.-]/).test(ch)) ?? name[0];
    return fail(t('Use ASCII letters, digits, "_", "-" or "." in a user name (not first); {0} is not allowed.', describeChar(bad)));
  }
  const lower = name.toLowerCase();
  if (RESERVED_USERS.has(lower) || reserved.some((r) => r.toLowerCase() === lower)) {
    return fail(t('"{0}" is a reserved or administrative account; choose another user name.', name));
  }
  return ok(name);
}

export function validateHost(host: string): NameCheck {
  if (host.length === 0) return fail(t('Enter a host ("%" for any host).'));
  if (host.length > MAX_HOST_LENGTH) return fail(t('A host has at most {0} characters.', MAX_HOST_LENGTH));
  if (!HOST_PATTERN.test(host)) {
    const bad = [...host].find((ch) => !HOST_PATTERN.test(ch)) ?? host[0];
    return fail(t('A host is "%", a host name, an IP address or a pattern such as 10.0.%; {0} is not allowed.', describeChar(bad)));
  }
  return ok(host);
}

export class InvalidNameError extends Error {
  constructor(
    message: string,
    readonly value: string,
  ) {
    super(message);
    this.name = 'InvalidNameError';
  }
}

function checked(check: NameCheck, value: string): string {
  if (!check.ok) throw new InvalidNameError(check.reason, value);
  return check.name;
}

/** `name` validated and backtick-quoted; throws InvalidNameError when the policy refuses it. */
export function quoteDatabaseName(name: string): string {
  // forbidQualified: without it escapeId turns `a.b` into `a`.`b`.
  return escapeId(checked(validateDatabaseName(name), name), true);
}

/**
 * The database as the object of a GRANT. There `_` and `%` are wildcards (`app_db` would also
 * match `appXdb`), so they are escaped to grant on exactly this database.
 */
export function quoteDatabaseForGrant(name: string): string {
  const valid = checked(validateDatabaseName(name), name);
  return escapeId(valid.replace(/[\\_%]/g, (c) => `\\${c}`), true);
}

/**
 * `'user'@'host'` for CREATE USER / GRANT. Both parts passed validation, so neither holds a quote
 * or a backslash: the literal means the same whatever the server's sql_mode (NO_BACKSLASH_ESCAPES
 * changes how a backslash inside quotes reads, and it is never there).
 */
export function quoteAccount(user: string, host = '%'): string {
  return `'${checked(validateUserName(user), user)}'@'${checked(validateHost(host), host)}'`;
}
