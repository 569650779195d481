/**
 * Go source: a tokenizer (so comments, and DSNs in them, are skipped) and a few patterns:
 *
 * - DSN / `mysql://` string literals (go-sql-driver shape: `user:pass@tcp(host:3306)/db`);
 * - `fmt.Sprintf("%s:%s@tcp(%s:%d)/%s", ...)`: literal parts of the format and literal args;
 * - `mysql.Config{User: "root", Passwd: "...", Addr: "...", DBName: "..."}`;
 * - defaults of env lookups: `getEnv("DB_HOST", "localhost")`, `cmp.Or(os.Getenv("DB_HOST"), "localhost")`,
 *   `host := os.Getenv("DB_HOST"); if host == "" { host = "localhost" }`, struct tags
 *   `env:"DB_HOST" envDefault:"localhost"`, `viper.SetDefault("database.host", "localhost")` and
 *   `flag.String("db-host", "localhost", ...)`. These are defaults: the env var, config or flag wins.
 */
import { t } from '../../l10n';
import { Collector } from '../collect';
import { looksLikeDsn, parseConnectionString } from '../dsn';
import { keyInfo, type KeyInfo } from '../keys';
import { makeLiteral, SENTINEL_BASE, type Literal } from '../literal';
import { failureAt } from '../model';
import type { ParseFailure, PlaceholderSyntax, SettingRole } from '../types';

const enum K {
  Ident,
  String,
  Raw,
  Number,
  Char,
  Op,
}

interface Tokens {
  kind: K[];
  start: number[];
  end: number[];
}

function tokenize(s: string): Tokens | ParseFailure {
  const kind: K[] = [];
  const start: number[] = [];
  const end: number[] = [];
  let i = s.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = s.length;
  const push = (k: K, a: number, b: number): void => {
    kind.push(k);
    start.push(a);
    end.push(b);
  };
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    if (c === 47 /* / */ && s.charCodeAt(i + 1) === 47) {
      const nl = s.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if (c === 47 && s.charCodeAt(i + 1) === 42 /* * */) {
      const close = s.indexOf('*/', i + 2);
      if (close < 0) return failureAt(s, i, t('a comment is never closed'));
      i = close + 2;
      continue;
    }
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const close = closingQuote(s, i, c);
      if (close < 0) return failureAt(s, i, c === 34 ? t('a string is never closed') : t('a rune literal is never closed'));
      push(c === 34 ? K.String : K.Char, i, close + 1);
      i = close + 1;
      continue;
    }
    if (c === 96 /* ` */) {
      const close = s.indexOf('`', i + 1);
      if (close < 0) return failureAt(s, i, t('a raw string is never closed'));
      push(K.Raw, i, close + 1);
      i = close + 1;
      continue;
    }
    if (isIdentStart(c)) {
      const j = identEnd(s, i);
      push(K.Ident, i, j);
      i = j;
      continue;
    }
    if (c >= 48 && c <= 57) {
      const j = numberEnd(s, i);
      push(K.Number, i, j);
      i = j;
      continue;
    }
    // `:=` and `==` matter to the patterns; other operators are single characters.
    const op = (c === 58 || c === 61 || c === 33) && s.charCodeAt(i + 1) === 61 ? 2 : 1;
    push(K.Op, i, i + op);
    i += op;
  }
  return { kind, start, end };
}

/** The `"` or `'` that closes the literal opened at i (backslash escapes), or -1 when a line break or the end comes first. */
function closingQuote(s: string, i: number, quote: number): number {
  const n = s.length;
  let j = i + 1;
  for (; j < n; j++) {
    const d = s.charCodeAt(j);
    if (d === 92) j++;
    else if (d === quote || d === 10) break;
  }
  return j < n && s.charCodeAt(j) === quote ? j : -1;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}

function identEnd(s: string, i: number): number {
  let j = i + 1;
  while (j < s.length) {
    const d = s.charCodeAt(j);
    if (isIdentStart(d) || (d >= 48 && d <= 57)) j++;
    else break;
  }
  return j;
}

