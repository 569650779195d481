/**
 * Releases on the instance, in the layout of Capistrano and Kamal:
 *
 *   /opt/<service>/releases/<release>/   the binary and the shipped files (root-owned, read-only to the app)
 *   /opt/<service>/current               a symlink to releases/<release>, switched atomically
 *   /etc/<service>/env                   the DB settings, 0600 root:root, read by the unit's EnvironmentFile=
 *
 * Everything here is a pure string builder: shell scripts for `sh` on the instance, each value
 * shell-quoted, and the systemd unit's text. Secrets never appear in them: the env file's
 * content travels on the SSH session's stdin (writeEnvFileCommand reads it with `cat`).
 *
 * The scripts that need root are run as `<sudo> sh -c '<script>'`, where sudo is `sudo -n`
 * (fail at once if sudo wants a password, never hang) or nothing when logged in as root.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';

/** POSIX single-quoting: safe for any string in sh, dash and bash. */
export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const RELEASE = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const SERVICE = /^[a-z][a-z0-9-]{0,31}$/;

export interface LayoutOptions {
  readonly service: string;
  /** Prefix of every path (tests run the scripts in a temp folder); default '' (the real /). */
  readonly root?: string;
  /** The binary's name inside a release; default the service name. */
  readonly binary?: string;
  /** How to become root; default `sudo -n`. '' when the login is root already. */
  readonly sudo?: string;
}

/** The paths and scripts of one service's releases on an instance. */
export class ReleaseLayout {
  readonly service: string;
  readonly base: string;
  readonly releasesDir: string;
  readonly current: string;
  readonly envDir: string;
  readonly envFile: string;
  readonly unitFile: string;
  readonly binary: string;
  private readonly sudo: string;
  private readonly root: string;

  constructor(options: LayoutOptions) {
    if (!SERVICE.test(options.service)) throw new Error(`Not a service name: ${JSON.stringify(options.service)}`);
    const root = options.root ?? '';
    this.root = root;
    this.service = options.service;
    this.base = `${root}/opt/${options.service}`;
    this.releasesDir = `${this.base}/releases`;
    this.current = `${this.base}/current`;
    this.envDir = `${root}/etc/${options.service}`;
    this.envFile = `${this.envDir}/env`;
    this.unitFile = `${root}/etc/systemd/system/${options.service}.service`;
    this.binary = options.binary ?? options.service;
    this.sudo = options.sudo ?? 'sudo -n';
  }

  releaseDir(release: string): string {
    if (!RELEASE.test(release)) throw new Error(`Not a release name: ${JSON.stringify(release)}`);
    return `${this.releasesDir}/${release}`;
  }

  /** A script run as root: `sudo -n sh -c '…'`. */
  asRoot(script: string): string {
    const sh = `sh -c ${shellQuote(script)}`;
    return this.sudo ? `${this.sudo} ${sh}` : sh;
  }

  /** Where the upload goes first (the login user's, no root needed): a fresh folder under /tmp. */
  stagingDir(release: string): string {
    return `${this.root}/tmp/rds-link-${this.service}-${release}`;
  }

  /** Run as the login user before the SFTP upload; `dirs` are the shipped folders (relative, with /) made inside. */
  prepareStagingCommand(release: string, dirs: readonly string[] = []): string {
    const staging = this.stagingDir(release);
    const dir = shellQuote(staging);
    const inside = dirs.map((d) => {
      if (d.startsWith('/') || d.split('/').includes('..')) throw new Error(`Not a folder inside the release: ${JSON.stringify(d)}`);
      return shellQuote(`${staging}/${d}`);
    });
    return `rm -rf ${dir} && mkdir -p ${shellQuote(path.posix.dirname(staging))} && mkdir -m 700 ${dir}${inside.length ? ` && mkdir -p -- ${inside.join(' ')}` : ''}`;
  }

  /** The system user the service runs as (made once, no login, no home). */
  ensureServiceUserScript(): string {
    const u = shellQuote(this.service);
    return `id -u ${u} >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin ${u} 2>/dev/null || adduser --system --no-create-home --group ${u}`;
  }

  /**
   * Moves the upload into releases/<release>, owned by root, the binary executable. A half-done
   * install stays in `<release>.partial` and never looks like a release. The `gzipped` files
   * came as <name>.gz and are unpacked first.
   */
  installReleaseScript(release: string, gzipped: readonly string[] = []): string {
    const rel = shellQuote(this.releaseDir(release));
    const partial = shellQuote(`${this.releaseDir(release)}.partial`);
    return [
      'set -eu',
      // Uploaded as <name>.gz (a Go binary halves): gzip is on every stock Linux image.
      ...gzipped.map((name) => `gzip -d -f ${shellQuote(`${this.stagingDir(release)}/${name}.gz`)}`),
      `mkdir -p ${shellQuote(this.releasesDir)}`,
      `rm -rf ${partial}`,
      `cp -R ${shellQuote(this.stagingDir(release))} ${partial}`,
      `rm -rf ${shellQuote(this.stagingDir(release))}`,
      `chown -R 0:0 ${partial} 2>/dev/null || true`,
      `chmod -R go-w ${partial}`,
      `chmod 755 ${partial} ${shellQuote(`${this.releaseDir(release)}.partial/${this.binary}`)}`,
      `rm -rf ${rel}`,
      `mv ${partial} ${rel}`,
    ].join('\n');
  }

