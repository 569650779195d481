/**
 * An SSH session to an EC2 instance: push a key with EC2 Instance Connect (or use the caller's),
 * log in with ssh2 with the host key checked by the policy in hostKeys.ts, then open channels:
 * `forwardOut` (direct-tcpip to a host:port as the instance sees it), `exec` (a command, with
 * its stdin from us: secrets travel there, never on a command line) and `sftp`.
 *
 * The host key policy: the key remembered for the instance, else the fingerprints in the
 * instance's console output, else trust on first use, said out loud. It can also be pinned.
 * Whatever the session opens is registered with one Resources and closed by close().
 */
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import type { EC2InstanceConnectClient } from '@aws-sdk/client-ec2-instance-connect';
import { Client, type AuthHandlerMiddleware, type ClientChannel, type SFTPWrapper } from 'ssh2';
import { CancelledError, isCancellation } from '../errors';
import { t } from '../l10n';
import { isCancelled, raceCancel, Resources, throwIfCancelled, type Cancellation } from '../lifetime';
import { decideHostKey, describeHostKey, HostKeyError, readConsoleEvidence, type ConsoleEvidence, type HostKeyDecision, type HostKeyPolicy } from './hostKeys';
import { EiceTunnelStream, openEiceTunnel, sshOverTunnelFailure, tunnelEndedError, type EiceConnectOptions } from './eice/tunnel';
import { KeyPushError, sendSshPublicKey } from './instanceConnect';
import type { InstanceAccess } from './reach';
import { generateEphemeralKey, publicKeyOf } from './sshKey';

export interface SshSessionOptions {
  /** Needed when the access pushes a key. */
  readonly instanceConnect?: EC2InstanceConnectClient;
  readonly signal?: Cancellation;
  /** How long the SSH handshake and login may take; default 20 s. */
  readonly readyTimeoutMs?: number;
  /** `SHA256:…` the host key must have; default: any, reported in hostKeySha256. */
  readonly hostKeySha256?: string;
  /** Remembered keys and the console's fingerprints; without it any key is accepted (and logged). */
  readonly hostKeys?: HostKeyPolicy;
  /** How long the instance may take to open a forwarded channel; default 10 s. */
  readonly forwardTimeoutMs?: number;
  readonly onProgress?: (message: string) => void;
  readonly log?: (line: string) => void;
  /**
   * The session only forwards ports (the DB tunnel): the server is told to refuse commands and
   * shells on it, which also lets us ACK its packets at once (see ackPromptly). exec and sftp
   * then fail.
   */
  readonly forwardOnly?: boolean;
  /** With forwardOnly, ACK sshd's packets at once; default true. Off only to measure the difference. */
  readonly promptAcks?: boolean;
  /**
   * A stream already open to the instance's sshd (an EC2 Instance Connect Endpoint tunnel)
   * instead of a TCP connection to route.ssh; route.ssh then only names the instance in
   * messages. The session owns it from here: close() destroys it.
   */
  readonly sock?: SshSocket;
  /**
   * How to sign the EC2 Instance Connect Endpoint tunnel when the route goes through one
   * (route.eice) and no sock is given: eiceSigningFrom(the region's EC2 client).
   */
  readonly eice?: Omit<EiceConnectOptions, 'signal' | 'log'> & { readonly maxTunnelDurationSeconds?: number };
}

/** What the SSH leg carries its bytes on: a TCP socket, or any duplex that counts what it wrote. */
export type SshSocket = Duplex & { readonly bytesWritten?: number };

/** How the host key was accepted, for the log and the caller. */
export interface HostKeyCheck {
  readonly basis: 'remembered' | 'console' | 'firstUse' | 'pinned' | 'unchecked';
  readonly message: string;
}

/** forwardOut failed: the instance could not (or did not in time) reach host:port. */
export class ForwardOutError extends Error {
  constructor(
    /** Why, in a few words: the server's refusal, or "no answer within N s". */
    readonly why: string,
    options?: { cause?: unknown },
  ) {
    super(why, options);
    this.name = 'ForwardOutError';
  }
}

