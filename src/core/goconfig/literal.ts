/**
 * A value token as written in a file, and how to write a new value into it.
 *
 * A literal knows its decoded value and, for each decoded character, where it sits in the source
 * (the "map"). A patch is a list of replacements in decoded space ("replace the host part of this
 * DSN"); it becomes edits in source space through the map, each piece escaped for its syntax. So
 * characters we do not change keep their original spelling (an escaped `\/` in a JSON DSN param
 * stays as it was), and quotes are kept. Only when the quoting cannot hold the new value (a `#` in
 * an unquoted .env value) is the whole token requoted.
 */
import type { Quoting, SettingRole, TextEdit } from './types';

export type Syntax =
  | 'env-none' | 'env-single' | 'env-double'
  | 'yaml-plain' | 'yaml-flow-plain' | 'yaml-single' | 'yaml-double'
  | 'json-string' | 'json-number'
  | 'toml-basic' | 'toml-literal' | 'toml-number'
  | 'ini-none' | 'ini-double' | 'ini-single' | 'ini-backtick'
  | 'go-string' | 'go-raw' | 'go-number' | 'go-tag';

/** An extra escaping layer inside the base syntax: compose's `$$`, or a Sprintf format's `%%`. */
export type Layer = 'dollar' | 'sprintf';

export interface Literal {
  readonly syntax: Syntax;
  readonly layers: readonly Layer[];
  /** The whole token, quotes included. */
  readonly tokenStart: number;
  readonly tokenEnd: number;
  /** Raw source text between the quotes. */
  readonly raw: string;
  readonly contentStart: number;
  /** Fully decoded value (all layers). */
  readonly value: string;
  /** Source offset of each decoded character, plus one for the end; `undefined` = identity from contentStart. */
  readonly map: readonly number[] | undefined;
  /** Written before a value put into an empty token (YAML `key:` with no value needs `key: value`). */
  readonly emptyPrefix?: string;
}

/** First of the characters that stand for Sprintf verbs in a decoded format string. */
export const SENTINEL_BASE = 0xe000;

export function quotingOf(syntax: Syntax): Quoting {
  switch (syntax) {
    case 'env-single': case 'yaml-single': case 'toml-literal': case 'ini-single':
      return 'single';
    case 'env-double': case 'yaml-double': case 'json-string': case 'toml-basic': case 'ini-double': case 'go-string': case 'go-tag':
      return 'double';
    case 'ini-backtick': case 'go-raw':
      return 'backtick';
    default:
      return 'none';
  }
}

export function srcAt(lit: Literal, i: number): number {
  return lit.map ? lit.map[i] : lit.contentStart + i;
}

interface Decoded {
  value: string;
  /** Offsets relative to the raw string; length value.length + 1. */
  map: number[] | undefined;
}

/** Builds a literal from its token and raw content, or undefined when the escapes are not valid. */
export function makeLiteral(
  syntax: Syntax,
  tokenStart: number,
  tokenEnd: number,
  contentStart: number,
  raw: string,
  layers: readonly Layer[] = [],
  emptyPrefix?: string,
): Literal | undefined {
  const base = decodeBase(syntax, raw);
  if (!base) return undefined;
  let value = base.value;
  let map = base.map;
  for (const layer of layers) {
    const d = layer === 'dollar' ? decodeDollar(value) : decodeSprintf(value);
    if (!d) return undefined;
    if (d.map) map = d.map.map((i) => (map ? map[i] : i));
    value = d.value;
  }
  const abs = map ? map.map((i) => contentStart + i) : undefined;
  return { syntax, layers, tokenStart, tokenEnd, raw, contentStart, value, map: abs, emptyPrefix };
}

