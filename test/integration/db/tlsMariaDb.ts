/**
 * A MariaDB that speaks TLS with a certificate from a throwaway CA, issued to a made-up RDS
 * endpoint name (and to localhost/127.0.0.1). Lets the tests prove what the RDS route does:
 * verification against a CA, with the endpoint's name checked through a tunnel whose socket
 * goes to 127.0.0.1.
 *
 * Built from the support package's pieces; startMariaDb itself has no TLS option (yet).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as mysql from 'mysql2/promise';
import { ensureCommand, getFreePort } from '../support';
import { makeTempDir, ManagedProcess, removeTempDir, runCommand } from '../support/processes';

/** The name in the server certificate: what an RDS endpoint looks like. */
export const FAKE_ENDPOINT = 'appdb.c1abcdefghij.eu-west-1.rds.amazonaws.com';

export interface TlsMariaDb {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: 'root';
  readonly password: string;
  /** PEM of the CA that issued the server certificate. */
  readonly caPem: string;
  readonly caFile: string;
  /** Runs SQL as root over the socket file (no TLS, no network): for setup and checks. */
  admin(): Promise<mysql.Connection>;
  stop(): Promise<void>;
}

async function makeCertificates(dir: string, openssl: string): Promise<void> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await runCommand(openssl, ['req', '-x509', ...ec, '-keyout', path.join(dir, 'ca.key'), '-out', path.join(dir, 'ca.crt'), '-days', '3', '-subj', '/CN=RDS Link Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await runCommand(openssl, ['req', ...ec, '-keyout', path.join(dir, 'server.key'), '-out', path.join(dir, 'server.csr'), '-subj', `/CN=${FAKE_ENDPOINT}`]);
  fs.writeFileSync(path.join(dir, 'ext.cnf'), `subjectAltName=DNS:${FAKE_ENDPOINT},DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n`);
  await runCommand(openssl, ['x509', '-req', '-in', path.join(dir, 'server.csr'), '-CA', path.join(dir, 'ca.crt'), '-CAkey', path.join(dir, 'ca.key'), '-CAcreateserial',
    '-out', path.join(dir, 'server.crt'), '-days', '3', '-extfile', path.join(dir, 'ext.cnf')]);
  // mariadbd may run as another user than the one that wrote the key.
  for (const f of ['server.key', 'server.crt', 'ca.crt']) fs.chmodSync(path.join(dir, f), 0o644);
}

export async function startTlsMariaDb(): Promise<TlsMariaDb> {
  const mariadbd = await ensureCommand('/usr/sbin/mariadbd', 'mariadb-server');
  const installDb = await ensureCommand('/usr/bin/mariadb-install-db', 'mariadb-server');
  const openssl = await ensureCommand('openssl', 'openssl');
  const base = makeTempDir('rds-link-tls-mariadb-');
  fs.chmodSync(base, 0o755);
  const dataDir = path.join(base, 'data');
  const socketPath = path.join(base, 'mysqld.sock');
  const password = randomBytes(12).toString('hex');
  const userArgs = process.getuid?.() === 0 ? ['--user=root'] : [];
  let proc: ManagedProcess | undefined;
  try {
    await makeCertificates(base, openssl);
    await runCommand(installDb, ['--no-defaults', `--datadir=${dataDir}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve', ...userArgs]);
    const initFile = path.join(base, 'init.sql');
    fs.writeFileSync(
      initFile,
      [
        "DROP USER IF EXISTS ''@'localhost';",
        ...['localhost', '127.0.0.1', '::1'].flatMap((h) => [
          `CREATE USER IF NOT EXISTS 'root'@'${h}';`,
          `ALTER USER 'root'@'${h}' IDENTIFIED BY '${password}';`,
          `GRANT ALL PRIVILEGES ON *.* TO 'root'@'${h}' WITH GRANT OPTION;`,
        ]),
        // Like an RDS master user: logs in from anywhere (the tunnel arrives from 127.0.0.1 too).
        `CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY '${password}';`,
        "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;",
        '',
      ].join('\n'),
    );
    for (let attempt = 1; ; attempt++) {
      const port = await getFreePort();
      proc = new ManagedProcess(`mariadbd TLS (port ${port})`, mariadbd, [
        '--no-defaults',
        `--datadir=${dataDir}`,
        `--socket=${socketPath}`,
        `--pid-file=${path.join(base, 'mysqld.pid')}`,
        `--tmpdir=${base}`,
        `--init-file=${initFile}`,
        '--skip-networking=0',
        '--bind-address=127.0.0.1',
        `--port=${port}`,
        '--skip-name-resolve',
        '--skip-log-bin',
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_general_ci',
        '--innodb-flush-log-at-trx-commit=0',
        '--innodb-doublewrite=0',
        '--innodb-buffer-pool-size=64M',
        `--ssl-ca=${path.join(base, 'ca.crt')}`,
        `--ssl-cert=${path.join(base, 'server.crt')}`,
        `--ssl-key=${path.join(base, 'server.key')}`,
        ...userArgs,
      ]);
      const started = proc;
      try {
        await started.waitUntilReady(async () => {
          const c = await mysql.createConnection({ socketPath, user: 'root', password, connectTimeout: 2000 });
          await c.end();
          return true;
        }, 30_000);
        const caFile = path.join(base, 'ca.crt');
        return {
          host: '127.0.0.1',
          port,
          user: 'root',
          password,
          caPem: fs.readFileSync(caFile, 'utf8'),
          caFile,
          admin: () => mysql.createConnection({ socketPath, user: 'root', password, multipleStatements: false }),
          async stop() {
            await started.stop(10_000);
            removeTempDir(base);
          },
        };
      } catch (err) {
        if (attempt >= 3 || !/Bind|in use/i.test(String(err))) throw err;
      }
    }
  } catch (err) {
    await proc?.stop(1000);
    removeTempDir(base);
    throw err;
  }
}
