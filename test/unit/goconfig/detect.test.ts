import * as assert from 'node:assert/strict';
import {
  ConfigParseError,
  DetectionCache,
  applyEdits,
  configFormatOf,
  detectConfig,
  isOnTarget,
  patchConfigText,
  planPatch,
  settingsInRange,
  settingsOffTarget,
  type DbTarget,
  type Detection,
} from '../../../src/core/goconfig';
import { readYaml } from '../../../src/core/goconfig/readers/yaml';

const target: DbTarget = { host: 'shop.c1.eu-west-1.rds.amazonaws.com', port: 3306, user: 'app', password: 'pw', database: 'shop' };

function detect(fileName: string, text: string): Detection {
  const d = detectConfig(fileName, text);
  assert.ok(d, `${fileName} is not a config format`);
  return d;
}

function summary(d: Detection): string[] {
  return d.settings.map((s) => `${s.role} ${s.key}=${s.value}`);
}

describe('goconfig detection', () => {
  it('tells formats from file names', () => {
    const cases: [string, string | undefined][] = [
      ['.env', 'env'], ['/repo/.env.local', 'env'], ['prod.env', 'env'], ['.envrc', undefined],
      ['docker-compose.yml', 'compose'], ['docker-compose.prod.yaml', 'compose'], ['compose.yaml', 'compose'],
      ['config/app.yaml', 'yaml'], ['settings.yml', 'yaml'], ['config.json', 'json'], ['config.toml', 'toml'],
      ['conf/app.conf', 'ini'], ['my.ini', 'ini'], ['C:\\src\\main.go', 'go'], ['db_test.go', undefined], ['README.md', undefined],
    ];
    for (const [name, format] of cases) assert.equal(configFormatOf(name), format, name);
    assert.equal(detectConfig('README.md', 'DB_HOST=x'), undefined);
  });

  it('reports each setting with its exact span, token span and quoting', () => {
    const text = 'database:\n  host: "localhost"\n  port: 3306\n  password: \'it\'\'s\'\n';
    const d = detect('config.yaml', text);
    assert.deepEqual(summary(d), ['host database.host=localhost', 'port database.port=3306', "password database.password=it's"]);
    const [host, port, password] = d.settings;
    assert.equal(text.slice(host.span.start, host.span.end), 'localhost');
    assert.equal(text.slice(host.tokenSpan.start, host.tokenSpan.end), '"localhost"');
    assert.equal(host.quoting, 'double');
    assert.equal(port.quoting, 'none');
    assert.equal(text.slice(password.span.start, password.span.end), "it''s");
    assert.equal(password.quoting, 'single');
  });

  it('reads a key the same way whatever its value starts with: merged last words count, odd characters do not', () => {
    const d = detect('.env', 'DB_CONNECTION_STRING=root:pw@tcp(h:3306)/app\nDB_USER_ID=bob\n');
    assert.deepEqual(summary(d), ['dsn DB_CONNECTION_STRING=root:pw@tcp(h:3306)/app', 'user DB_USER_ID=bob']);
    const ini = detect('app.ini', '[db]\ndbname# = $x\nname# = shop\nhost = h\n');
    assert.deepEqual(summary(ini), ['host db.host=h']);
  });

  it('matches by section, never by leaf alone: redis, smtp, postgres and server hosts are left alone', () => {
    const d = detect('config.yaml', [
      'server:', '  host: 0.0.0.0', 'redis:', '  host: localhost', '  password: x', 'smtp:', '  host: mail', '  password: y',
      'postgres:', '  host: pg', 'cache:', '  db:', '    host: c', 'mysql:', '  host: localhost', '',
    ].join('\n'));
    assert.deepEqual(summary(d), ['host mysql.host=localhost']);
    assert.deepEqual(d.ignored.map((i) => `${i.key}:${i.reason}`), [
      'cache.db.host:otherService',
    ]);
  });

  it('reads flat keys by their words: DB_HOST, MySQLHost, mysqlhost, database_url', () => {
    const d = detect('.env', 'DB_HOST=a\nMySQLPort=3306\nmysqluser=u\nDATABASE_URL=mysql://u:p@h/db\nREDIS_HOST=r\nDB_TABLE_NAME=t\nHOST=x\n');
    assert.deepEqual(summary(d), ['host DB_HOST=a', 'port MySQLPort=3306', 'user mysqluser=u', 'url DATABASE_URL=mysql://u:p@h/db']);
  });

  it('skips a section whose driver is not MySQL', () => {
    const d = detect('.env', 'DB_CONNECTION=pgsql\nDB_HOST=localhost\nMYSQL_HOST=m\n');
    assert.deepEqual(summary(d), ['host MYSQL_HOST=m']);
    assert.deepEqual(d.ignored.map((i) => i.reason), ['notMysql']);
  });

  it('leaves comments, commented-out DSNs and templates alone', () => {
    const env = detect('.env', '# DB_HOST=old\n#DSN=root:x@tcp(h:3306)/db\nDSN=${DB_USER}:${DB_PASS}@tcp(${DB_HOST})/app\n');
    assert.deepEqual(summary(env), []);
    assert.deepEqual(env.ignored.map((i) => i.reason), ['template']);
    const go = detect('main.go', 'package main\n// "root:x@tcp(h:3306)/db"\n/* "root:y@tcp(h:3306)/db" */\nvar f = "%s:%s@tcp(%s)/%s"\n');
    assert.deepEqual(summary(go), []);
  });

  it('tells host from host:port by the value, for host and addr keys', () => {
    const d = detect('config.yaml', 'mysql:\n  addr: db:3306\n  host: localhost:3307\ndatabase:\n  address: db\n');
    assert.deepEqual(summary(d), ['hostPort mysql.addr=db:3306', 'hostPort mysql.host=localhost:3307', 'host database.address=db']);
  });

  it('knows placeholder defaults, and only the default is the value', () => {
    const text = 'db:\n  host: ${DB_HOST:localhost}\n  user: ${DB_USER||root}\n  password: ${DB_PASSWORD:-}\n  name: ${DB_NAME}\n';
    const d = detect('config.yml', text);
    assert.deepEqual(d.settings.map((s) => [s.role, s.value, s.placeholder?.syntax, s.placeholder?.variable]), [
      ['host', 'localhost', 'colon', 'DB_HOST'],
      ['user', 'root', 'beego', 'DB_USER'],
      ['password', '', 'compose', 'DB_PASSWORD'],
    ]);
    assert.equal(text.slice(d.settings[0].span.start, d.settings[0].span.end), 'localhost');
    assert.deepEqual(d.ignored.map((i) => `${i.key}:${i.reason}`), ['db.name:template']);
  });

  it('finds a DB setting under an app section when its placeholder names a DB variable', () => {
    const d = detect('config.yml', 'app:\n  host: ${DB_HOST:localhost}\n  listen: ${PORT:8080}\n');
    assert.deepEqual(summary(d), ['host app.host=localhost']);
  });

  it('reads compose app services and leaves the database service bootstrap alone', () => {
    const d = detect('docker-compose.yml', [
      'services:', '  web:', '    build: .', '    environment:', '      DB_HOST: db', '      DB_PASSWORD: "pa$$word"',
      '  db:', '    build: ./mysql', '    environment:', '      - MYSQL_ROOT_PASSWORD=root', '      - MYSQL_DATABASE=shop', '',
    ].join('\n'));
    assert.deepEqual(summary(d), ['host services.web.environment.DB_HOST=db', 'password services.web.environment.DB_PASSWORD=pa$word']);
    assert.deepEqual(d.ignored.map((i) => i.reason), ['bootstrap', 'bootstrap']);
  });

  it('reads Go defaults: getenv helpers, os.Getenv with an if, cmp.Or, flags, viper and struct tags', () => {
    const src = [
      'package main',
      'type MySQLConfig struct {',
      '\tHost string `envconfig:"HOST" default:"127.0.0.1"`',
      '}',
      'func main() {',
      '\tp := os.Getenv("DB_PASSWORD")',
      '\tif p == "" {',
      '\t\tp = "secret"',
      '\t}',
      '\tflag.StringVar(&user, "db-user", "root", "user")',
      '\tdb := cmp.Or(os.Getenv("DB_NAME"), "shop")',
      '\tviper.SetDefault("redis.host", "localhost")',
      '\tport := getEnvAsInt("DB_PORT", 3306)',
      '}',
      '',
    ].join('\n');
    const d = detect('main.go', src);
    assert.deepEqual(d.settings.map((s) => [s.role, s.value, s.placeholder?.variable]), [
      ['host', '127.0.0.1', 'HOST'],
      ['password', 'secret', 'DB_PASSWORD'],
      ['user', 'root', '-db-user'],
      ['database', 'shop', 'DB_NAME'],
      ['port', '3306', 'DB_PORT'],
    ]);
    assert.equal(d.settings[4].quoting, 'none');
  });

  it('refuses files that do not parse, with the reason and the place', () => {
    const bad: [string, string][] = [
      ['.env', 'DB_HOST="localhost\n'],
      ['.env', 'DB_HOST=x\nthis is not a line\n'],
      ['config.yaml', 'a: [1, 2\n'],
      ['config.json', '{"a": }'],
      ['config.toml', '[database\nhost = 1\n'],
      ['config.toml', 'a = 1\na = 2\n'],
      ['app.ini', '[mysql\nhost = x\n'],
      ['main.go', 'package main\nvar s = "unterminated\n'],
    ];
    for (const [name, text] of bad) {
      const d = detect(name, text);
      assert.ok(d.failure, `${name}: ${JSON.stringify(text)} should not parse`);
      assert.deepEqual(d.settings, []);
      const plan = planPatch(d, target);
      assert.equal(plan.ok, false);
      if (!plan.ok) {
        assert.ok(plan.error instanceof ConfigParseError);
        assert.equal(plan.error.failure.line, d.failure.line);
        assert.ok(plan.error.message.includes(`line ${d.failure.line}`), plan.error.message);
      }
      assert.throws(() => patchConfigText(name, text, target), ConfigParseError);
    }
  });

  it('refuses JSON nested 100,000 levels deep with a reason, not a stack overflow', () => {
    const n = 100_000;
    for (const [name, text] of [
      ['config.json', `{"database": ${'['.repeat(n)}${']'.repeat(n)}}`],
      // Not strict JSON (a comment): the other reader.
      ['config.json', `// deep\n${'{"a":'.repeat(n)}1${'}'.repeat(n)}`],
    ]) {
      const d = detect(name, text);
      assert.ok(d.failure, 'refused');
      assert.match(d.failure.reason, /nested more than 512 levels deep/);
      assert.equal(d.failure.line, name === 'config.json' && text.startsWith('//') ? 2 : 1);
      assert.deepEqual(d.settings, []);
    }
    // Brackets inside strings do not count; 512 levels still read.
    const fine = detect('config.json', `{"database": {"host": "${'['.repeat(2000)}"}, "x": ${'['.repeat(511)}${']'.repeat(511)}}`);
    assert.equal(fine.failure, undefined);
  });

  it('reads block YAML with the fast scanner and hands anything else to the library', () => {
    assert.equal(readYaml('a:\n  b: 1\n  c: [1, 2]\n').via, 'library');
    assert.equal(readYaml('a:\n  b: 1\n  c:\n    - 1\n').via, 'fast');
    assert.equal(readYaml('a: &x 1\nb: *x\n').via, 'library');
    assert.equal(readYaml('a: 1\na: 2\n').via, 'library');
    assert.ok(readYaml('a: 1\na: 2\n').failure, 'duplicate keys are an error');
  });
});