function decodeBase(syntax: Syntax, raw: string): Decoded | undefined {
  switch (syntax) {
    case 'env-double':
      return decodeBackslash(raw, envEscape);
    case 'yaml-single':
      return decodeDoubledQuote(raw, "'");
    case 'yaml-double':
      return decodeBackslash(raw, yamlEscape);
    case 'json-string':
      return decodeBackslash(raw, jsonEscape);
    case 'toml-basic':
      return decodeBackslash(raw, tomlEscape);
    case 'go-string':
    case 'go-tag':
      return decodeBackslash(raw, goEscape);
    default:
      return { value: raw, map: undefined };
  }
}

/** An escape reader: given the text after a backslash, the decoded char(s) and how many raw chars it used. */
type EscapeReader = (raw: string, i: number) => { text: string; len: number } | undefined;

function decodeBackslash(raw: string, esc: EscapeReader): Decoded | undefined {
  if (raw.indexOf('\\') < 0) return { value: raw, map: undefined };
  let value = '';
  const map: number[] = [];
  let i = 0;
  while (i < raw.length) {
    const c = raw[i];
    if (c !== '\\') {
      value += c;
      map.push(i);
      i++;
      continue;
    }
    const e = esc(raw, i + 1);
    if (!e) return undefined;
    for (let k = 0; k < e.text.length; k++) map.push(i);
    value += e.text;
    i += 1 + e.len;
  }
  map.push(raw.length);
  return { value, map };
}

function hexAt(raw: string, i: number, n: number): number | undefined {
  const h = raw.slice(i, i + n);
  if (h.length !== n || !/^[0-9a-fA-F]+$/.test(h)) return undefined;
  return parseInt(h, 16);
}

function codePoint(cp: number | undefined, len: number): { text: string; len: number } | undefined {
  if (cp === undefined || cp > 0x10ffff) return undefined;
  return { text: String.fromCodePoint(cp), len };
}

/**
 * An escape reader for a format: `hex` gives the letters of its `\xHH`-style escapes and how many
 * hex digits follow each, `simple` its one-letter escapes, `other` whatever else it has.
 */
function escapes(hex: Readonly<Record<string, number>>, simple: Readonly<Record<string, string>>, other?: EscapeReader): EscapeReader {
  return (raw, i) => {
    const c = raw[i];
    const digits = hex[c];
    if (digits !== undefined) return codePoint(hexAt(raw, i + 1, digits), digits + 1);
    const s = simple[c];
    if (s !== undefined) return { text: s, len: 1 };
    return other?.(raw, i);
  };
}

const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };
const HEX: Record<string, number> = { x: 2, u: 4, U: 8 };

const jsonEscape = escapes({ u: 4 }, SIMPLE);

// TOML has `\e` and no `\/`.
const tomlEscape = escapes(HEX, { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', e: '\x1b' });

const YAML_ESC: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};

const yamlEscape = escapes(HEX, YAML_ESC);

const GO_ESC: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };

/** Go's `\NNN`: three octal digits, one byte. */
const octalEscape: EscapeReader = (raw, i) => {
  const c = raw[i];
  if (c >= '0' && c <= '7') {
    const o = raw.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(o)) return undefined;
    return { text: String.fromCharCode(parseInt(o, 8) & 0xff), len: 3 };
  }
  return undefined;
};

const goEscape = escapes(HEX, GO_ESC, octalEscape);

/** godotenv: `\n` and `\r` are control characters, `\$` stays a literal `$`, any other `\X` is X. */
const envEscape: EscapeReader = (raw, i) => {
  const c = raw[i];
  if (c === undefined) return undefined;
  if (c === 'n') return { text: '\n', len: 1 };
  if (c === 'r') return { text: '\r', len: 1 };
  return { text: c, len: 1 };
};

function decodeDoubledQuote(raw: string, q: string): Decoded | undefined {
  if (raw.indexOf(q) < 0) return { value: raw, map: undefined };
  let value = '';
  const map: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === q) {
      if (raw[i + 1] !== q) return undefined;
      value += q;
      map.push(i);
      i++;
      continue;
    }
    value += raw[i];
    map.push(i);
  }
  map.push(raw.length);
  return { value, map };
}

