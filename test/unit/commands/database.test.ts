// The database commands' handlers with a scripted person, fake connections and a fake server
// side (createDatabase/createAppUser): what they ask, what they run and store, that Escape runs
// nothing, and the automation arguments' errors.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as db from '../../../src/core/db/index';
import type { RdsDatabase } from '../../../src/core/aws/types';
import type { AppUser } from '../../../src/core/db/index';
import type { Deps } from '../../../src/commands/deps';
import { createSchema } from '../../../src/commands/database/createSchema';
import { forgetPassword } from '../../../src/commands/database/forgetPassword';
import { openMysqlShell } from '../../../src/commands/database/openMysqlShell';
import { isCancellation } from '../../../src/core/errors';
import { createdDatabasesOf } from '../../../src/state/createdDatabases';
import { endpointPasswordKey } from '../../../src/state/passwords';
import { fakeDeps, type FakeDeps } from '../support/fakeDeps';
import { escape, pick, pickMany, press, type, TestUserInput, type Answer } from '../support/testUserInput';

const shop: RdsDatabase = {
  region: 'us-east-1', kind: 'instance', id: 'shop-db', engine: 'mysql', status: 'available',
  endpoint: { address: 'shop-db.abc.us-east-1.rds.amazonaws.com', port: 3306 },
  publiclyAccessible: false, securityGroupIds: [], masterUsername: 'admin', iamAuthEnabled: false,
};
const appKey = (user: string): string => endpointPasswordKey({ host: shop.endpoint!.address, port: 3306, user });

/** What the fake server side saw. */
interface Server {
  readonly calls: string[];
  /** Users that exist already on the server. */
  readonly existing: Set<string>;
}

function serverCore(server: Server): Deps['core'] {
  const fake = {
    ...db,
    createDatabase: async (_c: unknown, name: string) => {
      server.calls.push(`CREATE DATABASE ${name}`);
      return { created: true, collation: 'utf8mb4_0900_ai_ci' };
    },
    createAppUser: async (_c: unknown, database: string, user: string, host: string, o: db.CreateAppUserOptions): Promise<AppUser> => {
      server.calls.push(`user ${user} on ${database} (${o.ifExists})`);
      if (server.existing.has(user) && o.ifExists === 'fail') throw new db.UserExistsError(user, host);
      const password = `pw-of-${user}`;
      if (server.existing.has(user)) await o.onPasswordReset?.(password);
      return { user, host, database, password, created: !server.existing.has(user) };
    },
    runMigrations: async (_c: unknown, database: string, files: readonly db.MigrationFile[], o: db.RunMigrationsOptions) => {
      server.calls.push(`migrate ${database} as ${o.as?.user ?? 'master'}: ${files.map((f) => f.path).join(', ')}`);
      return { applied: files.map((f) => f.path), skipped: [], statements: files.length };
    },
  };
  return { aws: fakeDeps().core.aws, db: () => fake as unknown as typeof db, goconfig: fakeDeps().core.goconfig, deploy: fakeDeps().core.deploy };
}

