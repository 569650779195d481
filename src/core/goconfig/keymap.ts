/**
 * Which config keys the app reads, learned from its Go source: struct fields with
 * `mapstructure:`/`yaml:`/`json:`/`toml:`/`ini:` tags nested as the config is, viper
 * `Get*("mysql.path")` and `SetDefault`, `os.Getenv`/`LookupEnv`, beego's
 * `AppConfig.String("…")`, GoFrame's `g.Cfg().Get(ctx, "…")`. And which role a key plays, where
 * the code builds a DSN from it (`"@tcp(" + m.Path + ":" + m.Port + ")/"`, or a Sprintf's args).
 *
 * Built file by file (`KeyMapBuilder.update`), so a changed file costs only its own scan; the
 * map itself is recomputed on demand and cached until the next change.
 */
import { parseGoDsn, type ParsedDsn } from './dsn';
import type { SettingRole } from './types';

/** What the code says about the config keys. Keys are lowercase (viper and beego ignore case). */
export interface KeyMap {
  /** Dotted keys (`mysql.path`) and env names (`db_host`) the app reads, with the role the code gives them, if any. */
  readonly keys: ReadonlyMap<string, SettingRole | undefined>;
  /** First segments of dotted keys read through a config struct or Get call: under these, a key not in `keys` is not read. */
  readonly sections: ReadonlySet<string>;
  /** How many Go files it was learned from. */
  readonly files: number;
}

interface Field {
  readonly name: string;
  readonly type: string;
  /** The config key the tag gives; '' for an embedded (squash/inline) struct. */
  readonly key: string;
}

interface FileFacts {
  readonly structs: ReadonlyMap<string, readonly Field[]>;
  /** Keys read by name: viper Get/SetDefault, beego AppConfig, GoFrame g.Cfg().Get, os.Getenv. */
  readonly reads: readonly string[];
  /** Roles from DSN-building code, by Go field name (`Path` → host) or by key read (`mysql.path`). */
  readonly fieldRoles: ReadonlyMap<string, SettingRole>;
  readonly keyRoles: ReadonlyMap<string, SettingRole>;
}

const MAX_FILE = 512 * 1024;
const TAG_ORDER = ['mapstructure', 'yaml', 'toml', 'json', 'ini'];

function stripComments(s: string): string {
  // Strings are kept (a `//` in a DSN literal is no comment); raw strings too.
  return s.replace(/("(?:[^"\\\n]|\\.)*"|`[^`]*`)|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m, str: string | undefined) => str ?? m.replace(/[^\n]/g, ' '));
}

function tagKey(tag: string, fieldName: string): string | undefined {
  for (const name of TAG_ORDER) {
    const m = new RegExp(`(?:^|\\s)${name}:"([^"]*)"`).exec(tag);
    if (!m) continue;
    const [key, ...opts] = m[1].split(',');
    if (key === '-') return undefined;
    if (key === '' && opts.some((o) => o === 'squash' || o === 'inline')) return '';
    return (key || fieldName).toLowerCase();
  }
  return fieldName.toLowerCase();
}

