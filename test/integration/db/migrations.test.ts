import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type * as mysql from 'mysql2/promise';
import { DbCredentials } from '../../../src/core/db/credentials';
import { openConnection, type DbSession } from '../../../src/core/db/connection';
import { discoverMigrations, MigrationError, runMigrations, type MigrationFile, type MigrationProgress } from '../../../src/core/db/migrations';
import { chooseRoute, type Route } from '../../../src/core/db/routes';
import { createAppUser, createDatabase } from '../../../src/core/db/schema';
import { splitSql } from '../../../src/core/db/sqlSplit';
import { CancelledError } from '../../../src/core/errors';
import { startSshd, type SshServer } from '../support';
import { leftovers, ourListeningPorts, testRouteContext } from './helpers';
import { FAKE_ENDPOINT, startTlsMariaDb, type TlsMariaDb } from './tlsMariaDb';

const fixtures = path.resolve(__dirname, '../../../../test/fixtures/db');

async function rows(conn: mysql.Connection, sql: string): Promise<Array<Record<string, unknown>>> {
  const [r] = await conn.query(sql);
  return r as Array<Record<string, unknown>>;
}

async function tables(conn: mysql.Connection, database: string): Promise<string[]> {
  return (await rows(conn, `SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${database}' ORDER BY 1`)).map((r) => String(r.t));
}