/** The session was closed (or the server hung up) before a channel was asked for, or while one was in use. */
export class SessionClosedError extends Error {
  /** The connection ended while the operation ran (a command may have half run), not before it began. */
  readonly interrupted: boolean;

  /** `cause`: what ended the connection when it is known (an EiceTunnelError for a tunnel at its maximum duration). */
  constructor(message: string, options?: { cause?: unknown; interrupted?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SessionClosedError';
    this.interrupted = options?.interrupted ?? false;
  }
}

export interface ExecOptions {
  /** Written to the command's stdin, then stdin is closed. The place for secrets. */
  readonly stdin?: string | Buffer;
  /** The command is killed (its channel closed) after this long; default: no limit. */
  readonly timeoutMs?: number;
  readonly signal?: Cancellation;
  /** Each chunk of output as it arrives (for a log). */
  readonly onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

export interface ExecResult {
  /** The exit status; null when the command died of a signal or the channel closed first. */
  readonly code: number | null;
  readonly signal?: string;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SshSession {
  /** The host key's fingerprint, `SHA256:<base64>` as ssh-keygen -l shows it. */
  readonly hostKeySha256: string;
  readonly hostKeyCheck: HostKeyCheck;
  /** A new direct-tcpip channel to host:port as the instance sees it; ForwardOutError when it cannot. */
  forwardOut(host: string, port: number): Promise<ClientChannel>;
  /** Runs a command (through the login shell of the user) and collects its output. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** An SFTP client on this session (OpenSSH's sftp subsystem). */
  sftp(): Promise<SFTPWrapper>;
  /**
   * `work`, or a SessionClosedError as soon as the connection drops. ssh2 leaves an SFTP call
   * unanswered when the connection goes mid-transfer: every SFTP call goes through this.
   */
  guard<T>(work: Promise<T>): Promise<T>;
  /** Open channels right now. */
  readonly openChannels: number;
  close(): Promise<void>;
}

export function fingerprintSha256(hostKey: Buffer): string {
  return describeHostKey(hostKey).sha256;
}

function sshFailure(route: InstanceAccess, err: Error): Error {
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
function ackPromptly(client: Client, sock: SshSocket): void {
  // A stream that does not count its writes cannot tell a read without a reply of ours.
  if (typeof sock.bytesWritten !== 'number') return;
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
async function settleHostKey(decision: HostKeyDecision | undefined, options: SshSessionOptions, instanceId: string): Promise<HostKeyCheck> {
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
export async function openSshSession(route: InstanceAccess, options: SshSessionOptions = {}, resources = new Resources()): Promise<SshSession> {
  const { signal, log, onProgress } = options;
  throwIfCancelled(signal);
  const { privateKey, pushed } = pushKey(route, options);

  // Nothing remembered for this instance: read its console output while SSH connects, so the
  // host key can be checked the moment the server shows it.
  const instanceId = route.instance.id;
  const sshAt = `${route.ssh.host}:${route.ssh.port}`;
  const remembered = options.hostKeys?.store.get(instanceId);
  const evidence = options.hostKeys && !remembered ? consoleEvidence(route, options.hostKeys, sshAt) : undefined;
  const seen: SeenHostKey = { sha256: '' };

  const given = options.sock ?? (route.eice ? await eiceTunnel(route, route.eice, options) : undefined);
  const tunnel = given instanceof EiceTunnelStream ? given : undefined;
  onProgress?.(t('Connecting over SSH to {0}:{1} as {2}…', route.ssh.host, route.ssh.port, route.ssh.username));
  const client = new Client();
  const channels = new Set<{ destroy(): void }>();
  let clientClosed = false;
  const closedPromise = new Promise<void>((resolve) => client.once('close', () => ((clientClosed = true), resolve())));
  // Our own socket: Nagle off (one SQL round trip must not wait on a delayed ACK), and we can
  // destroy it whatever state ssh2 is in. A given stream (a tunnel) is used as it is.
  const sock: SshSocket = given ?? net.connect({ host: route.ssh.host, port: route.ssh.port, noDelay: true }).setKeepAlive(true, 15_000);
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

  const ready = loggedIn(client, log);
  client.connect({
    sock,
    username: route.ssh.username,
    readyTimeout: options.readyTimeoutMs ?? 20_000,
    authHandler: offerKeyOnce(pushed, route.ssh.username, privateKey),
    keepaliveInterval: 15_000,
    keepaliveCountMax: 4,
    hostVerifier: hostKeyVerifier(options, { instanceId, at: sshAt, remembered, evidence }, seen),
  });
  try {
    // A failed push rejects before the login refusal that follows from it, so it is the error
    // reported; an SSH failure before the push is done is reported at once.
    await raceCancel(Promise.all([pushed, ready]), signal);
  } catch (err) {
    await closeSsh();
    const decision = seen.decision;
    if (decision && !decision.accept) throw new HostKeyError(decision.message, decision.reason);
    if (err instanceof KeyPushError || isCancellation(err)) throw err;
    throw (tunnel && sshOverTunnelFailure(tunnel, err as Error)) ?? sshFailure(route, err as Error);
  }
  const hostKeySha256 = seen.sha256;
  const hostKeyCheck = await settleHostKey(seen.decision, options, instanceId);
  log?.(`ssh ready: ${route.ssh.username}@${sshAt} host key ${hostKeySha256} (${hostKeyCheck.basis})`);
  if (options.forwardOnly && (options.promptAcks ?? true)) ackPromptly(client, sock);

  const ops = channelOperations(client, {
    sshAt,
    forwardTimeoutMs: options.forwardTimeoutMs ?? 10_000,
    forwardOnly: Boolean(options.forwardOnly),
    isClosed: () => clientClosed || resources.closed,
    whyClosed: () => (tunnel ? tunnelEndedError(tunnel) : undefined),
    closed: closedPromise,
    channels,
  });
  return {
    hostKeySha256,
    hostKeyCheck,
    ...ops,
    get openChannels() {
      return channels.size;
    },
    close: closeSsh,
  };
}

/**
 * The login key: a throw-away one pushed with EC2 Instance Connect, or the caller's (pushed too
 * when asked). `pushed` settles when the key is in place (at once when nothing is pushed).
 */
function pushKey(route: InstanceAccess, options: SshSessionOptions): { privateKey: string; pushed: Promise<void> } {
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
    options.onProgress?.(t('Sending a temporary SSH key to {0} (EC2 Instance Connect)…', route.instance.id));
    pushed = sendSshPublicKey(instanceConnect, {
      instanceId: route.instance.id,
      osUser: route.ssh.username,
      publicKey,
      availabilityZone: route.instance.availabilityZone,
    }).then(() => options.log?.(`SendSSHPublicKey ok: ${route.instance.id} as ${route.ssh.username}`));
    // Observed by the caller; keep an early failure from being reported as unhandled meanwhile.
    pushed.catch(() => undefined);
  }
  return { privateKey, pushed };
}

/** What the instance's console output says about its host keys (not read when SSH goes to a host override). */
function consoleEvidence(route: InstanceAccess, hostKeys: HostKeyPolicy, sshAt: string): Promise<ConsoleEvidence> {
  return route.viaHostOverride
    ? Promise.resolve({ kind: 'unavailable', reason: t('SSH goes to the host override {0}, not to the instance EC2 describes', sshAt) })
    : readConsoleEvidence(hostKeys, route.instance.id);
}

/** The stream to sshd through the route's EC2 Instance Connect Endpoint. */
async function eiceTunnel(route: InstanceAccess, eice: NonNullable<InstanceAccess['eice']>, options: SshSessionOptions): Promise<SshSocket> {
  if (!options.eice) throw new Error(t('Reaching {0} through EC2 Instance Connect Endpoint {1} needs signing credentials.', route.instance.id, eice.endpoint.id));
  options.onProgress?.(t('Opening a tunnel through EC2 Instance Connect Endpoint {0} to {1}…', eice.endpoint.id, route.instance.id));
  const log = options.log;
  // The signal goes in: a cancel while the websocket connects closes it (racing it would leak it).
  const { maxTunnelDurationSeconds, ...signing } = options.eice;
  const target = { endpoint: eice.endpoint, instanceId: route.instance.id, privateIpAddress: eice.privateIpAddress, maxTunnelDurationSeconds };
  const tunnel = await openEiceTunnel(target, { ...signing, log, signal: options.signal });
  log?.(`tunnel through EC2 Instance Connect Endpoint ${eice.endpoint.id} to ${eice.privateIpAddress}:22 open`);
  return tunnel;
}

/** Resolves on 'ready'; rejects on an error or a close before it. */
function loggedIn(client: Client, log: SshSessionOptions['log']): Promise<void> {
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
  return ready;
}

/**
 * One method, offered once the key is in place. Straight to the key also skips ssh2's default
 * "none" attempt, which sshd answers only after its failed-login delay.
 */
function offerKeyOnce(pushed: Promise<void>, username: string, key: string): AuthHandlerMiddleware {
  let offered = false;
  return (_methods, _partial, next) => {
    // `false` ends the login attempts (ssh2 accepts it; its typings do not list it).
    const giveUp = () => (next as unknown as (stop: false) => void)(false);
    if (offered) return giveUp();
    offered = true;
    pushed.then(() => next({ type: 'publickey', username, key }), giveUp);
  };
}

/** The host key the server showed, and what the policy decided about it. */
interface SeenHostKey {
  sha256: string;
  decision?: HostKeyDecision;
}

/** Checks the server's host key against the pin, else the policy; notes what it saw in `seen`. */
function hostKeyVerifier(
  options: SshSessionOptions,
  ctx: { instanceId: string; at: string; remembered: ReturnType<HostKeyPolicy['store']['get']>; evidence?: Promise<ConsoleEvidence> },
  seen: SeenHostKey,
): (key: Buffer, verify: (accept: boolean) => void) => void {
  const hostKeys = options.hostKeys;
  return (key, verify) => {
    const presented = describeHostKey(key);
    seen.sha256 = presented.sha256;
    // Always answered through verify: ssh2 then waits, and the console read may still be on its way.
    if (options.hostKeySha256 && options.hostKeySha256 !== seen.sha256) {
      verify(false);
    } else if (!hostKeys) {
      verify(true);
    } else {
      void (ctx.evidence ?? Promise.resolve(undefined)).then((consoleSaid) => {
        seen.decision = decideHostKey({ instanceId: ctx.instanceId, at: ctx.at, presented, remembered: ctx.remembered, console: consoleSaid });
        hostKeys.onDecision?.(seen.decision);
        verify(seen.decision.accept);
      });
    }
  };
}

interface ChannelContext {
  readonly sshAt: string;
  readonly forwardTimeoutMs: number;
  readonly forwardOnly: boolean;
  readonly isClosed: () => boolean;
  /** What ended the connection, when its carrier knows (an EICE tunnel at its maximum duration). */
  readonly whyClosed: () => Error | undefined;
  /** Resolves when the connection closes. */
  readonly closed: Promise<void>;
  /** The open channels, which close() destroys. */
  readonly channels: Set<{ destroy(): void }>;
}

/** forwardOut, exec, sftp and guard on a logged-in client. */
function channelOperations(client: Client, c: ChannelContext): Pick<SshSession, 'forwardOut' | 'exec' | 'sftp' | 'guard'> {
  const closedBecause = (generic: string, interrupted = false): SessionClosedError => {
    const why = c.whyClosed();
    return new SessionClosedError(why?.message ?? generic, { ...(why ? { cause: why } : {}), interrupted });
  };
  const closedError = (): Error | undefined => (c.isClosed() ? closedBecause(t('The SSH session to {0} is closed.', c.sshAt)) : undefined);
  const track = <T extends { destroy(): void; once(event: 'close', listener: () => void): unknown }>(channel: T): T => {
    c.channels.add(channel);
    channel.once('close', () => c.channels.delete(channel));
    return channel;
  };
  const dropped = c.closed.then(() => {
    throw closedBecause(t('The SSH connection to {0} dropped.', c.sshAt), true);
  });
  dropped.catch(() => undefined);
  const guard = <T>(work: Promise<T>): Promise<T> => Promise.race([work, dropped]);
  const commandsRefused = (): Error | undefined => (c.forwardOnly ? new Error(t('This SSH session only forwards ports; it cannot run commands.')) : undefined);

  // sshd answers a direct-tcpip request only once its own connect() ends: to a destination that
  // drops packets, that is the kernel's TCP timeout, minutes later.
  const forwardOut = (host: string, port: number): Promise<ClientChannel> =>
    new Promise((resolve, reject) => {
      const closed = closedError();
      if (closed) return reject(closed);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        reject(new ForwardOutError(t('no answer within {0} s', Math.round(c.forwardTimeoutMs / 1000))));
      }, c.forwardTimeoutMs);
      client.forwardOut('127.0.0.1', 0, host, port, (err, channel) => {
        clearTimeout(timer);
        if (timedOut) return channel?.destroy();
        if (err) return reject(new ForwardOutError(err.message, { cause: err }));
        resolve(track(channel));
      });
    });

  const exec = (command: string, opts: ExecOptions = {}): Promise<ExecResult> => {
    const refused = closedError() ?? commandsRefused();
    if (refused) return Promise.reject(refused);
    const run = execOnClient(client, command, opts, track).then(async (r) => {
      if (r.code !== null || r.signal) return r;
      // No exit status: ssh2 closes the channels of a connection that ends before the
      // connection says so. A command cut that way failed, in the carrier's words.
      await Promise.race([c.closed, new Promise((resolve) => setTimeout(resolve, 100).unref())]);
      if (c.isClosed()) throw closedBecause(t('The SSH connection to {0} dropped.', c.sshAt), true);
      return r;
    });
    return raceCancel(guard(run), opts.signal);
  };

  const sftp = (): Promise<SFTPWrapper> => {
    const refused = closedError() ?? commandsRefused();
    if (refused) return Promise.reject(refused);
    return guard(
      new Promise((resolve, reject) => {
        client.sftp((err, wrapper) => {
          if (err) return reject(new Error(t('SFTP on {0} could not start: {1}', c.sshAt, err.message), { cause: err }));
          track({ destroy: () => wrapper.end(), once: (e: 'close', l: () => void) => wrapper.once(e, l) });
          resolve(wrapper);
        });
      }),
    );
  };

  return { forwardOut, exec, sftp, guard };
}

/** One command on its own channel: output collected, stdin written then closed, timeout and cancel honoured. */
function execOnClient(client: Client, command: string, opts: ExecOptions, track: (channel: ClientChannel) => ClientChannel): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    client.exec(command, (err, channel) => {
      if (err) return reject(new Error(t('The command could not be started over SSH: {0}', err.message), { cause: err }));
      track(channel);
      const out: Buffer[] = [];
      const errOut: Buffer[] = [];
      let code: number | null = null;
      let signalName: string | undefined;
      let timer: NodeJS.Timeout | undefined;
      let cancelPoll: NodeJS.Timeout | undefined;
      const stop = (why: Error) => {
        clearTimeout(timer);
        clearInterval(cancelPoll);
        channel.destroy();
        reject(why);
      };
      if (opts.timeoutMs) timer = setTimeout(() => stop(new Error(t('The command did not finish within {0} s.', Math.round((opts.timeoutMs ?? 0) / 1000)))), opts.timeoutMs);
      if (opts.signal) cancelPoll = setInterval(() => isCancelled(opts.signal) && stop(new CancelledError()), 50);
      channel.on('data', (chunk: Buffer) => {
        out.push(chunk);
        opts.onOutput?.(chunk.toString('utf8'), 'stdout');
      });
      channel.stderr.on('data', (chunk: Buffer) => {
        errOut.push(chunk);
        opts.onOutput?.(chunk.toString('utf8'), 'stderr');
      });
      channel.on('exit', (exitCode: number | null, sig?: string) => {
        code = typeof exitCode === 'number' ? exitCode : null;
        signalName = sig ?? undefined;
      });
      channel.once('close', () => {
        clearTimeout(timer);
        clearInterval(cancelPoll);
        resolve({ code, ...(signalName ? { signal: signalName } : {}), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(errOut).toString('utf8') });
      });
      channel.end(opts.stdin ?? undefined);
    });
  });
}