function decodeDollar(s: string): Decoded | undefined {
  if (s.indexOf('$$') < 0) return { value: s, map: undefined };
  let value = '';
  const map: number[] = [];
  for (let i = 0; i < s.length; i++) {
    map.push(i);
    value += s[i];
    if (s[i] === '$' && s[i + 1] === '$') i++;
  }
  map.push(s.length);
  return { value, map };
}

/** `%%` becomes `%`; each verb (`%s`, `%d`, `%-10v`...) becomes one sentinel character. */
function decodeSprintf(s: string): Decoded | undefined {
  let value = '';
  const map: number[] = [];
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '%') {
      map.push(i);
      value += s[i];
      continue;
    }
    if (s[i + 1] === '%') {
      map.push(i);
      value += '%';
      i++;
      continue;
    }
    const m = /^%[-+# 0]*[0-9]*(?:\.[0-9]*)?([a-zA-Z])/.exec(s.slice(i));
    // Explicit arg indexes (`%[2]s`) and `*` widths would need real Sprintf semantics: not a DSN we rewrite.
    if (!m) return undefined;
    map.push(i);
    value += String.fromCharCode(SENTINEL_BASE + n++);
    i += m[0].length - 1;
  }
  map.push(s.length);
  return { value, map };
}

// ---------------------------------------------------------------------------------------------
// Writing

function escapeBackslash(s: string, extra: Record<string, string>, control: (c: number) => string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    const e = extra[ch];
    if (e !== undefined) out += e;
    else if (c < 0x20 || c === 0x7f) out += control(c);
    else out += ch;
  }
  return out;
}

const hex2 = (c: number): string => c.toString(16).padStart(2, '0');
const hex4 = (c: number): string => c.toString(16).padStart(4, '0');
const NAMED_CONTROL: Record<number, string> = { 9: '\\t', 10: '\\n', 13: '\\r' };

export function escapeJson(s: string): string {
  return escapeBackslash(s, { '"': '\\"', '\\': '\\\\' }, (c) => NAMED_CONTROL[c] ?? `\\u${hex4(c)}`);
}
export function escapeYamlDouble(s: string): string {
  return escapeBackslash(s, { '"': '\\"', '\\': '\\\\' }, (c) => NAMED_CONTROL[c] ?? `\\x${hex2(c)}`);
}
export function escapeGo(s: string): string {
  return escapeBackslash(s, { '"': '\\"', '\\': '\\\\' }, (c) => NAMED_CONTROL[c] ?? `\\x${hex2(c)}`);
}
export function escapeToml(s: string): string {
  return escapeBackslash(s, { '"': '\\"', '\\': '\\\\' }, (c) => NAMED_CONTROL[c] ?? `\\u${hex4(c)}`);
}
export function escapeEnvDouble(s: string): string {
  return escapeBackslash(s, { '"': '\\"', '\\': '\\\\', $: '\\$' }, (c) => NAMED_CONTROL[c] ?? String.fromCharCode(c));
}

const NEWLINE = /[\r\n]/;

