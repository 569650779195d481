// The diagnosis's "does the app's database exist on the server" check (core/diagnose/schema)
// over a real session to a real MariaDB: found, missing (with "Create Database (Schema)…"), a
// login that cannot tell, and a query that fails.
import * as assert from 'node:assert/strict';
import { DbCredentials } from '../../../src/core/db/credentials';
import { openConnection, type DbSession } from '../../../src/core/db/connection';
import type { Route } from '../../../src/core/db/routes';
import { checkDatabaseExists } from '../../../src/core/diagnose/schema';
import { formatReport } from '../../../src/core/diagnose/report';
import { startMariaDb, type MariaDbServer } from '../support';

describe('diagnose: the app\'s database exists on the server (real MariaDB)', function () {
  let db: MariaDbServer;
  let root: DbSession;
  let route: Route;

  before(async () => {
    db = await startMariaDb();
    route = { kind: 'localPort', host: db.host, port: db.port, tls: { mode: 'off' } };
    root = await openConnection(route, new DbCredentials('root', db.password, 'given'));
    await root.connection.query('CREATE DATABASE diag_shop');
    await root.connection.query('CREATE DATABASE diag_other');
    await root.connection.query("CREATE USER 'diag_app'@'%' IDENTIFIED BY 'diag-app-pw'");
    await root.connection.query("GRANT ALL ON diag_other.* TO 'diag_app'@'%'");
  });
  after(async () => {
    await root?.close();
    await db?.stop();
  });

  it('passes for a database on the server, naming the login that asked', async () => {
    const c = await checkDatabaseExists(root.connection, 'diag_shop', 'root, storedPassword');
    assert.equal(c.status, 'pass', c.evidence.join(' '));
    assert.deepEqual(c.evidence, ['Database "diag_shop" exists on the server (asked as root, storedPassword).']);
  });

  it('fails for a missing one (another case is another name) with "Create Database (Schema)…" as the fix', async () => {
    for (const name of ['diag_missing', 'DIAG_SHOP', "x' OR '1'='1"]) {
      const c = await checkDatabaseExists(root.connection, name, 'root, managedSecret');
      assert.equal(c.status, 'fail', `${name}: ${c.evidence.join(' ')}`);
      assert.deepEqual(c.fix, { kind: 'createSchema', name });
    }
    const c = await checkDatabaseExists(root.connection, 'diag_missing', 'root, managedSecret');
    const text = formatReport({ instanceId: 'i-1', dbId: 'appdb', checks: [c], status: 'fail' }, { markdown: false });
    assert.match(text, /Fix: Create the database \(the RDS Link command "Create Database \(Schema\)…" with the name diag_missing\)/);
    assert.doesNotMatch(text, /SHOW DATABASES/, 'the report no longer lists it as not checked');
  });

  it('is unknown for a login without SHOW DATABASES that sees no such database, and passes for one it has rights on', async () => {
    const app = await openConnection(route, new DbCredentials('diag_app', 'diag-app-pw', 'given'));
    try {
      const hidden = await checkDatabaseExists(app.connection, 'diag_shop', 'diag_app, storedPassword');
      assert.equal(hidden.status, 'unknown', hidden.evidence.join(' '));
      assert.match(hidden.evidence[0] ?? '', /lacks the SHOW DATABASES privilege/);
      assert.equal(hidden.fix, undefined);
      assert.equal((await checkDatabaseExists(app.connection, 'diag_other', 'diag_app, storedPassword')).status, 'pass');
    } finally {
      await app.close();
    }
  });

  it('is unknown with the server\'s error when the query fails', async () => {
    const gone = await openConnection(route, new DbCredentials('root', db.password, 'given'));
    await gone.close();
    const c = await checkDatabaseExists(gone.connection, 'diag_shop', 'root, storedPassword');
    assert.equal(c.status, 'unknown');
    assert.match(c.evidence[0] ?? '', /^The query for database "diag_shop" failed \(root, storedPassword\): .+/);
  });
});
