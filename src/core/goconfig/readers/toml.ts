/**
 * TOML to the config tree. smol-toml decides whether the file is valid (and why not); a small
 * scanner then finds where each key and value is, since the parser does not keep positions.
 * Tables (`[database]`) get an insert place; inline tables and dotted keys do not.
 */
import { parse as parseToml, TomlError } from 'smol-toml';
import { t } from '../../l10n';
import { failureAt, lineStartAt, type TEntry, type TMap, type TNode, type TSeq } from '../model';
import type { ParseFailure } from '../types';

export interface TomlTree {
  readonly root: TMap;
  readonly failure?: ParseFailure;
}

export function readToml(text: string): TomlTree {
  const empty: TMap = { kind: 'map', entries: [] };
  try {
    parseToml(text);
  } catch (e) {
    if (e instanceof TomlError) {
      const reason = e.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
      return { root: empty, failure: failureAt(text, offsetOf(text, e.line, e.column), reason) };
    }
    return { root: empty, failure: failureAt(text, 0, t('unreadable TOML')) };
  }
  return { root: new TomlScanner(text).read() };
}

function offsetOf(text: string, line: number, column: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) break;
    off = nl + 1;
  }
  return off + Math.max(0, column - 1);
}

class TomlScanner {
  private i: number;
  private readonly root: TMap = { kind: 'map', entries: [] };
  /** End of the last key read by keyPath (before any spaces). */
  private keyEnd = 0;
  /** Entries by key, per map: a file with thousands of tables must not scan a list per header. */
  private readonly index = new WeakMap<TMap, Map<string, TEntry>>();