describe('db migrations on MariaDB', () => {
  let db: TlsMariaDb;
  let ssh: SshServer;
  let s: DbSession;
  let direct: Route;
  const root = () => new DbCredentials('root', db.password, 'given');

  before(async () => {
    const [d, h] = await Promise.allSettled([startTlsMariaDb(), startSshd()]);
    if (d.status === 'fulfilled') db = d.value;
    if (h.status === 'fulfilled') ssh = h.value;
    for (const r of [d, h]) if (r.status === 'rejected') throw r.reason;
    direct = { kind: 'direct', host: db.host, port: db.port, tls: { mode: 'verify', ca: [db.caPem], servername: FAKE_ENDPOINT } };
    s = await openConnection(direct, root());
  });

  after(async () => {
    await s?.close();
    await Promise.all([db?.stop(), ssh?.stop()]);
  });

  it('runs golang-migrate files in version order, reports progress, and records the version like migrate does', async () => {
    await createDatabase(s.connection, 'blog');
    const plan = await discoverMigrations(path.join(fixtures, 'migrate-app'));
    const progress: MigrationProgress[] = [];
    const result = await runMigrations(s.connection, 'blog', plan.files, { onProgress: (p) => progress.push(p) });
    assert.deepEqual(result, { applied: plan.files.map((f) => f.path), skipped: [], statements: 5 });
    assert.deepEqual(await tables(s.connection, 'blog'), ['posts', 'schema_migrations', 'users']);
    // 10_add_post_body needs the posts table of 2_create_posts: numeric order, not text order.
    assert.deepEqual(await rows(s.connection, 'SELECT title, body FROM blog.posts'), [{ title: 'Hello; world', body: 'It\'s "quoted"; \'really\'' }]);
    assert.deepEqual(await rows(s.connection, 'SELECT version, dirty FROM blog.schema_migrations'), [{ version: 10, dirty: 0 }]);
    assert.deepEqual(progress.at(-1), { file: 'migrations/10_add_post_body.up.sql', fileIndex: 2, fileCount: 3, done: 5, total: 5 });
    assert.deepEqual(progress.filter((p) => p.done === 0).map((p) => p.file), ['migrations/1_create_users.up.sql']);
  });

  it('skips what schema_migrations says is applied when run again', async () => {
    const plan = await discoverMigrations(path.join(fixtures, 'migrate-app'));
    const again = await runMigrations(s.connection, 'blog', plan.files);
    assert.deepEqual(again, { applied: [], skipped: plan.files.map((f) => f.path), statements: 0 });
  });

  it('runs the Up sections of goose files, a trigger block as one statement, and fills goose_db_version', async () => {
    await createDatabase(s.connection, 'accounts');
    const plan = await discoverMigrations(path.join(fixtures, 'goose-app'));
    const result = await runMigrations(s.connection, 'accounts', plan.files);
    assert.equal(result.applied.length, 3);
    // The trigger (second file) counted the seed's UPDATE (third file), and counts ours.
    assert.deepEqual(await rows(s.connection, 'SELECT name, touched FROM accounts.accounts'), [{ name: 'root account', touched: 1 }]);
    await s.connection.query("UPDATE accounts.accounts SET name = 'renamed'");
    assert.deepEqual(await rows(s.connection, 'SELECT name, touched FROM accounts.accounts'), [{ name: 'renamed', touched: 2 }]);
    assert.deepEqual(
      (await rows(s.connection, 'SELECT version_id, is_applied FROM accounts.goose_db_version ORDER BY id')).map((r) => `${r.version_id}:${r.is_applied}`),
      ['0:1', '20240101090000:1', '20240102090000:1', '20240103090000:1'],
    );
    assert.deepEqual((await runMigrations(s.connection, 'accounts', plan.files)).applied, []);
  });

  it('runs a schema.sql with a DELIMITER-wrapped procedure and a CALL', async () => {
    await createDatabase(s.connection, 'notes');
    const plan = await discoverMigrations(path.join(fixtures, 'schema-app'));
    await runMigrations(s.connection, 'notes', plan.files);
    assert.deepEqual(await rows(s.connection, 'SELECT `body;text` AS b, tag FROM notes.notes'), [{ b: 'hello; there', tag: 'a;b' }]);
  });

  it('stops at the first error, naming the file and the line, and runs nothing after it', async () => {
    await createDatabase(s.connection, 'shop');
    const plan = await discoverMigrations(path.join(fixtures, 'bad-app'));
    const err = await runMigrations(s.connection, 'shop', plan.files).then(
      () => assert.fail('the broken migration ran'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof MigrationError, String(err));
    assert.equal(err.file, 'migrations/2_broken.up.sql');
    assert.equal(err.line, 4);
    assert.match(err.message, /^migrations\/2_broken\.up\.sql:4: You have an error in your SQL syntax.*near 'CRATE TABLE broken/s);
    assert.deepEqual(err.applied, ['migrations/1_create_items.up.sql']);
    assert.deepEqual(await tables(s.connection, 'shop'), ['items', 'schema_migrations']);
    // Statements before the broken one ran (MySQL DDL is not transactional); the one after did not.
    assert.deepEqual((await rows(s.connection, 'SELECT id FROM shop.items ORDER BY id')).map((r) => r.id), [1, 2]);
    // As golang-migrate would leave it: dirty at the failed version, so the next run refuses.
    assert.deepEqual(await rows(s.connection, 'SELECT version, dirty FROM shop.schema_migrations'), [{ version: 2, dirty: 1 }]);
    await assert.rejects(runMigrations(s.connection, 'shop', plan.files), /version 2 is dirty/);
  });

  it('stops between statements when cancelled', async () => {
    await createDatabase(s.connection, 'cancelled');
    const plan = await discoverMigrations(path.join(fixtures, 'migrate-app'));
    const token = { isCancellationRequested: false };
    await assert.rejects(
      runMigrations(s.connection, 'cancelled', plan.files, { signal: token, onProgress: (p) => void (p.done === 1 && (token.isCancellationRequested = true)) }),
      CancelledError,
    );
    assert.deepEqual(await tables(s.connection, 'cancelled'), ['schema_migrations', 'users']);
  });

  it('refuses an invalid database name before anything runs', async () => {
    await assert.rejects(runMigrations(s.connection, 'x`; DROP DATABASE blog; --', []), /not allowed/);
    assert.deepEqual(await tables(s.connection, 'blog'), ['posts', 'schema_migrations', 'users']);
  });

  it('runs the whole thing through the SSH tunnel and closes it after a failure', async () => {
    const listeningBefore = await ourListeningPorts();
    const d = chooseRoute(testRouteContext(db, ssh), false);
    assert.ok(d.kind === 'route' && d.route.kind === 'sshTunnel');
    const t = await openConnection(d.route, root());
    try {
      await createDatabase(t.connection, 'tunnelled');
      const good = await discoverMigrations(path.join(fixtures, 'migrate-app'));
      assert.equal((await runMigrations(t.connection, 'tunnelled', good.files)).applied.length, 3);
      await createDatabase(t.connection, 'tunnelled_bad');
      const bad = await discoverMigrations(path.join(fixtures, 'bad-app'));
      await assert.rejects(runMigrations(t.connection, 'tunnelled_bad', bad.files), MigrationError);
    } finally {
      await t.close();
    }
    assert.deepEqual(await leftovers({ ssh: ssh.port }, listeningBefore), []);
    assert.deepEqual(await tables(s.connection, 'tunnelled'), ['posts', 'schema_migrations', 'users']);
  });

  function migration(file: string, version: bigint, sql: string): MigrationFile {
    return { path: file, kind: 'golang-migrate', version, statements: splitSql(sql) };
  }

  it('keeps the version table in the app database even when a migration switches databases (USE)', async () => {
    await createDatabase(s.connection, 'qualified');
    await createDatabase(s.connection, 'elsewhere');
    const files = [
      migration('migrations/1_a.up.sql', 1n, 'CREATE TABLE qualified.a (id INT);\nUSE elsewhere;\nCREATE TABLE b (id INT);'),
      migration('migrations/2_c.up.sql', 2n, 'CREATE TABLE qualified.c (id INT);'),
    ];
    const result = await runMigrations(s.connection, 'qualified', files);
    assert.deepEqual(result.applied, ['migrations/1_a.up.sql', 'migrations/2_c.up.sql']);
    assert.deepEqual(await rows(s.connection, 'SELECT version, dirty FROM qualified.schema_migrations'), [{ version: 2, dirty: 0 }]);
    assert.deepEqual(await tables(s.connection, 'elsewhere'), ['b'], 'no schema_migrations in the database the migration switched to');
    // Run again from a connection that sits in the other database: all of it is known as applied.
    await s.connection.query('USE elsewhere');
    assert.deepEqual((await runMigrations(s.connection, 'qualified', files)).skipped, files.map((f) => f.path));
  });

  it('runs the migrations as the app user when given one, not as the login that created it', async () => {
    await createDatabase(s.connection, 'owned');
    const app = await createAppUser(s.connection, 'owned', 'owned_app');
    const own = await openConnection(direct, root());
    try {
      const files = [
        migration('migrations/1_who.up.sql', 1n, 'CREATE TABLE who (u VARCHAR(200));\nINSERT INTO who SELECT CURRENT_USER();'),
        migration('migrations/2_reach.up.sql', 2n, 'CREATE TABLE canary_reach (id INT);'),
      ];
      const result = await runMigrations(own.connection, 'owned', files, { as: { user: app.user, password: app.password } });
      assert.equal(result.applied.length, 2);
      assert.deepEqual(await rows(s.connection, 'SELECT u FROM owned.who'), [{ u: 'owned_app@%' }]);
      // Least privilege holds while the migrations run: the app user reaches no other database.
      const reach = migration('migrations/3_out.up.sql', 3n, 'CREATE DATABASE not_allowed;');
      await assert.rejects(runMigrations(own.connection, 'owned', [reach], { as: { user: app.user, password: app.password } }), /denied/);
      await assert.rejects(runMigrations(own.connection, 'owned', files, { as: { user: app.user, password: 'wrong' } }), /Logging in as owned_app to run the migrations failed/);
    } finally {
      await own.close();
    }
  });
});

