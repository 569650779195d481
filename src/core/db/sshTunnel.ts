/**
 * The SSH leg of the tunnel route: push a key with EC2 Instance Connect, log in with ssh2, and
 * open `direct-tcpip` channels (forwardOut) to the RDS endpoint as the instance sees it.
 *
 * The host key is checked by the policy in hostKeys.ts when one is given (the editor always gives
 * one): the key remembered for the instance, else the fingerprints in the instance's console
 * output, else trust on first use, said out loud. It can also be pinned. The database traffic
 * inside the channel is TLS verified against the RDS CA with the endpoint's name besides, so a
 * man in the middle of SSH still sees neither the password nor the data.
 */
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { SendSSHPublicKeyCommand, type EC2InstanceConnectClient } from '@aws-sdk/client-ec2-instance-connect';
import { Client, type ClientChannel } from 'ssh2';
import { t } from '../l10n';
import { decideHostKey, describeHostKey, HostKeyError, readConsoleEvidence, type ConsoleEvidence, type HostKeyDecision, type HostKeyPolicy } from './hostKeys';
import { raceCancel, Resources, throwIfCancelled, type Cancellation } from './lifetime';
import type { SshTunnelRoute } from './routes';
import { generateEphemeralKey, publicKeyOf } from './sshKey';

export interface KeyPushRequest {
  readonly instanceId: string;
  readonly osUser: string;
  /** `ssh-ed25519 AAAA…` */
  readonly publicKey: string;
  readonly availabilityZone?: string;
}

/** SendSSHPublicKey failed: the SSH login was never possible. */
export class KeyPushError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyPushError';
  }
}

/** EC2 Instance Connect SendSSHPublicKey: the instance accepts the key for 60 seconds. */
export async function sendSshPublicKey(client: EC2InstanceConnectClient, req: KeyPushRequest): Promise<void> {
  let success: boolean | undefined;
  try {
    const out = await client.send(
      new SendSSHPublicKeyCommand({
        InstanceId: req.instanceId,
        InstanceOSUser: req.osUser,
        SSHPublicKey: req.publicKey,
        ...(req.availabilityZone ? { AvailabilityZone: req.availabilityZone } : {}),
      }),
    );
    success = out.Success;
  } catch (err) {
    const name = (err as Error).name;
    const why =
      name === 'AccessDeniedException'
        ? t('access denied: it needs ec2-instance-connect:SendSSHPublicKey on the instance')
        : name === 'EC2InstanceStateInvalidException'
          ? t('the instance is not running')
          : name === 'EC2InstanceNotFoundException'
            ? t('the instance was not found')
            : name === 'EC2InstanceUnavailableException'
              ? t('the instance is not available to EC2 Instance Connect')
              : (err as Error).message;
    throw new KeyPushError(t('EC2 Instance Connect could not send the SSH key to {0}: {1}', req.instanceId, why), { cause: err });
  }
  if (success === false) throw new KeyPushError(t('EC2 Instance Connect did not accept the SSH key for {0}.', req.instanceId));
}

export interface SshTunnelOptions {
  /** Needed when the route pushes a key. */
  readonly instanceConnect?: EC2InstanceConnectClient;
  readonly signal?: Cancellation;
  /** How long the SSH handshake and login may take; default 20 s. */
  readonly readyTimeoutMs?: number;
  /** `SHA256:…` the host key must have; default: any, reported in hostKeySha256. */
  readonly hostKeySha256?: string;
  /** Remembered keys and the console's fingerprints; without it any key is accepted (and logged). */
  readonly hostKeys?: HostKeyPolicy;
  /** How long the instance may take to open a channel to the database; default 10 s. */
  readonly forwardTimeoutMs?: number;
  readonly onProgress?: (message: string) => void;
  readonly log?: (line: string) => void;
  /** ACK sshd's packets at once (see ackPromptly); default true. Off only to measure the difference. */
  readonly promptAcks?: boolean;
}

/** How the host key was accepted, for the log and the caller. */
export interface HostKeyCheck {
  readonly basis: 'remembered' | 'console' | 'firstUse' | 'pinned' | 'unchecked';
  readonly message: string;
}

