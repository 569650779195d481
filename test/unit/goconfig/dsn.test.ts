import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  formatGoDsn,
  formatMysqlUrl,
  joinHostPort,
  parseConnectionString,
  parseGoDsn,
  parseMysqlUrl,
  percentEncode,
  splitHostPort,
} from '../../../src/core/goconfig';
import { dsnReplacements } from '../../../src/core/goconfig/dsn';

const target = { host: 'db.abc.eu-west-1.rds.amazonaws.com', port: 3306, user: 'app', password: 'n3w/p@ss', database: 'shop' };

function patched(dsn: string, t: typeof target | Omit<typeof target, 'password'> = target): string {
  const p = parseConnectionString(dsn);
  assert.ok(p, `not a DSN: ${dsn}`);
  let out = '';
  let pos = 0;
  for (const r of dsnReplacements(p, dsn, t).sort((a, b) => a.start - b.start)) {
    out += dsn.slice(pos, r.start) + r.text;
    pos = r.end;
  }
  return out + dsn.slice(pos);
}

describe("goconfig DSN: GoFrame's type-prefixed link", () => {
  it('reads mysql:user:pass@tcp(...)/db and keeps the type when rewriting', () => {
    const link = 'mysql:root:12345678@tcp(127.0.0.1:3306)/test?loc=Local';
    const p = parseConnectionString(link);
    assert.deepEqual(p && { ...p.info }, { form: 'go', user: 'root', password: '12345678', net: 'tcp', host: '127.0.0.1', port: 3306, database: 'test', params: 'loc=Local', linkType: 'mysql' });
    assert.equal(patched(link), `mysql:app:n3w/p@ss@tcp(${target.host}:3306)/shop?loc=Local`);
  });

  it('a link of another database is not ours, and one colon is a plain DSN whose user is mysql', () => {
    assert.equal(parseConnectionString('pgsql:u:p@tcp(127.0.0.1:5432)/db'), undefined);
    assert.equal(parseConnectionString('sqlite::@file(/data/app.db)'), undefined);
    assert.equal(parseConnectionString('mysql:secret@tcp(h)/db')?.info.user, 'mysql');
  });
});

describe('goconfig DSN: templates to fill', () => {
  it('reads placeholder words as a template, and a single odd word as no DSN', () => {
    assert.deepEqual(parseConnectionString('user:password@tcp(host:port)/dbname?x=1')?.info.placeholders, ['user', 'password', 'host', 'port', 'database']);
    assert.deepEqual(parseConnectionString('mysql://user:password@host:port/dbname')?.info.placeholders, ['user', 'password', 'host', 'port', 'database']);
    assert.equal(parseConnectionString('root:pw@tcp(localhost:port)/app'), undefined);
    assert.equal(parseConnectionString('root:pw@tcp(localhost:3306)/app')?.info.placeholders, undefined);
  });
});

describe('goconfig DSN: go-sql-driver form', () => {
  it('parses every part of a full DSN', () => {
    const p = parseGoDsn('root:secret@tcp(127.0.0.1:3307)/shop?parseTime=true&loc=Local');
    assert.deepEqual(p?.info, {
      form: 'go', user: 'root', password: 'secret', net: 'tcp', host: '127.0.0.1', port: 3307, database: 'shop', params: 'parseTime=true&loc=Local',
    });
  });

  it('takes the last "/" and then the last "@" before it, so a raw password may hold "@", "/" and ":"', () => {
    const p = parseGoDsn('shop:p@ss/w:rd@tcp(db:3306)/shop');
    assert.equal(p?.info.user, 'shop');
    assert.equal(p?.info.password, 'p@ss/w:rd');
    assert.equal(p?.info.host, 'db');
    assert.equal(p?.info.database, 'shop');
  });

  it('reads DSNs without password, credentials, network or address', () => {
    assert.deepEqual(
      [parseGoDsn('root@tcp(localhost)/app')?.info.password, parseGoDsn('root@tcp(localhost)/app')?.info.port],
      [undefined, 3306],
    );
    assert.equal(parseGoDsn('/app')?.info.user, undefined);
    assert.equal(parseGoDsn('user@/app')?.info.host, undefined);
    const unix = parseGoDsn('root@unix(/var/run/mysqld/mysqld.sock)/app');
    assert.equal(unix?.info.net, 'unix');
    assert.equal(unix?.info.host, undefined);
  });

  it('reads IPv6 addresses and path-unescapes the database name', () => {
    const p = parseGoDsn('u:p@tcp([::1]:3306)/my%20db');
    assert.equal(p?.info.host, '::1');
    assert.equal(p?.info.port, 3306);
    assert.equal(p?.info.database, 'my db');
  });

  it('rejects what is not a DSN', () => {
    assert.equal(parseGoDsn('localhost'), undefined);
    assert.equal(parseGoDsn('host=localhost user=root dbname=x'), undefined);
    assert.equal(parseGoDsn('postgres://u:p@h/db'), undefined);
    assert.equal(parseGoDsn('/path/to/file.db'), undefined);
    assert.equal(parseGoDsn('u:p@tcp(h:3306/db'), undefined);
  });

  it('in strict mode (Go string literals) wants the shape of a DSN', () => {
    assert.equal(parseGoDsn('a/b', true), undefined);
    assert.equal(parseGoDsn('text/html', true), undefined);
    assert.ok(parseGoDsn('u@tcp(h)/d', true));
    assert.ok(parseGoDsn('u:p@/d', true));
  });

  it('formats with the password raw and the database escaped', () => {
    assert.equal(formatGoDsn({ user: 'u', password: 'p@ss/w:rd', net: 'tcp', addr: 'h:3306', database: 'shop', params: 'parseTime=true' }), 'u:p@ss/w:rd@tcp(h:3306)/shop?parseTime=true');
    assert.equal(formatGoDsn({ database: 'a/b' }), '/a%2Fb');
  });

  it('round-trips any password through format and parse', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 24 }), fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/), (password, user) => {
        const dsn = formatGoDsn({ user, password, net: 'tcp', addr: 'h:3306', database: 'shop', params: 'parseTime=true' });
        if (/[\r\n]/.test(password)) return; // a line break ends a config value: no DSN holds one
        const p = parseGoDsn(dsn);
        assert.equal(p?.info.password, password);
        assert.equal(p?.info.user, user);
        assert.equal(p?.info.params, 'parseTime=true');
      }),
      { numRuns: 200 },
    );
  });

  it('patches parts and keeps params, network options and what is already right', () => {
    assert.equal(
      patched('root:secret@tcp(127.0.0.1:3306)/dev?charset=utf8mb4&parseTime=True&loc=Local'),
      'app:n3w/p@ss@tcp(db.abc.eu-west-1.rds.amazonaws.com:3306)/shop?charset=utf8mb4&parseTime=True&loc=Local',
    );
    assert.equal(patched('root@tcp(localhost)/dev'), 'app:n3w/p@ss@tcp(db.abc.eu-west-1.rds.amazonaws.com)/shop');
    assert.equal(patched('/dev'), 'app:n3w/p@ss@tcp(db.abc.eu-west-1.rds.amazonaws.com)/shop');
    assert.equal(patched('root:x@unix(/tmp/mysql.sock)/dev?tls=true'), 'app:n3w/p@ss@tcp(db.abc.eu-west-1.rds.amazonaws.com)/shop?tls=true');
    assert.equal(patched('root:x@tcp(localhost:3306)/dev', { ...target, port: 3307 }), 'app:n3w/p@ss@tcp(db.abc.eu-west-1.rds.amazonaws.com:3307)/shop');
    const { password: _unused, ...noPassword } = target;
    assert.equal(patched('root:keep@tcp(localhost:3306)/dev', noPassword), 'app:keep@tcp(db.abc.eu-west-1.rds.amazonaws.com:3306)/shop');
  });
});

