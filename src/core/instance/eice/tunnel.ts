/**
 * One EC2 Instance Connect Endpoint tunnel: presign, open the websocket, and hand back a byte
 * stream to the instance's port 22 that ssh2 takes as `sock`. ws loads on the first tunnel, not
 * with the bundle.
 *
 * The endpoint's limits, in words:
 * - a tunnel lives at most `maxTunnelDuration` (1–3600 s): its close after that time is reported
 *   as `expired`, and `EiceReconnector` opens the next one;
 * - an endpoint holds 20 tunnels at once: its refusal of one more says so;
 * - the endpoint reaches the instance only if the instance's security group allows port 22 from
 *   the endpoint's security group: "Unable to connect to target" says which groups to check.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { IncomingMessage } from 'node:http';
import type { ClientOptions, WebSocket } from 'ws';
import { CancelledError, isAbortSignal } from '../../errors';
import { isCancelled, type Cancellation } from '../../lifetime';
import { t } from '../../l10n';
import type { InstanceConnectEndpoint } from './endpoints';
import { checkOpenTunnelRequest, MAX_TUNNEL_DURATION_SECONDS, presignOpenTunnel } from './presign';
import { WebSocketStream, type WebSocketClose, type WebSocketStreamOptions } from './websocketStream';

/** Concurrent tunnels one endpoint allows (an AWS quota). */
export const EICE_MAX_CONNECTIONS = 20;

export interface EiceTunnelTarget {
  readonly endpoint: Pick<InstanceConnectEndpoint, 'id' | 'dnsName' | 'securityGroupIds'>;
  /** For messages. */
  readonly instanceId?: string;
  readonly privateIpAddress: string;
  /** 22 or 3389; default 22. */
  readonly remotePort?: number;
  /** 1–3600 s; default 3600. */
  readonly maxTunnelDurationSeconds?: number;
}

export interface EiceSigning {
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

export interface EiceConnectOptions extends EiceSigning {
  /**
   * Where the websocket goes instead of `wss://<DnsName>` (`ws://127.0.0.1:PORT` for the test
   * stand-in, or the session's endpoint URL when the sandbox's shim serves the tunnel too). The
   * URL is still signed for the endpoint's name, and `Host` says that name.
   */
  readonly connectUrl?: string;
  /** How long the websocket handshake may take; default 15 s. */
  readonly handshakeTimeoutMs?: number;
  /**
   * Cancels the open: the websocket is closed whatever state it is in (connecting, or open with
   * nobody to hand it to yet), and the call rejects with a CancelledError.
   */
  readonly signal?: Cancellation;
  readonly log?: (line: string) => void;
}

/** Calls `onCancel` once when the signal fires (an event where there is one, else polled); returns the disposer. */
function watchCancel(signal: Cancellation | undefined, onCancel: () => void, pollMs = 50): () => void {
  if (!signal) return () => undefined;
  if (isAbortSignal(signal)) {
    signal.addEventListener('abort', onCancel, { once: true });
    if (signal.aborted) onCancel();
    return () => signal.removeEventListener('abort', onCancel);
  }
  const listener = signal.onCancellationRequested?.(onCancel);
  const timer = setInterval(() => isCancelled(signal) && onCancel(), pollMs);
  if (signal.isCancellationRequested) onCancel();
  return () => {
    clearInterval(timer);
    listener?.dispose();
  };
}

/** An age within this much of maxTunnelDuration counts as the endpoint's limit. */
const EXPIRY_SLACK_MS = 1500;

/** Why a tunnel closed. */
export type EiceCloseKind = 'expired' | 'byUs' | 'remote';

/** One open tunnel: the byte stream, and what ended it. */
export class EiceTunnelStream extends WebSocketStream {
  /** Settles when the tunnel has closed. */
  readonly ended: Promise<{ readonly kind: EiceCloseKind; readonly close: WebSocketClose }>;

  constructor(
    ws: WebSocket,
    options: WebSocketStreamOptions,
    readonly endpointId: string,
    readonly maxTunnelDurationSeconds: number,
    readonly openedAt = Date.now(),
    /** What it leads to, for messages. */
    readonly target?: EiceTunnelTarget,
  ) {
    super(ws, options);
    this.ended = this.whenClosed.then((close) => {
      const kind: EiceCloseKind = close.byUs ? 'byUs' : reachedMaxDuration(this, close) ? 'expired' : 'remote';
      this.closedAs = kind;
      return { kind, close };
    });
  }