const STRUCT = /\btype\s+([A-Za-z_]\w*)\s+struct\s*\{/g;
const FIELD = /^\s*([A-Za-z_]\w*)(?:\s+([*\[\]\w.]+))?\s*(?:`([^`]*)`)?\s*$/;
/** `Database struct {` opening an anonymous struct field. */
const NESTED = /^\s*([A-Za-z_]\w*)\s+(?:\[\]|\*)?struct\s*\{\s*$/;
const NESTED_END = /^\s*\}\s*(?:`([^`]*)`)?\s*$/;

function readStructs(src: string): Map<string, Field[]> {
  const out = new Map<string, Field[]>();
  for (const m of src.matchAll(STRUCT)) {
    const lines = src.slice((m.index ?? 0) + m[0].length).split('\n');
    readBody(lines, 0, m[1], out);
  }
  return out;
}

/** Reads a struct body from `lines[from]` to its closing brace; returns the line after it. Anonymous struct fields become `Outer.Field` types. */
function readBody(lines: readonly string[], from: number, name: string, out: Map<string, Field[]>, depth = 0): number {
  const fields: Field[] = [];
  out.set(name, fields);
  let i = from;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*\}/.test(line)) break;
    const nested = NESTED.exec(line);
    if (nested && depth < 6) {
      const type = `${name}.${nested[1]}`;
      i = readBody(lines, i + 1, type, out, depth + 1);
      const key = tagKey(NESTED_END.exec(lines[i] ?? '')?.[1] ?? '', nested[1]);
      if (key !== undefined) fields.push({ name: nested[1], type, key });
      continue;
    }
    const f = FIELD.exec(line);
    if (!f) continue;
    const embedded = f[2] === undefined;
    const type = (embedded ? f[1] : f[2]).replace(/^[*[\]]+/, '').replace(/^\w+\./, '');
    const key = embedded && !f[3] ? '' : tagKey(f[3] ?? '', f[1]);
    if (key !== undefined) fields.push({ name: f[1], type, key });
  }
  return i;
}

/** A call that reads a key: the key, lowercased. */
const READ_CALLS = [
  // viper.GetString("mysql.path"), v.GetInt(...), viper.SetDefault("mysql.port", 3306), config.Get("x")
  /\.(?:Get(?:String|Int|Int32|Int64|Uint|Uint16|Uint32|Uint64|Bool|Float64|Duration|StringSlice|StringMap|StringMapString)?|SetDefault|IsSet)\(\s*"([^"]+)"/g,
  // os.Getenv("DB_HOST"), os.LookupEnv("DB_HOST")
  /\bos\.(?:Getenv|LookupEnv)\(\s*"([^"]+)"/g,
  // beego: web.AppConfig.String("mysqluser"), beego.AppConfig.DefaultString("mysqlurls", "...")
  /\bAppConfig\.(?:String|DefaultString|Int|DefaultInt|Bool|Strings)\(\s*"([^"]+)"/g,
  // GoFrame: g.Cfg().Get(ctx, "database.default.link"), g.Cfg().MustGet(ctx, "...")
  /\bCfg\([^)]*\)\.(?:Get|MustGet|GetWithEnv|MustGetWithEnv)\(\s*\w+\s*,\s*"([^"]+)"/g,
];

const DSN_VERB = /%[-+# 0-9]*[sdvq]/g;
const SENTINEL = 0xe000;

/** The role each sentinel stands for in a DSN template written with sentinels for the values. */
function rolesOf(template: string): Map<number, SettingRole> {
  const out = new Map<number, SettingRole>();
  const p: ParsedDsn | undefined = parseGoDsn(template);
  if (!p) return out;
  const parts: [SettingRole, { start: number; end: number } | undefined][] = [
    ['user', p.user], ['password', p.password], ['host', p.host], ['port', p.port], ['database', p.database],
  ];
  for (const [role, part] of parts) {
    if (!part) continue;
    for (let i = part.start; i < part.end; i++) {
      const c = template.charCodeAt(i) - SENTINEL;
      if (c >= 0 && c < 0x100) out.set(c, role);
    }
  }
  // `tcp(%s)` holding host:port in one value.
  if (p.addr && !p.host) {
    const c = template.charCodeAt(p.addr.start) - SENTINEL;
    if (c >= 0 && c < 0x100 && p.addr.end - p.addr.start === 1) out.set(c, 'hostPort');
  }
  return out;
}

/** What an expression of DSN-building code refers to: a Go field (`m.Path`) or a key read (`viper.GetString("mysql.path")`). */
function refOf(expr: string): { field?: string; key?: string } | undefined {
  const e = expr.trim();
  const call = /"([^"]+)"\s*\)?\s*$/.exec(e);
  if (call && /\(/.test(e)) return { key: call[1].toLowerCase() };
  const sel = /(?:^|\.)([A-Za-z_]\w*)(?:\(\))?$/.exec(e);
  return sel ? { field: sel[1] } : undefined;
}