describe('goconfig patch planning', () => {
  it('leaves passwords alone when the target has none', () => {
    const { password: _unused, ...noPassword } = target;
    const out = patchConfigText('.env', 'DB_HOST=h\nDB_PASSWORD=keep\nDSN=u:keep2@tcp(h:3306)/d\n', noPassword);
    assert.equal(out?.text, `DB_HOST=${target.host}\nDB_PASSWORD=keep\nDSN=app:keep2@tcp(${target.host}:3306)/shop\n`);
  });

  it('patches only the groups asked for', () => {
    const text = 'dev:\n  db:\n    host: a\nprod:\n  db:\n    host: b\n';
    const d = detect('c.yaml', text);
    assert.deepEqual(d.groups.map((g) => g.id), ['dev.db', 'prod.db']);
    const plan = planPatch(d, target, { groups: ['prod.db'], addMissing: false });
    assert.ok(plan.ok);
    assert.equal(applyEdits(text, plan.edits), `dev:\n  db:\n    host: a\nprod:\n  db:\n    host: ${target.host}\n`);
    assert.deepEqual(plan.missing.map((m) => m.role), ['user', 'password', 'database']);
  });

  it('adds missing keys named like their siblings', () => {
    const env = patchConfigText('.env', 'APP_DB_HOST=h\nAPP_DB_USER=u\n', target);
    assert.equal(env?.text, `APP_DB_HOST=${target.host}\nAPP_DB_USER=app\nAPP_DB_PASSWORD=pw\nAPP_DB_NAME=shop\n`);
    const camel = patchConfigText('c.yaml', 'mysql:\n  dbHost: h\n  dbUser: u\n  dbName: d\n', target);
    assert.equal(camel?.text, `mysql:\n  dbHost: ${target.host}\n  dbUser: app\n  dbName: shop\n  dbPassword: pw\n`);
  });

  it('says what is missing when there is no obvious place for it', () => {
    const plan = planPatch(detect('c.yaml', 'database: {host: h, user: u}\n'), target);
    assert.ok(plan.ok);
    assert.deepEqual(plan.missing.map((m) => m.role), ['password', 'database']);
    assert.deepEqual(plan.warnings.map((w) => w.code), ['missingKey', 'missingKey']);
  });

  it('warns that a set env var still wins over a changed default', () => {
    const plan = planPatch(detect('.env', 'DB_HOST=${DB_HOST_OVERRIDE:-localhost}\n'), target);
    assert.ok(plan.ok);
    assert.equal(plan.warnings[0].code, 'defaultOnly');
    assert.match(plan.warnings[0].message, /DB_HOST_OVERRIDE/);
  });

  it('does not write what the place cannot hold, and says so', () => {
    const plan = planPatch(detect('c.yaml', 'db:\n  password: ${DB_PASSWORD:old}\n'), { ...target, password: 'a}b' });
    assert.ok(plan.ok);
    assert.deepEqual(plan.edits, []);
    assert.deepEqual(plan.warnings.filter((w) => w.code !== 'missingKey').map((w) => w.code), ['cannotWrite']);
  });

  it('requotes a value whose quoting cannot hold the new one, escaping for the new quotes', () => {
    const t2 = { ...target, password: `it's "x" #1` };
    assert.equal(patchConfigText('.env', 'DB_PASSWORD=old\n', t2)?.text, 'DB_PASSWORD="it\'s \\"x\\" #1"\n');
    assert.equal(patchConfigText('c.yaml', 'db:\n  password: old\n', t2)?.text, 'db:\n  password: "it\'s \\"x\\" #1"\n');
    assert.equal(patchConfigText('c.toml', "[db]\npassword = 'old'\n", t2)?.text, '[db]\npassword = "it\'s \\"x\\" #1"\n');
    assert.equal(patchConfigText('c.yaml', 'db:\n  password: old\n', { ...target, password: '000123' })?.text, 'db:\n  password: "000123"\n');
  });

  it('writes into an empty value', () => {
    assert.equal(
      patchConfigText('c.yaml', 'db:\n  host: h\n  password:\n  user:   # none yet\n  name: shop\n', target)?.text,
      `db:\n  host: ${target.host}\n  password: pw\n  user: app   # none yet\n  name: shop\n`,
    );
    assert.equal(
      patchConfigText('.env', 'DB_HOST=h\nDB_PASSWORD=\nDB_USER= # none\nDB_NAME=shop\n', target)?.text,
      `DB_HOST=${target.host}\nDB_PASSWORD=pw\nDB_USER=app # none\nDB_NAME=shop\n`,
    );
  });

  it('tells which settings point elsewhere than the target', () => {
    const d = detect('.env', `DB_HOST=${target.host.toUpperCase()}\nDB_PORT=3306\nDB_USER=root\nDB_NAME=shop\n`);
    assert.deepEqual(settingsOffTarget(d, target).map((s) => s.key), ['DB_USER']);
    assert.equal(isOnTarget(d.settings[0], target), true);
  });

  it('reports nothing found for a file without MySQL settings', () => {
    const plan = planPatch(detect('.env', 'REDIS_HOST=x\n'), target);
    assert.ok(plan.ok);
    assert.deepEqual(plan.warnings.map((w) => w.code), ['nothingFound']);
  });
});