  /** Why it closed, once it has (set before the stream ends, so before ssh2 sees the close). */
  closedAs: EiceCloseKind | undefined;
}

/** A close within EXPIRY_SLACK_MS of maxTunnelDuration is the endpoint's limit. */
function reachedMaxDuration(tunnel: { readonly openedAt: number; readonly maxTunnelDurationSeconds: number }, close: WebSocketClose): boolean {
  return close.at - tunnel.openedAt >= tunnel.maxTunnelDurationSeconds * 1000 - EXPIRY_SLACK_MS;
}

/** The endpoint refused the tunnel, or closed it for a reason other than its age. */
export class EiceTunnelError extends Error {
  constructor(
    message: string,
    readonly kind: 'refused' | 'tooManyConnections' | 'unreachableTarget' | 'network' | 'closed' | 'expired',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EiceTunnelError';
  }
}

/** The session's region and credentials, from its EC2 client. */
export async function eiceSigningFrom(ec2: EC2Client): Promise<EiceSigning> {
  return { region: await ec2.config.region(), credentials: () => ec2.config.credentials() };
}

function targetName(target: EiceTunnelTarget): string {
  return `${target.instanceId ?? target.privateIpAddress}:${target.remotePort ?? 22}`;
}

function unreachableTargetMessage(target: EiceTunnelTarget, detail: string): string {
  const groups = target.endpoint.securityGroupIds.join(', ') || t('the VPC\'s default group');
  return t(
    'The EC2 Instance Connect Endpoint {0} could not reach {1} ({2}). The instance\'s security group must allow TCP port {3} from the endpoint\'s security group ({4}); the instance must be running.',
    target.endpoint.id,
    targetName(target),
    detail,
    target.remotePort ?? 22,
    groups,
  );
}

/** The endpoint's answer to the handshake, when it is not a websocket. */
function refusal(target: EiceTunnelTarget, status: number, body: string): EiceTunnelError {
  let code = '';
  let message = body.trim();
  try {
    const parsed = JSON.parse(body) as { ErrorCode?: string; Message?: string; message?: string };
    code = parsed.ErrorCode ?? '';
    message = parsed.Message ?? parsed.message ?? message;
  } catch {
    // not JSON: the text as it came
  }
  const detail = [`HTTP ${status}`, code, message].filter(Boolean).join(': ');
  const id = target.endpoint.id;
  if (status === 429 || /throttl|limit|too ?many/i.test(code)) {
    return new EiceTunnelError(
      t(
        'The EC2 Instance Connect Endpoint {0} refused another tunnel: it allows {1} connections at once, and they are in use ({2}). Close other tunnels through it (other editors, `aws ec2-instance-connect` sessions) or wait for one to end.',
        id,
        EICE_MAX_CONNECTIONS,
        detail,
      ),
      'tooManyConnections',
    );
  }
  if (status === 403 || status === 401) {
    return new EiceTunnelError(
      t(
        'The EC2 Instance Connect Endpoint {0} refused the tunnel ({1}). It needs ec2-instance-connect:OpenTunnel on the endpoint for these credentials, and this machine\'s clock within minutes of AWS\'s.',
        id,
        detail,
      ),
      'refused',
    );
  }
  if (/connect to target/i.test(message)) return new EiceTunnelError(unreachableTargetMessage(target, detail), 'unreachableTarget');
  return new EiceTunnelError(t('The EC2 Instance Connect Endpoint {0} refused the tunnel to {1} ({2}).', id, targetName(target), detail), 'refused');
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      // An error answer is small; never hold more than a few kB of one.
      if (size < 8192) chunks.push(c);
      size += c.length;
    });
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8').slice(0, 8192)));
    res.once('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** The presigned URL, moved to `connectUrl` when one is given. */
function dialUrl(signed: string, connectUrl: string | undefined): string {
  if (!connectUrl) return signed;
  const u = new URL(signed);
  const base = new URL(connectUrl);
  // An AWS endpoint URL (http:// to a sandbox, https:// to a proxy) serves the websocket too.
  const scheme = base.protocol === 'http:' || base.protocol === 'ws:' ? 'ws:' : 'wss:';
  return `${scheme}//${base.host}${u.pathname}${u.search}`;
}

/**
 * Settles with `onOpen()`'s stream, made in the websocket's 'open' event; on a refusal, an error
 * or a cancel (whatever state the handshake is in) the websocket is terminated and the promise rejects.
 */
function handshake<S>(ws: WebSocket, target: EiceTunnelTarget, url: string, signal: Cancellation | undefined, onOpen: () => S): Promise<S> {
  return new Promise<S>((resolve, reject) => {
    let settled = false;
    let opened: S | undefined;
    let unwatch: () => void = () => undefined;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      unwatch();
      if (err) {
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        reject(err);
      } else resolve(opened as S);
    };
    unwatch = watchCancel(signal, () => settle(new CancelledError()));
    // Cancelled already: settle ran before there was a watch to undo.
    if (settled) unwatch();
    // Bytes that came in the same read as the 101 are handed on just after 'open' (next tick),
    // before an await could resume us: the stream that listens for them is made here, not later
    // (sshd's banner is in them; dropped, ssh2 never handshakes).
    ws.once('open', () => {
      opened = onOpen();
      settle();
    });
    ws.once('unexpected-response', (req, res) => {
      void readBody(res).then((body) => {
        req.destroy();
        settle(refusal(target, res.statusCode ?? 0, body));
      });
    });
    ws.once('error', (err) =>
      settle(
        new EiceTunnelError(t('Could not reach the EC2 Instance Connect Endpoint {0} at {1}: {2}', target.endpoint.id, new URL(url).host, err.message), 'network', { cause: err }),
      ),
    );
  });
}

