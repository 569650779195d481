/**
 * The Go project's own schema SQL, found, ordered, shown, and run.
 *
 * Found (paths relative to the project folder):
 * - `schema.sql`, run first;
 * - golang-migrate: `migrations/<version>_<name>.up.sql` (and in `db/migrations/`), by numeric
 *   version; `.down.sql` files are never run;
 * - goose: `db/migrations/<version>_<name>.sql` (and in `migrations/`), only the `-- +goose Up`
 *   section, a `-- +goose StatementBegin` … `StatementEnd` block being one statement.
 *
 * Run in that order in the chosen database, statement by statement, stopping at the first error
 * with file and line. Like the tools themselves, the run records what it applied
 * (`schema_migrations` for golang-migrate, `goose_db_version` for goose) and skips what those
 * tables say is applied, so the app's own migrator later agrees with the database.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Connection } from 'mysql2/promise';
import { t } from '../l10n';
import { quoteDatabaseName } from './identifiers';
import { throwIfCancelled, type Cancellation } from '../lifetime';
import { splitSql, type SqlStatement } from './sqlSplit';

export type MigrationKind = 'schema' | 'golang-migrate' | 'goose';

export interface MigrationFile {
  /** Relative to the project folder, with `/`. */
  readonly path: string;
  readonly kind: MigrationKind;
  /** golang-migrate and goose: the numeric version prefix. */
  readonly version?: bigint;
  readonly statements: readonly SqlStatement[];
}

export interface MigrationPlan {
  readonly files: readonly MigrationFile[];
  /** Things to tell the user before running (duplicates, files skipped, both styles present). */
  readonly warnings: readonly string[];
}

export const SCHEMA_FILES = ['schema.sql'];
export const MIGRATION_DIRS = ['migrations', 'db/migrations'];

const MIGRATE_UP = /^(\d+)_.*\.up\.sql$/i;
const DOWN = /\.down\.sql$/i;
const GOOSE_FILE = /^(\d+)_.*\.sql$/i;
const GOOSE_ANNOTATION = /^\s*--\s*\+goose\s+(.*?)\s*$/i;
const GOOSE_UP = /^\s*--\s*\+goose\s+up\s*$/i;

export interface GooseSection {
  readonly statements: SqlStatement[];
  readonly warnings: string[];
}

/** The `-- +goose Up` section of a goose migration. Throws when there is none. */
export function parseGooseUp(text: string, file = 'migration'): GooseSection {
  const lines = text.split('\n');
  const statements: SqlStatement[] = [];
  const warnings: string[] = [];
  let section: 'none' | 'up' | 'down' = 'none';
  let sawUp = false;
  let chunk: string[] = [];
  let chunkStart = 0;
  let block: string[] | undefined;
  let blockStart = 0;

  const flushChunk = () => {
    if (chunk.length && section === 'up') statements.push(...splitSql(chunk.join('\n'), { startLine: chunkStart }));
    chunk = [];
  };

  lines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    const m = GOOSE_ANNOTATION.exec(raw);
    const cmd = m?.[1].toLowerCase().replace(/\s+/g, ' ');
    if (cmd === 'up' || cmd === 'down') {
      flushChunk();
      if (block) warnings.push(t('{0}:{1}: StatementBegin without StatementEnd.', file, blockStart));
      block = undefined;
      section = cmd;
      if (cmd === 'up') sawUp = true;
      return;
    }
    if (cmd === 'statementbegin') {
      flushChunk();
      block = [];
      blockStart = lineNo + 1;
      return;
    }
    if (cmd === 'statementend') {
      if (block && section === 'up') {
        const body = block.join('\n');
        const firstLine = blockStart + (block.findIndex((l) => l.trim() !== '') >= 0 ? block.findIndex((l) => l.trim() !== '') : 0);
        const sql = body.trim().replace(/;\s*$/, '').trim();
        if (sql) statements.push({ sql, line: firstLine });
      }
      block = undefined;
      return;
    }
    if (cmd?.startsWith('envsub on')) warnings.push(t('{0}:{1}: goose ENVSUB is not applied here; ${…} stays as written.', file, lineNo));
    if (m) return; // NO TRANSACTION and other annotations: nothing to run
    if (block) {
      block.push(raw);
      return;
    }
    if (!chunk.length) chunkStart = lineNo;
    chunk.push(raw);
  });
  flushChunk();
  if (!sawUp) throw new Error(t('{0} has no "-- +goose Up" annotation.', file));
  return { statements, warnings };
}

