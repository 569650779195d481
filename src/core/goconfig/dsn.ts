/**
 * MySQL connection strings in the two forms Go apps use:
 *
 * - go-sql-driver DSN `[user[:password]@][net[(addr)]]/dbname[?params]`. Parsed the way the
 *   driver does: the last `/` ends the address part, the last `@` before it ends the credentials,
 *   the first `:` splits user from password. So the password is raw (`p@ss/w:rd` is fine), and
 *   the database name is path-unescaped.
 * - URL `mysql://user:pass@host:port/db?params`, where user and password are percent-encoded.
 *
 * Parsing keeps the position of each part, so a patch replaces parts and never touches params.
 */
import type { DbTarget, DsnInfo } from './types';
import type { Replacement } from './literal';

export interface Part {
  readonly start: number;
  readonly end: number;
}

export interface ParsedDsn {
  readonly form: 'go' | 'url';
  readonly user?: Part;
  readonly password?: Part;
  /** Where credentials go when there are none: start of the DSN, or after `mysql://`. */
  readonly credsAt: number;
  /** go form: `net(addr)` as a whole, from after `@` to the `/`. */
  readonly netAddr?: Part;
  readonly net?: Part;
  /** go form: inside the parentheses; URL: the authority's `host[:port]`. */
  readonly addr?: Part;
  readonly host?: Part;
  readonly port?: Part;
  /** The database name, possibly empty; for a URL without a path, an empty part where `/db` goes. */
  readonly database: Part;
  /** True when a URL has no `/` before where the database goes. */
  readonly needsSlash: boolean;
  readonly params?: Part;
  readonly info: DsnInfo;
}

export const DEFAULT_PORT = 3306;

function part(start: number, end: number): Part {
  return { start, end };
}

/** Digits, or one Sprintf verb (see SENTINEL_BASE in literal.ts) standing for the port. */
const PORT = /^(?:[0-9]{1,5}|[\ue000-\uf8ff])$/;

/** Splits `host:port`, `[v6]:port` or `host`. Port is undefined when absent; undefined result when malformed. */
export function splitHostPort(s: string): { host: string; port?: number; hostEnd: number; portStart?: number } | undefined {
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return undefined;
    const host = s.slice(1, close);
    if (close === s.length - 1) return { host, hostEnd: close + 1 };
    if (s[close + 1] !== ':' || !PORT.test(s.slice(close + 2))) return undefined;
    return { host, port: Number(s.slice(close + 2)), hostEnd: close + 1, portStart: close + 2 };
  }
  const colon = s.lastIndexOf(':');
  if (colon < 0) return { host: s, hostEnd: s.length };
  // A bare IPv6 address has several colons and no port.
  if (s.indexOf(':') !== colon) return { host: s, hostEnd: s.length };
  const port = s.slice(colon + 1);
  if (!PORT.test(port)) return undefined;
  return { host: s.slice(0, colon), port: Number(port), hostEnd: colon, portStart: colon + 1 };
}

