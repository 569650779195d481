// The sandbox's instances that can be deployed to: each one its own host made of rootless
// namespaces, with a real OpenSSH sshd. Works as a normal user (npm start) and as root (CI):
// no `ip netns`, no veth, no system users, nothing installed.
//
// A host is `unshare --user --map-root-user --net --mount --uts --pid`, kept alive by its PID 1
// (a shell that waits on the agent, sandboxHostAgent.ts). Inside:
//   - its own network namespace with only `lo`: its own 127.0.0.1, so every host's app listens on
//     :8080 as on separate machines;
//   - its own files: /etc is an overlay whose upper layer is the host's folder (so /etc/<service>/env,
//     /etc/systemd/system/<service>.service, /etc/passwd and /etc/hosts are the host's), /opt,
//     /home, /run and /tmp are the host's folders; /usr/local is an overlay that holds the
//     stand-ins for systemctl, sudo and useradd (serviceStandIns.ts: systemd cannot run here, no
//     systemd as PID 1), so the deploy file's defaults (`systemctl restart {service}`, `sudo -n`,
//     the unit written on the first deploy) work unchanged;
//   - OpenSSH's sshd on 127.0.0.1:22, run as the login user in a nested user namespace (uid 1000,
//     `ec2-user` and `ubuntu` as the AMIs have). It cannot run as the namespace's root: its
//     privilege separation calls setgroups(), which an unprivileged user namespace forbids. So it
//     takes keys from an authorized_keys file — the sandbox's key, which the extension gets through
//     `rdsLink.ssh.identityFile` — rather than "any key the client proves it holds": a non-root
//     sshd refuses an AuthorizedKeysCommand that root does not own, and no uid 0 exists there.
//     Exec, SFTP and forwardOut to 127.0.0.1:8080 (the health gate) are OpenSSH's own.
// From outside, each host is one loopback TCP port (rdsLink.ssh.hostOverrides: instance id →
// 127.0.0.1:port) relayed to a unix socket that the agent connects to 127.0.0.1:22: a filesystem
// socket crosses network namespaces. The other way, the host's /etc/hosts maps the RDS endpoint
// names to its 127.0.0.1, where the agent relays port 3306 to a unix socket whose far end is the
// sandbox's MariaDB: the app reaches "RDS" by its endpoint name, as inside the VPC.
// When the sandbox stops (or its Node process dies), the agent's stdin closes, PID 1 exits, and
// the kernel ends every process of the host with its namespaces.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ensureCommand } from './debian';
import { makeTempDir, ManagedProcess, removeTempDir, runCommand } from './processes';
import { SUDO_STAND_IN, SUPERVISOR, systemctlStandIn, USERADD_STAND_IN } from './serviceStandIns';
import { readsBanner, SSHD_TEST_OPTIONS } from './sshd';

/** The login users of the AMIs (Amazon Linux, Ubuntu): one uid, as sshd runs as it. */
export const SANDBOX_HOST_USERS = ['ec2-user', 'ubuntu'] as const;
/** The port the sample app listens on inside each host (sandbox/goapp/config.yaml server.addr). */
export const SANDBOX_APP_PORT = 8080;
const LOGIN_UID = 1000;

export interface SandboxHostSpec {
  readonly instanceId: string;
  /** The host name (its Name tag), e.g. goapp-web. */
  readonly name: string;
}

export interface SandboxHostsOptions {
  readonly hosts: readonly SandboxHostSpec[];
  /** RDS endpoint names and ports that resolve to each host's own 127.0.0.1, relayed to `db`. */
  readonly endpoints: ReadonlyArray<{ readonly host: string; readonly port: number }>;
  /** Where those endpoints lead: the sandbox MariaDB. */
  readonly db: { readonly host: string; readonly port: number };
  /**
   * The host key every host presents (OpenSSH private key); default one of its own each. The
   * sandbox passes its SSH stand-in's: the extension remembers one host key per instance, and the
   * DB tunnel through goapp-web goes to the stand-in while a deploy to goapp-web comes here.
   */
  readonly hostKey?: string;
}