function numberEnd(s: string, i: number): number {
  let j = i + 1;
  while (j < s.length && /[0-9a-zA-Z_.]/.test(s[j])) j++;
  return j;
}

const ENV_CALL = /env/i;
const NOT_DEFAULT_CALL = /^(Setenv|Unsetenv|LookupEnv|Environ|Clearenv|ExpandEnv|Getenv|MustGetenv|mustGetenv)$/;
const FLAG_FUNCS = /^(String|Int|Uint|StringP|IntP|UintP|StringVar|IntVar|UintVar|StringVarP|IntVarP|UintVarP)$/;
const STRUCT_TAG = /^`(?:\s*[\w.-]+:"(?:[^"\\]|\\.)*")+\s*`$/;
const CONFIG_FIELDS: Record<string, SettingRole> = { User: 'user', Passwd: 'password', Addr: 'hostPort', DBName: 'database' };

/** Adds the settings of a Go file to the collector; returns why the file does not tokenize, if it does not. */
export function collectGo(col: Collector, text: string): ParseFailure | undefined {
  const toks = tokenize(text);
  if (!('kind' in toks)) return toks;
  new GoReader(text, toks, col).run();
  return undefined;
}

class GoReader {
  /** String tokens already read by a pattern (a Sprintf format, a getenv default) are not read again as DSNs. */
  private readonly consumed = new Set<number>();
  private structName = '';

  constructor(
    private readonly s: string,
    private readonly tk: Tokens,
    private readonly col: Collector,
  ) {}

  private text(i: number): string {
    return this.s.slice(this.tk.start[i], this.tk.end[i]);
  }

  private is(i: number, k: K, text?: string): boolean {
    return this.tk.kind[i] === k && (text === undefined || this.text(i) === text);
  }

  private op(i: number, text: string): boolean {
    return this.is(i, K.Op, text);
  }

  private isStr(i: number): boolean {
    const k = this.tk.kind[i];
    return k === K.String || k === K.Raw;
  }

  /** A literal for a string or number token. */
  private literal(i: number, layers: ('sprintf')[] = []): Literal | undefined {
    const a = this.tk.start[i];
    const b = this.tk.end[i];
    switch (this.tk.kind[i]) {
      case K.String:
        return makeLiteral('go-string', a, b, a + 1, this.s.slice(a + 1, b - 1), layers);
      case K.Raw:
        return makeLiteral('go-raw', a, b, a + 1, this.s.slice(a + 1, b - 1), layers);
      case K.Number:
        return /^[0-9]+$/.test(this.text(i)) ? makeLiteral('go-number', a, b, a, this.text(i)) : undefined;
      default:
        return undefined;
    }
  }