  /**
   * Points `current` at the release: a new symlink under a temporary name, renamed over the old
   * one (rename is atomic; `ln -sfn` alone unlinks first, and a restart in between finds nothing).
   */
  switchScript(release: string, tmpSuffix = randomBytes(4).toString('hex')): string {
    this.releaseDir(release);
    return this.switchToWordScript(shellQuote(release), tmpSuffix);
  }

  /**
   * switchScript with the release as a shell word (`"$previous"`), for a script that learns the
   * release on the instance (the SSM deploy script rolls itself back to what it found there).
   */
  switchToWordScript(releaseWord: string, tmpSuffix = randomBytes(4).toString('hex')): string {
    const tmp = shellQuote(`${this.base}/.current-${tmpSuffix}`);
    return [
      'set -eu',
      `test -d ${shellQuote(this.releasesDir)}/${releaseWord} || { echo "release "${releaseWord}" is not on this instance" >&2; exit 3; }`,
      `ln -sfn releases/${releaseWord} ${tmp}`,
      `mv -T ${tmp} ${shellQuote(this.current)}`,
    ].join('\n');
  }

  /** Prints the current release's name (empty before the first deploy). Needs no root. */
  currentReleaseCommand(): string {
    return `r=$(readlink ${shellQuote(this.current)} 2>/dev/null) && basename "$r" || true`;
  }

  /** Prints the kept releases, oldest first. Needs no root. */
  listReleasesCommand(): string {
    return `ls -1 ${shellQuote(this.releasesDir)} 2>/dev/null | grep -v '\\.partial$' | sort || true`;
  }

  /**
   * Deletes all but the newest `keep` releases (names sort by time); never the current one, nor
   * `protect` (the one a rollback would go to).
   */
  pruneScript(keep: number, protect: readonly string[] = []): string {
    if (!Number.isInteger(keep) || keep < 1) throw new Error(`keep must be 1 or more, not ${keep}`);
    // releaseDir checks each name before it goes into the script.
    const spare = protect.map((r) => (this.releaseDir(r), ` && [ "$r" != ${shellQuote(r)} ]`)).join('');
    return [
      'set -eu',
      `cd ${shellQuote(this.releasesDir)}`,
      `cur=$(basename "$(readlink ${shellQuote(this.current)} 2>/dev/null || echo none)")`,
      `ls -1 | grep -v '\\.partial$' | sort -r | tail -n +${keep + 1} | while read -r r; do [ "$r" != "$cur" ]${spare} && rm -rf -- "$r" || true; done`,
    ].join('\n');
  }

  /**
   * Writes the env file from stdin: 0600, owned by root, replaced atomically. The content (the DB
   * password) is the session's stdin, never part of a command line.
   */
  writeEnvFileCommand(): string {
    return this.asRoot(this.writeEnvFileScript());
  }

  /** writeEnvFileCommand's script, to run as root after another one in the same command. */
  writeEnvFileScript(): string {
    const dir = shellQuote(this.envDir);
    const tmp = shellQuote(`${this.envFile}.tmp`);
    return ['set -eu', 'umask 077', `mkdir -p ${dir}`, `chmod 755 ${dir}`, `cat > ${tmp}`, `chown 0:0 ${tmp} 2>/dev/null || true`, `chmod 600 ${tmp}`, `mv -f ${tmp} ${shellQuote(this.envFile)}`].join('\n');
  }

  /** Writes the unit from stdin, then has systemd read it. */
  installUnitCommand(): string {
    const tmp = shellQuote(`${this.unitFile}.tmp`);
    return this.asRoot(['set -eu', `cat > ${tmp}`, `chmod 644 ${tmp}`, `mv -f ${tmp} ${shellQuote(this.unitFile)}`, 'systemctl daemon-reload', `systemctl enable ${shellQuote(this.service)} >/dev/null 2>&1 || true`].join('\n'));
  }

  /** A deploy file's command (restartCommand, statusCommand) with {service} filled in, run as root. */
  serviceCommand(template: string): string {
    return this.asRoot(template.split('{service}').join(shellQuote(this.service)));
  }
}

/** One env file line per variable, double-quoted as both systemd and sh read it. */
export function envFileText(vars: Readonly<Record<string, string>>): string {
  return Object.entries(vars)
    .map(([key, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`Not an environment variable name: ${JSON.stringify(key)}`);
      if (/[\r\n\0]/.test(value)) throw new Error(`The value of ${key} holds a line break, which an env file cannot carry.`);
      return `${key}="${value.replace(/[\\"$`]/g, '\\$&')}"\n`;
    })
    .join('');
}

export interface UnitOptions {
  readonly layout: ReleaseLayout;
  readonly description?: string;
}

/** The systemd unit shown on the first deploy and written only when the user accepts. */
export function systemdUnitText({ layout, description }: UnitOptions): string {
  const s = layout.service;
  return [
    '[Unit]',
    `Description=${description ?? `${s} (deployed by RDS Link)`}`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `User=${s}`,
    `Group=${s}`,
    `WorkingDirectory=${layout.current}`,
    `ExecStart=${layout.current}/${layout.binary}`,
    `EnvironmentFile=${layout.envFile}`,
    'Restart=on-failure',
    'RestartSec=2',
    'NoNewPrivileges=true',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
