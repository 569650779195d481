import * as assert from 'node:assert/strict';
import { checkAppConfig, databaseToCheck, type AppConnection } from '../../../src/core/diagnose/appConfig';
import { parseGreeting } from '../../../src/core/diagnose/live';
import { formatReport } from '../../../src/core/diagnose/report';
import { detectConfig, effectiveConnections } from '../../../src/core/goconfig';

const RDS = 'shop.abc123xyz.eu-west-1.rds.amazonaws.com';

/** The connections goconfig finds in one config file, as the command hands them over. */
function connectionsOf(fileName: string, text: string): AppConnection[] {
  const d = detectConfig(fileName, text);
  assert.ok(d, `${fileName} is a config format`);
  return effectiveConnections(d).map((connection) => ({ fileName, connection }));
}

describe('diagnose: the app\'s config in the workspace', () => {
  it('passes when the detected config points at the DB\'s host, port and database', () => {
    const c = checkAppConfig(connectionsOf('.env', `DB_HOST=${RDS}\nDB_PORT=3306\nDB_NAME=shop\nDB_USER=app\n`), { host: RDS, port: 3306, database: 'shop' });
    assert.equal(c.status, 'pass', c.evidence.join('\n'));
    assert.match(c.evidence[0] ?? '', new RegExp(`host ${RDS.replace(/\./g, '\\.')}, port 3306, database shop`));
  });

  it('fails on a config that points at localhost, naming what differs, with "Point the config at RDS"', () => {
    const c = checkAppConfig(connectionsOf('.env', 'DB_HOST=localhost\nDB_PORT=3306\nDB_NAME=shop\n'), { host: RDS, port: 3306, database: 'shop' });
    assert.equal(c.status, 'fail');
    assert.deepEqual(c.fix, { kind: 'pointConfig', fileName: '.env' });
    assert.match(c.evidence.at(-1) ?? '', /differs in: host\.$/);
    const text = formatReport({ instanceId: 'i-1', dbId: 'shop', checks: [c], status: 'fail' }, { markdown: false });
    assert.match(text, /Fix: Point the config at RDS \(the quick-fix in \.env\)/);
  });

  it('fails on the right host with another port or database', () => {
    const c = checkAppConfig(connectionsOf('.env', `DB_HOST=${RDS}\nDB_PORT=3307\nDB_NAME=legacy\n`), { host: RDS, port: 3306, database: 'shop' });
    assert.equal(c.status, 'fail');
    assert.match(c.evidence.at(-1) ?? '', /differs in: port, database\./);
  });

  it('takes the driver\'s default port 3306 and ignores the database when the DB\'s is not known', () => {
    const c = checkAppConfig(connectionsOf('.env', `DB_HOST=${RDS.toUpperCase()}\nDB_NAME=anything\n`), { host: RDS, port: 3306 });
    assert.equal(c.status, 'pass', c.evidence.join('\n'));
  });

  it('is unknown, with the reason, when no config was found', () => {
    assert.equal(checkAppConfig([], { host: RDS, port: 3306 }).status, 'unknown');
    const c = checkAppConfig(undefined, { host: RDS, port: 3306 }, 'No folder is open.');
    assert.deepEqual([c.status, c.evidence], ['unknown', ['No folder is open.']]);
  });
});