  run(): void {
    const n = this.tk.kind.length;
    for (let i = 0; i < n; i++) {
      const k = this.tk.kind[i];
      if (k === K.Ident) {
        const name = this.text(i);
        if (name === 'type' && this.is(i + 1, K.Ident) && this.is(i + 2, K.Ident, 'struct')) this.structName = this.text(i + 1);
        if ((name === 'const' || name === 'var') && this.declaration(i + 1)) continue;
        // `Config{Host: "…"}`, `&DBConfig{…}`: a struct literal of a config type (not `struct {`, not mysql.Config, read below).
        if (this.op(i + 1, '{') && !this.op(i - 1, '.') && /^[A-Z]/.test(name) && this.is(i + 2, K.Ident) && this.op(i + 3, ':')) {
          this.structLiteral(i, i + 2);
          continue;
        }
        if (!this.op(i + 1, '(') && !(name === 'mysql' && this.op(i + 1, '.'))) {
          if (this.op(i + 1, ':=') || this.op(i + 1, '=')) this.envAssignment(i);
          continue;
        }
        if (name === 'Sprintf') this.sprintf(i + 2);
        else if (name === 'SetDefault') this.keyedDefault(i + 2, 'viperDefault');
        else if (name === 'Or') this.cmpOr(i + 2);
        else if (FLAG_FUNCS.test(name) && i >= 2 && this.op(i - 1, '.') && /^p?flag$/.test(this.text(i - 2))) this.flag(i + 2, name);
        else if (ENV_CALL.test(name) && !NOT_DEFAULT_CALL.test(name)) this.keyedDefault(i + 2, 'goDefault');
        else if (name === 'mysql' && this.is(i + 2, K.Ident, 'Config') && this.op(i + 3, '{')) this.mysqlConfig(i + 4);
      } else if (k === K.Raw && this.text(i).includes('env')) {
        this.structTag(i);
      }
    }
    // Last: string literals that are DSNs by shape.
    for (let i = 0; i < n; i++) {
      if (!this.isStr(i) || this.consumed.has(i)) continue;
      // A struct tag (`env:"X" envDefault:"..."`) is no DSN, whatever its defaults hold.
      if (this.tk.kind[i] === K.Raw && STRUCT_TAG.test(this.text(i))) continue;
      const lit = this.literal(i);
      if (!lit || !/[@/]/.test(lit.value) || !looksLikeDsn(lit.value)) continue;
      const key = this.nameBefore(i) ?? 'DSN';
      // A format string used elsewhere (`%s`, `%d`), not a DSN; `%2F`/`%21` are URL escapes, so only bare verbs count.
      if (/%[-+# 0]*[sdvq]/.test(lit.value) || lit.value.includes('${') || lit.value.includes('{{')) {
        this.col.ignore(key, lit, 'template');
        continue;
      }
      const role: SettingRole = parseConnectionString(lit.value)?.form === 'url' ? 'url' : 'dsn';
      this.add(key, keyInfo('dsn'), lit, { id: `go:dsn@${lit.tokenStart}`, label: key }, { forceRole: role });
    }
  }

  /** `dsn := "..."`, `DSN: "..."`, `const dsn = "..."`: the name a literal is given, for display. */
  private nameBefore(i: number): string | undefined {
    if ((this.op(i - 1, ':=') || this.op(i - 1, '=') || this.op(i - 1, ':')) && this.is(i - 2, K.Ident)) return this.text(i - 2);
    if (this.op(i - 1, '(') && this.is(i - 2, K.Ident)) return `${this.text(i - 2)}(...)`;
    if (this.op(i - 1, ',') && this.is(i - 2, K.String) && this.op(i - 3, '(') && this.is(i - 4, K.Ident)) return `${this.text(i - 4)}(...)`;
    return undefined;
  }

  private add(
    key: string,
    info: KeyInfo,
    lit: Literal,
    group: { id: string; label: string },
    extra: { forceRole?: SettingRole; vStart?: number; vEnd?: number; placeholder?: { syntax: PlaceholderSyntax; variable: string }; ctxDb?: boolean; ctxOther?: boolean; urlEncoded?: boolean } = {},
  ): void {
    this.col.add({
      key,
      leafKey: key,
      info,
      lit,
      group: { ...group, keyPath: '', reportsMissing: false },
      ...extra,
    });
  }

  /** `NAME("KEY", default)` where the call reads an env var, or viper's `SetDefault("a.b", default)`. */
  private keyedDefault(a: number, syntax: PlaceholderSyntax): void {
    if (!this.is(a, K.String) || !this.op(a + 1, ',') || !this.op(a + 3, ')')) return;
    const keyLit = this.literal(a);
    const lit = this.literal(a + 2);
    if (!keyLit || !lit) return;
    this.consumed.add(a + 2);
    this.envDefault(keyLit.value, lit, syntax);
  }

  private envDefault(key: string, lit: Literal, syntax: PlaceholderSyntax): void {
    let info = keyInfo(key);
    let ctxDb = false;
    let ctxOther = false;
    if (syntax === 'viperDefault' && key.includes('.')) {
      const parts = key.split('.');
      info = keyInfo(parts[parts.length - 1]);
      for (const p of parts.slice(0, -1)) {
        const sec = keyInfo(p);
        ctxDb ||= sec.section;
        ctxOther ||= sec.other;
      }
    }
    this.add(key, info, lit, { id: 'go:defaults', label: t('defaults in Go code') }, { placeholder: { syntax, variable: key }, ctxDb, ctxOther });
  }

  /** `cmp.Or(os.Getenv("KEY"), "default")`. */
  private cmpOr(a: number): void {
    if (!this.is(a, K.Ident, 'os') || !this.op(a + 1, '.') || !this.is(a + 2, K.Ident, 'Getenv') || !this.op(a + 3, '(')) return;
    if (!this.is(a + 4, K.String) || !this.op(a + 5, ')') || !this.op(a + 6, ',') || !this.op(a + 8, ')')) return;
    const keyLit = this.literal(a + 4);
    const lit = this.literal(a + 7);
    if (!keyLit || !lit) return;
    this.consumed.add(a + 7);
    this.envDefault(keyLit.value, lit, 'goDefault');
  }

  /** `v := os.Getenv("KEY")` followed shortly by `if v == "" { v = "default" }`. */
  private envAssignment(i: number): void {
    const a = i + 2;
    if (!this.is(a, K.Ident, 'os') || !this.op(a + 1, '.') || !this.is(a + 2, K.Ident, 'Getenv') || !this.op(a + 3, '(')) return;
    if (!this.is(a + 4, K.String) || !this.op(a + 5, ')')) return;
    const keyLit = this.literal(a + 4);
    if (!keyLit) return;
    const v = this.text(i);
    const limit = Math.min(this.tk.kind.length, a + 60);
    for (let j = a + 6; j < limit; j++) {
      if (!this.is(j, K.Ident, 'if') || !this.is(j + 1, K.Ident, v) || !this.op(j + 2, '==') || !this.is(j + 3, K.String)) continue;
      if (this.text(j + 3) !== '""' || !this.op(j + 4, '{') || !this.is(j + 5, K.Ident, v) || !this.op(j + 6, '=')) continue;
      const lit = this.literal(j + 7);
      if (!lit || !this.op(j + 8, '}')) return;
      this.consumed.add(j + 7);
      this.envDefault(keyLit.value, lit, 'goDefault');
      return;
    }
  }

  /** `flag.String("db-host", "localhost", "usage")`, `flag.StringVar(&h, "db-host", "localhost", ...)`, `pflag.StringP(...)`. */
  private flag(a: number, fn: string): void {
    let i = a;
    if (fn.includes('Var')) {
      // Skip the pointer argument.
      let depth = 0;
      while (i < this.tk.kind.length && !(depth === 0 && this.op(i, ','))) {
        if (this.op(i, '(')) depth++;
        if (this.op(i, ')')) depth--;
        if (depth < 0) return;
        i++;
      }
      i++;
    }
    if (!this.is(i, K.String) || !this.op(i + 1, ',')) return;
    const nameLit = this.literal(i);
    i += 2;
    if (fn.endsWith('P')) {
      if (!this.is(i, K.String) || !this.op(i + 1, ',')) return;
      i += 2;
    }
    const lit = this.literal(i);
    if (!nameLit || !lit || !this.op(i + 1, ',')) return;
    this.consumed.add(i);
    const name = nameLit.value;
    this.add(name, keyInfo(name), lit, { id: 'go:defaults', label: t('defaults in Go code') }, { placeholder: { syntax: 'goDefault', variable: `-${name}` } });
  }

  /**
   * `const dbHost = "localhost"`, `const ( dbHost = "…"; dbPort = 3306 )`, `var dbUser = "root"`:
   * a named literal whose name says it is a DB setting. Returns false when this is no such declaration.
   */
  private declaration(a: number): boolean {
    const one = (i: number): void => {
      // `name = lit` or `name type = lit`, the literal alone on its right-hand side.
      const eq = this.op(i + 1, '=') ? i + 1 : this.is(i + 1, K.Ident) && this.op(i + 2, '=') ? i + 2 : -1;
      if (eq < 0 || !this.is(i, K.Ident)) return;
      const lit = this.literal(eq + 1);
      if (!lit || this.op(eq + 2, '+') || this.op(eq + 2, '.') || this.op(eq + 2, '(')) return;
      const name = this.text(i);
      const info = keyInfo(name);
      if (!info.leaf || info.leaf === 'conn') return;
      this.consumed.add(eq + 1);
      this.add(name, info, lit, { id: 'go:consts', label: t('constants in Go code') });
    };
    if (!this.op(a, '(')) {
      one(a);
      return false;
    }
    for (let i = a + 1; i < this.tk.kind.length && !this.op(i, ')'); i++) {
      if (this.is(i, K.Ident) && (i === a + 1 || this.startsLine(i))) one(i);
    }
    return true;
  }

  private startsLine(i: number): boolean {
    const prevEnd = i > 0 ? this.tk.end[i - 1] : 0;
    return this.s.slice(prevEnd, this.tk.start[i]).includes('\n');
  }

  /**
   * `Config{Host: "localhost", Port: 3306, User: "root"}`: fields of a struct literal. A DB word
   * in the type's name (`DBConfig`) makes `Host` ours; otherwise the literal needs a host and a
   * user or password among its fields to be a connection.
   */
  private structLiteral(typeAt: number, a: number): void {
    const type = this.text(typeAt);
    const sec = keyInfo(type);
    if (sec.other || sec.aside) return;
    const fields = this.literalFields(a).filter((f) => this.literal(f.at));
    const leaves = new Set(fields.map((f) => keyInfo(f.field).leaf));
    // `Server{Host: "0.0.0.0", Port: 8080}` has a host and a port too: credentials make it a database's.
    const db = sec.section || ((leaves.has('host') || leaves.has('addr')) && (leaves.has('user') || leaves.has('password')));
    if (!db) return;
    const group = { id: `go:${type}@${this.tk.start[typeAt]}`, label: type };
    for (const f of fields) {
      const lit = this.literal(f.at)!;
      this.consumed.add(f.at);
      this.add(`${type}.${f.field}`, keyInfo(f.field), lit, group, { ctxDb: true });
    }
  }

  /** The `Field: <one token>` entries of a composite literal whose body starts at token `a`, up to its closing brace. */
  private literalFields(a: number): { field: string; at: number }[] {
    const out: { field: string; at: number }[] = [];
    let depth = 0;
    for (let i = a; i < this.tk.kind.length; i++) {
      if (this.op(i, '{') || this.op(i, '(') || this.op(i, '[')) depth++;
      else if (this.op(i, '}') || this.op(i, ')') || this.op(i, ']')) {
        if (depth === 0) break;
        depth--;
      }
      if (depth === 0 && this.is(i, K.Ident) && this.op(i + 1, ':') && (this.op(i + 3, ',') || this.op(i + 3, '}'))) out.push({ field: this.text(i), at: i + 2 });
    }
    return out;
  }

  /** `mysql.Config{User: "root", Passwd: "...", Net: "tcp", Addr: "localhost:3306", DBName: "app"}`. */
  private mysqlConfig(a: number): void {
    const group = { id: `go:mysql.Config@${this.tk.start[a]}`, label: 'mysql.Config' };
    for (const { field, at } of this.literalFields(a)) {
      const role = CONFIG_FIELDS[field];
      const lit = this.literal(at);
      if (!role || !lit || !this.isStr(at)) continue;
      this.consumed.add(at);
      const r: SettingRole = role === 'hostPort' && !lit.value.includes(':') ? 'host' : role;
      this.add(`mysql.Config.${field}`, keyInfo(field), lit, group, { forceRole: r });
    }
  }

  /** `Host string \`env:"DB_HOST" envDefault:"localhost"\`` (caarlos0/env, envconfig, cleanenv). */
  private structTag(i: number): void {
    const raw = this.text(i);
    const env = /(?:^|\s)(?:env|envconfig):"([^"]*)"/.exec(raw.slice(1, -1));
    const def = /(?:^|\s)(?:envDefault|default|env-default):"((?:[^"\\]|\\.)*)"/.exec(raw.slice(1, -1));
    if (!env || !def) return;
    const key = env[1].split(',')[0];
    if (!key) return;
    const quoteAt = this.tk.start[i] + 1 + def.index + def[0].indexOf('"');
    const lit = makeLiteral('go-tag', quoteAt, quoteAt + def[1].length + 2, quoteAt + 1, def[1]);
    if (!lit) return;
    // The struct's name gives the context of a short key (`HOST` in `type DBConfig struct`).
    const sec = keyInfo(this.structName);
    this.col.add({
      key,
      leafKey: key,
      info: keyInfo(key),
      lit,
      ctxDb: sec.section,
      ctxOther: sec.other,
      group: { id: 'go:defaults', label: t('defaults in Go code'), keyPath: '', reportsMissing: false },
      placeholder: { syntax: 'goDefault', variable: key },
    });
  }

  /** `fmt.Sprintf(format, args...)` whose format is a DSN: its literal parts and literal args. */
  private sprintf(a: number): void {
    if (!this.isStr(a)) return;
    const fmtLit = this.literal(a, ['sprintf']);
    if (!fmtLit) return;
    const parsed = parseConnectionString(fmtLit.value, true);
    if (!parsed) return;
    this.consumed.add(a);
    // The args: each a token range at depth 0.
    const args: [number, number][] = [];
    let depth = 0;
    let argStart = a + 2;
    if (!this.op(a + 1, ',')) {
      if (!this.op(a + 1, ')')) return;
    } else {
      for (let i = a + 2; i < this.tk.kind.length; i++) {
        if (this.op(i, '(') || this.op(i, '{') || this.op(i, '[')) depth++;
        else if (this.op(i, ')') || this.op(i, '}') || this.op(i, ']')) {
          if (depth === 0) {
            args.push([argStart, i]);
            break;
          }
          depth--;
        } else if (depth === 0 && this.op(i, ',')) {
          args.push([argStart, i]);
          argStart = i + 1;
        }
      }
    }
    const group = { id: `go:sprintf@${this.tk.start[a]}`, label: 'fmt.Sprintf DSN' };
    const url = parsed.form === 'url';
    const parts: [SettingRole, { start: number; end: number } | undefined][] = [
      ['user', parsed.user],
      ['password', parsed.password],
      ['host', parsed.host],
      ['port', parsed.port],
      ['database', parsed.database],
    ];
    for (const [role, p] of parts) {
      if (!p || p.end === p.start) continue;
      const text = fmtLit.value.slice(p.start, p.end);
      const sentinels = [...text].filter((ch) => ch.charCodeAt(0) >= SENTINEL_BASE && ch.charCodeAt(0) < SENTINEL_BASE + 0x1000);
      const urlEncoded = url && (role === 'user' || role === 'password');
      const key = `fmt.Sprintf DSN (${role})`;
      if (sentinels.length === 0) {
        this.add(key, keyInfo(role), fmtLit, group, { forceRole: role, vStart: p.start, vEnd: p.end, urlEncoded });
        continue;
      }
      if (text.length !== 1) continue;
      const arg = args[text.charCodeAt(0) - SENTINEL_BASE];
      if (!arg) continue;
      const lit = arg[1] - arg[0] === 1 ? this.literal(arg[0]) : undefined;
      if (!lit) {
        // `tcp(%s:%d)` with `host` as the arg: the value comes from the caller, not from this literal.
        this.col.fromOutside(group.id, role, `${this.s.slice(this.tk.start[arg[0]], this.tk.end[arg[1] - 1])} (${key})`);
        continue;
      }
      this.consumed.add(arg[0]);
      let r = role;
      // `tcp(%s)` with "localhost:3306" as the arg.
      if (role === 'host' && !parsed.port && lit.value.includes(':')) r = 'hostPort';
      this.add(key, keyInfo(role), lit, group, { forceRole: r, urlEncoded });
    }
  }
}
