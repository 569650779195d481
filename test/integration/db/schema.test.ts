import * as assert from 'node:assert/strict';
import { escapeId } from 'mysql2';
import type * as mysql from 'mysql2/promise';
import { DbCredentials } from '../../../src/core/db/credentials';
import { openConnection, type DbSession } from '../../../src/core/db/connection';
import { validateDatabaseName } from '../../../src/core/db/identifiers';
import type { Route } from '../../../src/core/db/routes';
import { createAppUser, createDatabase, UserExistsError } from '../../../src/core/db/schema';
import { databases } from './helpers';
import { FAKE_ENDPOINT, startTlsMariaDb, type TlsMariaDb } from './tlsMariaDb';

/** Names a user might type, hostile ones included. */
const CORPUS = [
  'goapp',
  'goapp_prod',
  'my-app',
  'café',
  'データベース',
  'a'.repeat(64),
  'a'.repeat(65),
  '',
  'x`; DROP DATABASE canary; --',
  'x`',
  '``',
  "x'; DROP DATABASE canary; --",
  'x"; DROP DATABASE canary; --',
  'x; DROP DATABASE canary',
  'x` CHARACTER SET latin1 -- ',
  "Robert'); DROP TABLE students;--",
  'x/*',
  'x*/',
  'x -- y',
  'a.b',
  '../etc',
  'x\\',
  'x\u0000y',
  'x\ny',
  'trailing ',
  ' leading',
  'emoji😀',
  'zero\u200bwidth',
  'mysql',
  'INFORMATION_SCHEMA',
  '#mysql50#x',
  '${DB_NAME}',
  'x?y=1',
  'x@y',
];