/** Opens one tunnel; the URL is signed just before, as it is good for 60 s only. */
export async function openEiceTunnel(target: EiceTunnelTarget, options: EiceConnectOptions): Promise<EiceTunnelStream> {
  const maxTunnelDurationSeconds = target.maxTunnelDurationSeconds ?? MAX_TUNNEL_DURATION_SECONDS;
  const request = {
    dnsName: target.endpoint.dnsName,
    endpointId: target.endpoint.id,
    privateIpAddress: target.privateIpAddress,
    remotePort: target.remotePort ?? 22,
    maxTunnelDurationSeconds,
  };
  // Before the credentials are even asked for: a refused port never leaves this machine.
  checkOpenTunnelRequest(request);
  if (isCancelled(options.signal)) throw new CancelledError();
  const credentials = typeof options.credentials === 'function' ? await options.credentials() : options.credentials;
  const signed = await presignOpenTunnel(request, { region: options.region, credentials });
  const url = dialUrl(signed, options.connectUrl);
  options.log?.(`eice: opening a tunnel through ${target.endpoint.id} to ${targetName(target)} (max ${maxTunnelDurationSeconds} s)${options.connectUrl ? ` via ${new URL(url).host}` : ''}`);

  const { WebSocket: Ws } = await import('ws');
  // Signing and loading ws took a moment: a cancel meanwhile opens nothing.
  if (isCancelled(options.signal)) throw new CancelledError();
  const wsOptions: ClientOptions = {
    handshakeTimeout: options.handshakeTimeoutMs ?? 15_000,
    perMessageDeflate: false,
    followRedirects: false,
    ...(options.connectUrl ? { headers: { host: target.endpoint.dnsName } } : {}),
  };
  const ws: WebSocket = new Ws(url, wsOptions);

  const timing = { openedAt: 0, maxTunnelDurationSeconds };
  const stream = await handshake(ws, target, url, options.signal, () => {
    timing.openedAt = Date.now();
    return new EiceTunnelStream(
      ws,
      {
        explainClose: (close) => {
          if (close.code === 1000 || close.code === 1005) return undefined;
          if (/connect to target/i.test(close.reason)) return new EiceTunnelError(unreachableTargetMessage(target, close.reason), 'unreachableTarget');
          if (reachedMaxDuration(timing, close)) return undefined;
          return new EiceTunnelError(
            t('The EC2 Instance Connect Endpoint {0} closed the tunnel to {1} (code {2}{3}).', target.endpoint.id, targetName(target), close.code, close.reason ? `: ${close.reason}` : ''),
            'closed',
          );
        },
      },
      target.endpoint.id,
      maxTunnelDurationSeconds,
      timing.openedAt,
      target,
    );
  });
  void stream.ended.then(({ kind }) => {
    if (kind === 'expired') options.log?.(`eice: ${target.endpoint.id} closed the tunnel to ${targetName(target)} at its maximum duration (${maxTunnelDurationSeconds} s)`);
  });
  return stream;
}

