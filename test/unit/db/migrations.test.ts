import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describePlan, discoverMigrations, parseGooseUp, planMigrations, planSqlText } from '../../../src/core/db/migrations';

const fixtures = path.resolve(__dirname, '../../../../test/fixtures/db');

describe('db migrations: discovery and order', () => {
  it('orders golang-migrate files by numeric version (10 after 2) and never runs .down.sql', async () => {
    const plan = await discoverMigrations(path.join(fixtures, 'migrate-app'));
    assert.deepEqual(
      plan.files.map((f) => [f.path, f.kind, f.version]),
      [
        ['migrations/1_create_users.up.sql', 'golang-migrate', 1n],
        ['migrations/2_create_posts.up.sql', 'golang-migrate', 2n],
        ['migrations/10_add_post_body.up.sql', 'golang-migrate', 10n],
      ],
    );
    assert.deepEqual(plan.warnings, []);
    assert.deepEqual(plan.files[1].statements.map((s) => s.line), [2, 8]);
    assert.deepEqual(plan.files[2].statements.map((s) => s.line), [1, 3]);
    assert.match(plan.files[2].statements[1].sql, /'Hello; world', 'It''s "quoted"; \\'really\\''\)$/);
  });

  it('reads only the Up section of goose files, a StatementBegin/End block as one statement', async () => {
    const plan = await discoverMigrations(path.join(fixtures, 'goose-app'));
    assert.deepEqual(
      plan.files.map((f) => f.path),
      ['db/migrations/20240101090000_create_accounts.sql', 'db/migrations/20240102090000_account_touch.sql', 'db/migrations/20240103090000_seed.sql'],
    );
    assert.ok(plan.files.every((f) => f.kind === 'goose'));
    const [accounts, touch, seed] = plan.files;
    assert.deepEqual(accounts.statements.map((s) => s.line), [2, 6]);
    assert.ok(accounts.statements.every((s) => !/DROP/.test(s.sql)));
    assert.equal(touch.statements.length, 2);
    assert.equal(touch.statements[1].line, 5);
    assert.match(touch.statements[1].sql, /^CREATE TRIGGER accounts_touch[\s\S]*SET NEW\.touched = OLD\.touched \+ 1;\nEND$/);
    assert.deepEqual(seed.statements.map((s) => s.sql), ["UPDATE accounts SET name = 'root account' WHERE name = 'system'"]);
    assert.deepEqual(plan.warnings, ['db/migrations/notes.sql is skipped: its name does not start with a version number.']);
  });

  it('puts schema.sql first, then golang-migrate, then goose, and warns about what looks wrong', async () => {
    const plan = await discoverMigrations(path.join(fixtures, 'mixed-app'));
    assert.deepEqual(
      plan.files.map((f) => f.path),
      ['schema.sql', 'migrations/0002_dup.up.sql', 'migrations/0002_two.up.sql', 'db/migrations/1_goose.sql'],
    );
    const w = plan.warnings.join('\n');
    assert.match(w, /migrations\/init\.up\.sql is skipped: its name does not start with a version number/);
    assert.match(w, /0002_dup\.up\.sql and migrations\/0002_two\.up\.sql have the same golang-migrate version 2/);
    assert.match(w, /Both schema\.sql and migrations are present/);
  });

  it('takes a list of paths and a reader (no file system), ignoring everything else', async () => {
    const files: Record<string, string> = {
      'schema.sql': 'CREATE TABLE a (id INT);',
      'internal/schema.sql': 'nope',
      'migrations/sub/1_x.up.sql': 'nope',
      'migrations/3_c.up.sql': 'SELECT 3;',
      'migrations\\20_t.up.sql': 'SELECT 20;',
      './migrations/100_z.up.sql': 'SELECT 100;',
      'migrations/3_c.down.sql': 'nope',
    };
    const read = (p: string) => files[p] ?? files[p.replace('/', '\\')] ?? files[`./${p}`];
    const plan = await planMigrations(Object.keys(files), read);
    assert.deepEqual(plan.files.map((f) => f.path), ['schema.sql', 'migrations/3_c.up.sql', 'migrations/20_t.up.sql', 'migrations/100_z.up.sql']);
  });

  it('orders by the number, not the text, even beyond 2^53 (timestamps with nanoseconds)', async () => {
    const paths = ['migrations/90071992547409930_b.up.sql', 'migrations/90071992547409920_a.up.sql', 'migrations/9_small.up.sql'];
    const plan = await planMigrations(paths, () => 'SELECT 1;');
    assert.deepEqual(plan.files.map((f) => f.path), [paths[2], paths[1], paths[0]]);
  });

  it('lists the plan one file per line for the confirmation', async () => {
    const plan = await discoverMigrations(path.join(fixtures, 'migrate-app'));
    assert.deepEqual(describePlan(plan), [
      '1. migrations/1_create_users.up.sql (golang-migrate 1, 1 statements)',
      '2. migrations/2_create_posts.up.sql (golang-migrate 2, 2 statements)',
      '3. migrations/10_add_post_body.up.sql (golang-migrate 10, 2 statements)',
    ]);
  });

  it('finds nothing in a folder without SQL', async () => {
    const plan = await discoverMigrations(path.join(fixtures, 'does-not-exist'));
    assert.deepEqual(plan, { files: [], warnings: [] });
  });
});