/** `host:port`, bracketing an IPv6 host. */
export function joinHostPort(host: string, port: number): string {
  return `${formatHost(host)}:${port}`;
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Percent-encodes everything but RFC 3986 unreserved characters: right for a URL's user, password and path. */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function percentDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** Host and port positions (absolute) of the `host[:port]` text between start and end. */
function hostPortParts(text: string, start: number, end: number): { host: Part; port?: Part } | undefined {
  const hp = splitHostPort(text.slice(start, end));
  if (!hp) return undefined;
  const hostStart = text[start] === '[' ? start + 1 : start;
  const hostEnd = text[start] === '[' ? start + hp.hostEnd - 1 : start + hp.hostEnd;
  return {
    host: part(hostStart, hostEnd),
    port: hp.portStart !== undefined ? part(start + hp.portStart, end) : undefined,
  };
}

/**
 * Parses a go-sql-driver DSN. `strict` (for string literals in Go code, which are DSNs only by
 * their shape) asks for credentials or a known network, so that `"a/b"` is not a DSN.
 */
export function parseGoDsn(dsn: string, strict = false): ParsedDsn | undefined {
  // Other URLs (postgres://u:p@h/db) fail the network check below: `h` is no network.
  if (dsn.length === 0 || /[\r\n]/.test(dsn) || MYSQL_URL.test(dsn)) return undefined;
  const slash = dsn.lastIndexOf('/');
  if (slash < 0) return undefined;
  const head: GoDsnHead | undefined = slash > 0 ? goDsnHead(dsn, slash) : { at: -1 };
  if (!head) return undefined;
  const { user, password, at, net, addr } = head;
  const netText = net ? dsn.slice(net.start, net.end) : '';
  if (!/^[a-z0-9]*$/i.test(netText)) return undefined;
  if (netText !== '' && !addr && !/^(tcp|tcp4|tcp6|unix)$/.test(netText)) return undefined;
  if (strict) {
    const shaped = (addr && /^(tcp|tcp4|tcp6|unix)?$/.test(netText)) || (at >= 0 && netText === '' && !addr);
    if (!shaped || at < 0) return undefined;
  }
  const q = dsn.indexOf('?', slash + 1);
  const dbEnd = q < 0 ? dsn.length : q;
  const database = part(slash + 1, dbEnd);
  const params = q < 0 ? undefined : part(q + 1, dsn.length);
  const dbName = percentDecode(dsn.slice(database.start, database.end));
  if (dbName === undefined) return undefined;
  const tcp = addr && /^tcp/.test(netText || 'tcp') ? goDsnHostPort(dsn, addr) : {};
  if (!tcp) return undefined;
  const { host, port, wordPort } = tcp;
  // A raw password may hold spaces; anywhere else whitespace means this is not a DSN.
  const outside = password ? dsn.slice(0, password.start) + dsn.slice(password.end) : dsn;
  if (/\s/.test(outside)) return undefined;
  const text = (p: Part | undefined): string | undefined => (p ? dsn.slice(p.start, p.end) : undefined);
  const placeholders = placeholderParts(dsn, { user, password, host, port, database });
  if (wordPort && placeholders.length < 2) return undefined;
  const info: DsnInfo = {
    form: 'go',
    ...(placeholders.length >= 2 ? { placeholders } : {}),
    user: text(user),
    password: text(password),
    net: netText || (addr ? 'tcp' : undefined),
    host: host ? text(host) : undefined,
    port: wordPort ? undefined : port ? Number(text(port)) : host ? DEFAULT_PORT : undefined,
    database: dbName,
    params: text(params),
  };
  return {
    form: 'go',
    user,
    password,
    credsAt: 0,
    netAddr: slash > 0 ? part(at + 1, slash) : part(slash, slash),
    net,
    addr,
    host,
    port,
    database,
    needsSlash: false,
    params,
    info,
  };
}

interface GoDsnHead {
  readonly user?: Part;
  readonly password?: Part;
  /** The `@` that ends the credentials, -1 without. */
  readonly at: number;
  readonly net?: Part;
  readonly addr?: Part;
}

/**
 * What comes before the `/` of a go-sql-driver DSN: `user:password@`, then `net(addr)` or just
 * `net`. Undefined when a `(` opens an address that does not close right before the `/`.
 */
function goDsnHead(dsn: string, slash: number): GoDsnHead | undefined {
  let user: Part | undefined;
  let password: Part | undefined;
  const at = dsn.lastIndexOf('@', slash - 1);
  if (at >= 0) {
    const colon = dsn.indexOf(':');
    if (colon >= 0 && colon < at) {
      user = part(0, colon);
      password = part(colon + 1, at);
    } else user = part(0, at);
  }
  const paren = dsn.indexOf('(', at + 1);
  if (paren < 0 || paren >= slash) return { user, password, at, net: part(at + 1, slash) };
  if (dsn[slash - 1] !== ')') return undefined;
  return { user, password, at, net: part(at + 1, paren), addr: part(paren + 1, slash - 1) };
}

/** Host and port of a DSN's tcp address, or of its `host:port` template words (`wordPort`); undefined when it is neither. */
function goDsnHostPort(dsn: string, addr: Part): { host?: Part; port?: Part; wordPort?: boolean } | undefined {
  const hp = hostPortParts(dsn, addr.start, addr.end);
  if (hp) return { host: hp.host, port: hp.port };
  const words = WORD_HOST_PORT.exec(dsn.slice(addr.start, addr.end));
  if (!words) return undefined;
  // `tcp(host:port)`: a template to fill, not an address (checked by the caller).
  const host = part(addr.start, addr.start + words[1].length);
  return { host, port: part(host.end + 1, addr.end), wordPort: true };
}

/** `host:port` written as words: the address part of a DSN template. */
const WORD_HOST_PORT = /^([A-Za-z_][\w.-]*):([A-Za-z_]\w*)$/;

/** Words a DSN template holds where the values go: `user:password@tcp(host:port)/dbname`. */
const PLACEHOLDER_WORD = /^(?:your[_-]?|<)?(?:user(?:name)?|usr|pass(?:word)?|passwd|pwd|host(?:name)?|ip|addr(?:ess)?|port|db(?:[_-]?name)?|database(?:[_-]?name)?|schema|x+)>?$/i;

type TemplatePart = 'user' | 'password' | 'host' | 'port' | 'database';

/** The parts of a DSN or URL that hold placeholder words. */
function placeholderParts(s: string, parts: Partial<Record<TemplatePart, Part>>): TemplatePart[] {
  return (['user', 'password', 'host', 'port', 'database'] as const).filter((role) => {
    const p = parts[role];
    return !!p && PLACEHOLDER_WORD.test(s.slice(p.start, p.end));
  });
}

/** Parses `mysql://` (or `mariadb://`) URLs; anything else (postgres://...) is not ours. */
const MYSQL_URL = /^(mysql|mariadb|mysqlx|mysql\+tcp):\/\//i;

export function parseMysqlUrl(url: string): ParsedDsn | undefined {
  const m = MYSQL_URL.exec(url);
  // A fragment has no meaning for a database URL: such a string is not one we rewrite.
  if (!m || /[\s#]/.test(url)) return undefined;
  const authStart = m[0].length;
  let authEnd = url.length;
  for (let i = authStart; i < url.length; i++) {
    if (url[i] === '/' || url[i] === '?') {
      authEnd = i;
      break;
    }
  }
  const at = url.lastIndexOf('@', authEnd - 1);
  let user: Part | undefined;
  let password: Part | undefined;
  let hostStart = authStart;
  if (at >= authStart) {
    const colon = url.indexOf(':', authStart);
    if (colon >= 0 && colon < at) {
      user = part(authStart, colon);
      password = part(colon + 1, at);
    } else user = part(authStart, at);
    hostStart = at + 1;
  }
  let hp = hostPortParts(url, hostStart, authEnd);
  // `mysql://user:password@host:port/dbname`: a template to fill (checked below).
  const words = hp ? undefined : WORD_HOST_PORT.exec(url.slice(hostStart, authEnd));
  if (words) hp = { host: part(hostStart, hostStart + words[1].length), port: part(hostStart + words[1].length + 1, authEnd) };
  if (!hp) return undefined;
  let database: Part;
  let needsSlash = false;
  let params: Part | undefined;
  if (url[authEnd] === '/') {
    const q = url.indexOf('?', authEnd + 1);
    const end = q >= 0 ? q : url.length;
    database = part(authEnd + 1, end);
    if (q >= 0) params = part(q + 1, url.length);
  } else {
    database = part(authEnd, authEnd);
    needsSlash = true;
    if (url[authEnd] === '?') params = part(authEnd + 1, url.length);
  }
  const dec = (p: Part | undefined): string | undefined => (p ? percentDecode(url.slice(p.start, p.end)) : undefined);
  const dbName = dec(database);
  if (dbName === undefined || (user && dec(user) === undefined) || (password && dec(password) === undefined)) return undefined;
  const placeholders = placeholderParts(url, { user, password, host: hp.host, port: hp.port, database });
  if (words && placeholders.length < 2) return undefined;
  const info: DsnInfo = {
    form: 'url',
    ...(placeholders.length >= 2 ? { placeholders } : {}),
    user: dec(user),
    password: dec(password),
    host: url.slice(hp.host.start, hp.host.end),
    port: words ? undefined : hp.port ? Number(url.slice(hp.port.start, hp.port.end)) : DEFAULT_PORT,
    database: dbName,
    params: params ? url.slice(params.start, params.end) : undefined,
  };
  return {
    form: 'url', user, password, credsAt: authStart, addr: part(hostStart, authEnd), host: hp.host, port: hp.port, database, needsSlash, params, info,
  };
}

/**
 * GoFrame's link: `mysql:user:pass@tcp(host:port)/db?params` (the type, then a go-sql-driver
 * DSN). Only the MySQL-protocol types are ours; `pgsql:u:p@tcp(...)/db` is a link of another
 * database, and must not read as the user `pgsql`.
 */
const GOFRAME_LINK = /^(mysql|mariadb|tidb|pgsql|mssql|sqlite|oracle|clickhouse|dm):(?!\/\/)/i;
const GOFRAME_MYSQL = /^(mysql|mariadb|tidb)$/i;

function shift(p: Part | undefined, by: number): Part | undefined {
  return p ? part(p.start + by, p.end + by) : undefined;
}

function parseGoFrameLink(s: string, type: string): ParsedDsn | undefined {
  const rest = s.slice(type.length + 1);
  const inner = parseGoDsn(rest, true);
  if (!inner?.user || !inner.password) return undefined;
  const by = type.length + 1;
  return {
    ...inner,
    user: shift(inner.user, by),
    password: shift(inner.password, by),
    credsAt: inner.credsAt + by,
    netAddr: shift(inner.netAddr, by),
    net: shift(inner.net, by),
    addr: shift(inner.addr, by),
    host: shift(inner.host, by),
    port: shift(inner.port, by),
    database: shift(inner.database, by)!,
    params: shift(inner.params, by),
    info: { ...inner.info, linkType: type },
  };
}

/** A DSN or URL, by shape. */
export function parseConnectionString(s: string, strict = false): ParsedDsn | undefined {
  if (MYSQL_URL.test(s)) return parseMysqlUrl(s);
  const link = GOFRAME_LINK.exec(s);
  if (link) {
    // Two colons before the `@`: GoFrame's `type:user:pass@`. One (`mysql:secret@tcp(...)/db`) is a plain DSN whose user is `mysql`.
    const colon = s.indexOf(':', link[0].length);
    if (colon >= 0 && colon < s.lastIndexOf('@')) return GOFRAME_MYSQL.test(link[1]) ? parseGoFrameLink(s, link[1]) : undefined;
  }
  return parseGoDsn(s, strict);
}

/** True when a string literal in Go code has the shape of a MySQL DSN or URL (strict: no `"a/b"`). */
export function looksLikeDsn(value: string): boolean {
  return !!parseConnectionString(value, true);
}

export interface DsnParts {
  readonly user?: string;
  readonly password?: string;
  readonly net?: string;
  readonly addr?: string;
  readonly database: string;
  readonly params?: string;
}

/** Writes a go-sql-driver DSN: password raw, database name path-escaped, params as given. */
export function formatGoDsn(d: DsnParts): string {
  let s = '';
  if (d.user !== undefined || d.password !== undefined) s += `${d.user ?? ''}${d.password !== undefined ? `:${d.password}` : ''}@`;
  if (d.net !== undefined || d.addr !== undefined) s += `${d.net ?? 'tcp'}${d.addr !== undefined ? `(${d.addr})` : ''}`;
  s += `/${percentEncode(d.database)}`;
  if (d.params) s += `?${d.params}`;
  return s;
}

export interface UrlParts {
  readonly scheme?: string;
  readonly user?: string;
  readonly password?: string;
  readonly host: string;
  readonly port?: number;
  readonly database: string;
  readonly params?: string;
}

/** Writes a `mysql://` URL with user, password and database percent-encoded. */
export function formatMysqlUrl(u: UrlParts): string {
  let s = `${u.scheme ?? 'mysql'}://`;
  if (u.user !== undefined || u.password !== undefined) {
    s += `${percentEncode(u.user ?? '')}${u.password !== undefined ? `:${percentEncode(u.password)}` : ''}@`;
  }
  s += u.port !== undefined ? joinHostPort(u.host, u.port) : formatHost(u.host);
  s += `/${percentEncode(u.database)}`;
  if (u.params) s += `?${u.params}`;
  return s;
}

/**
 * Replacements (in the DSN string's own offsets) that point it at the target, leaving params,
 * network options and anything already right alone.
 */
export function dsnReplacements(p: ParsedDsn, dsn: string, t: DbTarget): Replacement[] {
  const out: Replacement[] = [];
  const text = (x: Part): string => dsn.slice(x.start, x.end);
  const set = (x: Part, v: string): void => {
    if (text(x) !== v) out.push({ start: x.start, end: x.end, text: v });
  };
  const url = p.form === 'url';
  const enc = (s: string): string => (url ? percentEncode(s) : s);
  const currentUser = p.info.user;
  const currentPassword = p.info.password;

  // Credentials
  if (p.user) {
    if (currentUser !== t.user) set(p.user, enc(t.user));
    if (t.password !== undefined && currentPassword !== t.password) {
      if (p.password) set(p.password, enc(t.password));
      else out.push({ start: p.user.end, end: p.user.end, text: `:${enc(t.password)}` });
    }
  } else {
    const pw = t.password !== undefined ? `:${enc(t.password)}` : '';
    out.push({ start: p.credsAt, end: p.credsAt, text: `${enc(t.user)}${pw}@` });
  }

  // Address: keep "no port" when the target uses the default port and none was written.
  const addr = (hadPort: boolean): string =>
    hadPort || t.port !== DEFAULT_PORT ? joinHostPort(t.host, t.port) : formatHost(t.host);
  if (p.addr && p.host && (url || /^tcp/.test(p.info.net ?? 'tcp'))) {
    if (p.info.host !== t.host || p.info.port !== t.port) set(p.addr, addr(!!p.port));
  } else if (p.netAddr) {
    // No address, or a unix socket: RDS is reached over TCP.
    set(p.netAddr, `tcp(${addr(false)})`);
  }

  // Database
  if (p.info.database !== t.database) {
    const db = percentEncode(t.database);
    set(p.database, p.needsSlash ? `/${db}` : db);
  }
  return out;
}
