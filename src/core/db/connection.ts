/**
 * A MySQL connection over any route, and a local port for tools that need one (the `mysql`
 * terminal). Whatever is opened on the way — socket, SSH client, forwarded channels, listening
 * server, the driver connection — is owned by one Resources and closed by close(), and is
 * closed before the error is thrown when opening fails or is cancelled half-way.
 *
 * Every route hands mysql2 a ready Duplex (`stream`), and `host` is set to the name the TLS
 * certificate must carry: mysql2 uses it only for SNI and the identity check then.
 */
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import * as mysql from 'mysql2/promise';
import { t } from '../l10n';
import { DbCredentials } from './credentials';
import { raceCancel, Resources, throwIfCancelled, withTimeout, type Cancellation } from '../lifetime';
import { describeRoute, type Route } from './routes';
import type { HostKeyCheck } from '../instance/sshSession';
import { openSshTunnel, type SshTunnel, type SshTunnelOptions } from './sshTunnel';
import { mysqlSslOptions, type TlsPolicy } from './tls';

export interface ConnectOptions extends SshTunnelOptions {
  /** Default database (USE) for the session. */
  readonly database?: string;
  /** TCP connect and MySQL handshake, each; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** The server refused these credentials; the next candidate is tried (forget a stored password here). */
  readonly onCredentialsRejected?: (credentials: DbCredentials, err: Error) => void;
}

export interface DbSession {
  readonly connection: mysql.Connection;
  readonly route: Route;
  /** The credentials that logged in (user and source; the password stays inside). */
  readonly credentials: DbCredentials;
  /** e.g. "8.0.39" or "10.11.9-MariaDB". */
  readonly serverVersion: string;
  /** For an SSH route: the instance's host key fingerprint. */
  readonly hostKeySha256?: string;
  /** For an SSH route: how that key was accepted (remembered, console, first use…). */
  readonly hostKeyCheck?: HostKeyCheck;
  /** True when the session runs over TLS. */
  readonly tls: boolean;
  /** Closes the connection, the channel, the SSH client: everything this session opened. */
  close(): Promise<void>;
}

/** Credentials, or candidates to try in order (see credentialCandidates). */
export type CredentialInput = DbCredentials | Iterable<DbCredentials> | AsyncIterable<DbCredentials>;

async function* iterate(input: CredentialInput): AsyncGenerator<DbCredentials> {
  if (input instanceof DbCredentials) {
    yield input;
    return;
  }
  yield* input as AsyncIterable<DbCredentials>;
}

const MYSQL_ACCESS_DENIED_CODES = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR']);

/** MySQL refused the login (ER_ACCESS_DENIED…), not AWS: AWS access denied is core/aws/awsErrors.ts. */
export function isMysqlAccessDenied(err: unknown): boolean {
  return MYSQL_ACCESS_DENIED_CODES.has((err as { code?: string })?.code ?? '');
}

/** The TLS policy of a route, and the name its certificate must have. */
function tlsOf(route: Route): { policy: TlsPolicy; servername?: string } {
  switch (route.kind) {
    case 'direct':
      return { policy: route.tls, servername: route.tls.servername ?? route.host };
    case 'sshTunnel':
      return { policy: route.tls, servername: route.tls.servername ?? route.target.host };
    case 'localPort':
      return { policy: route.tls, servername: route.tls.mode === 'verify' ? (route.tls.servername ?? route.host) : undefined };
  }
}

/** Opens the route up to the point where streams to the database can be made. */
async function openStreams(route: Route, options: ConnectOptions, resources: Resources): Promise<{ stream: () => Promise<Duplex>; tunnel?: SshTunnel }> {
  const timeout = options.connectTimeoutMs ?? 10_000;
  switch (route.kind) {
    case 'direct':
    case 'localPort':
      return { stream: () => connectTcp(route.host, route.port, timeout, options.signal, resources) };
    case 'sshTunnel': {
      const tunnel = await openSshTunnel(route, options, resources);
      return { stream: () => raceCancel(tunnel.forward(), options.signal), tunnel };
    }
  }
}

function driverError(route: Route, err: Error): Error {
  const code = (err as { code?: string }).code ?? '';
  if (isMysqlAccessDenied(err)) return new Error(t('The database refused the login: {0}', err.message), { cause: err });
  if (/HANDSHAKE_NO_SSL_SUPPORT/.test(code) || /does not support secure connection/i.test(err.message)) {
    return new Error(t('The server does not offer TLS, which this route requires.'), { cause: err });
  }
  if (/CERT|certificate|altnames|self.signed|UNABLE_TO/i.test(`${code} ${err.message}`)) {
    return new Error(t('The server\'s TLS certificate was not accepted ({0}). RDS certificates are checked against the RDS CA bundle and the endpoint name.', err.message), { cause: err });
  }
  return new Error(t('Connecting to the database {0} failed: {1}', describeRoute(route), err.message), { cause: err });
}

/**
 * Connects and logs in. With several credential candidates, a refused login moves on to the next
 * one over the same route (a new channel through the same SSH session).
 */
