/** The code map: which config keys a Go app reads, and what role its DSN-building code gives them. */
import * as assert from 'node:assert/strict';
import { KeyMapBuilder, detectConfig, patchConfigText } from '../../../src/core/goconfig';

const structs = [
  'package config',
  'type Config struct {',
  '\tDB DB `yaml:"db"`',
  '}',
  'type DB struct {',
  '\tServer string `yaml:"server"`',
  '\tLogin  string `yaml:"login"`',
  '\tSchema string `yaml:"schema"`',
  '}',
].join('\n');
const dsn = 'package db\nfunc dsn(c DB) string { return fmt.Sprintf("%s@tcp(%s)/%s", c.Login, c.Server, c.Schema) }\n';
const target = { host: 'shop.c1.eu-west-1.rds.amazonaws.com', port: 3306, user: 'app', database: 'shop' };

describe('goconfig code map from Go source', () => {
  it('gives roles from the DSN the code builds, and learns incrementally', () => {
    const b = new KeyMapBuilder();
    b.update('config.go', structs);
    assert.deepEqual([...b.map().keys], [['db.server', undefined], ['db.login', undefined], ['db.schema', undefined]]);
    const first = b.map();
    assert.equal(b.map(), first, 'the map is cached until a file changes');
    b.update('db.go', dsn);
    assert.deepEqual([...b.map().keys], [['db.server', 'host'], ['db.login', 'user'], ['db.schema', 'database']]);
    b.remove('db.go');
    assert.equal(b.map().keys.get('db.server'), undefined);
  });

  it('is bounded in files', () => {
    const b = new KeyMapBuilder(2);
    assert.equal(b.update('a.go', structs), true);
    assert.equal(b.update('b.go', dsn), true);
    assert.equal(b.update('c.go', 'package c'), false);
    assert.equal(b.update('a.go', structs), true, 'a known file is still rescanned');
  });

  it('patches the keys the code reads, leaves alone those it does not, and says when the keys were a guess', () => {
    const b = new KeyMapBuilder();
    b.update('config.go', structs);
    b.update('db.go', dsn);
    const text = 'db:\n  host: legacy\n  server: localhost:3306\n  login: root\n  schema: dev\n';
    const r = patchConfigText('config.yaml', text, target, { keyMap: b.map() })!;
    assert.equal(r.text, `db:\n  host: legacy\n  server: ${target.host}:3306\n  login: app\n  schema: shop\n`);
    assert.deepEqual(detectConfig('config.yaml', text, undefined, { keyMap: b.map() })!.ignored.map((i) => [i.key, i.reason]), [['db.host', 'notRead']]);
    assert.equal(detectConfig('config.yaml', text, undefined, { keyMap: b.map() })!.keySource, 'code');
    assert.equal(detectConfig('config.yaml', text)!.keySource, 'guess');
  });
});
