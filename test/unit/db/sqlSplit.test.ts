import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { splitSql } from '../../../src/core/db/sqlSplit';

const fixtures = path.resolve(__dirname, '../../../../test/fixtures/db');
const sqls = (text: string) => splitSql(text).map((s) => s.sql);

describe('db SQL splitting', () => {
  it('splits at semicolons and keeps each statement’s first line', () => {
    assert.deepEqual(splitSql('SELECT 1;\nSELECT 2;\n\n  SELECT\n  3;'), [
      { sql: 'SELECT 1', line: 1 },
      { sql: 'SELECT 2', line: 2 },
      { sql: 'SELECT\n  3', line: 4 },
    ]);
  });

  it('keeps a last statement without a semicolon and drops empty ones', () => {
    assert.deepEqual(sqls(';;SELECT 1;;\n;SELECT 2'), ['SELECT 1', 'SELECT 2']);
    assert.deepEqual(sqls('   \n\n'), []);
  });

  it('does not split inside quotes, with doubled quotes and backslash escapes', () => {
    assert.deepEqual(sqls("INSERT INTO t VALUES ('a;b', 'it''s;', 'x\\';y');SELECT 2"), ["INSERT INTO t VALUES ('a;b', 'it''s;', 'x\\';y')", 'SELECT 2']);
    assert.deepEqual(sqls('SELECT "a;""b";SELECT `c;``d`;'), ['SELECT "a;""b"', 'SELECT `c;``d`']);
  });

  it('does not split inside comments, and drops comments before a statement', () => {
    assert.deepEqual(splitSql('-- one; two\n# three; four\n/* five;\n six */ SELECT 1 -- seven;\n;'), [{ sql: 'SELECT 1 -- seven;', line: 4 }]);
  });

  it('treats -- as a comment only when a space follows (1--1 is arithmetic)', () => {
    assert.deepEqual(sqls('SELECT 1--1;SELECT 2'), ['SELECT 1--1', 'SELECT 2']);
    assert.deepEqual(sqls('SELECT 1 -- c;\n;SELECT 2'), ['SELECT 1 -- c;', 'SELECT 2']);
  });

  it('keeps executable comments (mysqldump) as statements', () => {
    assert.deepEqual(sqls('/*!40101 SET NAMES utf8mb4 */;\n/* just a note */;\nSELECT 1;'), ['/*!40101 SET NAMES utf8mb4 */', 'SELECT 1']);
  });

  it('follows DELIMITER lines for procedure bodies', () => {
    const text = 'DELIMITER $$\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND$$\nDELIMITER ;\nCALL p();';
    assert.deepEqual(splitSql(text), [
      { sql: 'CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND', line: 2 },
      { sql: 'CALL p()', line: 8 },
    ]);
  });

  it('counts lines inside strings and comments for later statements', () => {
    const s = splitSql("SELECT 'a\nb\nc';\n/*\n\n*/\nSELECT 2;");
    assert.deepEqual(s.map((x) => x.line), [1, 7]);
  });

  it('honours a starting line for sections cut out of a file', () => {
    assert.deepEqual(splitSql('SELECT 1;\nSELECT 2;', { startLine: 10 }).map((s) => s.line), [10, 11]);
  });

  it('splits the schema.sql fixture into its four statements', () => {
    const s = splitSql(fs.readFileSync(path.join(fixtures, 'schema-app/schema.sql'), 'utf8'));
    assert.deepEqual(s.map((x) => x.line), [1, 3, 10, 17]);
    assert.match(s[1].sql, /`body;text` TEXT,\n  tag VARCHAR\(20\) DEFAULT 'a;b'/);
    assert.match(s[2].sql, /^CREATE PROCEDURE add_note[\s\S]*END$/);
    assert.equal(s[3].sql, "CALL add_note('hello; there')");
  });
});
