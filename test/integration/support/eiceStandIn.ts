// The sandbox's stand-in for an EC2 Instance Connect Endpoint: a `ws` server on 127.0.0.1
// (moto has no such thing), needing no root.
//
// It does what the endpoint does for RDS Link's tunnel:
//   - accepts `GET /openTunnel?instanceConnectEndpointId=…&remotePort=…&privateIpAddress=…
//     &maxTunnelDuration=…` upgraded to a websocket, for the endpoints it was given; the `Host`
//     header names the endpoint (its DnsName), as on AWS;
//   - checks the SigV4 query signature, recomputed with the sandbox's credentials (./sigv4.ts,
//     node:crypto only): a wrong key, region or service in the scope, a host or parameter changed
//     after signing, an expiry over 60 s or passed, a date in the future: HTTP 403;
//   - refuses any port but 22 and 3389, and a maxTunnelDuration outside 1–3600 s: HTTP 400 with
//     the JSON body AWS sends (`{"ErrorCode":"InvalidParameter","Message":…}`, the port message
//     as AWS words it);
//   - holds at most `maxConnections` tunnels per endpoint (AWS: 20); one more: HTTP 429 (the
//     status and code here are the stand-in's choice: AWS's exact answer is not documented);
//   - connects to the private IP's port through `route` (the "VPC": a loopback sshd), holding what
//     the client sends meanwhile (its SSH banner comes at once); a target
//     it cannot reach gets the websocket closed with 1011 "Unable to connect to target", the
//     reason AWS gives when the instance's group does not allow 22 from the endpoint;
//   - closes a tunnel when its maxTunnelDuration has passed;
//   - can hold each upgrade a while before answering it (`upgradeDelayMs`), as a slow endpoint.
// Every tunnel and refusal is recorded, so a test can tell what reached it.
import * as http from 'node:http';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { createWebSocketStream, WebSocketServer, type WebSocket } from 'ws';
import { listenOn } from './ports';
import { amzDate, canonicalRequest, querySignature, type SigV4Credentials } from './sigv4';

export interface EiceStandInEndpoint {
  readonly id: string;
  readonly dnsName: string;
}

export interface EiceStandInOptions {
  readonly endpoints: readonly EiceStandInEndpoint[];
  /** The credentials the sandbox's AWS accepts (moto's dummy keys). */
  readonly credentials: SigV4Credentials;
  readonly region: string;
  /** Where a private IP's port is on this machine; undefined: unreachable. */
  readonly route: (privateIp: string, port: number) => { readonly host: string; readonly port: number } | undefined;
  /** Per endpoint; default 20. */
  readonly maxConnections?: number;
  /** Fixed port; default: a free one. */
  readonly port?: number;
  /** The stand-in's clock, for expiry tests; default Date.now. */
  readonly now?: () => number;
  /** Holds each accepted upgrade this long before answering it (a slow endpoint, for cancel tests). */
  readonly upgradeDelayMs?: number;
}

export interface EiceStandInEvent {
  readonly at: number;
  readonly kind: 'tunnel' | 'refused' | 'unreachable' | 'expired' | 'closed';
  /** tunnel: `endpoint → ip:port`; refused: the status and why. */
  readonly detail: string;
}

export interface EiceStandIn {
  /** ws://127.0.0.1:PORT: the product's `connectUrl`. */
  readonly url: string;
  readonly port: number;
  readonly events: readonly EiceStandInEvent[];
  /** Tunnels open now, per endpoint id. */
  openTunnels(endpointId: string): number;
  /** TCP connections open to the stand-in now (upgraded or not, answered or still waiting). */
  openConnections(): number;
  /** Serves one more endpoint from now on (one the EC2 shim created). */
  addEndpoint(endpoint: EiceStandInEndpoint): void;
  /** Serves that endpoint no more, and ends its open tunnels (one the EC2 shim deleted). */
  removeEndpoint(endpointId: string): void;
  /** Serves an upgrade that reached another server (the EC2 shim mounts the stand-in). */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  stop(): Promise<void>;
}