async function exists(conn: mysql.Connection, name: string): Promise<boolean> {
  const [rows] = await conn.query('SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name]);
  return Number((rows as Array<{ n: number }>)[0].n) === 1;
}

describe('db schema on MariaDB', () => {
  let db: TlsMariaDb;
  let s: DbSession;
  let route: Route;

  before(async () => {
    db = await startTlsMariaDb();
    route = { kind: 'direct', host: db.host, port: db.port, tls: { mode: 'verify', ca: [db.caPem], servername: FAKE_ENDPOINT } };
    s = await openConnection(route, new DbCredentials('root', db.password, 'given'));
    await s.connection.query('CREATE DATABASE canary');
    await s.connection.query('CREATE TABLE canary.students (id INT)');
  });

  after(async () => {
    await s?.close();
    await db?.stop();
  });

  it('creates the database with utf8mb4 and MariaDB’s best collation (no utf8mb4_0900_ai_ci there)', async () => {
    const made = await createDatabase(s.connection, 'goapp_main');
    assert.deepEqual(made, { name: 'goapp_main', created: true, collation: 'utf8mb4_unicode_ci' });
    const [rows] = await s.connection.query("SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'goapp_main'");
    assert.deepEqual(rows, [{ cs: 'utf8mb4', co: 'utf8mb4_unicode_ci' }]);
  });

  it('leaves an existing database as it is and says so', async () => {
    await s.connection.query('CREATE DATABASE legacy CHARACTER SET latin1');
    assert.deepEqual(await createDatabase(s.connection, 'legacy'), { name: 'legacy', created: false, collation: 'latin1_swedish_ci' });
    assert.deepEqual(await createDatabase(s.connection, 'goapp_main'), { name: 'goapp_main', created: false, collation: 'utf8mb4_unicode_ci' });
  });

  it('handles every name of the injection corpus: refused, or created under exactly that name; nothing else runs', async () => {
    const outcomes: string[] = [];
    for (const name of CORPUS) {
      const before = await databases(s.connection);
      const valid = validateDatabaseName(name).ok;
      if (valid) {
        const made = await createDatabase(s.connection, name);
        assert.equal(made.created, true, name);
        const after = await databases(s.connection);
        assert.deepEqual(after.filter((d) => !before.includes(d)), [name], name);
        await s.connection.query(`DROP DATABASE ${escapeId(name, true)}`);
        outcomes.push(`created ${JSON.stringify(name)}`);
      } else {
        await assert.rejects(createDatabase(s.connection, name), (e: Error) => e.name === 'InvalidNameError', name);
        outcomes.push(`refused ${JSON.stringify(name)}`);
      }
      assert.deepEqual(await databases(s.connection), before, `SHOW DATABASES changed for ${JSON.stringify(name)}`);
      assert.equal(await exists(s.connection, 'canary'), true, `canary gone after ${JSON.stringify(name)}`);
    }
    assert.equal(outcomes.filter((o) => o.startsWith('created')).length, 6, outcomes.join('\n'));
    const [tables] = await s.connection.query('SHOW TABLES FROM canary');
    assert.equal((tables as unknown[]).length, 1);
  });

  it('quoting alone holds too: escapeId makes each hostile name one literal database name', async () => {
    // Belt and braces: what validation refuses would still not break out of the backticks.
    const hostile = ['x`; DROP DATABASE canary; --', 'x` CHARACTER SET latin1 -- x', "x'; DROP DATABASE canary; --", 'a.b', '``'];
    for (const name of hostile) {
      const before = await databases(s.connection);
      await s.connection.query(`CREATE DATABASE ${escapeId(name, true)}`);
      assert.deepEqual((await databases(s.connection)).filter((d) => !before.includes(d)), [name]);
      await s.connection.query(`DROP DATABASE ${escapeId(name, true)}`);
      assert.equal(await exists(s.connection, 'canary'), true);
    }
  });

  describe('the app user', () => {
    async function loginAs(user: string, password: string, database?: string): Promise<DbSession> {
      return openConnection(route, new DbCredentials(user, password, 'given'), { database });
    }

    it('gets a generated password, can work in its database and nowhere else', async () => {
      await createDatabase(s.connection, 'shop_db');
      await s.connection.query('CREATE DATABASE shopXdb');
      const app = await createAppUser(s.connection, 'shop_db', 'shop_app');
      assert.equal(app.created, true);
      assert.match(app.password, /^[A-Za-z0-9][A-Za-z0-9._-]{30}[A-Za-z0-9]$/);
      const u = await loginAs('shop_app', app.password, 'shop_db');
      try {
        await u.connection.query('CREATE TABLE orders (id INT PRIMARY KEY)');
        await u.connection.query('INSERT INTO orders VALUES (1)');
        // `_` in a GRANT is a wildcard; escaped, the grant does not reach shopXdb.
        await assert.rejects(u.connection.query('CREATE TABLE shopXdb.t (id INT)'), /denied/);
        await assert.rejects(u.connection.query('SELECT * FROM canary.students'), /denied/);
        await assert.rejects(u.connection.query('CREATE DATABASE other_db'), /denied/);
        const [dbs] = await u.connection.query('SHOW DATABASES');
        assert.deepEqual((dbs as Array<{ Database: string }>).map((r) => r.Database).sort(), ['information_schema', 'shop_db']);
      } finally {
        await u.close();
      }
      const [grants] = await s.connection.query("SHOW GRANTS FOR 'shop_app'@'%'");
      assert.deepEqual(
        (grants as Array<Record<string, string>>).map((r) => Object.values(r)[0].replace(/ IDENTIFIED BY PASSWORD '[^']+'/, '')),
        ["GRANT USAGE ON *.* TO `shop_app`@`%`", 'GRANT ALL PRIVILEGES ON `shop\\_db`.* TO `shop_app`@`%`'],
      );
    });

    it('is not silently changed when it exists; its password is reset only when asked', async () => {
      await createDatabase(s.connection, 'blog');
      const first = await createAppUser(s.connection, 'blog', 'blog_app');
      await assert.rejects(createAppUser(s.connection, 'blog', 'blog_app'), UserExistsError);
      await (await loginAs('blog_app', first.password)).close();
      const second = await createAppUser(s.connection, 'blog', 'blog_app', '%', { ifExists: 'resetPassword' });
      assert.equal(second.created, false);
      assert.notEqual(second.password, first.password);
      await assert.rejects(loginAs('blog_app', first.password), /refused the login/);
      await (await loginAs('blog_app', second.password)).close();
    });

    it('a reset that fails half way (the grant is refused) still hands over the new password first', async () => {
      await createDatabase(s.connection, 'halfway');
      const first = await createAppUser(s.connection, 'halfway', 'halfway_app');
      // May reset passwords (CREATE USER privilege) but may not grant anything on the database.
      const resetter = await createAppUser(s.connection, 'halfway', 'resetter');
      await s.connection.query("REVOKE ALL PRIVILEGES ON `halfway`.* FROM 'resetter'@'%'");
      await s.connection.query("GRANT CREATE USER ON *.* TO 'resetter'@'%'");
      const r = await loginAs('resetter', resetter.password);
      const stored: string[] = [];
      try {
        const err = await createAppUser(r.connection, 'halfway', 'halfway_app', '%', {
          ifExists: 'resetPassword',
          onPasswordReset: async (p) => {
            stored.push(p);
          },
        }).then(() => undefined, (e: Error) => e);
        assert.ok(err instanceof Error, 'the grant failed');
        assert.match(err.message, /Granting 'halfway_app'@'%' access to halfway failed: .*denied/);
      } finally {
        await r.close();
      }
      assert.equal(stored.length, 1, 'the new password was handed over before the grant');
      assert.notEqual(stored[0], first.password);
      // It is the password the server now holds; the old one is gone.
      await (await loginAs('halfway_app', stored[0])).close();
      await assert.rejects(loginAs('halfway_app', first.password), /refused the login/);
      // A refused reset changes nothing, and hands over nothing.
      const none: string[] = [];
      const weak = await loginAs('halfway_app', stored[0]);
      try {
        await assert.rejects(createAppUser(weak.connection, 'halfway', 'resetter', '%', { ifExists: 'resetPassword', onPasswordReset: async (p) => void none.push(p) }), /denied/);
      } finally {
        await weak.close();
      }
      assert.deepEqual(none, []);
    });

    it('refuses hostile user and host names before any SQL, and keeps passwords out of errors', async () => {
      const before = await s.connection.query("SELECT COUNT(*) AS n FROM mysql.user");
      for (const [user, host] of [["x'@'%' IDENTIFIED BY 'p'; DROP DATABASE canary; --", '%'], ['ok_user', "%' OR '1"], ['root', '%'], ['u'.repeat(33), '%']]) {
        await assert.rejects(createAppUser(s.connection, 'blog', user, host), (e: Error) => !/IDENTIFIED BY '[A-Za-z0-9._-]{32}'/.test(JSON.stringify(e)));
      }
      assert.deepEqual(await s.connection.query("SELECT COUNT(*) AS n FROM mysql.user").then((r) => r[0]), before[0]);
      assert.equal(await exists(s.connection, 'canary'), true);
      // A failure on the server: a user without the CREATE USER privilege tries. mysql2 puts the
      // SQL text (with the password) in err.sql; none of it may surface.
      const weak = await createAppUser(s.connection, 'blog', 'weak_user');
      const w = await loginAs('weak_user', weak.password);
      try {
        const err = await createAppUser(w.connection, 'blog', 'h_user').then(() => undefined, (e: Error) => e);
        assert.ok(err instanceof Error);
        assert.match(err.message, /Creating the user 'h_user'@'%' failed: .*denied/);
        const cause = (err as Error & { cause?: Error & { sql?: string } }).cause;
        assert.equal(cause?.sql, undefined);
        assert.doesNotMatch(`${JSON.stringify(err)} ${String(err)} ${String(cause)} ${JSON.stringify(cause)}`, /IDENTIFIED BY/);
      } finally {
        await w.close();
      }
    });
  });
});