export interface SshTunnel {
  /** The host key's fingerprint, `SHA256:<base64>` as ssh-keygen -l shows it. */
  readonly hostKeySha256: string;
  readonly hostKeyCheck: HostKeyCheck;
  /** A new channel to the route's target (the RDS endpoint). */
  forward(): Promise<ClientChannel>;
  /** Open channels right now. */
  readonly openChannels: number;
  close(): Promise<void>;
}

export function fingerprintSha256(hostKey: Buffer): string {
  return describeHostKey(hostKey).sha256;
}

function sshFailure(route: SshTunnelRoute, err: Error): Error {
  const at = `${route.ssh.host}:${route.ssh.port}`;
  const level = (err as Error & { level?: string }).level;
  const code = (err as NodeJS.ErrnoException).code;
  let message: string;
  if (level === 'client-authentication') {
    message = t(
      'The instance refused the SSH login as {0} at {1}. Check the OS user (override it if the AMI uses another), that EC2 Instance Connect is installed on the instance, and that nothing else replaced the pushed key.',
      route.ssh.username,
      at,
    );
  } else if (level === 'client-timeout' || code === 'ETIMEDOUT' || code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    message = t('SSH to {0} did not answer ({1}). Does the instance\'s security group allow SSH (port {2}) from this machine?', at, code ?? err.message, route.ssh.port);
  } else if (/Host denied/.test(err.message)) {
    message = t('The host key of {0} does not match the one expected; not connecting.', at);
  } else {
    message = t('SSH to {0} failed: {1}', at, err.message);
  }
  return new Error(message, { cause: err });
}

/**
 * OpenSSH's sshd sets TCP_NODELAY on its socket only for a session that runs a command; a
 * connection that only forwards keeps Nagle on. So whenever sshd sends two small packets in a
 * row (its hostkeys notice, then a channel confirmation; a confirmation, then the database's
 * greeting; TLS records) the second waits until we ACK the first — and Linux delays that ACK up
 * to 40 ms when we have nothing to send. Several such stalls per login made a tunnelled TLS login
 * 90–130 ms instead of ~8 ms on loopback.
 *
 * The fix on our side: when a read from sshd is not followed by a write of ours within the same
 * turn of the event loop, send one small message that needs no answer, so the ACK leaves at
 * once. The message is OpenSSH's "no-more-sessions" (no reply requested), which also tells the
 * server to refuse any shell or command channel on this connection: the tunnel only forwards.
 * Nothing runs on the instance. Servers that are not OpenSSH get nothing (ssh2 checks).
 */
function ackPromptly(client: Client, sock: net.Socket): void {
  let pending = false;
  sock.on('data', () => {
    if (pending) return;
    pending = true;
    const written = sock.bytesWritten;
    setImmediate(() => {
      pending = false;
      if (sock.bytesWritten !== written || !sock.writable) return;
      try {
        // Without a callback ssh2 asks for no reply (its typings want one).
        (client as unknown as { openssh_noMoreSessions(): void }).openssh_noMoreSessions();
      } catch {
        // the connection is closing
      }
    });
  });
}

/** After the login: remembers a newly trusted key and says how the key was accepted. */
async function settleHostKey(decision: HostKeyDecision | undefined, options: SshTunnelOptions, instanceId: string): Promise<HostKeyCheck> {
  if (!decision?.accept) {
    return options.hostKeySha256
      ? { basis: 'pinned', message: t('The SSH host key is the pinned one.') }
      : { basis: 'unchecked', message: t('The SSH host key was not checked.') };
  }
  if (decision.basis !== 'remembered') {
    options.onProgress?.(decision.message);
    try {
      await options.hostKeys?.store.remember(instanceId, decision.remember);
    } catch (err) {
      // The connection stands; the next one checks the key again as a first use.
      options.log?.(`remembering the host key of ${instanceId} failed: ${(err as Error).message}`);
    }
  }
  options.log?.(`host key of ${instanceId}: ${decision.message}`);
  return { basis: decision.basis, message: decision.message };
}

/**
 * Connects and logs in; everything it opens is registered with `resources` and closed again
 * when this fails. The key push and the SSH handshake (TCP, banners, key exchange) run at the
 * same time: only the login itself waits for EC2 Instance Connect to accept the key.
 */
