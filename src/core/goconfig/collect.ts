/**
 * Turns candidate values into settings: decides the role from the key and the value, recognises
 * placeholders and templates, and records what was left alone and why. `walkTree` does this for
 * the tree every structured reader produces; the Go reader feeds candidates directly.
 */
import { looksLikeDsn, parseConnectionString, splitHostPort } from './dsn';
import { isDriverValue, isMysqlDriver, keyInfo, leafInfo, type KeyInfo, type LeafKind } from './keys';
import { makeLiteral, quotingOf, srcAt, type Literal } from './literal';
import { lineEndAt, type InsertSpec, type InternalGroup, type InternalSetting, type ReadResult, type TMap, type TNode, type TScalar, type TSeq } from './model';
import type { KeyMap } from './keymap';
import { isTemplate, matchPlaceholder, type PlaceholderMatch } from './placeholder';
import type { IgnoreReason, Placeholder, SettingRole, TextSpan } from './types';

export interface Candidate {
  /** Display key (`database.host`, `DB_HOST`). */
  readonly key: string;
  /** The leaf as written, to name added keys alike. */
  readonly leafKey: string;
  readonly info: KeyInfo;
  readonly lit: Literal;
  readonly vStart?: number;
  readonly vEnd?: number;
  /** A DB section above the key (`database:`). */
  readonly ctxDb?: boolean;
  readonly ctxOther?: boolean;
  readonly ctxBootstrap?: boolean;
  readonly ctxAside?: boolean;
  readonly notMysql?: boolean;
  readonly group: GroupSpec;
  /** `$VAR` expands in this format (.env, compose). */
  readonly dollarVars?: boolean;
  /** A placeholder the value is a default of, known from the code around it (Go `getenv`). */
  readonly placeholder?: Placeholder;
  /** The role, when the code around the value already says it (a Go Sprintf arg, a mysql.Config field). */
  readonly forceRole?: SettingRole;
  readonly urlEncoded?: boolean;
  /** The app's code reads the section but not this key (see keymap.ts): not patched. */
  readonly notRead?: boolean;
}

export interface GroupSpec {
  readonly id: string;
  readonly label: string;
  readonly keyPath: string;
  readonly insert?: InsertSpec;
  readonly reportsMissing?: boolean;
  /** The section is a DB one (`database:`), so a plain `password` key in it is ours. */
  readonly ctxDb?: boolean;
  /** Every key of the section as written: an added key must not repeat one, and a key we skipped still counts as there. */
  readonly keys?: readonly string[];
  /** The keys the app's code reads in this section (lowercase leaf, role), when the code map covers it: only these may be added. */
  readonly readKeys?: readonly { readonly key: string; readonly role?: SettingRole }[];
  readonly envReads?: readonly { readonly key: string; readonly role: SettingRole }[];
}

/** `host: ${DB_HOST:localhost}` under an app section: the variable says what it is. */
function withVariable(info: KeyInfo, db: boolean, ph: PlaceholderMatch | undefined): { info: KeyInfo; db: boolean } {
  if (ph && (!info.leaf || !db)) {
    const vi = keyInfo(ph.variable);
    if (vi.leaf && vi.db && !vi.other && !vi.bootstrap) return { info: vi, db: true };
  }
  return { info, db };
}

/** Why a DB key is not the running app's MySQL connection, from the key and the section around it. */
function asideReason(c: Candidate, info: KeyInfo): IgnoreReason | undefined {
  if (info.other || c.ctxOther) return 'otherService';
  if (info.bootstrap || c.ctxBootstrap) return 'bootstrap';
  if (info.aside || c.ctxAside) return 'notRuntime';
  if (c.notMysql) return 'notMysql';
  return undefined;
}

export class Collector {
  readonly settings: InternalSetting[] = [];
  readonly ignored: { key: string; span: TextSpan; reason: IgnoreReason }[] = [];
  private readonly groups = new Map<string, GroupSpec>();

