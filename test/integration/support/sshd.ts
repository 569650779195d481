// An OpenSSH server on a loopback port (stands in for an EC2 bastion), with a key-only test user.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCommand } from './debian';
import { getFreePort } from './ports';
import { isPortInUse, makeTempDir, ManagedProcess, removeTempDir, runCommand } from './processes';
import * as net from 'node:net';

/** The sshd_config lines every test sshd shares: keys only, forwarding on, many sessions, SFTP in-process. */
export const SSHD_TEST_OPTIONS: readonly string[] = [
  'PubkeyAuthentication yes',
  'PasswordAuthentication no',
  'KbdInteractiveAuthentication no',
  'AllowTcpForwarding yes',
  'X11Forwarding no',
  'UseDNS no',
  'MaxStartups 50:30:100',
  'MaxSessions 50',
  'LogLevel VERBOSE',
  'Subsystem sftp internal-sftp',
];

export interface SshServer {
  /** 127.0.0.1, or the test host's own address (listenAddress). */
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** The user's ed25519 private key (OpenSSH format, no passphrase). */
  readonly privateKey: string;
  /** The server's host public key line ("ssh-ed25519 AAAA..."); a new one after replaceHostKey(). */
  readonly hostPublicKey: string;
  /** `ssh-keygen -l` of the host key: "256 SHA256:… comment (ED25519)". */
  hostKeyFingerprintLine(): Promise<string>;
  /** A new host key from ssh-keygen, then sshd restarted on the same port (as after a rebuild of the instance). */
  replaceHostKey(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartSshdOptions {
  /** Fixed port; default: a free one. */
  port?: number;
  /** Login name of the test user (created when missing); default rdslink-test. */
  username?: string;
  /** How long to wait for the server to answer; default 30 s. */
  timeoutMs?: number;
  /** Address to listen on (a test host's own); default 127.0.0.1. */
  listenAddress?: string;
  /** Run sshd inside this network namespace (`ip netns exec`), for a test host of its own. */
  netns?: string;
}

const SSHD = '/usr/sbin/sshd';

/** Creates the user when missing and unlocks it: sshd refuses any login, keys too, for a locked (`!`) account. */
async function ensureUser(username: string): Promise<void> {
  const useradd = await ensureCommand('useradd', 'passwd');
  const usermod = await ensureCommand('usermod', 'passwd');
  const exists = () =>
    runCommand('id', ['-u', username]).then(
      () => true,
      () => false,
    );
  if (!(await exists())) {
    try {
      await runCommand(useradd, ['--create-home', '--shell', '/bin/sh', username]);
    } catch (err) {
      // Another process may have just made it (useradd exits 9 then).
      if (!(await exists())) throw err;
    }
  }
  await runCommand(usermod, ['-p', '*', username]);
}

export async function startSshd(options: StartSshdOptions = {}): Promise<SshServer> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('startSshd needs root (it creates a user and runs sshd with its own config).');
  }
  const sshd = await ensureCommand(SSHD, 'openssh-server');
  const sshKeygen = await ensureCommand('ssh-keygen', 'openssh-client');
  const username = options.username ?? 'rdslink-test';
  // root logs in with the key only (deploy tests: no sudo here); any other user is created.
  if (username !== 'root') await ensureUser(username);
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(sshd, sshKeygen, username, options.port ?? (await getFreePort()), options);
    } catch (err) {
      if (options.port !== undefined || attempt >= 3 || !isPortInUse(err)) throw err;
    }
  }
}

async function startOnce(sshd: string, sshKeygen: string, username: string, port: number, options: StartSshdOptions): Promise<SshServer> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const host = options.listenAddress ?? '127.0.0.1';
  const base = makeTempDir('rds-link-sshd-');
  let proc: ManagedProcess | undefined;
  try {
    const hostKey = path.join(base, 'ssh_host_ed25519_key');
    const userKey = path.join(base, 'user_ed25519');
    await Promise.all([
      runCommand(sshKeygen, ['-q', '-t', 'ed25519', '-N', '', '-C', 'rds-link test host', '-f', hostKey]),
      runCommand(sshKeygen, ['-q', '-t', 'ed25519', '-N', '', '-C', `${username}@rds-link-test`, '-f', userKey]),
    ]);
    // sshd reads authorized_keys as the user: the dir must be traversable and the file readable.
    fs.chmodSync(base, 0o755);
    const authorizedKeys = path.join(base, 'authorized_keys');
    fs.copyFileSync(`${userKey}.pub`, authorizedKeys);
    fs.chmodSync(authorizedKeys, 0o644);
    const config = path.join(base, 'sshd_config');
    fs.writeFileSync(
      config,
      [
        `ListenAddress ${host}`,
        `HostKey ${hostKey}`,
        `PidFile ${path.join(base, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorizedKeys}`,
        `AllowUsers ${username}`,
        'UsePAM no',
        'StrictModes no',
        `PermitRootLogin ${username === 'root' ? 'prohibit-password' : 'no'}`,
        ...SSHD_TEST_OPTIONS,
        // bash run by sshd reads ~/.bashrc unless SHLVL says it is not the top shell: root's here
        // (pyenv init, ~0.2 s of CPU per command) is this machine's, not an instance's.
        ...(username === 'root' ? ['SetEnv SHLVL=1'] : []),
        '',
      ].join('\n'),
    );
    const launch = async (): Promise<ManagedProcess> => {
      const args = ['-D', '-e', '-f', config, '-p', String(port)];
      proc = options.netns
        ? new ManagedProcess(`sshd (${options.netns} ${host}:${port})`, 'ip', ['netns', 'exec', options.netns, sshd, ...args])
        : new ManagedProcess(`sshd (port ${port})`, sshd, args);
      // Ready once it sends its "SSH-2.0-" banner.
      await proc.waitUntilReady(() => readsBanner(host, port), timeoutMs);
      return proc;
    };
    let started = await launch();
    const privateKey = fs.readFileSync(userKey, 'utf8');
    const readHostKey = () => fs.readFileSync(`${hostKey}.pub`, 'utf8').trim();
    let hostPublicKey = readHostKey();
    return {
      host,
      port,
      username,
      privateKey,
      get hostPublicKey() {
        return hostPublicKey;
      },
      async hostKeyFingerprintLine() {
        return (await runCommand(sshKeygen, ['-l', '-f', `${hostKey}.pub`])).stdout.trim();
      },
      async replaceHostKey() {
        await started.stop(3000);
        fs.rmSync(hostKey, { force: true });
        fs.rmSync(`${hostKey}.pub`, { force: true });
        await runCommand(sshKeygen, ['-q', '-t', 'ed25519', '-N', '', '-C', 'rds-link test host (new)', '-f', hostKey]);
        hostPublicKey = readHostKey();
        started = await launch();
      },
      async stop() {
        await started.stop(3000);
        removeTempDir(base);
      },
    };
  } catch (err) {
    await proc?.stop(1000);
    removeTempDir(base);
    throw err;
  }
}

/** True once an SSH server on host:port sends its "SSH-2.0-" banner. */
export function readsBanner(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let data = '';
    const done = (ok: boolean) => {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\n')) done(data.startsWith('SSH-2.0-'));
    });
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}
