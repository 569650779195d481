/**
 * Which keys are MySQL connection settings. A key is matched by its path, never by its leaf
 * alone: `host` is a DB host under `database:` or in `DB_HOST`, and nothing at all under `redis:`
 * or in `SMTP_HOST`. Keys are split into lowercase words (`MySQLHost`, `mysql_host`, `mysqlhost`
 * all become `mysql host`) and read from the end: the last word(s) say what it is, the words
 * before and the enclosing sections say whose it is.
 */

/** What the leaf of a key names. `addr` is host or host:port depending on the value; `conn` is a DSN or URL. */
export type LeafKind = 'host' | 'addr' | 'port' | 'user' | 'password' | 'database' | 'conn';

/** Words that make a key or section a database one. */
const CONTEXT = new Set([
  'db', 'dbs', 'database', 'databases', 'mysql', 'mariadb', 'rds', 'sql', 'gorm', 'xorm', 'datasource', 'datasources', 'aurora',
]);

/** Words of other services whose host/port/password look like ours. */
const OTHER = new Set([
  'redis', 'postgres', 'postgresql', 'pg', 'pgsql', 'psql', 'mongo', 'mongodb', 'smtp', 'mail', 'email', 'mailer', 'imap', 'pop3',
  'cache', 'memcache', 'memcached', 'elastic', 'elasticsearch', 'es', 'opensearch', 'kafka', 'rabbit', 'rabbitmq', 'amqp', 'mq',
  'nats', 'clickhouse', 'influx', 'influxdb', 'sqlite', 'sqlite3', 'mssql', 'sqlserver', 'oracle', 'etcd', 'consul', 'jaeger',
  'zipkin', 'sentry', 's3', 'minio', 'ldap', 'ssh', 'sftp', 'ftp', 'tunnel', 'bastion', 'proxy', 'jwt', 'oauth', 'nginx', 'pma',
  'phpmyadmin', 'adminer', 'cassandra', 'neo4j', 'dynamo', 'dynamodb', 'cockroach', 'cockroachdb', 'couchbase', 'couchdb', 'queue',
  'broker', 'smtps', 'statsd', 'prometheus', 'grafana', 'vault', 'kibana',
]);

/**
 * Words of sections that hold a database setting the running app does not connect with: a code
 * generator's `gen.dbname`, `migrate.dsn`, `test.host`, `backup.user`.
 */
const ASIDE = new Set([
  'gen', 'generator', 'codegen', 'gentool', 'migrate', 'migrator', 'migration', 'migrations', 'test', 'tests', 'testing', 'backup', 'backups',
  'dump', 'seed', 'seeder', 'fixture', 'fixtures',
]);

/** Words of the DB server's own bootstrap (`MYSQL_ROOT_PASSWORD`, `MYSQL_ALLOW_EMPTY_PASSWORD`). */
const BOOTSTRAP = new Set(['root', 'allow', 'empty', 'random', 'onetime', 'initdb']);

const LEAVES: Record<string, LeafKind> = {
  host: 'host', hostname: 'host', server: 'host', servername: 'host',
  addr: 'addr', address: 'addr', endpoint: 'addr', urls: 'addr', hosts: 'addr', hostport: 'addr',
  port: 'port',
  user: 'user', username: 'user', usr: 'user', login: 'user', uid: 'user', userid: 'user',
  password: 'password', pass: 'password', passwd: 'password', pwd: 'password', pw: 'password',
  name: 'database', dbname: 'database', database: 'database', db: 'database', schema: 'database',
  databasename: 'database', schemaname: 'database',
  dsn: 'conn', datasource: 'conn', datasourcename: 'conn', source: 'conn', connection: 'conn', conn: 'conn',
  connstr: 'conn', connstring: 'conn', connectionstring: 'conn', url: 'conn', uri: 'conn', connectionurl: 'conn',
  connectionuri: 'conn', link: 'conn', tns: 'conn',
};