describe('goconfig DSN: mysql:// URL form', () => {
  it('percent-decodes user and password and defaults the port', () => {
    const p = parseMysqlUrl('mysql://ro%40t:p%2Fw%3A%40@localhost/shop?tls=true');
    assert.deepEqual(p?.info, { form: 'url', user: 'ro@t', password: 'p/w:@', host: 'localhost', port: 3306, database: 'shop', params: 'tls=true' });
  });

  it('reads IPv6 hosts, missing paths, and refuses other schemes', () => {
    assert.equal(parseMysqlUrl('mysql://u@[::1]:3307/db')?.info.host, '::1');
    assert.equal(parseMysqlUrl('mysql://u@host')?.info.database, '');
    assert.equal(parseMysqlUrl('postgres://u:p@h/db'), undefined);
    assert.equal(parseMysqlUrl('mysql://u:%zz@h/db'), undefined);
  });

  it('percent-encodes what a URL needs encoded', () => {
    assert.equal(percentEncode("p@ss/w:rd#?&!'()* "), 'p%40ss%2Fw%3Ard%23%3F%26%21%27%28%29%2A%20');
    assert.equal(formatMysqlUrl({ user: 'app', password: 'a@b/c', host: 'h', port: 3306, database: 'shop' }), 'mysql://app:a%40b%2Fc@h:3306/shop');
  });

  it('round-trips any password through format and parse', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 24 }), (password) => {
        const url = formatMysqlUrl({ user: 'app', password, host: 'h', port: 3306, database: 'shop', params: 'x=1' });
        assert.equal(parseMysqlUrl(url)?.info.password, password);
      }),
      { numRuns: 200 },
    );
  });

  it('patches with the password percent-encoded and the query kept', () => {
    assert.equal(
      patched('mysql://root:pw@localhost:3306/dev?parseTime=true'),
      'mysql://app:n3w%2Fp%40ss@db.abc.eu-west-1.rds.amazonaws.com:3306/shop?parseTime=true',
    );
    assert.equal(patched('mysql://localhost'), 'mysql://app:n3w%2Fp%40ss@db.abc.eu-west-1.rds.amazonaws.com/shop');
  });
});

describe('goconfig DSN: host and port', () => {
  it('splits and joins host:port, IPv6 included', () => {
    assert.deepEqual(splitHostPort('localhost:3306'), { host: 'localhost', port: 3306, hostEnd: 9, portStart: 10 });
    assert.equal(splitHostPort('localhost')?.port, undefined);
    assert.equal(splitHostPort('[::1]:3306')?.host, '::1');
    assert.equal(splitHostPort('::1')?.host, '::1');
    assert.equal(splitHostPort('host:http'), undefined);
    assert.equal(joinHostPort('::1', 3306), '[::1]:3306');
    assert.equal(joinHostPort('db.example.com', 3306), 'db.example.com:3306');
  });
});
