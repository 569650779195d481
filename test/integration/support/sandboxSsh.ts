// The sandbox's stand-in for an EC2 instance's SSH server: an ssh2 server on 127.0.0.1, needing
// no root and no system users.
//
// It does what the instance does for RDS Link after EC2 Instance Connect has pushed a key:
//   - logs in `ec2-user` / `ubuntu` (by default) with any public key the client proves it holds
//     (Instance Connect makes the instance accept the pushed key; the sandbox's moto accepts the
//     push and does nothing, so "any key" plays that part). Passwords and other users: refused.
//   - opens `direct-tcpip` channels (ssh2 forwardOut) only to the RDS endpoint names it was given,
//     each one `*.rds.amazonaws.com`, and connects them to the local MariaDB — as the instance
//     reaches the RDS endpoint inside the VPC. Any other destination is refused.
//   - refuses sessions (shell, exec, subsystems): the product only forwards.
// Every login and channel request is recorded, so a test can tell the tunnel was really used.
import * as net from 'node:net';
import { Server, utils as sshUtils, type Connection } from 'ssh2';
import { generateEphemeralKey } from '../../../src/core/instance/sshKey';
import { listenOn } from './ports';

export interface SandboxSshOptions {
  /** RDS endpoints the "instance" can reach, as `name:port`; each name must end in `.rds.amazonaws.com`. */
  readonly endpoints: readonly string[];
  /** Where a channel to one of the endpoints goes: the local MariaDB. */
  readonly target: { readonly host: string; readonly port: number };
  /** OS users that may log in; default ec2-user and ubuntu (Amazon Linux and Ubuntu AMIs). */
  readonly users?: readonly string[];
  /** Fixed port; default: a free one. */
  readonly port?: number;
}

export interface SandboxSshEvent {
  readonly at: number;
  readonly kind: 'login' | 'loginRefused' | 'forward' | 'forwardRefused' | 'sessionRefused';
  /** login: the user and key type; forward: `host:port` asked for. */
  readonly detail: string;
}

export interface SandboxSsh {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `127.0.0.1:PORT`: the value of `rdsLink.ssh.hostOverride`. */
  readonly hostOverride: string;
  /** The host key's public line (`ssh-ed25519 AAAA…`). */
  readonly hostPublicKey: string;
  /** Its private key (OpenSSH format): the sandbox's deployable hosts present the same one (sandboxHosts.ts). */
  readonly hostPrivateKey: string;
  /** Every login and channel request so far, oldest first. */
  readonly events: readonly SandboxSshEvent[];
  /** Channels to the DB open right now. */
  readonly openForwards: number;
  stop(): Promise<void>;
}

const RDS_SUFFIX = '.rds.amazonaws.com';

function endpointKey(host: string, port: number): string {
  return `${host.toLowerCase()}:${port}`;
}

function parseEndpoint(text: string): { host: string; port: number } {
  const at = text.lastIndexOf(':');
  const host = at > 0 ? text.slice(0, at) : '';
  const port = Number(text.slice(at + 1));
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`sandbox SSH: "${text}" is not name:port`);
  if (!host.toLowerCase().endsWith(RDS_SUFFIX)) throw new Error(`sandbox SSH: ${host} is not an RDS endpoint name (*${RDS_SUFFIX})`);
  return { host, port };
}

export async function startSandboxSsh(options: SandboxSshOptions): Promise<SandboxSsh> {
  const allowed = new Set(options.endpoints.map((e) => {
    const { host, port } = parseEndpoint(e);
    return endpointKey(host, port);
  }));
  if (allowed.size === 0) throw new Error('sandbox SSH: no RDS endpoints to forward to');
  const users = new Set(options.users ?? ['ec2-user', 'ubuntu']);
  const hostKey = generateEphemeralKey('rds-link-sandbox-host');
  const events: SandboxSshEvent[] = [];
  const record = (kind: SandboxSshEvent['kind'], detail: string) => events.push({ at: Date.now(), kind, detail });
  const clients = new Set<Connection>();
  const sockets = new Set<net.Socket>();

  const server = new Server({ hostKeys: [hostKey.privateKey], ident: 'RDSLinkSandbox_1.0' }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    // A client that drops the connection must not take the server down.
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || !users.has(ctx.username)) {
        if (ctx.method !== 'none') record('loginRefused', `${ctx.username} (${ctx.method})`);
        return ctx.reject(['publickey']);
      }
      const key = sshUtils.parseKey(ctx.key.data);
      if (key instanceof Error || key.type !== ctx.key.algo) {
        record('loginRefused', `${ctx.username} (unreadable ${ctx.key.algo} key)`);
        return ctx.reject(['publickey']);
      }
      // Without a signature the client only asks whether the key would do: yes, any key would.
      if (!ctx.signature) return ctx.accept();
      if (!ctx.blob || key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) {
        record('loginRefused', `${ctx.username} (bad signature)`);
        return ctx.reject(['publickey']);
      }
      record('login', `${ctx.username} ${ctx.key.algo}`);
      ctx.accept();
    });
    client.on('ready', () => {
      client.on('session', (_accept, reject) => {
        record('sessionRefused', 'session');
        reject();
      });
      client.on('tcpip', (accept, reject, info) => {
        const wanted = endpointKey(info.destIP, info.destPort);
        if (!allowed.has(wanted)) {
          record('forwardRefused', wanted);
          reject();
          return;
        }
        const socket = net.connect({ host: options.target.host, port: options.target.port, noDelay: true });
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        socket.once('error', () => {
          record('forwardRefused', `${wanted} (the DB did not answer)`);
          reject();
          socket.destroy();
        });
        socket.once('connect', () => {
          const channel = accept();
          if (!channel) {
            socket.destroy();
            return;
          }
          record('forward', wanted);
          channel.on('error', () => socket.destroy());
          channel.once('close', () => socket.destroy());
          socket.once('close', () => channel.destroy());
          socket.pipe(channel).pipe(socket);
        });
      });
    });
  });

  const port = await listenOn(server, options.port);
  let stopped: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    hostOverride: `127.0.0.1:${port}`,
    hostPublicKey: hostKey.publicKey,
    hostPrivateKey: hostKey.privateKey,
    events,
    get openForwards() {
      return sockets.size;
    },
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        for (const c of clients) c.end();
        // close() waits for the clients to go; one that does not answer is not waited for long.
        const timer = setTimeout(resolve, 2000);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
      })),
  };
}