const MAX_EXPIRES = 60;

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function parseAmzDate(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

export async function startEiceStandIn(options: EiceStandInOptions): Promise<EiceStandIn> {
  const byHost = new Map(options.endpoints.map((e) => [e.dnsName.toLowerCase(), e]));
  const maxConnections = options.maxConnections ?? 20;
  const now = options.now ?? Date.now;
  const events: EiceStandInEvent[] = [];
  const record = (kind: EiceStandInEvent['kind'], detail: string) => events.push({ at: Date.now(), kind, detail });
  const open = new Map<string, Set<WebSocket>>();
  const sockets = new Set<net.Socket>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

  /** The tunnel asked for, or a Refusal. */
  function check(req: http.IncomingMessage): { endpoint: EiceStandInEndpoint; ip: string; port: number; seconds: number } {
    const host = (req.headers.host ?? '').toLowerCase();
    const endpoint = byHost.get(host);
    if (!endpoint) throw new Refusal(404, 'NotFound', `no endpoint is named ${host}`);
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (url.pathname !== '/openTunnel') throw new Refusal(404, 'NotFound', `no such path ${url.pathname}`);
    const pairs = [...url.searchParams.entries()];
    const q = (name: string) => url.searchParams.get(name) ?? '';
    // The signature first: nothing about an unsigned request is told.
    const credential = q('X-Amz-Credential').split('/');
    const [keyId, day, region, service, terminator] = credential;
    if (q('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') throw new Refusal(403, 'AccessDenied', 'unsupported algorithm');
    if (credential.length !== 5 || terminator !== 'aws4_request') throw new Refusal(403, 'AccessDenied', 'malformed credential scope');
    if (keyId !== options.credentials.accessKeyId) throw new Refusal(403, 'AccessDenied', 'unknown access key');
    if (region !== options.region || service !== 'ec2-instance-connect') throw new Refusal(403, 'AccessDenied', `credential scoped to ${region}/${service}`);
    if (q('X-Amz-SignedHeaders') !== 'host') throw new Refusal(403, 'AccessDenied', 'signed headers must be host');
    const signedAt = parseAmzDate(q('X-Amz-Date'));
    if (Number.isNaN(signedAt) || amzDate(new Date(signedAt)).slice(0, 8) !== day) throw new Refusal(403, 'AccessDenied', 'X-Amz-Date does not match the scope');
    if ((options.credentials.sessionToken ?? '') !== q('X-Amz-Security-Token')) throw new Refusal(403, 'AccessDenied', 'wrong security token');
    const expected = querySignature(options.credentials.secretAccessKey, q('X-Amz-Date'), credential.slice(1).join('/'), canonicalRequest(url.pathname, pairs, host));
    const given = Buffer.from(q('X-Amz-Signature'));
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) throw new Refusal(403, 'SignatureDoesNotMatch', 'the signature does not match');
    const expires = Number(q('X-Amz-Expires'));
    if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES) throw new Refusal(403, 'AccessDenied', `X-Amz-Expires ${q('X-Amz-Expires')} is not 1–${MAX_EXPIRES}`);
    if (now() > signedAt + expires * 1000) throw new Refusal(403, 'AccessDenied', 'Request has expired');
    if (signedAt > now() + 5 * 60_000) throw new Refusal(403, 'AccessDenied', 'Request is signed in the future');
    // Then the request itself.
    if (q('instanceConnectEndpointId') !== endpoint.id) throw new Refusal(400, 'InvalidParameter', `the endpoint id ${q('instanceConnectEndpointId')} is not ${host}'s`);
    const port = Number(q('remotePort'));
    if (port !== 22 && port !== 3389) throw new Refusal(400, 'InvalidParameter', 'The specified RemotePort is not valid. Specify either 22 or 3389 as the RemotePort and retry your request.');
    const seconds = url.searchParams.has('maxTunnelDuration') ? Number(q('maxTunnelDuration')) : 3600;
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) throw new Refusal(400, 'InvalidParameter', 'maxTunnelDuration must be 1–3600 seconds');
    const ip = q('privateIpAddress');
    if (net.isIP(ip) !== 4) throw new Refusal(400, 'InvalidParameter', `privateIpAddress ${ip} is not an IPv4 address`);
    if ((open.get(endpoint.id)?.size ?? 0) >= maxConnections) {
      throw new Refusal(429, 'ThrottlingException', `The endpoint has reached its maximum of ${maxConnections} concurrent connections.`);
    }
    return { endpoint, ip, port, seconds };
  }

  function tunnel(ws: WebSocket, t: ReturnType<typeof check>): void {
    let set = open.get(t.endpoint.id);
    if (!set) open.set(t.endpoint.id, (set = new Set()));
    set.add(ws);
    ws.once('close', () => set.delete(ws));
    ws.on('error', () => undefined);
    const where = options.route(t.ip, t.port);
    const name = `${t.endpoint.id} → ${t.ip}:${t.port}`;
    if (!where) {
      record('unreachable', name);
      ws.close(1011, 'Unable to connect to target');
      return;
    }
    // The stream from the start: the client's first bytes (its SSH banner) can arrive before the
    // connection to the instance is made, and ws drops messages nobody listens for. The stream
    // holds them until it is piped.
    const target = net.connect({ host: where.host, port: where.port, noDelay: true });
    const stream = createWebSocketStream(ws);
    stream.on('error', () => target.destroy());
    sockets.add(target);
    target.once('close', () => sockets.delete(target));
    target.once('error', () => {
      record('unreachable', name);
      if (ws.readyState === ws.OPEN) ws.close(1011, 'Unable to connect to target');
    });
    target.once('connect', () => {
      record('tunnel', name);
      stream.pipe(target).pipe(stream);
      // What crossed the tunnel each way, for a test that wants to know where bytes stopped.
      ws.once('close', () => record('closed', `${name}: ${target.bytesWritten} bytes to the instance, ${target.bytesRead} from it`));
      target.once('close', () => ws.readyState === ws.OPEN && ws.close(1000));
      const timer = setTimeout(() => {
        record('expired', `${name} after ${t.seconds} s`);
        target.destroy();
        ws.close(1000);
      }, t.seconds * 1000);
      ws.once('close', () => {
        clearTimeout(timer);
        target.destroy();
      });
    });
  }

  function handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    let wanted: ReturnType<typeof check>;
    try {
      wanted = check(req);
    } catch (err) {
      const r = err instanceof Refusal ? err : new Refusal(500, 'InternalError', String(err));
      record('refused', `${r.status} ${r.code}: ${r.message}`);
      const body = JSON.stringify({ ErrorCode: r.code, Message: r.message });
      socket.end(`HTTP/1.1 ${r.status} ${http.STATUS_CODES[r.status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    const upgrade = () => wss.handleUpgrade(req, socket, head, (ws) => tunnel(ws, wanted));
    if (!options.upgradeDelayMs) return upgrade();
    const timer = setTimeout(() => !socket.destroyed && upgrade(), options.upgradeDelayMs);
    socket.once('close', () => clearTimeout(timer));
  }

  const server = http.createServer((_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain' }).end('websocket upgrade required');
  });
  server.on('upgrade', handleUpgrade);
  const connections = new Set<net.Socket>();
  server.on('connection', (c: net.Socket) => {
    connections.add(c);
    c.once('close', () => connections.delete(c));
  });
  const port = await listenOn(server, options.port);
  let stopped: Promise<void> | undefined;
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    events,
    openTunnels: (id) => open.get(id)?.size ?? 0,
    openConnections: () => connections.size,
    handleUpgrade,
    addEndpoint: (e) => void byHost.set(e.dnsName.toLowerCase(), e),
    removeEndpoint: (id) => {
      for (const [host, e] of byHost) if (e.id === id) byHost.delete(host);
      for (const ws of open.get(id) ?? []) ws.terminate();
    },
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        for (const ws of wss.clients) ws.terminate();
        for (const set of open.values()) for (const ws of set) ws.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}
