/**
 * The live checks, from the instance over an SSH session the caller opened: the DB endpoint
 * resolves there (and to which address), a TCP connection to its port opens, and a MySQL server
 * greets on it. Nothing is installed on the instance: the name goes through `getent hosts` (or
 * whatever resolver the shell has), the connection through a `forwardOut` channel, which is the
 * path the app and the DB tunnel take. No credentials: only the server's first packet is read.
 */
import type { ClientChannel } from 'ssh2';
import { t } from '../l10n';
import type { Check } from './types';

/** What the live checks need of an SSH session (core/instance's SshSession has it). */
export interface LiveSession {
  forwardOut(host: string, port: number): Promise<ClientChannel>;
  exec(command: string, options?: { readonly timeoutMs?: number }): Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>;
}

export interface LiveTarget {
  /** The DB endpoint's name (or an address). */
  readonly host: string;
  readonly port: number;
}

export interface LiveOptions {
  /** How long the name lookup and the greeting may each take; default 8 s. */
  readonly timeoutMs?: number;
}

/** The first packet a MySQL server sends: protocol version 10, then its version string. */
export interface MysqlGreeting {
  readonly protocolVersion: number;
  readonly serverVersion: string;
}

/** The server refused before any login (an error packet instead of a greeting), e.g. "Host … is not allowed". */
export class MysqlRefusal extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'MysqlRefusal';
  }
}

const hostName = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
const ipv4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/**
 * A resolver the shell has, in order: getent (glibc, busybox), then dig, host, nslookup.
 * Exit 3 says none is there. The name is checked against hostName before it gets here.
 */
export function resolveCommand(name: string): string {
  return [
    `n='${name}'`,
    'if command -v getent >/dev/null 2>&1; then out=$(getent hosts "$n" | awk \'{print $1}\'); [ -n "$out" ] && echo "$out" && exit 0; exit 2; fi',
    'if command -v dig >/dev/null 2>&1; then out=$(dig +short "$n" A | grep -E \'^[0-9.]+$\'); [ -n "$out" ] && echo "$out" && exit 0; exit 2; fi',
    'if command -v host >/dev/null 2>&1; then out=$(host -t A "$n" 2>/dev/null | awk \'/has address/ {print $4}\'); [ -n "$out" ] && echo "$out" && exit 0; exit 2; fi',
    'if command -v nslookup >/dev/null 2>&1; then out=$(nslookup "$n" 2>/dev/null | awk \'/^Address: / {print $2}\'); [ -n "$out" ] && echo "$out" && exit 0; exit 2; fi',
    'exit 3',
  ].join('\n');
}

export async function checkLiveResolve(session: LiveSession, name: string, options: LiveOptions = {}): Promise<Check> {
  const title = t('The endpoint resolves on the instance');
  if (ipv4.test(name)) return { id: 'liveResolve', title, status: 'pass', evidence: [t('{0} is an address; there is no name to resolve.', name)] };
  if (!hostName.test(name)) return { id: 'liveResolve', title, status: 'fail', evidence: [t('"{0}" is not a valid host name.', name)], fix: { kind: 'text', message: t('Correct the endpoint\'s spelling.') } };
  let result;
  try {
    result = await session.exec(resolveCommand(name), { timeoutMs: options.timeoutMs ?? 8000 });
  } catch (err) {
    return { id: 'liveResolve', title, status: 'unknown', evidence: [t('The lookup could not run on the instance: {0}', (err as Error).message)] };
  }
  const addresses = result.stdout.split(/\s+/).filter((a) => a.length > 0);
  if (result.code === 0 && addresses.length > 0) return { id: 'liveResolve', title, status: 'pass', evidence: [t('{0} resolves on the instance to {1}.', name, addresses.join(', '))] };
  if (result.code === 3) return { id: 'liveResolve', title, status: 'unknown', evidence: [t('The instance has no resolver command (getent, dig, host or nslookup).')] };
  return {
    id: 'liveResolve',
    title,
    status: 'fail',
    evidence: [t('{0} does not resolve on the instance.', name)],
    fix: { kind: 'text', message: t('Check the VPC\'s DNS attributes (DNS resolution and DNS hostnames on) and the endpoint\'s spelling.') },
  };
}