/** The raw text for a piece of value in this syntax, or undefined when it cannot be written there. */
function encodePiece(syntax: Syntax, s: string): string | undefined {
  switch (syntax) {
    case 'env-none':
      return /[\s#'"`\\$]/.test(s) ? undefined : s;
    case 'env-single':
      return /['\r\n]/.test(s) ? undefined : s;
    case 'env-double':
      return escapeEnvDouble(s);
    case 'yaml-plain':
      return /[\r\n\t]/.test(s) ? undefined : s;
    case 'yaml-flow-plain':
      return /[\r\n\t,[\]{}]/.test(s) ? undefined : s;
    case 'yaml-single':
      return NEWLINE.test(s) ? undefined : s.replace(/'/g, "''");
    case 'yaml-double':
      return escapeYamlDouble(s);
    case 'json-string':
      return escapeJson(s);
    case 'toml-basic':
      return escapeToml(s);
    case 'toml-literal':
      return /['\r\n]/.test(s) ? undefined : s;
    case 'json-number': case 'toml-number': case 'go-number':
      return /^[0-9]*$/.test(s) ? s : undefined;
    case 'ini-none':
      return /[\r\n#;]/.test(s) ? undefined : s;
    case 'ini-double':
      return /["\r\n]/.test(s) ? undefined : s;
    case 'ini-single':
      return /['\r\n]/.test(s) ? undefined : s;
    case 'ini-backtick':
      return /[`\r\n]/.test(s) ? undefined : s;
    case 'go-string':
      return escapeGo(s);
    case 'go-raw':
      return /[`\r]/.test(s) ? undefined : s;
    case 'go-tag': {
      const e = escapeGo(s);
      return e.includes('`') ? undefined : e;
    }
  }
}

/** Constraints on the whole new raw content that pieces alone cannot see. */
function rawOk(syntax: Syntax, raw: string, role: SettingRole): boolean {
  switch (syntax) {
    case 'yaml-plain':
    case 'yaml-flow-plain':
      return isSafeYamlPlain(raw, role, syntax === 'yaml-flow-plain');
    case 'json-number': case 'toml-number': case 'go-number':
      return /^[0-9]+$/.test(raw);
    case 'ini-none':
      return raw === raw.trim() && !/^["'`]/.test(raw);
    default:
      return true;
  }
}

const YAML_NON_STRING =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[0-9]+(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)$/;

/**
 * True when `s` reads back as the same string from an unquoted YAML scalar. Strings that would
 * read as a number, bool or null (a password `000123`, `yes`) are quoted, except a port.
 */
export function isSafeYamlPlain(s: string, role: SettingRole | undefined, flow = false): boolean {
  if (s === '' || s !== s.trim()) return false;
  if (/[\r\n\t]/.test(s)) return false;
  // Conservative: a leading indicator is sometimes allowed in YAML, but a quoted value is always right.
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (s.includes(': ') || s.endsWith(':') || s.includes(' #')) return false;
  if (flow && /[,[\]{}]/.test(s)) return false;
  if (/^(?:---|\.\.\.)/.test(s)) return false;
  if (role !== 'port' && YAML_NON_STRING.test(s)) return false;
  return true;
}

/** Identity-decoding syntaxes that can be requoted into another style when a value does not fit. */
function requote(syntax: Syntax, value: string): string | undefined {
  switch (syntax) {
    case 'yaml-plain': case 'yaml-flow-plain':
      return `"${escapeYamlDouble(value)}"`;
    case 'env-none':
      return /['\r\n]/.test(value) ? `"${escapeEnvDouble(value)}"` : `'${value}'`;
    case 'env-single':
      return `"${escapeEnvDouble(value)}"`;
    case 'ini-none':
      if (!/["\r\n]/.test(value)) return `"${value}"`;
      return /[`\r\n]/.test(value) ? undefined : `\`${value}\``;
    case 'ini-double':
      return /[`\r\n]/.test(value) ? undefined : `\`${value}\``;
    case 'ini-single': case 'ini-backtick':
      return /["\r\n]/.test(value) ? undefined : `"${value}"`;
    case 'toml-literal': case 'toml-number':
      return `"${escapeToml(value)}"`;
    case 'json-number':
      return `"${escapeJson(value)}"`;
    case 'go-raw':
      return `"${escapeGo(value)}"`;
    default:
      return undefined;
  }
}

/** A replacement in decoded space: [start, end) of the literal's value becomes text. */
export interface Replacement {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function encodeLayers(layers: readonly Layer[], s: string): string {
  let out = s;
  for (let i = layers.length - 1; i >= 0; i--) out = layers[i] === 'dollar' ? out.replace(/\$/g, '$$$$') : out.replace(/%/g, '%%');
  return out;
}

/**
 * Source edits that write the replacements into the literal, keeping its quoting when it can
 * hold the new text, requoting the token when it cannot, and undefined when neither works.
 * `pieceOk` adds a constraint of the context (a placeholder default cannot hold `}`).
 */
export function literalEdits(
  lit: Literal,
  replacements: readonly Replacement[],
  role: SettingRole,
  pieceOk: (text: string) => boolean = () => true,
): TextEdit[] | undefined {
  const reps = [...replacements].sort((a, b) => a.start - b.start);
  for (const r of reps) if (!pieceOk(r.text)) return undefined;
  const edits: TextEdit[] = [];
  let fits = true;
  for (const r of reps) {
    const piece = encodePiece(lit.syntax, encodeLayers(lit.layers, r.text));
    if (piece === undefined) {
      fits = false;
      break;
    }
    const start = srcAt(lit, r.start);
    const end = srcAt(lit, r.end);
    const prefix = lit.raw === '' && lit.emptyPrefix && piece !== '' ? lit.emptyPrefix : '';
    edits.push({ offset: start, length: end - start, newText: prefix + piece });
  }
  let newRaw: string | undefined;
  if (fits) {
    newRaw = spliceRaw(lit, edits);
    if (rawOk(lit.syntax, newRaw, role)) return edits.filter((e) => e.length > 0 || e.newText !== '');
  }
  // Requote: only identity-decoding syntaxes get here, so the base value is the raw text itself.
  const baseValue = newRaw ?? spliceRawText(lit, reps);
  const token = requote(lit.syntax, baseValue);
  if (token === undefined) return undefined;
  const prefix = lit.raw === '' && lit.emptyPrefix && lit.tokenStart === lit.tokenEnd ? lit.emptyPrefix : '';
  return [{ offset: lit.tokenStart, length: lit.tokenEnd - lit.tokenStart, newText: prefix + token }];
}

function spliceRaw(lit: Literal, edits: readonly TextEdit[]): string {
  let out = '';
  let pos = 0;
  for (const e of edits) {
    const rel = e.offset - lit.contentStart;
    out += lit.raw.slice(pos, rel) + (lit.raw === '' && lit.emptyPrefix ? e.newText.slice(lit.emptyPrefix.length) : e.newText);
    pos = rel + e.length;
  }
  return out + lit.raw.slice(pos);
}

/** For identity-decoding syntaxes: the new raw text with layer escapes but without base escaping. */
function spliceRawText(lit: Literal, reps: readonly Replacement[]): string {
  let out = '';
  let pos = 0;
  for (const r of reps) {
    const start = srcAt(lit, r.start) - lit.contentStart;
    const end = srcAt(lit, r.end) - lit.contentStart;
    out += lit.raw.slice(pos, start) + encodeLayers(lit.layers, r.text);
    pos = end;
  }
  return out + lit.raw.slice(pos);
}

/** How to write a brand-new value in a syntax family, preferring the unquoted form when it is safe. */
export function freshValue(family: 'yaml' | 'env' | 'ini' | 'toml' | 'json', value: string, role: SettingRole, dollar = false): string {
  const v = dollar ? value.replace(/\$/g, '$$$$') : value;
  switch (family) {
    case 'yaml':
      return isSafeYamlPlain(v, role) ? v : `"${escapeYamlDouble(v)}"`;
    case 'env':
      return encodePiece('env-none', v) !== undefined && v !== '' ? v : (requote('env-none', v) ?? v);
    case 'ini':
      return encodePiece('ini-none', v) !== undefined && rawOk('ini-none', v, role) ? v : (requote('ini-none', v) ?? `"${v}"`);
    case 'toml':
      return role === 'port' && /^[0-9]+$/.test(v) ? v : `"${escapeToml(v)}"`;
    case 'json':
      return role === 'port' && /^[0-9]+$/.test(v) ? v : `"${escapeJson(v)}"`;
  }
}