export interface SandboxHost extends SandboxHostSpec {
  /** The loopback port that reaches the host's sshd; `hostOverride` is `127.0.0.1:<port>`. */
  readonly port: number;
  readonly hostOverride: string;
  /** The host's folder: the upper layer of its /etc (etc/), its /opt, /tmp, /run, sshd.log. */
  readonly dir: string;
  /** A unix socket outside the host whose connections reach the host's 127.0.0.1:SANDBOX_APP_PORT (the load balancer's way to the app). */
  readonly appSocket: string;
  /** Runs a program inside the host (its network, its files, its processes) as its root, outside SSH. */
  run(file: string, args: readonly string[], options?: { input?: string; timeoutMs?: number }): Promise<{ stdout: string; stderr: string }>;
}

export interface SandboxHosts {
  readonly hosts: readonly SandboxHost[];
  /** The private key every host accepts (ed25519, OpenSSH format), and the file holding it. */
  readonly privateKey: string;
  readonly identityFile: string;
  /** The documented user settings that send the extension's SSH for these instances here. */
  readonly settings: { readonly 'rdsLink.ssh.hostOverrides': Readonly<Record<string, string>>; readonly 'rdsLink.ssh.identityFile': string };
  stop(): Promise<void>;
}

const sshdConfig = (): string =>
  [
    'ListenAddress 127.0.0.1',
    'Port 22',
    'HostKey /etc/ssh/ssh_host_ed25519_key',
    'PidFile none',
    'UsePAM no',
    'StrictModes no',
    'AuthorizedKeysFile /etc/ssh/authorized_keys',
    `AllowUsers ${SANDBOX_HOST_USERS.join(' ')}`,
    ...SSHD_TEST_OPTIONS,
    '',
  ].join('\n');

/** The machine's passwd/group without uid/gid 1000 and the AMI users, then those users at 1000. */
function accounts(file: string, line: (user: string) => string): string {
  const keep = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l && l.split(':')[2] !== String(LOGIN_UID) && !(SANDBOX_HOST_USERS as readonly string[]).includes(l.split(':')[0]));
  return [...keep, ...SANDBOX_HOST_USERS.map(line), ''].join('\n');
}

// Runs as the host's root (the outer user, mapped): the host's network, name and mounts, then the
// agent as the login user in a nested user namespace. /tmp goes last: the host's folder may be
// under /tmp, and the working directory keeps it reachable (the agent's sockets are relative).
// The agent runs in the background so that this shell, PID 1, reaps the orphans that exit (the
// apps the supervisor started); fd 3 gives it the stdin an asynchronous command would lose.
const SETUP = `set -eu
H=$1 name=$2
shift 2
cd "$H"
hostname "$name"
ip link set lo up
# sshd runs as the login user: let it bind port 22 in this host's own network namespace.
echo 0 > /proc/sys/net/ipv4/ip_unprivileged_port_start
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$H/etc,workdir=$H/work/etc" /etc
mount -t overlay overlay -o "lowerdir=/usr/local,upperdir=$H/usr-local,workdir=$H/work/usr-local" /usr/local
for d in opt home run tmp; do mount --bind "$H/$d" "/$d"; done
exec 3<&0
"$@" <&3 3<&- &
wait $!
`;