/** Leaves that are a database setting without any other word (`DSN`, `dbname`). */
const IMPLIES_DB = new Set(['dbname', 'databasename', 'dsn', 'datasource', 'datasourcename']);

/** Keys naming the driver of a section: `driver: postgres` makes the section's host not ours. */
const DRIVER = new Set(['driver', 'dialect', 'adapter', 'engine', 'type', 'dbtype', 'drivername', 'connection']);

const MERGE: Record<string, string> = {
  'my sql': 'mysql', 'maria db': 'mariadb', 'data base': 'database', 'data source': 'datasource', 'user name': 'username',
  'host name': 'hostname', 'pass word': 'password', 'postgre sql': 'postgresql', 'db name': 'dbname', 'conn str': 'connstr',
  'data source name': 'datasourcename', 'datasource name': 'datasourcename', 'database name': 'databasename', 'schema name': 'schemaname',
  'connection string': 'connectionstring', 'conn string': 'connstring', 'server name': 'servername', 'user id': 'userid',
  'host port': 'hostport', 'connection url': 'connectionurl', 'connection uri': 'connectionuri',
};

const PREFIXES = [...CONTEXT, ...OTHER, ...BOOTSTRAP, ...ASIDE].sort((a, b) => b.length - a.length);

/**
 * Every word we know, as one pattern: a key whose lowercase text contains none of them cannot
 * have a known word, so most keys of a big file are dismissed by one regex test.
 */
const ANY_WORD = new RegExp([...Object.keys(LEAVES), ...CONTEXT, ...OTHER, ...BOOTSTRAP, ...ASIDE, ...DRIVER].sort((a, b) => b.length - a.length).join('|'), 'i');

/**
 * A setting's key ends with its leaf (or a driver word, or the last word of a merged pair such as
 * `connection string`), maybe followed by separators: most keys of a big file fail this at once.
 * It must accept every key that `computeKeyInfo` gives a leaf, or a value's first character would
 * decide whether its key is read (a `$` value takes the slow path).
 */
const LAST_WORDS = [...Object.keys(LEAVES), ...DRIVER, ...Object.keys(MERGE).map((m) => m.slice(m.lastIndexOf(' ') + 1))];
const ENDS_WITH_LEAF = new RegExp(`(?:${[...new Set(LAST_WORDS)].sort((a, b) => b.length - a.length).join('|')})[_.\\- ]*$`, 'i');

/**
 * Characters a key may hold and still be a name some loader maps to a setting. go-ini and beego
 * read `dbname# = x` as the key `dbname#` (a `#` starts a comment only at the start of a line), and
 * no struct tag or `Get("dbname")` reads that key: it is no setting of ours, in every pass.
 */
const NAME_CHARS = /^[A-Za-z0-9_.\- ]*$/;

const NOTHING: KeyInfo = { tokens: [], leaf: undefined, prefix: [], db: false, other: false, bootstrap: false, aside: false, driver: false, section: false };

function known(w: string): boolean {
  return w in LEAVES || CONTEXT.has(w) || OTHER.has(w) || BOOTSTRAP.has(w) || ASIDE.has(w) || DRIVER.has(w);
}

/** `mysqlhost` → `mysql host`; `dbpassword` → `db password`; unknown words stay whole. */
function splitCompound(w: string, depth = 0): string[] {
  if (known(w) || depth > 3 || w.length < 3 || !ANY_WORD.test(w)) return [w];
  for (const p of PREFIXES) {
    if (w.length > p.length && w.startsWith(p)) {
      const rest = splitCompound(w.slice(p.length), depth + 1);
      if (rest.every(known)) return [p, ...rest];
    }
  }
  return [w];
}