/**
 * The plan for a project, given its file paths (relative, `/`-separated; any others are ignored)
 * and a way to read them.
 */
export async function planMigrations(paths: readonly string[], read: (relPath: string) => Promise<string> | string): Promise<MigrationPlan> {
  const warnings: string[] = [];
  const norm = [...new Set(paths.map((p) => p.replace(/\\/g, '/').replace(/^\.\//, '')))];
  const schema = norm.filter((p) => SCHEMA_FILES.includes(p));
  const migrate: Array<{ path: string; version: bigint }> = [];
  const goose: Array<{ path: string; version: bigint }> = [];
  for (const p of norm) {
    const dir = path.posix.dirname(p);
    if (!MIGRATION_DIRS.includes(dir)) continue;
    const base = path.posix.basename(p);
    if (!base.toLowerCase().endsWith('.sql') || DOWN.test(base)) continue;
    const up = MIGRATE_UP.exec(base);
    if (up) {
      migrate.push({ path: p, version: BigInt(up[1]) });
      continue;
    }
    const g = GOOSE_FILE.exec(base);
    if (g) goose.push({ path: p, version: BigInt(g[1]) });
    else warnings.push(t('{0} is skipped: its name does not start with a version number.', p));
  }
  const byVersion = (a: { path: string; version: bigint }, b: { path: string; version: bigint }) =>
    a.version < b.version ? -1 : a.version > b.version ? 1 : a.path.localeCompare(b.path);
  migrate.sort(byVersion);
  goose.sort(byVersion);
  for (const [list, tool] of [[migrate, 'golang-migrate'], [goose, 'goose']] as const) {
    for (let k = 1; k < list.length; k++) {
      if (list[k].version === list[k - 1].version) warnings.push(t('{0} and {1} have the same {2} version {3}.', list[k - 1].path, list[k].path, tool, String(list[k].version)));
    }
  }

  const files: MigrationFile[] = [];
  for (const p of schema) files.push({ path: p, kind: 'schema', statements: splitSql(await read(p)) });
  for (const m of migrate) files.push({ path: m.path, kind: 'golang-migrate', version: m.version, statements: splitSql(await read(m.path)) });
  for (const g of goose) {
    const text = await read(g.path);
    if (!text.split('\n').some((l) => GOOSE_UP.test(l))) {
      warnings.push(t('{0} is skipped: no "-- +goose Up" annotation (not a goose migration?).', g.path));
      continue;
    }
    const parsed = parseGooseUp(text, g.path);
    warnings.push(...parsed.warnings);
    files.push({ path: g.path, kind: 'goose', version: g.version, statements: parsed.statements });
  }
  if (schema.length && (migrate.length || goose.length)) {
    warnings.push(t('Both schema.sql and migrations are present; if schema.sql is a dump of the migrated schema, running both fails with "table exists". Leave one out.'));
  }
  for (const f of files) if (f.statements.length === 0) warnings.push(t('{0} has no statements.', f.path));
  return { files, warnings };
}

/**
 * planMigrations over a folder on disk. A file (or a migrations folder) that is a symbolic link
 * is followed only while it stays inside the project folder: a link to elsewhere is skipped,
 * with a warning, rather than run on the database.
 */
export async function discoverMigrations(projectDir: string): Promise<MigrationPlan> {
  const root = await fs.realpath(projectDir).catch(() => undefined);
  if (!root) return { files: [], warnings: [] };
  const paths: string[] = [];
  const outside: string[] = [];
  const consider = async (rel: string): Promise<void> => {
    const real = await fs.realpath(path.join(projectDir, rel)).catch(() => undefined);
    if (!real) return;
    if (!isInside(root, real)) outside.push(rel);
    else if (await isFile(real)) paths.push(rel);
  };
  for (const f of SCHEMA_FILES) await consider(f);
  for (const dir of MIGRATION_DIRS) {
    const entries = await fs.readdir(path.join(projectDir, dir), { withFileTypes: true }).catch(() => []);
    for (const e of entries) if (e.isFile() || e.isSymbolicLink()) await consider(`${dir}/${e.name}`);
  }
  const plan = await planMigrations(paths, (p) => fs.readFile(path.join(projectDir, p), 'utf8'));
  const skipped = outside.map((p) => t('{0} is skipped: it is a link to a file outside the project folder.', p));
  return { files: plan.files, warnings: [...skipped, ...plan.warnings] };
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

async function isFile(p: string): Promise<boolean> {
  return fs.stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** One line per file, in run order, for the "these files run in this order" confirmation. */
export function describePlan(plan: MigrationPlan): string[] {
  return plan.files.map((f, i) => `${i + 1}. ${f.path} (${f.kind}${f.version !== undefined ? ` ${f.version}` : ''}, ${t('{0} statements', f.statements.length)})`);
}

/**
 * The SQL that will run, file after file in run order, each statement as it will be sent: the
 * text of the read-only preview shown before asking.
 */
export function planSqlText(plan: MigrationPlan, database: string): string {
  const out = [
    t('-- RDS Link runs these {0} files in {1}, in this order, statement by statement.', plan.files.length, database),
    t('-- Files that schema_migrations or goose_db_version list as applied are skipped.'),
    ...plan.warnings.map((w) => `-- ${w.replace(/\n/g, ' ')}`),
  ];
  plan.files.forEach((f, i) => {
    out.push('', `-- ${'='.repeat(70)}`, `-- ${describePlan({ files: [f], warnings: [] })[0].replace(/^1\./, `${i + 1}/${plan.files.length}`)}`, `-- ${'='.repeat(70)}`);
    for (const st of f.statements) out.push(`-- ${f.path}:${st.line}`, /;\s*$/.test(st.sql) ? st.sql : `${st.sql};`);
  });
  return `${out.join('\n')}\n`;
}

export interface MigrationProgress {
  readonly file: string;
  readonly fileIndex: number;
  readonly fileCount: number;
  /** Statements run so far over all files, and in all. */
  readonly done: number;
  readonly total: number;
}

export interface RunMigrationsOptions {
  readonly signal?: Cancellation;
  readonly onProgress?: (p: MigrationProgress) => void;
  /** Keep schema_migrations / goose_db_version like the tools do (default true). */
  readonly trackVersions?: boolean;
  readonly log?: (line: string) => void;
  /**
   * Log in as this user on the same connection first (COM_CHANGE_USER): the app user that owns
   * the database runs its schema, not the master login that created it.
   */
  readonly as?: { readonly user: string; readonly password: string };
}

export interface MigrationResult {
  readonly applied: readonly string[];
  /** Already applied according to the tool's version table. */
  readonly skipped: readonly string[];
  readonly statements: number;
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly file: string,
    /** The line of the failing statement, or of the error inside it when the server says. */
    readonly line: number,
    readonly applied: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

type Row = Record<string, unknown>;

async function rows(conn: Connection, sql: string, values?: unknown[]): Promise<Row[]> {
  const [r] = await conn.query(sql, values);
  return r as Row[];
}

/**
 * golang-migrate's table (mysql driver): one row, the current version and whether it is dirty.
 * Every query names the database: a migration's own `USE` must not move the bookkeeping.
 */
const migrateTable = (db: string): string => `${db}.\`schema_migrations\``;
/** goose's table (mysql dialect), with the version-0 row goose writes when it creates it. */
const gooseTable = (db: string): string => `${db}.\`goose_db_version\``;

interface Tracker {
  isApplied(f: MigrationFile): boolean;
  begin(f: MigrationFile): Promise<void>;
  end(f: MigrationFile): Promise<void>;
}

async function golangMigrateTracker(conn: Connection, db: string): Promise<Tracker> {
  const table = migrateTable(db);
  await conn.query(`CREATE TABLE IF NOT EXISTS ${table} (version bigint not null primary key, dirty boolean not null)`);
  const [current] = await rows(conn, `SELECT version, dirty FROM ${table} LIMIT 1`);
  if (current && Number(current.dirty)) {
    throw new Error(t('schema_migrations says version {0} is dirty (a migration failed half-way earlier). Repair the database, then run "migrate force {0}".', String(current.version)));
  }
  const applied = current ? BigInt(String(current.version)) : -1n;
  let hasRow = Boolean(current);
  const set = async (version: bigint, dirty: boolean) => {
    if (hasRow) await conn.query(`UPDATE ${table} SET version = ?, dirty = ?`, [String(version), dirty]);
    else await conn.query(`INSERT INTO ${table} (version, dirty) VALUES (?, ?)`, [String(version), dirty]);
    hasRow = true;
  };
  return {
    isApplied: (f) => (f.version ?? 0n) <= applied,
    // Like golang-migrate: dirty while it runs, so a failure leaves the same marker the tool would.
    begin: (f) => set(f.version ?? 0n, true),
    end: (f) => set(f.version ?? 0n, false),
  };
}

async function gooseTracker(conn: Connection, db: string): Promise<Tracker> {
  const table = gooseTable(db);
  await conn.query(`CREATE TABLE IF NOT EXISTS ${table} (id serial NOT NULL, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp NULL default now(), PRIMARY KEY(id))`);
  const history = await rows(conn, `SELECT version_id, is_applied FROM ${table} ORDER BY id`);
  if (history.length === 0) await conn.query(`INSERT INTO ${table} (version_id, is_applied) VALUES (0, 1)`);
  // The latest row of a version says whether it is applied.
  const state = new Map<string, boolean>();
  for (const r of history) state.set(String(r.version_id), Boolean(Number(r.is_applied)));
  return {
    isApplied: (f) => state.get(String(f.version)) === true,
    begin: async () => undefined,
    end: async (f) => {
      await conn.query(`INSERT INTO ${table} (version_id, is_applied) VALUES (?, 1)`, [String(f.version)]);
    },
  };
}

/** The absolute line of a parse error, from MySQL's "… near '…' at line N" (N counts in the statement). */
function errorLine(statement: SqlStatement, message: string): number {
  const m = /at line (\d+)\s*$/.exec(message);
  return m ? statement.line + Number(m[1]) - 1 : statement.line;
}

/**
 * Runs the plan's files in order in `database` (USE), each statement on its own. Stops at the
 * first error with a MigrationError naming file and line, and at a cancel between statements.
 */
export async function runMigrations(conn: Connection, database: string, files: readonly MigrationFile[], options: RunMigrationsOptions = {}): Promise<MigrationResult> {
  const { signal, onProgress } = options;
  throwIfCancelled(signal);
  const quoted = quoteDatabaseName(database);
  if (options.as) {
    try {
      await conn.changeUser({ user: options.as.user, password: options.as.password, database });
    } catch (err) {
      throw new Error(t('Logging in as {0} to run the migrations failed: {1}', options.as.user, (err as Error).message), { cause: err });
    }
  }
  await conn.query(`USE ${quoted}`);
  const track = options.trackVersions ?? true;
  const trackers = new Map<MigrationKind, Tracker>();
  if (track && files.some((f) => f.kind === 'golang-migrate')) trackers.set('golang-migrate', await golangMigrateTracker(conn, quoted));
  if (track && files.some((f) => f.kind === 'goose')) trackers.set('goose', await gooseTracker(conn, quoted));

  const applied: string[] = [];
  const skipped: string[] = [];
  const toRun = files.filter((f) => {
    const done = trackers.get(f.kind)?.isApplied(f) ?? false;
    if (done) skipped.push(f.path);
    return !done;
  });
  const total = toRun.reduce((n, f) => n + f.statements.length, 0);
  let done = 0;
  for (const [fileIndex, file] of toRun.entries()) {
    throwIfCancelled(signal);
    const tracker = trackers.get(file.kind);
    onProgress?.({ file: file.path, fileIndex, fileCount: toRun.length, done, total });
    await tracker?.begin(file);
    for (const statement of file.statements) {
      throwIfCancelled(signal);
      try {
        await conn.query(statement.sql);
      } catch (err) {
        const message = (err as Error).message;
        const line = errorLine(statement, message);
        throw new MigrationError(t('{0}:{1}: {2}', file.path, line, message), file.path, line, applied, { cause: err });
      }
      done++;
      onProgress?.({ file: file.path, fileIndex, fileCount: toRun.length, done, total });
    }
    await tracker?.end(file);
    applied.push(file.path);
    options.log?.(`migration applied: ${file.path}`);
  }
  return { applied, skipped, statements: done };
}