/** The tunnel ended at its maximum duration: said to whoever uses the connection it carried. */
export function tunnelEndedMessage(tunnel: EiceTunnelStream): string | undefined {
  if (tunnel.closedAs !== 'expired') return undefined;
  const to = tunnel.target ? targetName(tunnel.target) : '';
  return t(
    'The EC2 Instance Connect Endpoint {0} closed the tunnel to {1} at its maximum duration ({2} s). Connect again to go on; work longer than that needs a new tunnel.',
    tunnel.endpointId,
    to,
    tunnel.maxTunnelDurationSeconds,
  );
}

/** The tunnel's end at its maximum duration as an error (kind `expired`); undefined for any other end. */
export function tunnelEndedError(tunnel: EiceTunnelStream, cause?: unknown): EiceTunnelError | undefined {
  const message = tunnelEndedMessage(tunnel);
  return message ? new EiceTunnelError(message, 'expired', cause ? { cause } : undefined) : undefined;
}

/**
 * An SSH login over the tunnel that failed, in the endpoint's words; undefined when the tunnel
 * had no part in it. The endpoint's own refusals (403, 20 connections) come before SSH starts.
 */
export function sshOverTunnelFailure(tunnel: EiceTunnelStream, err: Error): Error | undefined {
  if (err instanceof EiceTunnelError) return err;
  const ended = tunnelEndedError(tunnel, err);
  if (ended) return ended;
  // Not one byte from sshd (closed or timed out): the endpoint could not reach port 22 (the
  // instance's security group), or nothing listens there. The SSH banner comes first from a server.
  if (tunnel.bytesRead === 0 && tunnel.target) {
    return new EiceTunnelError(unreachableTargetMessage(tunnel.target, t('the tunnel closed before the SSH server said a word')), 'unreachableTarget', { cause: err });
  }
  return undefined;
}

/** What a tunnel's end at maxTunnelDuration means to the person waiting on it. */
export function tunnelExpiredMessage(endpointId: string, seconds: number): string {
  return t('The EC2 Instance Connect Endpoint {0} closed the tunnel at its maximum duration ({1} s); a new tunnel is opened for the next step.', endpointId, seconds);
}

/**
 * Keeps a tunnel for long work: when the endpoint closes one at its maximum duration, a new one
 * is opened (newly signed) and handed to `onTunnel`, up to `maxReopens` times. A close for any
 * other reason, or `stop()`, ends it.
 */
export class EiceReconnector {
  private stopped = false;
  private current: EiceTunnelStream | undefined;
  private opened = 0;

  constructor(
    private readonly open: () => Promise<EiceTunnelStream>,
    private readonly onTunnel: (tunnel: EiceTunnelStream, index: number) => void,
    private readonly options: { readonly maxReopens?: number; readonly onError?: (err: Error) => void; readonly log?: (line: string) => void } = {},
  ) {}

  /** Tunnels opened so far. */
  get count(): number {
    return this.opened;
  }

  async start(): Promise<EiceTunnelStream> {
    const tunnel = await this.open();
    this.adopt(tunnel);
    return tunnel;
  }

  stop(): void {
    this.stopped = true;
    this.current?.destroy();
  }

  private adopt(tunnel: EiceTunnelStream): void {
    this.current = tunnel;
    const index = this.opened++;
    this.onTunnel(tunnel, index);
    void tunnel.ended.then(({ kind }) => {
      if (this.stopped || kind !== 'expired') return;
      if (this.opened > (this.options.maxReopens ?? 100)) return;
      this.options.log?.(tunnelExpiredMessage(tunnel.endpointId, tunnel.maxTunnelDurationSeconds));
      this.open().then(
        (next) => (this.stopped ? next.destroy() : this.adopt(next)),
        (err: Error) => this.options.onError?.(err),
      );
    });
  }
}