export function tokenize(key: string): string[] {
  const raw = (key.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) ?? []).map((w) => w.toLowerCase());
  const merged: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const three = `${raw[i]} ${raw[i + 1]} ${raw[i + 2]}`;
    const two = `${raw[i]} ${raw[i + 1]}`;
    if (i + 2 < raw.length && MERGE[three]) {
      merged.push(MERGE[three]);
      i += 2;
    } else if (i + 1 < raw.length && MERGE[two]) {
      merged.push(MERGE[two]);
      i++;
    } else merged.push(raw[i]);
  }
  return merged.flatMap((w) => splitCompound(w));
}

export interface KeyInfo {
  readonly tokens: readonly string[];
  /** What the last word(s) name, if a connection setting. */
  readonly leaf?: LeafKind;
  /** The words before the leaf (`db` in `DB_HOST`), used to group flat keys and name added ones. */
  readonly prefix: readonly string[];
  /** A DB word in the key itself (or a leaf like `dsn` that is one by itself). */
  readonly db: boolean;
  readonly other: boolean;
  readonly bootstrap: boolean;
  /** A word of a section the running app does not connect with (`gen`, `migrate`, `test`, `backup`). */
  readonly aside: boolean;
  /** The key names a driver/dialect (`DB_DRIVER`, `database.type`). */
  readonly driver: boolean;
  /** As a section name (`database:`, `mysql_master:`): any DB word at all. */
  readonly section: boolean;
}

const cache = new Map<string, KeyInfo>();

export function keyInfo(key: string): KeyInfo {
  let info = cache.get(key);
  if (!info) {
    // Keys without any known word are most keys of a big file: not worth a cache slot.
    if (!ANY_WORD.test(key) || !NAME_CHARS.test(key)) return NOTHING;
    info = computeKeyInfo(key);
    if (cache.size > 20000) cache.clear();
    cache.set(key, info);
  }
  return info;
}

/**
 * keyInfo for a key holding a value: only its leaf, DB words and driver-ness matter, and a key
 * that does not end with a leaf word has none (so it is not tokenized at all).
 */
export function leafInfo(key: string): KeyInfo {
  return ENDS_WITH_LEAF.test(key) ? keyInfo(key) : NOTHING;
}

function computeKeyInfo(key: string): KeyInfo {
  const tokens = tokenize(key);
  const other = tokens.some((w) => OTHER.has(w));
  const bootstrap = tokens.some((w) => BOOTSTRAP.has(w));
  const aside = tokens.some((w) => ASIDE.has(w));
  const last = tokens[tokens.length - 1];
  const driver = last !== undefined && DRIVER.has(last) && tokens.length <= 3;
  let leaf: LeafKind | undefined;
  let prefix: readonly string[] = tokens;
  if (last !== undefined) {
    leaf = LEAVES[last];
    prefix = tokens.slice(0, -1);
  }
  // `name` names the database only right after a DB word (`DB_NAME`, `database.name`), not in `DB_TABLE_NAME`.
  if (leaf === 'database' && last === 'name' && prefix.length > 0 && !CONTEXT.has(prefix[prefix.length - 1])) leaf = undefined;
  const db = prefix.some((w) => CONTEXT.has(w)) || (last !== undefined && IMPLIES_DB.has(last));
  return { tokens, leaf, prefix: leaf || driver ? prefix : tokens, db, other, bootstrap, aside, driver, section: tokens.some((w) => CONTEXT.has(w)) };
}

/** Values that name a driver: under a `database`/`db` key (`DB=sqlite3`) they say which database, not its name. */
const DRIVER_VALUES = /^(mysql|mariadb|tidb|aurora|postgres|postgresql|pgsql|pg|sqlite|sqlite3|mssql|sqlserver|oracle|clickhouse|mongodb|mongo|cockroachdb)$/i;

export function isDriverValue(value: string): boolean {
  return DRIVER_VALUES.test(value.trim());
}

/** True for driver values that are MySQL (or unknown placeholders); false for postgres, sqlite... */
export function isMysqlDriver(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === '' || v.includes('${') || v.startsWith('$')) return true;
  return /mysql|maria|aurora/.test(v);
}