describe('db migrations: goose sections', () => {
  it('accepts annotations in any case and spacing', () => {
    const s = parseGooseUp('--+goose up\nSELECT 1;\n--   +goose   DOWN\nSELECT 2;');
    assert.deepEqual(s.statements, [{ sql: 'SELECT 1', line: 2 }]);
  });

  it('refuses a file without an Up section', () => {
    assert.throws(() => parseGooseUp('-- +goose Down\nDROP TABLE x;', 'x.sql'), /x\.sql has no "-- \+goose Up"/);
  });

  it('warns about ENVSUB and an unclosed StatementBegin', () => {
    const s = parseGooseUp('-- +goose ENVSUB ON\n-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose Down\n', 'e.sql');
    assert.match(s.warnings.join('\n'), /e\.sql:1: goose ENVSUB/);
    assert.match(s.warnings.join('\n'), /e\.sql:4: StatementBegin without StatementEnd/);
  });

  it('splits the statements outside blocks like any SQL (quotes respected)', () => {
    const s = parseGooseUp("-- +goose Up\nINSERT INTO t VALUES ('a;b'); INSERT INTO t VALUES ('c');\n");
    assert.deepEqual(s.statements.map((x) => x.sql), ["INSERT INTO t VALUES ('a;b')", "INSERT INTO t VALUES ('c')"]);
  });
});

describe('db migrations: what is read from disk, and shown before it runs', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-mig-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('does not follow a symbolic link out of the project folder, and says what it skipped', async () => {
    const project = path.join(tmp, 'project');
    const elsewhere = path.join(tmp, 'elsewhere');
    fs.mkdirSync(path.join(project, 'migrations'), { recursive: true });
    fs.mkdirSync(path.join(elsewhere, 'migs'), { recursive: true });
    fs.writeFileSync(path.join(elsewhere, 'evil.sql'), 'DROP DATABASE important;\n');
    fs.writeFileSync(path.join(elsewhere, 'migs', '1_x.up.sql'), 'DROP TABLE users;\n');
    fs.writeFileSync(path.join(project, 'migrations', '1_init.up.sql'), 'CREATE TABLE a (id INT);\n');
    fs.writeFileSync(path.join(project, 'shared.sql'), 'CREATE TABLE b (id INT);\n');
    fs.symlinkSync(path.join(elsewhere, 'evil.sql'), path.join(project, 'schema.sql'));
    fs.symlinkSync(path.join(elsewhere, 'evil.sql'), path.join(project, 'migrations', '2_evil.up.sql'));
    // A link that stays inside the project is followed.
    fs.symlinkSync('../shared.sql', path.join(project, 'migrations', '3_shared.up.sql'));
    const plan = await discoverMigrations(project);
    assert.deepEqual(plan.files.map((f) => f.path), ['migrations/1_init.up.sql', 'migrations/3_shared.up.sql']);
    assert.deepEqual(plan.warnings, [
      'schema.sql is skipped: it is a link to a file outside the project folder.',
      'migrations/2_evil.up.sql is skipped: it is a link to a file outside the project folder.',
    ]);
    assert.ok(plan.files.every((f) => f.statements.every((st) => !/DROP/.test(st.sql))));

    // The migrations folder itself a link to elsewhere: nothing in it is read.
    const other = path.join(tmp, 'other');
    fs.mkdirSync(other);
    fs.symlinkSync(path.join(elsewhere, 'migs'), path.join(other, 'migrations'));
    const linked = await discoverMigrations(other);
    assert.deepEqual(linked.files, []);
    assert.deepEqual(linked.warnings, ['migrations/1_x.up.sql is skipped: it is a link to a file outside the project folder.']);
  });

  it('writes the SQL that will run as one read-only text, file after file in run order', async () => {
    const plan = await discoverMigrations(path.join(fixtures, 'goose-app'));
    const text = planSqlText(plan, 'shop');
    assert.match(text, /^-- RDS Link runs these 3 files in shop, in this order, statement by statement\.\n/);
    const headers = [...text.matchAll(/^-- (\d\/3) (\S+) \(goose (\d+), (\d+) statements\)$/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(headers, plan.files.map((f, i) => [`${i + 1}/3`, f.path]));
    // Each statement as it will be sent, the file and line it comes from above it.
    for (const f of plan.files) {
      for (const st of f.statements) assert.ok(text.includes(`-- ${f.path}:${st.line}\n${st.sql}`), `${f.path}:${st.line}`);
    }
    // Only the Up sections: a Down statement is not in the preview, because it never runs.
    assert.doesNotMatch(text, /DROP TABLE/i);
    assert.ok(text.indexOf(plan.files[0].path) < text.indexOf(plan.files[1].path));
  });
});

