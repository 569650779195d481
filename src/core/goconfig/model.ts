/**
 * The internal model shared by the format readers and the patcher: a small config tree (maps,
 * sequences, scalars with their source positions) that YAML, JSON, TOML, INI and .env readers
 * all produce, and the richer setting/group records the patcher needs beyond the public types.
 */
import type { ParsedDsn } from './dsn';
import type { Layer, Literal, Syntax } from './literal';
import type { ConfigSetting, IgnoreReason, ParseFailure, SettingGroup, SettingRole } from './types';

export interface TScalar {
  readonly kind: 'scalar';
  readonly syntax: Syntax;
  readonly tokenStart: number;
  readonly tokenEnd: number;
  readonly contentStart: number;
  readonly contentEnd: number;
  /** Written before a value put into an empty token (YAML `key:` → `key: value`). */
  readonly emptyPrefix?: string;
  readonly layers?: readonly Layer[];
}

/** Something we never rewrite: a block scalar, an alias, a multi-line string, an array in TOML... */
export interface TOpaque {
  readonly kind: 'opaque';
  readonly start: number;
  readonly end: number;
}

export interface TEntry {
  readonly key: string;
  readonly keyStart: number;
  readonly value: TNode;
}

export interface TMap {
  readonly kind: 'map';
  readonly entries: TEntry[];
  /** Where a new entry goes, when the format has an obvious place (a block map, a table, an object). */
  insert?: InsertSpec;
}

export interface TSeq {
  readonly kind: 'seq';
  readonly items: TNode[];
  insert?: InsertSpec;
}

export type TNode = TMap | TSeq | TScalar | TOpaque;

/**
 * How to add a line for a missing key: after the line of the group's last setting, insert
 * `eol + indent + linePrefix + <key><sep><value>` (JSON: `,` + that, right after the value token).
 * So the new key sits with its siblings and a file without a final newline stays without one.
 */
export interface InsertSpec {
  readonly style: 'env' | 'yaml' | 'yaml-list' | 'ini' | 'toml' | 'json';
  readonly indent: string;
  /** Between key and value: `=`, ` = `, `: `. */
  readonly sep: string;
  /** `export ` in a .env that uses it; `- ` for a compose list. */
  readonly linePrefix?: string;
  /** compose values need `$$` for a literal `$`. */
  readonly dollar?: boolean;
  /** JSON object written on one line: add `, "key": value` without a line break. */
  readonly inline?: boolean;
}

export interface InternalSetting extends ConfigSetting {
  readonly lit: Literal;
  /** The value's range within the literal's decoded value (a placeholder default, a `KEY=value` item's value). */
  readonly vStart: number;
  readonly vEnd: number;
  /** For dsn/url roles: the parse, in offsets relative to vStart. */
  readonly parsed?: ParsedDsn;
  /** The value is the default inside `${VAR:...}` (or beego/compose forms), which cannot hold a `}`. */
  readonly inPlaceholder: boolean;
  /** The leaf key as written, used to name added keys in the same style. */
  readonly leafKey: string;
  /** Words before the leaf in a flat key (`db` in `DB_HOST`). */
  readonly keyPrefix: readonly string[];
}

export interface InternalGroup extends SettingGroup {
  readonly insert?: InsertSpec;
  /** Where the insert goes (resolved from the group's last setting). */
  readonly insertAt?: number;
  /** Path shown before an added key (`database.`), empty for flat files. */
  readonly keyPath: string;
  /** When false, settings in Go code: a missing key is not "missing" (the value comes from elsewhere). */
  readonly reportsMissing: boolean;
  /** `roles` plus roles written in ways we leave alone (`password: ${DB_PASS}`, `DB_PASSWORD:` in compose). */
  readonly presentRoles: readonly SettingRole[];
  /** Roles the group names in a key whose value we leave alone (`host: ${DB_HOST}`): they come from outside the file. */
  readonly leftAlone: readonly { readonly role: SettingRole; readonly key: string }[];
  /** The section is a DB one: an added plain `password` key is read as ours. */
  readonly ctxDb: boolean;
  /** Every key of the section as written. */
  readonly keys: readonly string[];
  /** The keys the app's code reads in this section, when the code map covers it (then only these are added). */
  readonly readKeys?: readonly { readonly key: string; readonly role?: SettingRole }[];
  /** Env vars the app's code reads with a role (`MYSQL_PASSWORD` in a DSN it builds): where a missing role comes from. */
  readonly envReads?: readonly { readonly key: string; readonly role: SettingRole }[];
}

export interface ReadResult {
  readonly settings: InternalSetting[];
  readonly groups: InternalGroup[];
  readonly ignored: { key: string; span: { start: number; end: number }; reason: IgnoreReason }[];
  readonly failure?: ParseFailure;
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

export function failureAt(text: string, offset: number, reason: string): ParseFailure {
  const o = Math.max(0, Math.min(offset, text.length));
  return { reason, offset: o, ...lineColumn(text, o) };
}

/** Offset of the end of the line holding `offset` (before its `\r\n` or `\n`). */
export function lineEndAt(text: string, offset: number): number {
  let nl = text.indexOf('\n', offset);
  if (nl < 0) nl = text.length;
  return nl > 0 && text[nl - 1] === '\r' && nl - 1 >= offset ? nl - 1 : nl;
}

/** Offset of the start of the line holding `offset`. */
export function lineStartAt(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}
