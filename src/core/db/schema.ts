/**
 * The app's database and its least-privilege user.
 *
 * Names are validated and quoted (identifiers.ts); the only other text spliced into SQL is a
 * collation from our own fixed list. Values (user, host, password) go as placeholders.
 */
import { randomInt } from 'node:crypto';
import type { Connection } from 'mysql2/promise';
import { t } from '../l10n';
import { quoteAccount, quoteDatabaseForGrant, quoteDatabaseName, validateDatabaseName, validateHost, validateUserName } from './identifiers';

/**
 * Best first: MySQL 8's UCA 9.0.0 collation; then the UCA 4.0 one both MySQL and MariaDB have
 * (MariaDB has no utf8mb4_0900_ai_ci); utf8mb4_general_ci only if neither exists.
 */
export const COLLATION_PREFERENCE = ['utf8mb4_0900_ai_ci', 'utf8mb4_unicode_ci', 'utf8mb4_general_ci'] as const;
export type Utf8mb4Collation = (typeof COLLATION_PREFERENCE)[number];

export function pickCollation(available: Iterable<string>): Utf8mb4Collation {
  const have = new Set([...available].map((c) => c.toLowerCase()));
  return COLLATION_PREFERENCE.find((c) => have.has(c)) ?? 'utf8mb4_general_ci';
}

export interface CreateDatabaseResult {
  readonly name: string;
  /** False when it existed already (its character set and collation were left alone). */
  readonly created: boolean;
  /** The database's default collation, as the server reports it afterwards. */
  readonly collation: string;
}

type Row = Record<string, unknown>;

/** CREATE DATABASE IF NOT EXISTS … CHARACTER SET utf8mb4 COLLATE <best the server has>. */
export async function createDatabase(conn: Connection, name: string): Promise<CreateDatabaseResult> {
  const quoted = quoteDatabaseName(name);
  // One round trip for both questions (it counts through a tunnel).
  const [probe] = (await conn.query(
    `SELECT (SELECT GROUP_CONCAT(COLLATION_NAME) FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN (${COLLATION_PREFERENCE.map(() => '?').join(', ')})) AS collations,
            (SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?) AS existing`,
    [...COLLATION_PREFERENCE, name],
  )) as unknown as [Row[]];
  const existing = probe[0]?.existing as string | null | undefined;
  if (existing) return { name, created: false, collation: existing };
  const collation = pickCollation(String(probe[0]?.collations ?? '').split(',').filter(Boolean));
  await conn.query(`CREATE DATABASE IF NOT EXISTS ${quoted} CHARACTER SET utf8mb4 COLLATE ${collation}`);
  return { name, created: true, collation };
}

/**
 * The alphabet of generated passwords: letters, digits and `-_.` — nothing that a go-sql-driver
 * DSN, a URL (unreserved characters only), YAML, TOML, INI, .env, a compose file or a shell reads
 * as syntax (no `@ / : ? # % $ ' " \` ` ; = & ~ !`, spaces).
 */
export const PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
const ALNUM = /^[A-Za-z0-9]$/;

/**
 * A random password of `length` (≥ 24) characters from PASSWORD_ALPHABET, uniform over the
 * passwords that start and end with a letter or digit and hold an upper-case letter, a
 * lower-case letter, a digit and a symbol (so validate_password policies accept it).
 * 32 characters of 65 symbols: about 190 bits.
 */
export function generatePassword(length = 32): string {
  if (length < 24) throw new Error('A generated password has at least 24 characters.');
  for (;;) {
    const chars = Array.from({ length }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]);
    const s = chars.join('');
    if (ALNUM.test(chars[0]) && ALNUM.test(chars[length - 1]) && /[A-Z]/.test(s) && /[a-z]/.test(s) && /\d/.test(s) && /[-_.]/.test(s)) return s;
  }
}

export class UserExistsError extends Error {
  constructor(
    readonly user: string,
    readonly host: string,
  ) {
    super(t("The user '{0}'@'{1}' exists already. Reset its password, or choose another name.", user, host));
    this.name = 'UserExistsError';
  }
}

