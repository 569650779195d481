// A throwaway MariaDB server (stands in for RDS MySQL) on a loopback port and a temp datadir.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as mysql from 'mysql2/promise';
import { ensureCommand } from './debian';
import { getFreePort } from './ports';
import { isPortInUse, makeTempDir, ManagedProcess, removeTempDir, runCommand } from './processes';

export interface MariaDbServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** root, with full grants, reachable over TCP from 127.0.0.1 (and over the socket). */
  readonly user: 'root';
  readonly password: string;
  readonly socketPath: string;
  readonly dataDir: string;
  /** Stops the server and deletes its datadir. */
  stop(): Promise<void>;
}

export interface StartMariaDbOptions {
  /** Fixed port; default: a free one. */
  port?: number;
  /** root's password; default: random. */
  password?: string;
  /** How long to wait for the server to accept logins; default 30 s. */
  timeoutMs?: number;
  /** Offer TLS with this certificate (PEM files); default: no TLS, as before. */
  tls?: { readonly certFile: string; readonly keyFile: string; readonly caFile?: string };
  /**
   * More users with every privilege, logging in from any host — like an RDS master user (e.g. the
   * login that moto's RDS-managed secret holds).
   */
  users?: readonly { readonly user: string; readonly password: string }[];
}

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';
const PACKAGE = 'mariadb-server';

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export async function startMariaDb(options: StartMariaDbOptions = {}): Promise<MariaDbServer> {
  const mariadbd = await ensureCommand(MARIADBD, PACKAGE);
  const installDb = await ensureCommand(INSTALL_DB, PACKAGE);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(mariadbd, installDb, options.port ?? (await getFreePort()), options);
    } catch (err) {
      // A taken port, or a bootstrap that failed on a loaded machine (seen once in CI-like runs:
      // "Unknown table 'mysql.tmp_user_sys'"), gets a fresh datadir and port.
      const retryable = isPortInUse(err) || String((err as Error).message).startsWith(installDb);
      if (options.port !== undefined || attempt >= 3 || !retryable) throw err;
    }
  }
}

async function startOnce(mariadbd: string, installDb: string, port: number, options: StartMariaDbOptions): Promise<MariaDbServer> {
  const password = options.password ?? randomBytes(12).toString('hex');
  const base = makeTempDir('rds-link-mariadb-');
  const dataDir = path.join(base, 'data');
  const socketPath = path.join(base, 'mysqld.sock');
  const userArgs = isRoot() ? ['--user=root'] : [];
  let proc: ManagedProcess | undefined;
  try {
    // --no-defaults keeps /etc/mysql/*.cnf (system socket, datadir, logs) out of it;
    // "normal" root auth = a password login instead of unix_socket only.
    await runCommand(installDb, [
      '--no-defaults',
      `--datadir=${dataDir}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--skip-name-resolve',
      // Its own temp dir: the bootstrap's temporary tables never meet another server's in /tmp.
      `--tmpdir=${base}`,
      ...userArgs,
    ]);
    // Runs at startup with full privileges, before clients are served.
    const initFile = path.join(base, 'init.sql');
    const hosts = ['localhost', '127.0.0.1', '::1'];
    fs.writeFileSync(
      initFile,
      [
        "DROP USER IF EXISTS ''@'localhost';",
        ...hosts.flatMap((h) => [
          `CREATE USER IF NOT EXISTS 'root'@'${h}';`,
          `ALTER USER 'root'@'${h}' IDENTIFIED BY ${quote(password)};`,
          `GRANT ALL PRIVILEGES ON *.* TO 'root'@'${h}' WITH GRANT OPTION;`,
        ]),
        ...(options.users ?? []).flatMap(({ user, password: pw }) => [
          `CREATE USER IF NOT EXISTS ${quote(user)}@'%';`,
          `ALTER USER ${quote(user)}@'%' IDENTIFIED BY ${quote(pw)};`,
          `GRANT ALL PRIVILEGES ON *.* TO ${quote(user)}@'%' WITH GRANT OPTION;`,
        ]),
        '',
      ].join('\n'),
    );
    proc = new ManagedProcess(`mariadbd (port ${port})`, mariadbd, [
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
      // Throwaway data: durability is not worth the fsyncs.
      '--innodb-flush-log-at-trx-commit=0',
      '--innodb-doublewrite=0',
      '--innodb-buffer-pool-size=64M',
      ...(options.tls
        ? [`--ssl-cert=${options.tls.certFile}`, `--ssl-key=${options.tls.keyFile}`, ...(options.tls.caFile ? [`--ssl-ca=${options.tls.caFile}`] : [])]
        : []),
      ...userArgs,
    ]);
    const started = proc;
    await started.waitUntilReady(async () => {
      const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', password, connectTimeout: 2000 });
      try {
        await conn.query('SELECT 1');
        return true;
      } finally {
        await conn.end().catch(() => undefined);
      }
    }, options.timeoutMs ?? 30_000);
  } catch (err) {
    await proc?.stop(1000);
    removeTempDir(base);
    throw err;
  }
  const running = proc;
  return {
    host: '127.0.0.1',
    port,
    user: 'root',
    password,
    socketPath,
    dataDir,
    async stop() {
      await running.stop(10_000);
      removeTempDir(base);
    },
  };
}