describe('diagnose: which database the existence check asks about', () => {
  const two = [...connectionsOf('.env', 'DB_HOST=localhost\nDB_NAME=local_shop\n'), ...connectionsOf('prod.env', `DB_HOST=${RDS}\nDB_PORT=3306\nDB_NAME=shop\n`)];
  it('the workspace target\'s name first, then the config on this DB, then one created through RDS Link, then the first named; each says where it comes from', () => {
    const name = (...a: Parameters<typeof databaseToCheck>) => databaseToCheck(...a)?.name;
    assert.equal(name(two, { host: RDS, port: 3306, database: 'orders' }), 'orders');
    assert.match(databaseToCheck(two, { host: RDS, port: 3306, database: 'orders' })?.why ?? '', /workspace's target/);
    assert.equal(name(two, { host: RDS, port: 3306 }), 'shop', 'the config that points at the DB');
    assert.match(databaseToCheck(two, { host: RDS, port: 3306 })?.why ?? '', /the one prod\.env gives for this DB/);
    assert.equal(name(two, { host: 'other.rds.amazonaws.com', port: 3306 }), 'local_shop', 'the first named when none points at it');
    assert.match(databaseToCheck(two, { host: 'other.rds.amazonaws.com', port: 3306 })?.why ?? '', /first the app's config gives \(\.env\), though it points at another server/);
    assert.equal(databaseToCheck(connectionsOf('.env', `DB_HOST=${RDS}\n`), { host: RDS, port: 3306 }), undefined);
    assert.equal(databaseToCheck(undefined, { host: RDS, port: 3306 }), undefined);
  });

  it('a database created on the DB through RDS Link: the one made through this pair\'s instance first, newest first, ahead of a config that points elsewhere', () => {
    const created = [
      { name: 'reports', instanceId: 'i-other', at: '2026-12-02T07:00:00.000Z' },
      { name: 'goapp', instanceId: 'i-web', at: '2026-12-01T10:00:00.000Z' },
    ];
    const elsewhere = connectionsOf('.env', 'DB_HOST=localhost\nDB_NAME=goapp_dev\n');
    const viaWeb = databaseToCheck(elsewhere, { host: RDS, port: 3306 }, created, 'i-web');
    assert.equal(viaWeb?.name, 'goapp');
    assert.equal(viaWeb?.why, 'The name goapp is the database created on this DB through RDS Link (2026-12-01, through i-web); neither the workspace\'s target nor the app\'s config names one for it.');
    assert.equal(databaseToCheck(undefined, { host: RDS, port: 3306 }, created, 'i-api')?.name, 'reports', 'another instance: the newest');
    assert.equal(databaseToCheck(two, { host: RDS, port: 3306 }, created, 'i-web')?.name, 'shop', 'the config on this DB still comes first');
    assert.equal(databaseToCheck(undefined, { host: RDS, port: 3306, database: 'orders' }, created, 'i-web')?.name, 'orders');
  });
});

describe('diagnose: the MySQL greeting packet', () => {
  const packet = (payload: number[] | Buffer): Buffer => Buffer.from(payload);
  it('reads protocol 10 and the version, without MariaDB\'s "5.5.5-" prefix', () => {
    assert.deepEqual(parseGreeting(packet(Buffer.concat([Buffer.from([10]), Buffer.from('8.0.35\0'), Buffer.alloc(20)]))), { protocolVersion: 10, serverVersion: '8.0.35' });
    assert.equal(parseGreeting(Buffer.concat([Buffer.from([10]), Buffer.from('5.5.5-10.11.6-MariaDB\0')])).serverVersion, '10.11.6-MariaDB');
  });
  it('turns an error packet into a refusal with its code and message', () => {
    const err = Buffer.concat([Buffer.from([0xff, 0x6a, 0x04]), Buffer.from("Host '10.0.1.4' is not allowed to connect")]);
    assert.throws(() => parseGreeting(err), (e: Error & { code?: number }) => e.name === 'MysqlRefusal' && e.code === 1130 && /not allowed/.test(e.message));
  });
});

describe('diagnose: the report\'s "not checked yet" line', () => {
  it('names only what the diagnosis did not look at', async () => {
    const { liveUnknown } = await import('../../../src/core/diagnose/live');
    const app = checkAppConfig([], { host: RDS, port: 3306 });
    const checks = [...liveUnknown('no route'), app];
    const text = formatReport({ instanceId: 'i-1', dbId: 'shop', checks, status: 'unknown' }, { markdown: false });
    const last = text.trim().split('\n').at(-1) ?? '';
    assert.doesNotMatch(last, /live checks|app's config/);
    assert.match(last, /^Not checked yet: whether the app's database exists on the server \(SHOW DATABASES\); VPC Reachability Analyzer/);
    const staticOnly = formatReport({ instanceId: 'i-1', dbId: 'shop', checks: [], status: 'pass' }, { markdown: false });
    assert.match(staticOnly, /Not checked yet: the live checks .*; the app's config in the workspace; /);
    const exists = { id: 'dbExists' as const, title: 'exists', status: 'pass' as const, evidence: [] };
    const withExists = formatReport({ instanceId: 'i-1', dbId: 'shop', checks: [...checks, exists], status: 'unknown' }, { markdown: false });
    assert.match(withExists.trim().split('\n').at(-1) ?? '', /^Not checked yet: VPC Reachability Analyzer/);
  });
});