export async function openSshTunnel(route: SshTunnelRoute, options: SshTunnelOptions = {}, resources = new Resources()): Promise<SshTunnel> {
  const { signal, log, onProgress } = options;
  throwIfCancelled(signal);

  let privateKey: string;
  let publicKey: string | undefined;
  if (route.key.kind === 'instanceConnect') {
    ({ privateKey, publicKey } = generateEphemeralKey(`rds-link-${route.instance.id}`));
  } else {
    privateKey = route.key.privateKey;
    publicKey = route.key.push ? publicKeyOf(privateKey, `rds-link-${route.instance.id}`) : undefined;
  }
  const instanceConnect = options.instanceConnect;
  if (publicKey && !instanceConnect) throw new Error(t('Pushing the SSH key needs an EC2 Instance Connect client.'));

  let pushed: Promise<void> = Promise.resolve();
  if (publicKey && instanceConnect) {
    onProgress?.(t('Sending a temporary SSH key to {0} (EC2 Instance Connect)…', route.instance.id));
    pushed = sendSshPublicKey(instanceConnect, {
      instanceId: route.instance.id,
      osUser: route.ssh.username,
      publicKey,
      availabilityZone: route.instance.availabilityZone,
    }).then(() => log?.(`SendSSHPublicKey ok: ${route.instance.id} as ${route.ssh.username}`));
    // Observed below; keep an early failure from being reported as unhandled meanwhile.
    pushed.catch(() => undefined);
  }

  // Nothing remembered for this instance: read its console output while SSH connects, so the
  // host key can be checked the moment the server shows it.
  const hostKeys = options.hostKeys;
  const instanceId = route.instance.id;
  const sshAt = `${route.ssh.host}:${route.ssh.port}`;
  const remembered = hostKeys?.store.get(instanceId);
  let evidence: Promise<ConsoleEvidence> | undefined;
  if (hostKeys && !remembered) {
    evidence = route.viaHostOverride
      ? Promise.resolve({ kind: 'unavailable', reason: t('SSH goes to the host override {0}, not to the instance EC2 describes', sshAt) })
      : readConsoleEvidence(hostKeys, instanceId);
  }
  let decision: HostKeyDecision | undefined;

  onProgress?.(t('Connecting over SSH to {0}:{1} as {2}…', route.ssh.host, route.ssh.port, route.ssh.username));
  const client = new Client();
  const channels = new Set<ClientChannel>();
  let hostKeySha256 = '';
  let clientClosed = false;
  const closedPromise = new Promise<void>((resolve) => client.once('close', () => ((clientClosed = true), resolve())));
  // Our own socket: Nagle off (one SQL round trip must not wait on a delayed ACK), and we can
  // destroy it whatever state ssh2 is in.
  const sock = net.connect({ host: route.ssh.host, port: route.ssh.port, noDelay: true });
  sock.setKeepAlive(true, 15_000);
  let closing: Promise<void> | undefined;
  const closeSsh = (): Promise<void> =>
    (closing ??= (async () => {
      for (const ch of channels) ch.destroy();
      if (!clientClosed) {
        client.end();
        await Promise.race([closedPromise, new Promise((r) => setTimeout(r, 1500).unref())]);
      }
      sock.destroy();
    })());
  resources.add('ssh', closeSsh);

  const ready = new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    // Kept for the client's whole life: an 'error' without a listener would crash the host.
    client.on('error', (err) => {
      reject(err);
      log?.(`ssh: ${err.message}`);
    });
    // A socket that closes before 'ready' without an 'error' (the server hung up).
    client.once('close', () => reject(new Error(t('the connection closed before the login finished'))));
  });
  ready.catch(() => undefined);
  let offered = false;
  client.connect({
    sock,
    username: route.ssh.username,
    readyTimeout: options.readyTimeoutMs ?? 20_000,
    // One method, offered once the key is in place. Straight to the key also skips ssh2's
    // default "none" attempt, which sshd answers only after its failed-login delay.
    authHandler: (_methods, _partial, next) => {
      // `false` ends the login attempts (ssh2 accepts it; its typings do not list it).
      const giveUp = () => (next as unknown as (stop: false) => void)(false);
      if (offered) return giveUp();
      offered = true;
      pushed.then(() => next({ type: 'publickey', username: route.ssh.username, key: privateKey }), giveUp);
    },
    keepaliveInterval: 15_000,
    keepaliveCountMax: 4,
    hostVerifier: (key: Buffer, verify: (accept: boolean) => void) => {
      const presented = describeHostKey(key);
      hostKeySha256 = presented.sha256;
      // Always answered through verify: ssh2 then waits, and the console read may still be on its way.
      if (options.hostKeySha256 && options.hostKeySha256 !== hostKeySha256) {
        verify(false);
      } else if (!hostKeys) {
        verify(true);
      } else {
        void (evidence ?? Promise.resolve(undefined)).then((consoleSaid) => {
          decision = decideHostKey({ instanceId, at: sshAt, presented, remembered, console: consoleSaid });
          hostKeys.onDecision?.(decision);
          verify(decision.accept);
        });
      }
    },
  });
  try {
    // A failed push rejects before the login refusal that follows from it, so it is the error
    // reported; an SSH failure before the push is done is reported at once.
    await raceCancel(Promise.all([pushed, ready]), signal);
  } catch (err) {
    await closeSsh();
    if (decision && !decision.accept) throw new HostKeyError(decision.message, decision.reason);
    if (err instanceof KeyPushError || (err instanceof Error && err.name === 'Canceled')) throw err;
    throw sshFailure(route, err as Error);
  }
  const hostKeyCheck = await settleHostKey(decision, options, instanceId);
  log?.(`ssh ready: ${route.ssh.username}@${sshAt} host key ${hostKeySha256} (${hostKeyCheck.basis})`);
  if (options.promptAcks ?? true) ackPromptly(client, sock);

  const forwardTimeoutMs = options.forwardTimeoutMs ?? 10_000;
  const unreachable = (why: string, cause?: unknown): Error =>
    new Error(
      t(
        'The instance {0} could not reach the database at {1}:{2} ({3}). The likely cause: the instance is not linked to the database, or the DB\'s security group does not allow port {2} from the instance.',
        route.instance.id,
        route.target.host,
        route.target.port,
        why,
      ),
      { cause },
    );
  // sshd answers a direct-tcpip request only once its own connect() ends: to a destination that
  // drops packets, that is the kernel's TCP timeout, minutes later.
  const forward = (): Promise<ClientChannel> =>
    new Promise((resolve, reject) => {
      if (clientClosed || resources.closed) return reject(new Error(t('The SSH tunnel is closed.')));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        reject(unreachable(t('no answer within {0} s', Math.round(forwardTimeoutMs / 1000))));
      }, forwardTimeoutMs);
      client.forwardOut('127.0.0.1', 0, route.target.host, route.target.port, (err, channel) => {
        clearTimeout(timer);
        if (timedOut) return channel?.destroy();
        if (err) return reject(unreachable(err.message, err));
        channels.add(channel);
        channel.once('close', () => channels.delete(channel));
        resolve(channel);
      });
    });

  return {
    hostKeySha256,
    hostKeyCheck,
    forward,
    get openChannels() {
      return channels.size;
    },
    close: closeSsh,
  };
}

/** A Duplex for the driver: a plain TCP socket with Nagle off (direct and local-port routes). */
export function connectTcp(host: string, port: number, timeoutMs: number, signal?: Cancellation, resources?: Resources): Promise<Duplex> {
  const socket = net.connect({ host, port, noDelay: true });
  resources?.add(`socket ${host}:${port}`, () => void socket.destroy());
  const connected = new Promise<Duplex>((resolve, reject) => {
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(t('{0}:{1} did not answer within {2} s.', host, port, Math.round(timeoutMs / 1000))));
    });
    socket.once('connect', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('error', (err) => {
      socket.destroy();
      reject(new Error(t('Connecting to {0}:{1} failed: {2}', host, port, err.message), { cause: err }));
    });
  });
  return raceCancel(connected, signal).catch((err: unknown) => {
    socket.destroy();
    throw err;
  });
}
