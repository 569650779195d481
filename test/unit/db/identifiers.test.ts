import * as assert from 'node:assert/strict';
import {
  InvalidNameError,
  quoteAccount,
  quoteDatabaseForGrant,
  quoteDatabaseName,
  validateDatabaseName,
  validateHost,
  validateUserName,
} from '../../../src/core/db/identifiers';

describe('db identifiers: database names', () => {
  const accepted = ['app', 'goapp_prod', 'my-app', 'App2024', '123', 'café', 'données_2', 'приложение', '应用', 'a'.repeat(64), 'é'.repeat(64), 'x_'];
  for (const name of accepted) {
    it(`accepts ${JSON.stringify(name.length > 20 ? `${name.slice(0, 8)}…(${[...name].length})` : name)}`, () => {
      assert.deepEqual(validateDatabaseName(name), { ok: true, name });
    });
  }

  const refused: Array<[string, RegExp]> = [
    ['', /Enter a database name/],
    ['a'.repeat(65), /at most 64 characters; this one has 65/],
    ['é'.repeat(65), /this one has 65/],
    ['app ', /cannot end with a space/],
    ['app\u3000', /cannot end with a space/],
    ['app.users', /"\." \(U\+002E\)/],
    ['a/b', /"\/"/],
    ['a\\b', /"\\"/],
    ['a`b', /"`"/],
    ["a'b", /"'"/],
    ['a"b', /"""/],
    ['a;b', /";"/],
    ['a b', /U\+0020/],
    ['a\u0000b', /U\+0000/],
    ['a\nb', /U\+000A/],
    ['a\u007fb', /U\+007F/],
    ['a\u200bb', /U\+200B/],
    ['a$b', /"\$"/],
    ['a@b', /"@"/],
    ['a?b', /"\?"/],
    ['a#b', /"#"/],
    ['a%b', /"%"/],
    ['a:b', /":"/],
    ['a😀', /Basic Multilingual Plane/],
    ['mysql', /schema of the server itself/],
    ['INFORMATION_SCHEMA', /schema of the server itself/],
    ['performance_schema', /schema of the server itself/],
    ['sys', /schema of the server itself/],
  ];
  for (const [name, why] of refused) {
    it(`refuses ${JSON.stringify(name.length > 20 ? `${name.slice(0, 5)}…(${name.length})` : name)}`, () => {
      const r = validateDatabaseName(name);
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.reason, why);
    });
  }

  it('quotes with backticks and refuses what validation refuses', () => {
    assert.equal(quoteDatabaseName('my-app'), '`my-app`');
    assert.equal(quoteDatabaseName('café'), '`café`');
    assert.throws(() => quoteDatabaseName('x`; DROP DATABASE mysql; --'), InvalidNameError);
    assert.throws(() => quoteDatabaseName('a.b'), (e: Error) => e instanceof InvalidNameError && (e as InvalidNameError).value === 'a.b');
  });

  it('escapes GRANT wildcards so a grant covers only that database', () => {
    assert.equal(quoteDatabaseForGrant('app_db'), '`app\\_db`');
    assert.equal(quoteDatabaseForGrant('plain'), '`plain`');
    assert.throws(() => quoteDatabaseForGrant('a%b'), InvalidNameError);
  });
});

describe('db identifiers: users and hosts', () => {
  it('accepts ordinary user names up to 32 characters', () => {
    for (const u of ['app', 'goapp_rw', 'svc-api', 'app.reader', '_x', '1app', 'u'.repeat(32)]) assert.equal(validateUserName(u).ok, true, u);
  });

  it('refuses long, odd and reserved user names', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /Enter a user name/],
      ['u'.repeat(33), /at most 32 characters; this one has 33/],
      ['.app', /"\." \(U\+002E\)/],
      ['-app', /"-"/],
      ["o'neil", /"'"/],
      ['app@host', /"@"/],
      ['app user', /U\+0020/],
      ['café', /"é"/],
      ['root', /reserved/],
      ['RDSADMIN', /reserved/],
      ['mysql.sys', /reserved/],
    ];
    for (const [u, why] of cases) {
      const r = validateUserName(u);
      assert.equal(r.ok, false, u);
      assert.match(r.ok ? '' : r.reason, why, u);
    }
    assert.equal(validateUserName('admin', ['Admin']).ok, false);
  });

  it('accepts host patterns and refuses anything that could leave the quotes', () => {
    for (const h of ['%', 'localhost', '10.0.%', '10.0.0.0/255.255.0.0', 'app.internal', '::1', '192.168.1.7']) assert.equal(validateHost(h).ok, true, h);
    for (const h of ['', "%'", 'a b', 'h"', 'h\\', 'h;', 'x'.repeat(256)]) assert.equal(validateHost(h).ok, false, h);
  });

  it("quotes an account as 'user'@'host'", () => {
    assert.equal(quoteAccount('app'), "'app'@'%'");
    assert.equal(quoteAccount('app', '10.0.%'), "'app'@'10.0.%'");
    assert.throws(() => quoteAccount("x' OR '1"), InvalidNameError);
    assert.throws(() => quoteAccount('x', "%' IDENTIFIED BY 'y"), InvalidNameError);
  });
});
