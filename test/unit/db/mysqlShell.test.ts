import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findMysqlClient, mysqlClientMissingMessage, mysqlShellCommand, shellTargetFor, writeOptionFile, type ShellTarget } from '../../../src/core/db/mysqlShell';

const PASSWORD = 'S3cret-Pass.word_xyz';
const base: ShellTarget = { host: '127.0.0.1', port: 41000, user: 'admin', database: 'app', tls: { mode: 'verify' }, caFile: '/ext/media/certs/rds-global-bundle.pem', hostIsCertificateName: false };

describe('db mysql shell command', () => {
  it('keeps the password off the command line (MYSQL_PWD)', () => {
    const cmd = mysqlShellCommand({ path: '/usr/bin/mysql', flavor: 'mysql' }, base, PASSWORD);
    assert.ok(cmd.args.every((a) => !a.includes(PASSWORD)));
    assert.deepEqual(cmd.env, { MYSQL_PWD: PASSWORD });
    assert.deepEqual(cmd.args, ['--host=127.0.0.1', '--port=41000', '--user=admin', '--protocol=TCP', '--ssl-mode=VERIFY_CA', '--ssl-ca=/ext/media/certs/rds-global-bundle.pem', '--database=app']);
  });

  it('through a forwarded port (127.0.0.1, a name no RDS certificate carries) checks the chain only: the extension checked the name on that route', () => {
    const mysql = mysqlShellCommand({ path: 'mysql', flavor: 'mysql' }, { ...base, hostIsCertificateName: false }, PASSWORD);
    assert.ok(mysql.args.includes('--ssl-mode=VERIFY_CA'), mysql.args.join(' '));
    const maria = mysqlShellCommand({ path: 'mariadb', flavor: 'mariadb' }, { ...base, hostIsCertificateName: false }, PASSWORD);
    assert.ok(!maria.args.includes('--ssl-verify-server-cert'), maria.args.join(' '));
    assert.ok(maria.args.includes('--ssl-ca=/ext/media/certs/rds-global-bundle.pem'));
  });

  it('checks the host name when the client connects to the endpoint by name', () => {
    const cmd = mysqlShellCommand({ path: 'mysql', flavor: 'mysql' }, { ...base, host: 'db.x.rds.amazonaws.com', hostIsCertificateName: true }, PASSWORD);
    assert.ok(cmd.args.includes('--ssl-mode=VERIFY_IDENTITY'));
    const maria = mysqlShellCommand({ path: 'mariadb', flavor: 'mariadb' }, { ...base, hostIsCertificateName: true }, PASSWORD);
    assert.ok(maria.args.includes('--ssl-verify-server-cert'));
  });

  it('speaks each client’s TLS options', () => {
    const args = (flavor: 'mysql' | 'mariadb', tls: ShellTarget['tls']) => mysqlShellCommand({ path: flavor, flavor }, { ...base, tls }, PASSWORD).args.filter((a) => a.includes('ssl'));
    assert.deepEqual(args('mysql', { mode: 'unverified' }), ['--ssl-mode=REQUIRED']);
    assert.deepEqual(args('mysql', { mode: 'off' }), ['--ssl-mode=DISABLED']);
    assert.deepEqual(args('mariadb', { mode: 'verify' }), ['--ssl', '--ssl-ca=/ext/media/certs/rds-global-bundle.pem']);
    assert.deepEqual(args('mariadb', { mode: 'unverified' }), ['--ssl']);
    assert.deepEqual(args('mariadb', { mode: 'off' }), ['--skip-ssl']);
    assert.throws(() => mysqlShellCommand({ path: 'mysql', flavor: 'mysql' }, { ...base, caFile: undefined }, PASSWORD), /CA file/);
  });

  it('sends an IAM token only over verified TLS', () => {
    for (const flavor of ['mysql', 'mariadb'] as const) {
      for (const mode of ['unverified', 'off'] as const) {
        assert.throws(() => mysqlShellCommand({ path: flavor, flavor }, { ...base, tls: { mode }, iamToken: true }, 'token'), new RegExp(`IAM token is sent only over TLS whose certificate is verified.*"${mode}"`));
      }
    }
  });

  it('allows the clear-text plugin for an IAM token', () => {
    const cmd = mysqlShellCommand({ path: 'mysql', flavor: 'mysql' }, { ...base, iamToken: true }, 'token');
    assert.ok(cmd.args.includes('--enable-cleartext-plugin'));
    assert.equal(cmd.env.LIBMYSQL_ENABLE_CLEARTEXT_PLUGIN, '1');
  });

  it('can read the password from a private option file instead, named first', () => {
    const file = writeOptionFile('we"ird\\pass');
    try {
      assert.equal(fs.statSync(file.path).mode & 0o777, 0o600);
      assert.equal(fs.readFileSync(file.path, 'utf8'), '[client]\npassword="we\\"ird\\\\pass"\n');
      const cmd = mysqlShellCommand({ path: 'mysql', flavor: 'mysql' }, base, 'we"ird\\pass', file.path);
      assert.equal(cmd.args[0], `--defaults-extra-file=${file.path}`);
      assert.deepEqual(cmd.env, {});
    } finally {
      file.remove();
    }
    assert.equal(fs.existsSync(path.dirname(file.path)), false);
  });

  it('builds the target from a local forward', () => {
    const forward = { host: '127.0.0.1', port: 5000, servername: 'db.x.rds.amazonaws.com', route: { tls: { mode: 'verify' as const } } };
    assert.equal(shellTargetFor(forward, { user: 'u' }, '/ca.pem').hostIsCertificateName, false);
    assert.equal(shellTargetFor({ ...forward, host: 'db.x.rds.amazonaws.com' }, { user: 'u' }, '/ca.pem').hostIsCertificateName, true);
  });

  it('finds a client on PATH by asking it its version, and says undefined when there is none', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-path-'));
    try {
      assert.equal(await findMysqlClient({ PATH: dir }), undefined);
      assert.match(mysqlClientMissingMessage('linux'), /No mysql or mariadb client was found on PATH.*apt-get install/);
      assert.match(mysqlClientMissingMessage('darwin'), /brew install mysql-client/);
      const fake = path.join(dir, 'mariadb');
      fs.writeFileSync(fake, '#!/bin/sh\necho "mariadb from 11.8.3-MariaDB, client 15.2 for debian-linux-gnu"\n', { mode: 0o755 });
      const found = await findMysqlClient({ PATH: `/nonexistent${path.delimiter}${dir}` });
      assert.deepEqual(found, { path: fake, flavor: 'mariadb', version: 'mariadb from 11.8.3-MariaDB, client 15.2 for debian-linux-gnu' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