function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === '`') {
      const close = c === '"' ? findQuote(s, i) : s.indexOf('`', i + 1);
      const end = close < 0 ? s.length - 1 : close;
      cur += s.slice(i, end + 1);
      i = end;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    if (c === sep && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function findQuote(s: string, open: number): number {
  for (let i = open + 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"' || s[i] === '\n') return s[i] === '"' ? i : -1;
  }
  return -1;
}

function unquote(lit: string): string | undefined {
  const t = lit.trim();
  if (t.startsWith('`') && t.endsWith('`') && t.length >= 2) return t.slice(1, -1);
  if (t.startsWith('"') && t.endsWith('"') && t.length >= 2) {
    try {
      return JSON.parse(t) as string;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Roles from `a + ":" + b + "@tcp(" + c + ":" + d + ")/" + e` and `fmt.Sprintf("%s:%s@tcp(%s:%s)/%s", a, b, c, d, e)`. */
function readDsnRoles(src: string, fieldRoles: Map<string, SettingRole>, keyRoles: Map<string, SettingRole>): void {
  // `host, _ := web.AppConfig.String("dbserver")`, `user := os.Getenv("DB_USER")`: a variable that holds a key's value.
  const vars = new Map<string, string>();
  for (const re of READ_CALLS) {
    const assigned = new RegExp(`\\b([A-Za-z_]\\w*)(?:\\s*,\\s*[A-Za-z_]\\w*)?\\s*:?=\\s*[\\w.]*?${re.source.replace(/^\\b|^\\./, '\\.?')}`, 'g');
    for (const m of src.matchAll(assigned)) vars.set(m[1], m[m.length - 1].toLowerCase());
  }
  const note = (expr: string, role: SettingRole): void => {
    const r = refOf(expr);
    const key = r?.key ?? (r?.field !== undefined && !expr.includes('.') ? vars.get(r.field) : undefined);
    if (key) keyRoles.set(key, role);
    else if (r?.field) fieldRoles.set(r.field, role);
  };
  // Sprintf with a DSN-shaped format.
  for (const m of src.matchAll(/\bSprintf\(\s*("(?:[^"\\\n]|\\.)*"|`[^`]*`)\s*,/g)) {
    const format = unquote(m[1]);
    if (!format || !/@/.test(format)) continue;
    let n = 0;
    const template = format.replace(DSN_VERB, () => String.fromCharCode(SENTINEL + n++));
    const roles = rolesOf(template);
    if (roles.size === 0) continue;
    const argsStart = (m.index ?? 0) + m[0].length;
    const close = matchingParen(src, (m.index ?? 0) + m[0].indexOf('('));
    const args = splitTop(src.slice(argsStart, close), ',');
    roles.forEach((role, i) => {
      if (args[i] !== undefined) note(args[i], role);
    });
  }
  // String concatenation around "@tcp(".
  for (const m of src.matchAll(/"[^"\n]*@(?:tcp|unix)?\([^"\n]*"/g)) {
    const at = m.index ?? 0;
    const lineStart = src.lastIndexOf('\n', at) + 1;
    const lineEnd = src.indexOf('\n', at);
    const line = src.slice(lineStart, lineEnd < 0 ? src.length : lineEnd);
    // The expression: after `return`, `:=`, `=` or `(` up to the end of the line.
    const expr = line.replace(/^.*?(?:\breturn\b|:=|=(?!=)|\()\s*/, '');
    const items = splitTop(expr, '+');
    if (items.length < 3) continue;
    // `Register("default", "mysql", user+":"+...+name+"?x")`: only the concatenation, not the arguments around it.
    items[0] = splitTop(items[0], ',').pop() ?? '';
    items[items.length - 1] = splitTop(items[items.length - 1], ',')[0].replace(/\)+\s*$/, '');
    const exprs: string[] = [];
    let template = '';
    for (const item of items) {
      const lit = unquote(item);
      if (lit !== undefined) template += lit;
      else {
        template += String.fromCharCode(SENTINEL + exprs.length);
        exprs.push(item);
      }
    }
    rolesOf(template).forEach((role, i) => note(exprs[i], role));
  }
}

function matchingParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === '`') {
      const close = c === '"' ? findQuote(s, i) : s.indexOf('`', i + 1);
      if (close < 0) return s.length;
      i = close;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return s.length;
}

/** The facts one Go file gives. */
export function scanGoFile(text: string): FileFacts {
  const src = stripComments(text.length > MAX_FILE ? text.slice(0, MAX_FILE) : text);
  const reads: string[] = [];
  for (const re of READ_CALLS) for (const m of src.matchAll(re)) reads.push(m[1].toLowerCase());
  const fieldRoles = new Map<string, SettingRole>();
  const keyRoles = new Map<string, SettingRole>();
  if (src.includes('@')) readDsnRoles(src, fieldRoles, keyRoles);
  return { structs: src.includes('struct') ? readStructs(src) : new Map(), reads, fieldRoles, keyRoles };
}

/** Keeps each file's facts, and the map built from all of them until a file changes. */
export class KeyMapBuilder {
  private readonly files = new Map<string, FileFacts>();
  private cached: KeyMap | undefined;

  constructor(private readonly maxFiles = 5000) {}

  /** Scans one file (again). Returns false when the file limit is reached and it was not taken. */
  update(file: string, text: string): boolean {
    if (!this.files.has(file) && this.files.size >= this.maxFiles) return false;
    this.files.set(file, scanGoFile(text));
    this.cached = undefined;
    return true;
  }

  remove(file: string): void {
    if (this.files.delete(file)) this.cached = undefined;
  }

  /** Whether this file is in the map. */
  has(file: string): boolean {
    return this.files.has(file);
  }

  get size(): number {
    return this.files.size;
  }

  map(): KeyMap {
    return (this.cached ??= buildKeyMap([...this.files.values()]));
  }
}

/** Joins the facts of every file: struct paths from the root config structs, reads, roles. */
export function buildKeyMap(facts: readonly FileFacts[]): KeyMap {
  const structs = new Map<string, readonly Field[]>();
  const fieldRoles = new Map<string, SettingRole>();
  const keys = new Map<string, SettingRole | undefined>();
  const sections = new Set<string>();
  for (const f of facts) {
    f.structs.forEach((v, k) => structs.set(k, v));
    f.fieldRoles.forEach((v, k) => fieldRoles.set(k, v));
  }
  // Roots: tagged structs no other struct holds.
  const held = new Set<string>();
  structs.forEach((fields) => fields.forEach((x) => held.add(x.type)));
  const leaves: { path: string; field: string; owner: string }[] = [];
  const walk = (name: string, prefix: string, depth: number, owner: string): void => {
    for (const field of structs.get(name) ?? []) {
      const path = field.key === '' ? prefix : prefix ? `${prefix}.${field.key}` : field.key;
      if (structs.has(field.type) && depth < 6) walk(field.type, path, depth + 1, field.key === '' ? owner : field.type);
      else leaves.push({ path, field: field.name, owner });
    }
  };
  structs.forEach((_, name) => {
    if (!held.has(name)) walk(name, '', 0, name);
  });
  // A struct whose fields the code builds a DSN from, two or more of them, is a connection.
  const rolesPerOwner = new Map<string, number>();
  for (const l of leaves) if (fieldRoles.has(l.field)) rolesPerOwner.set(l.owner, (rolesPerOwner.get(l.owner) ?? 0) + 1);
  for (const l of leaves) {
    if (!l.path.includes('.')) continue;
    sections.add(l.path.slice(0, l.path.indexOf('.')));
    keys.set(l.path, (rolesPerOwner.get(l.owner) ?? 0) >= 2 ? fieldRoles.get(l.field) : undefined);
  }
  for (const f of facts) {
    for (const k of f.reads) {
      if (!keys.has(k)) keys.set(k, undefined);
      if (k.includes('.')) sections.add(k.slice(0, k.indexOf('.')));
    }
    f.keyRoles.forEach((role, k) => keys.set(k, role));
  }
  return { keys, sections, files: facts.length };
}