  constructor(readonly text: string, readonly keyMap?: KeyMap) {}

  literal(s: TScalar): Literal | undefined {
    return makeLiteral(s.syntax, s.tokenStart, s.tokenEnd, s.contentStart, this.text.slice(s.contentStart, s.contentEnd), s.layers, s.emptyPrefix);
  }

  /** Roles a group has even where we do not rewrite them (`password: ${DB_PASS}`): not "missing". Each with the key that holds it. */
  private readonly present = new Map<string, Map<SettingRole, string>>();

  ignore(key: string, lit: Literal, reason: IgnoreReason): void {
    this.ignored.push({ key, span: { start: lit.tokenStart, end: lit.tokenEnd }, reason });
  }

  /** A role of the group whose value the code takes from elsewhere (a Sprintf arg that is a variable). */
  fromOutside(group: string, role: SettingRole, key: string): void {
    this.markPresent(group, role === 'hostPort' ? 'addr' : role === 'dsn' || role === 'url' ? 'conn' : role, key);
  }

  private markPresent(group: string, leaf: LeafKind | undefined, key: string): void {
    if (!leaf) return;
    const role: SettingRole = leaf === 'addr' ? 'hostPort' : leaf === 'conn' ? 'dsn' : leaf;
    let roles = this.present.get(group);
    if (!roles) this.present.set(group, (roles = new Map()));
    if (!roles.has(role)) roles.set(role, key);
  }

