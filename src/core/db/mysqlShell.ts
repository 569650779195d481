/**
 * The command line for a `mysql` / `mariadb` client in a terminal. The password never goes on
 * the command line (visible in `ps`, kept in shell history): it goes in the process's
 * environment (`MYSQL_PWD`, read by both clients) or in a temporary option file (mode 0600)
 * that the caller removes once the client has read it.
 *
 * TLS: a verified policy verifies like the in-process client where the client can: the chain
 * against the CA file and the host name (`--ssl-mode=VERIFY_IDENTITY` for MySQL's client,
 * `--ssl-verify-server-cert` for MariaDB's, which otherwise checks nothing at all before 11.4),
 * when the client connects to the endpoint by its name. Through a forwarded port the client
 * connects to 127.0.0.1, which no RDS certificate names, and neither client can be told to check
 * another name: there MySQL's client checks the chain (`VERIFY_CA`) and MariaDB's only encrypts.
 * The name is then checked by the extension: `forward()` logs in over the same route, verifying
 * chain and endpoint name, right before it opens the port, and the SSH hop checks the host key.
 * An IAM token is a password in clear text: it goes only over verified TLS.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { t } from '../l10n';
import type { DbTarget } from '../goconfig/types';
import type { TlsPolicy } from './tls';

export type MysqlClientFlavor = 'mysql' | 'mariadb';

export interface MysqlClient {
  readonly path: string;
  readonly flavor: MysqlClientFlavor;
  /** The first line of `--version`. */
  readonly version: string;
}

function versionOf(file: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(file, ['--version'], { timeout: 5000 }, (err, stdout) => resolve(err ? undefined : stdout.split('\n')[0].trim()));
  });
}

/**
 * The first `mysql` or `mariadb` on PATH that answers `--version`; undefined when there is none
 * (say so, and how to install one).
 */
export async function findMysqlClient(env: NodeJS.ProcessEnv = process.env, names: readonly string[] = ['mysql', 'mariadb']): Promise<MysqlClient | undefined> {
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const name of names) {
    for (const dir of dirs) {
      for (const ext of exts) {
        const file = path.join(dir, name + ext);
        try {
          fs.accessSync(file, fs.constants.X_OK);
        } catch {
          continue;
        }
        const version = await versionOf(file);
        if (version) return { path: file, flavor: /mariadb/i.test(version) ? 'mariadb' : 'mysql', version };
      }
    }
  }
  return undefined;
}

/** What to tell the user when findMysqlClient finds nothing, with the usual way to get one. */
export function mysqlClientMissingMessage(platform: NodeJS.Platform = process.platform): string {
  const how =
    platform === 'darwin'
      ? 'brew install mysql-client'
      : platform === 'win32'
        ? 'winget install Oracle.MySQL'
        : 'sudo apt-get install default-mysql-client (Debian/Ubuntu) or sudo dnf install mariadb (Fedora, Amazon Linux)';
  return t('No mysql or mariadb client was found on PATH. Install one ({0}), then open the shell again.', how);
}

/** The one target type's address and user (the password goes through the environment, never here), with how to verify TLS. */
export interface ShellTarget extends Pick<DbTarget, 'host' | 'port' | 'user'>, Partial<Pick<DbTarget, 'database'>> {
  readonly tls: TlsPolicy;
  /** PEM file with the CAs (media/certs/rds-global-bundle.pem) for a verified policy. */
  readonly caFile?: string;
  /** The client connects to the certificate's own name (direct route); false through a forward, where the name checked is 127.0.0.1. */
  readonly hostIsCertificateName: boolean;
  /** The password is an IAM token: the client must be allowed to send it in clear (over TLS). */
  readonly iamToken?: boolean;
}

export interface ShellCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** Extra environment for the terminal process. */
  readonly env: Readonly<Record<string, string>>;
}

function tlsArgs(flavor: MysqlClientFlavor, target: ShellTarget): string[] {
  const policy = target.tls;
  if (target.iamToken && policy.mode !== 'verify') {
    throw new Error(t('An IAM token is sent only over TLS whose certificate is verified; this route\'s TLS is "{0}". Use a verified route, or a password, for the terminal.', policy.mode));
  }
  if (policy.mode === 'verify' && !target.caFile) throw new Error('A verified TLS connection needs the CA file.');
  if (flavor === 'mysql') {
    switch (policy.mode) {
      case 'verify':
        return [target.hostIsCertificateName ? '--ssl-mode=VERIFY_IDENTITY' : '--ssl-mode=VERIFY_CA', `--ssl-ca=${target.caFile}`];
      case 'unverified':
        return ['--ssl-mode=REQUIRED'];
      case 'off':
        return ['--ssl-mode=DISABLED'];
    }
  }
  switch (policy.mode) {
    case 'verify':
      return ['--ssl', `--ssl-ca=${target.caFile}`, ...(target.hostIsCertificateName ? ['--ssl-verify-server-cert'] : [])];
    case 'unverified':
      return ['--ssl'];
    case 'off':
      return ['--skip-ssl'];
  }
}

/**
 * The client invocation. With `optionFile` (from writeOptionFile) the password is read from it,
 * else from MYSQL_PWD in `env`.
 */
export function mysqlShellCommand(client: Pick<MysqlClient, 'path' | 'flavor'>, target: ShellTarget, password: string, optionFile?: string): ShellCommand {
  const args = [
    // Must come first, when used.
    ...(optionFile ? [`--defaults-extra-file=${optionFile}`] : []),
    `--host=${target.host}`,
    `--port=${target.port}`,
    `--user=${target.user}`,
    '--protocol=TCP',
    ...tlsArgs(client.flavor, target),
    ...(target.iamToken && client.flavor === 'mysql' ? ['--enable-cleartext-plugin'] : []),
    ...(target.database ? [`--database=${target.database}`] : []),
  ];
  const env: Record<string, string> = optionFile ? {} : { MYSQL_PWD: password };
  if (target.iamToken) env.LIBMYSQL_ENABLE_CLEARTEXT_PLUGIN = '1';
  return { command: client.path, args, env };
}

/** A `[client]` option file holding the password, mode 0600 in a private temp dir. */
export function writeOptionFile(password: string): { path: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-'));
  const file = path.join(dir, 'client.cnf');
  // Option-file values in double quotes take backslash escapes.
  const quoted = `"${password.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  fs.writeFileSync(file, `[client]\npassword=${quoted}\n`, { mode: 0o600 });
  return {
    path: file,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The target for a client that connects where openLocalForward says. */
export function shellTargetFor(
  forward: { readonly host: string; readonly port: number; readonly servername?: string; readonly route: { readonly tls: TlsPolicy } },
  login: { readonly user: string; readonly database?: string; readonly iamToken?: boolean },
  caFile?: string,
): ShellTarget {
  return {
    host: forward.host,
    port: forward.port,
    user: login.user,
    database: login.database,
    tls: forward.route.tls,
    caFile,
    hostIsCertificateName: forward.servername !== undefined && forward.servername === forward.host,
    iamToken: login.iamToken,
  };
}