function layOutHost(dir: string, spec: SandboxHostSpec, endpoints: SandboxHostsOptions['endpoints'], publicKey: string): void {
  for (const d of ['etc/ssh', 'etc/systemd/system', 'work/etc', 'work/usr-local', 'usr-local/bin', 'usr-local/sbin', 'opt', 'run', 'tmp', ...SANDBOX_HOST_USERS.map((u) => `home/${u}`)]) {
    fs.mkdirSync(path.join(dir, d), { recursive: true });
  }
  fs.chmodSync(path.join(dir, 'tmp'), 0o1777);
  const w = (file: string, text: string, mode = 0o644) => fs.writeFileSync(path.join(dir, file), text, { mode });
  w('etc/passwd', accounts('/etc/passwd', (u) => `${u}:x:${LOGIN_UID}:${LOGIN_UID}::/home/${u}:/bin/bash`));
  w('etc/group', accounts('/etc/group', (u) => `${u}:x:${LOGIN_UID}:`));
  w('etc/hostname', `${spec.name}\n`);
  const names = [...new Set(endpoints.map((e) => e.host))];
  w('etc/hosts', `127.0.0.1 localhost ${spec.name}\n::1 localhost\n# The RDS endpoints: this host's 127.0.0.1, relayed to the sandbox's MariaDB.\n${names.map((n) => `127.0.0.1 ${n}`).join('\n')}\n`);
  w('etc/ssh/sshd_config', sshdConfig());
  w('etc/ssh/authorized_keys', `${publicKey}\n`);
  w('usr-local/bin/supervise.sh', SUPERVISOR, 0o755);
  w('usr-local/bin/systemctl', systemctlStandIn('/usr/local/bin/supervise.sh', '/run/rds-link-sandbox'), 0o755);
  w('usr-local/bin/sudo', SUDO_STAND_IN, 0o755);
  w('usr-local/sbin/useradd', USERADD_STAND_IN, 0o755);
}

/** The pid of the host's PID 1 as this machine sees it (unshare's child), for nsenter. */
function initPid(unsharePid: number): number | undefined {
  try {
    return Number(fs.readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim().split(/\s+/)[0]) || undefined;
  } catch {
    return undefined;
  }
}

