/** The verdict after a patch: "points at RDS" only when the patched text, read again, says so. */
import * as assert from 'node:assert/strict';
import { blockOf, detectConfig, environmentBlocks, patchConfigText, selectedEnvironment, type DbTarget } from '../../../src/core/goconfig';

const target: DbTarget = { host: 'shop.c1.eu-west-1.rds.amazonaws.com', port: 3306, user: 'app', password: 'p}w', database: 'shop' };

describe('goconfig verdict after a patch', () => {
  it('a password that cannot be written into a placeholder default leaves the result partial, naming the key', () => {
    const r = patchConfigText('config.yaml', 'database:\n  host: localhost\n  user: root\n  password: ${DB_PASS:dev}\n  name: app\n', target)!;
    assert.equal(r.verdict.kind, 'partial');
    if (r.verdict.kind !== 'partial') return;
    assert.deepEqual(r.verdict.elsewhere.map((e) => [e.key, e.why]), [['database.password', 'value']]);
    assert.match(r.verdict.message, /database\.password: the new value cannot be written there/);
    // The password itself never reaches the message.
    assert.doesNotMatch(r.verdict.message, /p\}w/);
  });

  it('judges only the block that was patched', () => {
    const text = 'development:\n  database:\n    host: localhost\n    user: root\n    name: dev\nproduction:\n  database:\n    host: old.internal\n    user: shop\n    name: shop\n';
    const prod = detectConfig('config.yml', text)!.groups.find((g) => g.label === 'production.database')!;
    const r = patchConfigText('config.yml', text, { ...target, password: undefined }, { groups: [prod.id] })!;
    assert.equal(r.verdict.kind, 'onTarget');
    if (r.verdict.kind === 'onTarget') assert.deepEqual(r.verdict.connections.map((c) => c.label), ['production.database']);
    assert.match(r.text, /development:\n {2}database:\n {4}host: localhost/);
  });

  it('a Sprintf whose host is a parameter is partial: the host comes from the caller', () => {
    const go = 'package db\n\nfunc dsn(host string) string {\n\treturn fmt.Sprintf("root:pw@tcp(%s:3306)/%s", host, "dev")\n}\n';
    const r = patchConfigText('db.go', go, { ...target, password: 'pw' })!;
    assert.equal(r.verdict.kind, 'partial');
    if (r.verdict.kind === 'partial') {
      assert.deepEqual(r.verdict.elsewhere.map((e) => [e.role, e.why]), [['host', 'outside']]);
      assert.match(r.verdict.message, /^db\.go points at shop\.c1\.eu-west-1\.rds\.amazonaws\.com only in part: host \(fmt\.Sprintf DSN \(host\)\) comes from outside/);
    }
  });

  it('a file with nothing to patch says which key was left alone and why, in one sentence', () => {
    const r = patchConfigText('config.yaml', 'redis:\n  host: localhost\n  password: x\ndatabase:\n  driver: postgres\n  host: pg\n', target)!;
    assert.equal(r.verdict.kind, 'nothing');
    assert.equal(r.verdict.kind === 'nothing' && r.verdict.message, "database.host was left alone: the driver set beside it is not MySQL.");
    assert.deepEqual(r.plan.warnings.map((w) => w.message), ["database.host was left alone: the driver set beside it is not MySQL."]);
  });

  it('an already pointed file is on target, with no edits', () => {
    const text = `DB_HOST=${target.host}\nDB_USER=app\nDB_PASSWORD=pw\nDB_NAME=shop\n`;
    const r = patchConfigText('.env', text, { ...target, password: 'pw' })!;
    assert.deepEqual(r.plan.edits, []);
    assert.equal(r.verdict.kind, 'onTarget');
  });
});

describe('goconfig multi-environment blocks', () => {
  const text = [
    'base: &base', '  host: 127.0.0.1', '  username: root', 'database:', '  development:', '    <<: *base', '    dbname: dev',
    '  staging:', '    <<: *base', '    host: staging.internal', '    dbname: stage', '  production:', '    <<: *base', '    host: prod.internal', '    dbname: shop', '',
  ].join('\n');

  it('offers production first, and a run mode in the file wins over the name', () => {
    const d = detectConfig('config.yaml', text)!;
    assert.deepEqual(environmentBlocks(d, text).map((b) => [b.name, b.preferred]), [['production', true], ['development', false], ['staging', false]]);
    const beego = '[dev]\nmysqlurls = 127.0.0.1:3306\nmysqldb = dev\n[prod]\nmysqlurls = db:3306\nmysqldb = shop\n';
    assert.deepEqual(environmentBlocks(detectConfig('app.conf', `runmode = dev\n${beego}`)!, `runmode = dev\n${beego}`).map((b) => b.name), ['dev', 'prod']);
    assert.deepEqual(environmentBlocks(detectConfig('app.conf', beego)!, beego).map((b) => b.name), ['prod', 'dev']);
    // The environment the app's env var selects comes first.
    const selected = selectedEnvironment('PORT=8080\nexport APP_ENV="staging"\n');
    assert.equal(selected, 'staging');
    assert.deepEqual(environmentBlocks(d, text, selected).map((b) => [b.name, b.preferred]), [['staging', true], ['development', false], ['production', false]]);
  });

  it('a setting belongs to its own block, and a patch of that block touches nothing else', () => {
    const d = detectConfig('config.yaml', text)!;
    const blocks = environmentBlocks(d, text);
    const stagingHost = d.settings.find((s) => s.key === 'database.staging.host')!;
    const block = blockOf(blocks, stagingHost.group)!;
    assert.equal(block.name, 'staging');
    const r = patchConfigText('config.yaml', text, { ...target, password: undefined }, { groups: block.groups })!;
    assert.deepEqual(r.plan.changes.map((c) => c.setting.key), ['database.staging.host', 'database.staging.dbname']);
  });

  it('never edits an anchor that several blocks merge, even when every block is patched', () => {
    const r = patchConfigText('config.yaml', text, { ...target, password: undefined })!;
    assert.ok(r.text.startsWith('base: &base\n  host: 127.0.0.1\n  username: root\n'), r.text);
  });
});