export async function openConnection(route: Route, credentials: CredentialInput, options: ConnectOptions = {}): Promise<DbSession> {
  const resources = new Resources();
  const { policy, servername } = tlsOf(route);
  const ssl = mysqlSslOptions(policy);
  try {
    options.onProgress?.(t('Connecting {0}…', describeRoute(route)));
    const { stream, tunnel } = await openStreams(route, options, resources);
    let lastDenied: Error | undefined;
    for await (const creds of iterate(credentials)) {
      throwIfCancelled(options.signal);
      if (creds.isIamToken && !ssl) throw new Error(t('IAM authentication needs TLS; this route has TLS turned off.'));
      const duplex = await stream();
      resources.add('stream', () => void duplex.destroy());
      let conn: mysql.Connection;
      try {
        conn = await raceCancel(
          mysql.createConnection({
            stream: duplex,
            host: servername ?? '127.0.0.1',
            port: route.kind === 'sshTunnel' ? route.target.port : route.port,
            user: creds.user,
            password: creds.password,
            database: options.database,
            ssl,
            connectTimeout: options.connectTimeoutMs ?? 10_000,
            multipleStatements: false,
            supportBigNumbers: true,
            // An IAM token is sent as is; mysql2 refuses mysql_clear_password unless given this.
            ...(creds.isIamToken ? { authPlugins: { mysql_clear_password: () => () => Buffer.from(`${creds.password}\0`) } } : {}),
          }),
          options.signal,
        );
      } catch (err) {
        duplex.destroy();
        if (isMysqlAccessDenied(err)) {
          lastDenied = err as Error;
          options.onCredentialsRejected?.(creds, err as Error);
          options.log?.(`login refused for ${creds.toString()}`);
          continue;
        }
        if ((err as Error).name === 'Canceled') throw err;
        throw driverError(route, err as Error);
      }
      const session = conn;
      // Errors after connect (the tunnel drops) are reported on the next query; without a
      // listener, the EventEmitter would throw them at the extension host.
      session.on('error', (e: Error) => options.log?.(`mysql: ${e.message}`));
      resources.add('mysql', async () => {
        await withTimeout(session.end(), 2000, 'QUIT unanswered').catch(() => session.destroy());
      });
      throwIfCancelled(options.signal);
      const versionRows = (await session.query('SELECT VERSION() AS v'))[0] as Array<{ v: string }>;
      // mysql2 swaps its stream for the TLSSocket once TLS is up.
      const encrypted = Boolean((session as unknown as { connection?: { stream?: { encrypted?: boolean } } }).connection?.stream?.encrypted);
      options.log?.(`connected ${describeRoute(route)} as ${creds.toString()}${encrypted ? ' over TLS' : ''}`);
      return {
        connection: session,
        route,
        credentials: creds,
        serverVersion: versionRows[0]?.v ?? '',
        ...(tunnel ? { hostKeySha256: tunnel.hostKeySha256, hostKeyCheck: tunnel.hostKeyCheck } : {}),
        tls: encrypted,
        close: async () => {
          const problems = await resources.close();
          for (const p of problems) options.log?.(`close: ${p}`);
        },
      };
    }
    if (lastDenied) throw driverError(route, lastDenied);
    throw new Error(t('No credentials to log in with.'));
  } catch (err) {
    const problems = await resources.close();
    for (const p of problems) options.log?.(`close after failure: ${p}`);
    throw err;
  }
}

export interface LocalForward {
  /** Where a client connects: 127.0.0.1 and a free port for a tunnel, the route's own for others. */
  readonly host: string;
  readonly port: number;
  /** The name the server certificate carries (for a client that can check it). */
  readonly servername?: string;
  readonly route: Route;
  /** Clients connected through the forward right now. */
  readonly activeConnections: number;
  close(): Promise<void>;
}

export interface LocalForwardOptions extends SshTunnelOptions {
  /** Open one channel to the database before listening, so "unreachable" shows up now (default true). */
  readonly checkReach?: boolean;
  /** Local port to listen on; default: any free one. */
  readonly localPort?: number;
}

/**
 * A local port to the database, for a client that needs host:port. Only a tunnel route needs a
 * listener (127.0.0.1 only); direct and local-port routes are handed back as they are.
 */
export async function openLocalForward(route: Route, options: LocalForwardOptions = {}): Promise<LocalForward> {
  const { servername } = tlsOf(route);
  if (route.kind !== 'sshTunnel') {
    return { host: route.host, port: route.port, servername, route, activeConnections: 0, close: async () => undefined };
  }
  const resources = new Resources();
  try {
    const tunnel = await openSshTunnel(route, options, resources);
    if (options.checkReach ?? true) {
      const probe = await raceCancel(tunnel.forward(), options.signal);
      probe.destroy();
    }
    const sockets = new Set<net.Socket>();
    const server = net.createServer({ noDelay: true }, (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      tunnel.forward().then(
        (channel) => {
          channel.on('error', () => socket.destroy());
          socket.once('close', () => channel.destroy());
          channel.once('close', () => socket.destroy());
          socket.pipe(channel).pipe(socket);
        },
        (err: Error) => {
          options.log?.(`forward: ${err.message}`);
          socket.destroy();
        },
      );
    });
    resources.add('listener', async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    await raceCancel(
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: '127.0.0.1', port: options.localPort ?? 0 }, () => {
          server.removeListener('error', reject);
          resolve();
        });
      }),
      options.signal,
    );
    const port = (server.address() as net.AddressInfo).port;
    options.log?.(`local forward 127.0.0.1:${port} → ${describeRoute(route)}`);
    return {
      host: '127.0.0.1',
      port,
      servername,
      route,
      get activeConnections() {
        return sockets.size;
      },
      close: async () => {
        const problems = await resources.close();
        for (const p of problems) options.log?.(`close: ${p}`);
      },
    };
  } catch (err) {
    await resources.close();
    throw err;
  }
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