export interface CreateAppUserOptions {
  /** What to do when the user exists: fail (default) or give it a new password. */
  readonly ifExists?: 'fail' | 'resetPassword';
  readonly passwordLength?: number;
  /** Account names to refuse besides the built-in ones (e.g. the DB's master user). */
  readonly reservedUsers?: readonly string[];
  /**
   * Called with the new password of an existing user as soon as the server may hold it (ALTER
   * USER done, or its outcome unknown because the connection broke), before anything else can
   * fail: store it there, so a reset that fails half way does not lose the only copy.
   */
  readonly onPasswordReset?: (password: string) => Promise<void>;
}

export interface AppUser {
  readonly user: string;
  readonly host: string;
  readonly database: string;
  /** Store it in SecretStorage and hand it to the config quick-fix; never log it. */
  readonly password: string;
  /** False when an existing user got a new password. */
  readonly created: boolean;
}

/**
 * A query that carries a password. mysql2 copies the SQL text into its errors (`err.sql`), so a
 * failure is re-thrown with the server's message only.
 */
async function queryWithSecret(conn: Connection, sql: string, values: unknown[]): Promise<void> {
  try {
    await conn.query(sql, values);
  } catch (err) {
    const e = err as Error & { code?: string; errno?: number };
    const clean = new Error(e.message) as Error & { code?: string; errno?: number };
    clean.code = e.code;
    clean.errno = e.errno;
    throw clean;
  }
}

/**
 * CREATE USER with a generated password, and GRANT ALL on that one database (its `_` and `%`
 * escaped, so the grant does not spread to look-alike names). Returns the password.
 */
export async function createAppUser(conn: Connection, database: string, user: string, host = '%', options: CreateAppUserOptions = {}): Promise<AppUser> {
  for (const check of [validateDatabaseName(database), validateUserName(user, options.reservedUsers), validateHost(host)]) {
    if (!check.ok) throw new Error(check.reason);
  }
  const account = quoteAccount(user, host);
  const password = generatePassword(options.passwordLength ?? 32);
  let created = true;
  try {
    await queryWithSecret(conn, 'CREATE USER ?@? IDENTIFIED BY ?', [user, host, password]);
  } catch (err) {
    // ER_CANNOT_USER (1396): "Operation CREATE USER failed" — the account exists.
    if ((err as { errno?: number }).errno !== 1396) throw new Error(t('Creating the user {0} failed: {1}', account, (err as Error).message), { cause: err });
    if (options.ifExists !== 'resetPassword') throw new UserExistsError(user, host);
    created = false;
    try {
      await queryWithSecret(conn, 'ALTER USER ?@? IDENTIFIED BY ?', [user, host, password]);
    } catch (alterErr) {
      // A refusal from the server (its error numbers start at 1000) changed nothing; a broken connection may have changed it.
      const errno = (alterErr as { errno?: number }).errno;
      const unknownOutcome = !(typeof errno === 'number' && errno >= 1000);
      if (unknownOutcome) await options.onPasswordReset?.(password);
      throw new Error(
        unknownOutcome
          ? t('The connection broke while the password of {0} was being reset; the new password was kept in case the server applied it: {1}', account, (alterErr as Error).message)
          : t('Resetting the password of {0} failed: {1}', account, (alterErr as Error).message),
        { cause: alterErr },
      );
    }
    await options.onPasswordReset?.(password);
  }
  try {
    await conn.query(`GRANT ALL PRIVILEGES ON ${quoteDatabaseForGrant(database)}.* TO ${account}`);
  } catch (err) {
    // A user without its grant is useless and confusing: take back what this call made.
    if (created) await conn.query(`DROP USER IF EXISTS ${account}`).catch(() => undefined);
    throw new Error(t('Granting {0} access to {1} failed: {2}', account, database, (err as Error).message), { cause: err });
  }
  return { user, host, database, password, created };
}