function schemaDeps(answers: readonly Answer[], existing: readonly string[] = [], folder = '/nonexistent/my-shop'): { deps: FakeDeps; ui: TestUserInput; server: Server } {
  const ui = new TestUserInput(answers);
  const server: Server = { calls: [], existing: new Set(existing) };
  const connections = {
    setting: () => ({}),
    connect: async () => {
      server.calls.push('connect');
      return { connection: {}, credentials: { user: 'admin' }, route: { kind: 'sshTunnel', instance: { id: 'i-web' } }, close: async () => void server.calls.push('close') };
    },
  } as unknown as Deps['connections'];
  const workspace = { firstFolder: () => ({ name: 'my-shop', path: folder }) } as unknown as Deps['workspace'];
  const sql = { show: async (id: string) => void server.calls.push(`preview ${id}`) };
  const documents = { sql, diagnosis: undefined } as unknown as Deps['documents'];
  const deps = fakeDeps({ ui, store: { databases: [shop] }, connections, workspace, documents, core: serverCore(server) });
  return { deps, ui, server };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('commands: createSchema (prompts → run → offer)', () => {
  it('asks the name, the extras and the user name, runs as the master login, stores the app password and offers the workspace', async () => {
    const { deps, ui, server } = schemaDeps([pick('shop-db'), type('shop'), pickMany('Create an app user'), type('shop_app'), press('Use in This Workspace')]);
    const outcome = await createSchema(deps);
    assert.deepEqual(outcome, { database: 'shop', created: true, collation: 'utf8mb4_0900_ai_ci', appUser: 'shop_app', migrations: undefined });
    assert.deepEqual(server.calls, ['connect', 'CREATE DATABASE shop', 'user shop_app on shop (fail)', 'close']);
    assert.deepEqual(ui.shown.filter((s) => s.kind !== 'progress').map((s) => `${s.kind}: ${s.text}`), [
      'pick: Select an RDS database',
      'input: Create a database on shop-db',
      'pickMany: Also, on shop-db:',
      'input: App user name',
      'info: Created shop on shop-db (utf8mb4_0900_ai_ci). User shop_app can use it.',
    ]);
    assert.equal(deps.secrets.values.get(appKey('shop_app')), 'pw-of-shop_app');
    await tick();
    assert.deepEqual(deps.targets.current, { host: shop.endpoint!.address, port: 3306, user: 'shop_app', database: 'shop', label: 'shop-db', region: 'us-east-1' });
    ui.assertDone();
    // Remembered for a diagnosis of the pair (the link names no database), with the instance the session went through.
    const created = createdDatabasesOf(deps.globalState, shop);
    assert.deepEqual(created.map((c) => [c.name, c.instanceId]), [['shop', 'i-web']]);
    assert.match(created[0].at, /^\d{4}-\d\d-\d\dT/);
  });

  it('shows the project\'s schema SQL and asks before it runs, as the app user; Escape at that question runs nothing', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'rdslink-schema-'));
    try {
      fs.writeFileSync(path.join(folder, 'schema.sql'), 'CREATE TABLE items (id INT PRIMARY KEY);\n');
      const answers = [pick('shop-db'), type('shop'), pickMany('Create an app user', /schema SQL/), type('shop_app')];
      const refused = schemaDeps([...answers, escape], [], folder);
      await assert.rejects(createSchema(refused.deps), (e: unknown) => isCancellation(e));
      assert.deepEqual(refused.server.calls, ['preview shop-db-shop-migrations'], 'shown, not run');
      const { deps, ui, server } = schemaDeps([...answers, press('Run')], [], folder);
      const outcome = await createSchema(deps);
      assert.deepEqual(outcome.migrations?.applied, ['schema.sql']);
      assert.deepEqual(server.calls, ['preview shop-db-shop-migrations', 'connect', 'CREATE DATABASE shop', 'user shop_app on shop (fail)', 'migrate shop as shop_app: schema.sql', 'close']);
      const question = ui.shown.find((x) => x.modal);
      assert.equal(question?.text, 'Run 1 SQL files on shop-db.shop, in this order?');
      assert.match(ui.shown.at(-1)?.text ?? '', /1 migration files applied\./);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('Escape at the name, the extras or the user name runs nothing', async () => {
    for (const answers of [[pick('shop-db'), escape], [pick('shop-db'), type('shop'), escape], [pick('shop-db'), type('shop'), pickMany('Create an app user'), escape]]) {
      const { deps, server } = schemaDeps(answers);
      await assert.rejects(createSchema(deps), (e: unknown) => isCancellation(e));
      assert.deepEqual(server.calls, [], 'nothing connected');
      assert.equal(deps.targets.current, undefined);
    }
  });

  it('an app user that exists keeps its password when the person says Keep It', async () => {
    const { deps, ui, server } = schemaDeps([pick('shop-db'), type('shop'), pickMany('Create an app user'), type('shop_app'), press('Keep It')], ['shop_app']);
    const outcome = await createSchema(deps);
    assert.equal(outcome.appUser, undefined);
    assert.deepEqual(server.calls, ['connect', 'CREATE DATABASE shop', 'user shop_app on shop (fail)', 'close']);
    assert.equal(ui.shown.find((s) => s.kind === 'warning')?.modal, true);
    assert.equal(deps.secrets.values.size, 0);
  });

  it('from automation asks nothing, resets an existing user only when told, and uses the DB in the workspace when told', async () => {
    const { deps, ui, server } = schemaDeps([], ['shop_app']);
    const outcome = await createSchema(deps, { region: 'us-east-1', database: { kind: 'instance', id: 'shop-db' }, name: 'shop', appUser: 'shop_app', resetAppUserPassword: true, useInWorkspace: true });
    assert.equal(outcome.appUser, 'shop_app');
    assert.deepEqual(server.calls, ['connect', 'CREATE DATABASE shop', 'user shop_app on shop (fail)', 'user shop_app on shop (resetPassword)', 'close']);
    assert.equal(deps.secrets.values.get(appKey('shop_app')), 'pw-of-shop_app', 'stored by onPasswordReset');
    assert.equal(deps.targets.current?.user, 'shop_app');
    assert.deepEqual(ui.shown.map((s) => s.kind), ['progress', 'progress'], 'loading and the run: no prompt, no message');
  });

  it('from automation refuses a bad name or a bad DB reference before connecting', async () => {
    const { deps, server } = schemaDeps([]);
    await assert.rejects(createSchema(deps, { region: 'us-east-1', database: { kind: 'instance', id: 'shop-db' }, name: 'no spaces' }), /letters, digits|name/i);
    await assert.rejects(createSchema(deps, { region: 'us-east-1', database: { kind: 'table', id: 'shop-db' }, name: 'shop' }), /database\.kind/);
    await assert.rejects(createSchema(deps, { region: 'us-east-1', database: { kind: 'instance', id: 'shop-db' }, name: 'shop', useInWorkspace: 'yes' }), /useInWorkspace/);
    assert.deepEqual(server.calls, []);
  });
});

describe('commands: openMysqlShell and forgetPassword', () => {
  it('openMysqlShell without a mysql client says so and opens no forward', async () => {
    const forwarded: string[] = [];
    const connections = { forward: async () => void forwarded.push('forward') } as unknown as Deps['connections'];
    const core = { ...fakeDeps().core, db: () => ({ ...db, findMysqlClient: async () => undefined }) as unknown as typeof db };
    const ui = new TestUserInput([pick('shop-db')]);
    const deps = fakeDeps({ ui, store: { databases: [shop] }, connections, core });
    await assert.rejects(openMysqlShell(deps), (e: unknown) => e instanceof Error && e.message === db.mysqlClientMissingMessage());
    assert.deepEqual(forwarded, []);
    assert.deepEqual(ui.terminals, []);
  });

  it('forgetPassword forgets the named user\'s password (route source and endpoint key); Escape forgets nothing', async () => {
    const forgotten: string[] = [];
    const connections = { setting: () => ({ user: 'shop_app' }), forgetPassword: async (d: RdsDatabase, user: string) => void forgotten.push(`${d.id}/${user}`) } as unknown as Deps['connections'];
    const ui = new TestUserInput([pick('shop-db'), type('shop_app'), pick('shop-db'), escape]);
    const deps = fakeDeps({ ui, store: { databases: [shop] }, connections });
    await deps.passwords.store(appKey('shop_app'), 'x');
    await deps.passwords.store(appKey('admin'), 'y');
    await forgetPassword(deps);
    assert.deepEqual(forgotten, ['shop-db/shop_app']);
    assert.deepEqual([...deps.secrets.values.keys()], [appKey('admin')]);
    assert.match(ui.shown.at(-1)?.text ?? '', /Forgot the stored password of shop_app on shop-db/);
    await assert.rejects(forgetPassword(deps), (e: unknown) => isCancellation(e));
    assert.deepEqual(forgotten, ['shop-db/shop_app']);
  });
});