  add(c: Candidate): void {
    const lit = c.lit;
    let vStart = c.vStart ?? 0;
    let vEnd = c.vEnd ?? lit.value.length;
    let value = lit.value.slice(vStart, vEnd);
    const ph = c.placeholder ? undefined : matchPlaceholder(value);
    const { info, db } = withVariable(c.info, !!c.ctxDb || c.info.db, ph);
    if (!c.forceRole && (!info.leaf || !db)) return;
    // `DB_CONNECTION=mysql` names a driver, it is no connection string.
    if (info.leaf === 'conn' && /^[a-z0-9]*$/i.test(value)) return;
    const aside = asideReason(c, info);
    if (aside) return this.ignore(c.key, lit, aside);
    let placeholder = c.placeholder;
    if (ph) {
      placeholder = { syntax: ph.syntax, variable: ph.variable };
      vEnd = vStart + ph.end;
      vStart += ph.start;
      value = lit.value.slice(vStart, vEnd);
    } else if (!c.placeholder) {
      const dollar = lit.layers.includes('dollar');
      // Single quotes in a .env keep `$` literal; in double quotes `\$` is a literal dollar.
      const expands = !!c.dollarVars && lit.syntax !== 'env-single';
      const checked = dollar ? rawish(lit, vStart, vEnd) : lit.syntax === 'env-double' ? rawish(lit, vStart, vEnd).replace(/\\./g, '') : value;
      if (isTemplate(checked, expands, dollar)) {
        this.markPresent(c.group.id, info.leaf, c.key);
        return this.ignore(c.key, lit, 'template');
      }
    }
    // `dsn: "%s:%s@tcp(%s:%d)/%s"`: the app fills it with fmt.Sprintf from other keys, which are patched instead.
    if (info.leaf === 'conn' && (value.match(/(?<!%)%[sdvq]/g) ?? []).length >= 2) {
      this.markPresent(c.group.id, 'conn', c.key);
      return this.ignore(c.key, lit, 'template');
    }
    let role = c.forceRole ?? roleOf(info, value);
    // `DSN=root:pw@tcp(localhost:port)/app`: a connection key we cannot read is said, not skipped in silence.
    if (!role && info.leaf === 'conn' && /[@(]/.test(value)) return this.ignore(c.key, lit, 'unsupported');
    if (!role) return;
    if (c.notRead) return this.ignore(c.key, lit, 'notRead');
    // The code map says `mysql.path` is the host; the value says whether it holds a port too.
    if (role === 'host' && splitHostPort(value)?.port !== undefined) role = 'hostPort';
    if (role === 'port' && !/^[0-9]*$/.test(value)) {
      this.markPresent(c.group.id, 'port', c.key);
      return this.ignore(c.key, lit, 'unsupported');
    }
    let parsed;
    if (role === 'dsn' || role === 'url') {
      parsed = parseConnectionString(value);
      if (!parsed) return;
    }
    if (!this.groups.has(c.group.id)) this.groups.set(c.group.id, c.group);
    this.settings.push({
      role,
      key: c.key,
      group: c.group.id,
      value,
      span: { start: srcAt(lit, vStart), end: srcAt(lit, vEnd) },
      tokenSpan: { start: lit.tokenStart, end: lit.tokenEnd },
      quoting: quotingOf(lit.syntax),
      placeholder,
      dsn: parsed?.info,
      urlEncoded: c.urlEncoded,
      lit,
      vStart,
      vEnd,
      parsed,
      inPlaceholder: !!placeholder && placeholder.syntax !== 'goDefault' && placeholder.syntax !== 'viperDefault',
      leafKey: c.leafKey,
      keyPrefix: namingPrefix(c.leafKey, info),
    });
  }

  finish(): ReadResult {
    const settings = this.settings.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
    // Two readings of one token (a literal that is both a getenv default and a DSN) keep the first.
    const kept: InternalSetting[] = [];
    for (const s of settings) {
      const prev = kept[kept.length - 1];
      if (prev && s.lit.tokenStart < prev.lit.tokenEnd && s.lit.tokenStart >= prev.lit.tokenStart && s.lit !== prev.lit) continue;
      if (prev && prev.lit === s.lit && s.span.start < prev.span.end) continue;
      kept.push(s);
    }
    // `dsn: root:pw@tcp(h)/` next to `dbName: app`: the app appends the database itself, so the DSN stays without one.
    for (let i = 0; i < kept.length; i++) {
      const s = kept[i];
      if (!s.dsn || s.dsn.database !== '') continue;
      const db = kept.find((x) => x.group === s.group && x.role === 'database');
      if (db) kept[i] = { ...s, databaseElsewhere: db.key };
    }
    const groups: InternalGroup[] = [];
    for (const g of this.groups.values()) {
      const roles = [...new Set(kept.filter((s) => s.group === g.id).map((s) => s.role))];
      if (roles.length === 0) continue;
      let insertAt: number | undefined;
      if (g.insert) {
        let last: InternalSetting | undefined;
        for (const s of kept) if (s.group === g.id && (!last || s.lit.tokenEnd > last.lit.tokenEnd)) last = s;
        if (last) insertAt = g.insert.style === 'json' ? last.lit.tokenEnd : lineEndAt(this.text, last.lit.tokenEnd);
      }
      // Keys of the section that name a role count as there, even when we skipped their value (`DB_PASSWORD:` passes the shell's).
      const leftAlone = new Map(this.present.get(g.id) ?? []);
      for (const k of g.keys ?? []) {
        const ki = leafInfo(k);
        const role = ki.leaf === 'addr' ? 'hostPort' : ki.leaf;
        if (role && role !== 'conn' && (g.ctxDb || ki.db) && !ki.other && !ki.bootstrap && !leftAlone.has(role)) leftAlone.set(role, g.keyPath ? `${g.keyPath}.${k}` : k);
      }
      for (const r of roles) leftAlone.delete(r);
      const present = new Set([...roles, ...leftAlone.keys()]);
      groups.push({
        id: g.id,
        label: g.label,
        roles,
        canAddKeys: insertAt !== undefined,
        insert: insertAt !== undefined ? g.insert : undefined,
        insertAt,
        keyPath: g.keyPath,
        reportsMissing: g.reportsMissing ?? true,
        presentRoles: [...present],
        leftAlone: [...leftAlone].map(([role, key]) => ({ role, key })),
        ctxDb: !!g.ctxDb,
        keys: g.keys ?? [],
        readKeys: g.readKeys,
        envReads: g.envReads,
      });
    }
    return { settings: kept, groups, ignored: this.ignored.sort((a, b) => a.span.start - b.span.start) };
  }
}

/**
 * The words before the leaf, as the key writes them, to name added keys alike: `DB` for
 * `DB_NAME` (whose words merge into `dbname`), `mysql` for beego's `mysqlpass`.
 */
function namingPrefix(leafKey: string, info: KeyInfo): readonly string[] {
  const raw = leafKey.split(/[_.\-]+|(?<=[a-z0-9])(?=[A-Z])/).filter((w) => w !== '').map((w) => w.toLowerCase());
  return raw.length >= 2 ? raw.slice(0, -1) : info.prefix;
}

/** The literal's text with layer escapes still in (compose `$$`): for template checks only. */
function rawish(lit: Literal, vStart: number, vEnd: number): string {
  const s = srcAt(lit, vStart) - lit.contentStart;
  const e = srcAt(lit, vEnd) - lit.contentStart;
  return lit.raw.slice(s, e);
}

const BOOLEAN = /^(true|false|yes|no|on|off)$/i;

function roleOf(info: KeyInfo, value: string): SettingRole | undefined {
  const leaf = info.leaf;
  if (!leaf) return undefined;
  if (leaf === 'conn') {
    const p = parseConnectionString(value);
    return p ? (p.form === 'url' ? 'url' : 'dsn') : undefined;
  }
  // A `host` or `database` key that holds a whole DSN is a DSN.
  if (value.includes('@') && value.includes('/')) {
    const p = parseConnectionString(value, true);
    if (p) return p.form === 'url' ? 'url' : 'dsn';
  }
  // `user: true` is a switch, not a user; `DB=sqlite3` names the driver, not the database.
  if ((leaf === 'user' || leaf === 'host' || leaf === 'database') && BOOLEAN.test(value)) return undefined;
  if (leaf === 'database' && isDriverValue(value)) return undefined;
  switch (leaf) {
    case 'host':
    case 'addr': {
      const hp = splitHostPort(value);
      if (!hp) return undefined;
      if (hp.port !== undefined) return 'hostPort';
      return /[,\s/]/.test(value) ? undefined : 'host';
    }
    default:
      return leaf;
  }
}

export interface WalkOptions {
  /** Group id prefix, e.g. a YAML document number. */
  readonly idPrefix: string;
  /** Label of the root group (the file name). */
  readonly rootLabel: string;
  readonly dollarVars?: boolean;
}

interface Ctx {
  readonly db: boolean;
  readonly other: boolean;
  readonly bootstrap: boolean;
  readonly aside: boolean;
  readonly notMysql: boolean;
}

const ROOT: Ctx = { db: false, other: false, bootstrap: false, aside: false, notMysql: false };

/** Walks a config tree and adds every connection setting it holds. */
export function walkTree(col: Collector, root: TNode, opts: WalkOptions): void {
  if (root.kind === 'map') walkMap(col, root, [], ROOT, opts);
  else if (root.kind === 'seq') walkSeq(col, root, [], ROOT, opts);
}

function groupFor(path: readonly string[], insert: InsertSpec | undefined, opts: WalkOptions, ctxDb: boolean, keys: readonly string[], keyMap?: KeyMap, reportsMissing = true): GroupSpec {
  const keyPath = path.join('.');
  let readKeys: { key: string; role?: SettingRole }[] | undefined;
  if (keyMap && path.length > 0 && keyMap.sections.has(path[0].toLowerCase())) {
    const prefix = `${keyPath.toLowerCase()}.`;
    readKeys = [];
    keyMap.keys.forEach((role, k) => {
      if (k.startsWith(prefix) && !k.slice(prefix.length).includes('.')) readKeys!.push({ key: k.slice(prefix.length), role });
    });
  }
  const envReads = readKeys && keyMap ? [...keyMap.keys].filter(([k, r]) => r && !k.includes('.')).map(([key, role]) => ({ key: key.toUpperCase(), role: role! })) : undefined;
  return { id: opts.idPrefix + (keyPath || '(root)'), label: keyPath || opts.rootLabel, keyPath, insert, reportsMissing, ctxDb, keys, readKeys, envReads };
}

/**
 * What the app's code says of a key: its role, when the code builds a DSN from it; `read: false`
 * when the code reads its section but not it. Undefined when the code says nothing (flat .env
 * keys, sections no code reads): then the key is judged by its words, a guess.
 */
function readByCode(keyMap: KeyMap, path: readonly string[], key: string): { role?: SettingRole; read: boolean } | undefined {
  const full = (path.length ? `${path.join('.')}.${key}` : key).toLowerCase();
  if (keyMap.keys.has(full)) return { role: keyMap.keys.get(full), read: true };
  if (path.length > 0 && keyMap.sections.has(path[0].toLowerCase())) return { read: false };
  return undefined;
}

function scalarText(col: Collector, n: TNode): string | undefined {
  if (n.kind !== 'scalar') return undefined;
  return col.literal(n)?.value;
}

function walkMap(col: Collector, map: TMap, path: string[], ctx: Ctx, opts: WalkOptions): void {
  const entries = map.entries;
  // `driver: postgres` in a section (or DB_DRIVER=sqlite3 among flat keys) makes its settings not ours.
  let notMysql: string[] | undefined;
  let siblingsNotMysql = false;
  for (const e of entries) {
    if (e.value.kind !== 'scalar') continue;
    const ki = leafInfo(e.key);
    // Only in a DB section or with a DB word (`DB_DRIVER`): a k8s `kind: Deployment` is no driver.
    if (!(ki.driver || ki.leaf === 'conn' || ki.leaf === 'database') || !(ctx.db || ki.db || ki.section)) continue;
    const v = scalarText(col, e.value);
    if (v === undefined || (ki.leaf === 'conn' && !/^[a-z0-9]+$/i.test(v)) || (ki.leaf === 'database' && !isDriverValue(v))) continue;
    // `MYSQL_DRIVER=root@unix(/tmp/mysql.sock)/app` holds a DSN, not a driver name: its value says nothing of the driver.
    if (mayBeDsn(v, 0, v.length)) continue;
    if (isMysqlDriver(v)) continue;
    // `DB=sqlite3` speaks for its sibling keys (DB_HOST, DB_NAME), and for nested sections only inside a DB section.
    if (ki.leaf === 'database') {
      siblingsNotMysql = true;
      if (ctx.db) (notMysql ??= []).push('');
    } else (notMysql ??= []).push(ki.prefix.join(' '));
  }
  const sectionNotMysql = ctx.notMysql || !!notMysql?.includes('');
  let group: GroupSpec | undefined;
  for (const e of entries) {
    const v = e.value;
    if (v.kind === 'map' || v.kind === 'seq') {
      const sec = keyInfo(e.key);
      const same = !sec.section && !sec.other && !sec.bootstrap && !sec.aside && sectionNotMysql === ctx.notMysql;
      const child: Ctx = same
        ? ctx
        : { db: ctx.db || sec.section, other: ctx.other || sec.other, bootstrap: ctx.bootstrap || sec.bootstrap, aside: ctx.aside || sec.aside, notMysql: sectionNotMysql };
      path.push(e.key);
      if (v.kind === 'map') walkMap(col, v, path, child, opts);
      else walkSeq(col, v, path, child, opts);
      path.pop();
      continue;
    }
    if (v.kind !== 'scalar') continue;
    const ki = leafInfo(e.key);
    const known = col.keyMap ? readByCode(col.keyMap, path, e.key) : undefined;
    if (known?.role) {
      const lit = col.literal(v);
      if (!lit) continue;
      group ??= groupFor(path, map.insert, opts, ctx.db, entries.map((x) => x.key), col.keyMap);
      col.add({ key: [...path, e.key].join('.'), leafKey: e.key, info: ki.leaf ? ki : keyInfo(e.key), lit, ctxOther: ctx.other, ctxAside: ctx.aside, notMysql: ctx.notMysql, group, forceRole: known.role, dollarVars: opts.dollarVars });
      continue;
    }
    // Build the literal only for DB keys, values that may be a placeholder naming a DB variable, or a DSN by its shape.
    const byShape = !(ki.leaf && (ctx.db || ki.db)) && !ctx.other && mayBeDsn(col.text, v.contentStart, v.contentEnd);
    if (!(ki.leaf && (ctx.db || ki.db)) && !byShape && col.text.charCodeAt(v.contentStart) !== 36 /* $ */) continue;
    const lit = col.literal(v);
    if (!lit) continue;
    // `data_store: root:pw@tcp(db:3306)/app` is a DSN whatever its key is called.
    const shapeRole = byShape && looksLikeDsn(lit.value) ? (parseConnectionString(lit.value)?.form === 'url' ? 'url' : 'dsn') : undefined;
    if (byShape && !shapeRole && col.text.charCodeAt(v.contentStart) !== 36) continue;
    group ??= groupFor(path, map.insert, opts, ctx.db, entries.map((x) => x.key), col.keyMap);
    col.add({
      notRead: known?.read === false,
      key: [...path, e.key].join('.'),
      leafKey: e.key,
      info: ki.leaf ? ki : keyInfo(e.key),
      lit,
      ctxDb: ctx.db,
      ctxOther: ctx.other,
      ctxBootstrap: ctx.bootstrap,
      ctxAside: ctx.aside,
      notMysql: ctx.notMysql || siblingsNotMysql || !!notMysql?.includes(ki.prefix.join(' ')),
      group,
      dollarVars: opts.dollarVars,
      forceRole: shapeRole,
    });
  }
}

/** Cheap test before building a literal: a DSN by shape holds an `@` and a `(` or `://`. */
function mayBeDsn(text: string, start: number, end: number): boolean {
  // Within the value only: an indexOf from `start` would search the rest of a big file for every value.
  let at = false;
  let open = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 64 /* @ */) at = true;
    else if (c === 40 /* ( */ || (c === 58 /* : */ && text.startsWith('//', i + 1))) open = true;
  }
  return at && open;
}