/** Reads the first MySQL packet off a stream: 3-byte length, sequence, then the payload. */
export function readGreeting(channel: NodeJS.ReadableStream, timeoutMs: number): Promise<MysqlGreeting> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const done = (fn: () => void) => {
      clearTimeout(timer);
      channel.removeListener('data', onData);
      channel.removeListener('end', onEnd);
      channel.removeListener('error', onError);
      fn();
    };
    const timer = setTimeout(() => done(() => reject(new Error(t('no greeting within {0} s', Math.round(timeoutMs / 1000))))), timeoutMs);
    const onEnd = () => done(() => reject(new Error(t('the connection closed before a greeting ({0} bytes)', got.length))));
    const onError = (err: Error) => done(() => reject(err));
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length < 4) return;
      const length = got.readUIntLE(0, 3);
      if (got.length < 4 + length) return;
      const payload = got.subarray(4, 4 + length);
      done(() => {
        try {
          resolve(parseGreeting(payload));
        } catch (err) {
          reject(err);
        }
      });
    };
    channel.on('data', onData);
    channel.once('end', onEnd);
    channel.once('error', onError);
  });
}

export function parseGreeting(payload: Buffer): MysqlGreeting {
  if (payload[0] === 0xff) {
    const code = payload.length >= 3 ? payload.readUInt16LE(1) : 0;
    const text = payload.subarray(payload[3] === 0x23 ? 9 : 3).toString('utf8');
    throw new MysqlRefusal(code, text);
  }
  const end = payload.indexOf(0, 1);
  if (payload.length < 2 || end < 0) throw new Error(t('the first packet is not a MySQL greeting'));
  const version = payload.subarray(1, end).toString('utf8');
  // MariaDB 10+ prefixes "5.5.5-" for old replication clients; the real version follows.
  return { protocolVersion: payload[0] ?? 0, serverVersion: /^5\.5\.5-.*MariaDB/.test(version) ? version.slice(6) : version };
}

/** One forwardOut channel: it opens (the TCP check), then the server greets on it (the MySQL check). */
export async function checkLiveConnection(session: LiveSession, target: LiveTarget, options: LiveOptions = {}): Promise<Check[]> {
  const at = `${target.host}:${target.port}`;
  const tcpTitle = t('A TCP connection from the instance opens');
  const greetTitle = t('A MySQL server answers');
  let channel: ClientChannel;
  try {
    channel = await session.forwardOut(target.host, target.port);
  } catch (err) {
    const why = (err as Error).message;
    return [
      {
        id: 'liveTcp',
        title: tcpTitle,
        status: 'fail',
        evidence: [t('The instance could not connect to {0}: {1}.', at, why)],
        fix: { kind: 'link' },
      },
      { id: 'liveGreeting', title: greetTitle, status: 'unknown', evidence: [t('No connection, so no greeting to read.')] },
    ];
  }
  const tcp: Check = { id: 'liveTcp', title: tcpTitle, status: 'pass', evidence: [t('The instance connected to {0}.', at)] };
  try {
    const greeting = await readGreeting(channel, options.timeoutMs ?? 8000);
    if (greeting.protocolVersion !== 10) {
      return [tcp, { id: 'liveGreeting', title: greetTitle, status: 'fail', evidence: [t('{0} answered with protocol version {1}, not MySQL\'s 10.', at, greeting.protocolVersion)], fix: { kind: 'text', message: t('Check that the port is the database\'s.') } }];
    }
    return [tcp, { id: 'liveGreeting', title: greetTitle, status: 'pass', evidence: [t('{0} greets: protocol 10, server {1}.', at, greeting.serverVersion)] }];
  } catch (err) {
    if (err instanceof MysqlRefusal) {
      return [tcp, { id: 'liveGreeting', title: greetTitle, status: 'fail', evidence: [t('A MySQL server answered and refused this host before any login: {0} ({1}).', err.message, err.code)], fix: { kind: 'text', message: t('Let the instance\'s address connect (the user\'s host pattern, or the server\'s connection limits).') } }];
    }
    return [tcp, { id: 'liveGreeting', title: greetTitle, status: 'fail', evidence: [t('{0} accepted the connection but sent no MySQL greeting: {1}.', at, (err as Error).message)], fix: { kind: 'text', message: t('Check that the port is the database\'s.') } }];
  } finally {
    channel.destroy();
  }
}

/** The three live checks, the lookup and the connection at the same time. */
export async function runLiveChecks(session: LiveSession, target: LiveTarget, options: LiveOptions = {}): Promise<Check[]> {
  const [resolved, connection] = await Promise.all([checkLiveResolve(session, target.host, options), checkLiveConnection(session, target, options)]);
  return [resolved, ...connection];
}

/** The live checks when there is no SSH session to run them on: unknown, with the reason. */
export function liveUnknown(reason: string): Check[] {
  return [
    { id: 'liveResolve', title: t('The endpoint resolves on the instance'), status: 'unknown', evidence: [reason] },
    { id: 'liveTcp', title: t('A TCP connection from the instance opens'), status: 'unknown', evidence: [reason] },
    { id: 'liveGreeting', title: t('A MySQL server answers'), status: 'unknown', evidence: [reason] },
  ];
}
