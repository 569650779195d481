import * as assert from 'node:assert/strict';
import {
  ConfigParseError,
  applyEdits,
  detectConfig,
  envSecretEdits,
  gitignoreEdits,
  passwordEnvVar,
} from '../../../src/core/goconfig';

describe('goconfig secrets: password in .env, .env in .gitignore', () => {
  it('names the env var the app reads the password from', () => {
    const name = (file: string, text: string): string => passwordEnvVar(detectConfig(file, text)!);
    assert.equal(name('config.yaml', 'database:\n  host: h\n  password: ${APP_DB_PASS:}\n'), 'APP_DB_PASS');
    assert.equal(name('main.go', 'package main\nvar p = getEnv("SHOP_DB_PASSWORD", "x")\n'), 'SHOP_DB_PASSWORD');
    assert.equal(name('.env', 'MYSQL_HOST=h\nMYSQL_PWD=x\n'), 'MYSQL_PWD');
    assert.equal(name('.env', 'MYSQL_HOST=h\nMYSQL_USER=u\n'), 'MYSQL_PASSWORD');
    assert.equal(name('config.yaml', 'database:\n  host: h\n'), 'DB_PASSWORD');
  });

  it('sets the password in a .env: replaces a value in its quoting, or appends a line', () => {
    const set = (text: string, v: string): string => applyEdits(text, envSecretEdits(text, 'DB_PASSWORD', v));
    assert.equal(set('DB_HOST=h\nDB_PASSWORD=old # note\n', 'n3w'), 'DB_HOST=h\nDB_PASSWORD=n3w # note\n');
    assert.equal(set("DB_PASSWORD='old'\n", 'a$b'), "DB_PASSWORD='a$b'\n");
    assert.equal(set('DB_HOST=h\r\n', 'p w#1'), "DB_HOST=h\r\nDB_PASSWORD='p w#1'\r\n");
    assert.equal(set('DB_HOST=h', "it's"), 'DB_HOST=h\nDB_PASSWORD="it\'s"');
    assert.equal(set('', 'x'), 'DB_PASSWORD=x\n');
    assert.deepEqual(envSecretEdits('DB_PASSWORD=same\n', 'DB_PASSWORD', 'same'), []);
    assert.throws(() => envSecretEdits('DB_PASSWORD="open\n', 'DB_PASSWORD', 'x'), ConfigParseError);
  });

  it('adds .env to .gitignore unless a pattern already ignores it', () => {
    const add = (text: string): string => applyEdits(text, gitignoreEdits(text));
    assert.equal(add('node_modules/\n'), 'node_modules/\n.env\n');
    assert.equal(add('bin\r\n*.log'), 'bin\r\n*.log\r\n.env');
    assert.equal(add(''), '.env\n');
    for (const already of ['.env\n', '/.env\n', '.env*\n', '*.env\n', '**/.env\n', '# secrets\n.env.*\n.env\n']) {
      assert.deepEqual(gitignoreEdits(already), [], already);
    }
    assert.equal(add('.env\n!.env\n'), '.env\n!.env\n.env\n');
    assert.equal(add('config/.env\n'), 'config/.env\n.env\n');
  });
});