function walkSeq(col: Collector, seq: TSeq, path: string[], ctx: Ctx, opts: WalkOptions): void {
  seq.items.forEach((item, i) => {
    if (item.kind === 'map') {
      // Kubernetes-style `env: [{name: DB_HOST, value: localhost}]`.
      const name = item.entries.find((e) => e.key === 'name');
      const value = item.entries.find((e) => e.key === 'value');
      if (name && value && value.value.kind === 'scalar') {
        const key = scalarText(col, name.value);
        const lit = key !== undefined ? col.literal(value.value) : undefined;
        if (key !== undefined && lit) {
          col.add({
            key: `${[...path, key].join('.')}`,
            leafKey: key,
            info: keyInfo(key),
            lit,
            ctxDb: ctx.db,
            ctxOther: ctx.other,
            ctxBootstrap: ctx.bootstrap,
            ctxAside: ctx.aside,
            notMysql: ctx.notMysql,
            // A container's env list holds only some variables; others come from secrets and config maps.
            group: groupFor(path, undefined, opts, ctx.db, [], undefined, false),
          });
          return;
        }
      }
      path.push(String(i));
      walkMap(col, item, path, ctx, opts);
      path.pop();
    } else if (item.kind === 'seq') {
      path.push(String(i));
      walkSeq(col, item, path, ctx, opts);
      path.pop();
    }
  });
}