  constructor(private readonly s: string) {
    this.i = s.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  read(): TMap {
    let table = this.root;
    let tableHasInsert = false;
    const s = this.s;
    while (this.i < s.length) {
      this.skipBlank();
      if (this.i >= s.length) break;
      const c = s[this.i];
      if (c === '[') {
        const arrayOfTables = s[this.i + 1] === '[';
        this.i += arrayOfTables ? 2 : 1;
        const path = this.keyPath();
        this.i += arrayOfTables ? 2 : 1;
        this.skipLine();
        table = arrayOfTables ? this.tableArrayItem(path) : this.mapAt(this.root, path);
        tableHasInsert = false;
        continue;
      }
      const lineStart = lineStartAt(s, this.i);
      const keyStart = this.i;
      const path = this.keyPath();
      const sepStart = this.keyEnd;
      this.skipSpaces();
      this.i++; // '='
      this.skipSpaces();
      const sep = s.slice(sepStart, this.i);
      const value = this.value();
      const parent = path.length > 1 ? this.mapAt(table, path.slice(0, -1)) : table;
      this.push(parent, { key: path[path.length - 1], keyStart, value });
      if (!tableHasInsert && path.length === 1) {
        table.insert = { style: 'toml', indent: s.slice(lineStart, keyStart), sep };
        tableHasInsert = true;
      }
      this.skipLine();
    }
    return this.root;
  }

  /** The map at `path` under `from`, creating maps on the way. */
  private mapAt(from: TMap, path: readonly string[]): TMap {
    let m = from;
    for (const k of path) {
      const e = this.entryOf(m, k);
      if (e && e.value.kind === 'map') {
        m = e.value;
        continue;
      }
      if (e && e.value.kind === 'seq') {
        const last = e.value.items[e.value.items.length - 1];
        if (last && last.kind === 'map') {
          m = last;
          continue;
        }
      }
      const child: TMap = { kind: 'map', entries: [] };
      this.push(m, { key: k, keyStart: this.i, value: child });
      m = child;
    }
    return m;
  }

  private entryOf(m: TMap, key: string): TEntry | undefined {
    const idx = this.index.get(m);
    if (idx) return idx.get(key);
    for (const e of m.entries) if (e.key === key) return e;
    return undefined;
  }

  /** Most tables are small: they are scanned; a map gets an index once it is big. */
  private push(m: TMap, e: TEntry): void {
    m.entries.push(e);
    let idx = this.index.get(m);
    if (!idx && m.entries.length > 16) {
      idx = new Map();
      for (const x of m.entries) if (!idx.has(x.key)) idx.set(x.key, x);
      this.index.set(m, idx);
    } else if (idx && !idx.has(e.key)) idx.set(e.key, e);
  }

  private tableArrayItem(path: readonly string[]): TMap {
    const parent = this.mapAt(this.root, path.slice(0, -1));
    const k = path[path.length - 1];
    let e = this.entryOf(parent, k);
    if (!e || e.value.kind !== 'seq') {
      e = { key: k, keyStart: this.i, value: { kind: 'seq', items: [] } satisfies TSeq };
      this.push(parent, e);
    }
    const item: TMap = { kind: 'map', entries: [] };
    (e.value as TSeq).items.push(item);
    return item;
  }

  private skipSpaces(): void {
    while (this.s[this.i] === ' ' || this.s[this.i] === '\t') this.i++;
  }

  /** Skips whitespace, newlines and comments. */
  private skipBlank(): void {
    const s = this.s;
    for (;;) {
      const c = s[this.i];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.i++;
      else if (c === '#') this.skipLine();
      else return;
    }
  }

  /** To the start of the next line. */
  private skipLine(): void {
    const nl = this.s.indexOf('\n', this.i);
    this.i = nl < 0 ? this.s.length : nl + 1;
  }

  private keyPath(): string[] {
    const s = this.s;
    const path: string[] = [];
    for (;;) {
      this.skipSpaces();
      const c = s[this.i];
      if (c === '"' || c === "'") {
        const end = this.stringEnd(c);
        const raw = s.slice(this.i + 1, end - 1);
        path.push(c === '"' && raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw);
        this.i = end;
      } else {
        const start = this.i;
        while (/[A-Za-z0-9_-]/.test(s[this.i] ?? '')) this.i++;
        path.push(s.slice(start, this.i));
      }
      this.keyEnd = this.i;
      this.skipSpaces();
      if (s[this.i] !== '.') return path;
      this.i++;
    }
  }

  /** From an opening quote at this.i (single-line string), the offset after the closing quote. */
  private stringEnd(q: string): number {
    const s = this.s;
    for (let j = this.i + 1; j < s.length; j++) {
      if (q === '"' && s[j] === '\\') {
        j++;
        continue;
      }
      if (s[j] === q) return j + 1;
    }
    return s.length;
  }

  private value(): TNode {
    const s = this.s;
    const start = this.i;
    const c = s[start];
    if ((c === '"' || c === "'") && s.startsWith(c.repeat(3), start)) {
      const close = s.indexOf(c.repeat(3), start + 3);
      let end = close < 0 ? s.length : close + 3;
      // Up to two more quotes may close the string (`""""` ends with a quote in the value).
      while (s[end] === c && end - close < 5) end++;
      this.i = end;
      return { kind: 'opaque', start, end };
    }
    if (c === '"' || c === "'") {
      const end = this.stringEnd(c);
      this.i = end;
      return { kind: 'scalar', syntax: c === '"' ? 'toml-basic' : 'toml-literal', tokenStart: start, tokenEnd: end, contentStart: start + 1, contentEnd: end - 1 };
    }
    if (c === '[') {
      this.skipArray();
      return { kind: 'opaque', start, end: this.i };
    }
    if (c === '{') return this.inlineTable();
    while (this.i < s.length && !/[\s,\]}#]/.test(s[this.i])) this.i++;
    // Dates may hold a space: `1979-05-27 07:32:00`.
    if (/^\d{4}-\d{2}-\d{2}$/.test(s.slice(start, this.i)) && /^ \d{2}:/.test(s.slice(this.i, this.i + 4))) {
      this.i++;
      while (this.i < s.length && !/[\s,\]}#]/.test(s[this.i])) this.i++;
    }
    return { kind: 'scalar', syntax: 'toml-number', tokenStart: start, tokenEnd: this.i, contentStart: start, contentEnd: this.i };
  }

  private skipArray(): void {
    const s = this.s;
    let depth = 0;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === '[' || c === '{') {
        depth++;
        this.i++;
      } else if (c === ']' || c === '}') {
        depth--;
        this.i++;
        if (depth === 0) return;
      } else if (c === '"' || c === "'") {
        this.value();
      } else if (c === '#') {
        this.skipLine();
      } else this.i++;
    }
  }

  private inlineTable(): TMap {
    const s = this.s;
    const map: TMap = { kind: 'map', entries: [] };
    this.i++; // '{'
    for (;;) {
      this.skipBlank();
      if (s[this.i] === '}') {
        this.i++;
        return map;
      }
      if (s[this.i] === ',') {
        this.i++;
        continue;
      }
      const keyStart = this.i;
      const path = this.keyPath();
      this.skipSpaces();
      this.i++; // '='
      this.skipSpaces();
      const value = this.value();
      const parent = path.length > 1 ? this.mapAt(map, path.slice(0, -1)) : map;
      this.push(parent, { key: path[path.length - 1], keyStart, value });
      if (this.i >= s.length) return map;
    }
  }
}