/** A TCP server on 127.0.0.1 (a free port) or a unix socket whose connections are piped to `to()`. */
async function relay(servers: Set<net.Server>, sockets: Set<net.Socket>, to: () => net.Socket, socketPath?: string): Promise<number> {
  const server = net.createServer((inbound) => {
    const outbound = to();
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  servers.add(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (socketPath) server.listen(socketPath, resolve);
    else server.listen(0, '127.0.0.1', resolve);
  });
  return socketPath ? 0 : (server.address() as net.AddressInfo).port;
}

async function tools(): Promise<Record<'unshare' | 'nsenter' | 'ip' | 'sshd' | 'sshKeygen', string>> {
  const [unshare, nsenter, ip, sshd, sshKeygen] = await Promise.all([
    ensureCommand('unshare', 'util-linux'),
    ensureCommand('nsenter', 'util-linux'),
    ensureCommand('ip', 'iproute2'),
    ensureCommand('/usr/sbin/sshd', 'openssh-server'),
    ensureCommand('ssh-keygen', 'openssh-client'),
  ]);
  return { unshare, nsenter, ip, sshd, sshKeygen };
}

export async function startSandboxHosts(options: SandboxHostsOptions): Promise<SandboxHosts> {
  const t = await tools();
  const base = makeTempDir('rds-link-hosts-');
  const servers = new Set<net.Server>();
  const sockets = new Set<net.Socket>();
  const procs: ManagedProcess[] = [];
  const stop = async () => {
    for (const p of procs) p.child.stdin?.end();
    await Promise.all(procs.map((p) => p.stop(3000)));
    for (const s of sockets) s.destroy();
    await Promise.all([...servers].map((s) => new Promise((r) => s.close(r))));
    removeTempDir(base);
  };
  try {
    const identityFile = path.join(base, 'id_ed25519');
    await runCommand(t.sshKeygen, ['-q', '-t', 'ed25519', '-N', '', '-C', 'rds-link sandbox', '-f', identityFile]);
    const publicKey = fs.readFileSync(`${identityFile}.pub`, 'utf8').trim();
    const ports = [...new Set(options.endpoints.map((e) => e.port))];
    for (const port of ports) await relay(servers, sockets, () => net.connect({ host: options.db.host, port: options.db.port }), path.join(base, `db-${port}.sock`));
    const hosts = await Promise.all(options.hosts.map(async (spec) => startHost(t, base, spec, options, publicKey, procs, (to) => relay(servers, sockets, to))));
    return {
      hosts,
      privateKey: fs.readFileSync(identityFile, 'utf8'),
      identityFile,
      settings: { 'rdsLink.ssh.hostOverrides': Object.fromEntries(hosts.map((h) => [h.instanceId, h.hostOverride])), 'rdsLink.ssh.identityFile': identityFile },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startHost(
  t: Awaited<ReturnType<typeof tools>>,
  base: string,
  spec: SandboxHostSpec,
  options: SandboxHostsOptions,
  publicKey: string,
  procs: ManagedProcess[],
  relayTo: (to: () => net.Socket) => Promise<number>,
): Promise<SandboxHost> {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(spec.name)) throw new Error(`sandbox host name "${spec.name}" is not a host name`);
  const dir = path.join(base, spec.name);
  layOutHost(dir, spec, options.endpoints, publicKey);
  const hostKey = path.join(dir, 'etc/ssh/ssh_host_ed25519_key');
  if (options.hostKey) fs.writeFileSync(hostKey, options.hostKey, { mode: 0o600 });
  else await runCommand(t.sshKeygen, ['-q', '-t', 'ed25519', '-N', '', '-C', `${spec.name} host key`, '-f', hostKey]);
  const agentConfig = {
    sshd: [t.sshd, '-D', '-e', '-f', '/etc/ssh/sshd_config'],
    sshdLog: 'sshd.log',
    in: [{ socket: 'ssh.sock', port: 22 }, { socket: 'app.sock', port: SANDBOX_APP_PORT, wait: false }],
    out: [...new Set(options.endpoints.map((e) => e.port))].map((port) => ({ port, socket: `../db-${port}.sock` })),
  };
  const args = ['--user', '--map-root-user', '--net', '--mount', '--uts', '--pid', '--fork', '--kill-child', '--mount-proc', 'sh', '-c', SETUP, 'sh', dir, spec.name];
  // The agent's code goes in as `node -e` text, not as a path: the host's own /tmp hides a
  // checkout that lies under /tmp (a clean clone in a temp folder).
  const agentCode = fs.readFileSync(path.join(__dirname, 'sandboxHostAgent.js'), 'utf8');
  const agent = [t.unshare, '--user', `--map-user=${LOGIN_UID}`, `--map-group=${LOGIN_UID}`, process.execPath, '-e', agentCode, JSON.stringify(agentConfig)];
  const proc = new ManagedProcess(`sandbox host ${spec.name}`, t.unshare, [...args, ...agent], process.env, { stdinPipe: true, cwd: dir });
  procs.push(proc);
  try {
    await proc.waitUntilReady(() => Promise.resolve(/^ready$/m.test(proc.outputTail(200))), 30_000);
  } catch (err) {
    const log = fs.existsSync(path.join(dir, 'sshd.log')) ? fs.readFileSync(path.join(dir, 'sshd.log'), 'utf8').slice(-2000) : '';
    throw new Error(`${(err as Error).message}${log ? `\n--- sshd.log ---\n${log}` : ''}\n(A sandbox host needs unprivileged user namespaces: unshare --user --map-root-user must work here.)`, { cause: err });
  }
  const port = await relayTo(() => net.connect(path.join(dir, 'ssh.sock')));
  if (!(await readsBanner('127.0.0.1', port))) throw new Error(`sandbox host ${spec.name}: sshd does not answer through 127.0.0.1:${port}`);
  const unsharePid = proc.child.pid ?? 0;
  return {
    ...spec,
    port,
    hostOverride: `127.0.0.1:${port}`,
    dir,
    appSocket: path.join(dir, 'app.sock'),
    run: (file, argv, o = {}) => {
      const pid = initPid(unsharePid);
      if (!pid) return Promise.reject(new Error(`sandbox host ${spec.name} is not running`));
      return runCommand(t.nsenter, ['-t', String(pid), '-U', '-n', '-m', '-u', '-p', '--preserve-credentials', file, ...argv], o);
    },
  };
}