describe('goconfig edits, cache and range lookup', () => {
  it('applies edits by original offsets and refuses overlaps', () => {
    assert.equal(applyEdits('abcdef', [{ offset: 4, length: 1, newText: 'E' }, { offset: 0, length: 2, newText: 'AB' }]), 'ABcdEf');
    assert.equal(applyEdits('ab', [{ offset: 1, length: 0, newText: 'x' }, { offset: 1, length: 0, newText: 'y' }]), 'axyb');
    assert.throws(() => applyEdits('abc', [{ offset: 0, length: 2, newText: '' }, { offset: 1, length: 1, newText: '' }]), RangeError);
    assert.throws(() => applyEdits('abc', [{ offset: 2, length: 5, newText: '' }]), RangeError);
  });

  it('finds the settings at a cursor or in a range', () => {
    const text = 'DB_HOST=localhost\nAPP=x\nDB_USER=root\nDB_NAME=shop\n';
    const d = detect('.env', text);
    const at = (o: number): string[] => settingsInRange(d, o, o).map((s) => s.key);
    assert.deepEqual(at(text.indexOf('localhost') + 2), ['DB_HOST']);
    assert.deepEqual(at(text.indexOf('localhost') + 9), ['DB_HOST']);
    assert.deepEqual(at(text.indexOf('APP')), []);
    assert.deepEqual(settingsInRange(d, 0, text.length).map((s) => s.key), ['DB_HOST', 'DB_USER', 'DB_NAME']);
    assert.deepEqual(settingsInRange(d, text.indexOf('APP'), text.indexOf('shop')).map((s) => s.key), ['DB_USER', 'DB_NAME']);
  });

  it('caches a detection per document version and forgets the oldest', () => {
    const cache = new DetectionCache(2);
    let reads = 0;
    const text = (): string => {
      reads++;
      return 'DB_HOST=h\n';
    };
    const a1 = cache.get('file:///a/.env', 1, '/a/.env', text);
    const a2 = cache.get('file:///a/.env', 1, '/a/.env', text);
    assert.equal(a1, a2);
    assert.equal(reads, 1);
    cache.get('file:///a/.env', 2, '/a/.env', text);
    assert.equal(reads, 2);
    cache.get('file:///b/.env', 1, '/b/.env', text);
    cache.get('file:///c/.env', 1, '/c/.env', text);
    assert.equal(cache.size, 2);
    cache.get('file:///a/.env', 2, '/a/.env', text);
    assert.equal(reads, 5, 'a was the oldest and was dropped');
    assert.equal(cache.get('file:///x/README.md', 1, '/x/README.md', text), undefined);
    cache.delete('file:///b/.env');
    cache.clear();
    assert.equal(cache.size, 0);
  });
});
