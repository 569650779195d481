/**
 * JSON (and JSON with comments) to the config tree. Strict JSON is checked by the engine's
 * `JSON.parse` and read by a small scanner (fast); anything else goes through jsonc-parser,
 * which also accepts comments and trailing commas, and whose errors refuse the file.
 */
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { t } from '../../l10n';
import { failureAt, lineStartAt, type InsertSpec, type TEntry, type TMap, type TNode, type TSeq } from '../model';
import type { ParseFailure } from '../types';

export interface JsonTree {
  readonly root: TNode | null;
  readonly failure?: ParseFailure;
}

export function readJson(text: string): JsonTree {
  // A BOM is not JSON whitespace for either parser; a space in its place keeps every offset.
  const src = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  if (src.trim() === '') return { root: null };
  // Both readers (and the walk after them) recurse once per level: refuse a file nested deeper
  // than any config is, with a reason, rather than overflow the stack.
  const tooDeep = nestedTooDeep(src);
  if (tooDeep !== undefined) return { root: null, failure: failureAt(text, tooDeep, t('nested more than {0} levels deep', MAX_JSON_DEPTH)) };
  let strict = true;
  try {
    JSON.parse(src);
  } catch {
    strict = false;
  }
  if (strict) return { root: new StrictScanner(src).value() };
  const errors: ParseError[] = [];
  const tree = parseTree(src, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  if (errors.length > 0 || !tree) {
    const e = errors[0];
    const reason = e ? describeJsonError(printParseErrorCode(e.error)) : t('empty document');
    return { root: null, failure: failureAt(text, e?.offset ?? 0, reason) };
  }
  return { root: convert(src, tree) };
}

/** Deeper than any config file nests; far below what the stack holds. */
export const MAX_JSON_DEPTH = 512;

/** The offset of the first `[` or `{` that opens level MAX_JSON_DEPTH + 1, outside strings and comments. */
function nestedTooDeep(s: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < s.length && s.charCodeAt(i) !== 0x22; i++) if (s.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x2f /* / */ && s[i + 1] === '/') {
      const nl = s.indexOf('\n', i);
      i = nl < 0 ? s.length : nl;
    } else if (c === 0x2f && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2);
      i = end < 0 ? s.length : end + 1;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > MAX_JSON_DEPTH) return i;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return undefined;
}

/** The key/value separator as the file writes it (`: `, `:`), when it is that simple. */
function separator(between: string): string {
  return /^[ \t]*:[ \t]*$/.test(between) ? between : ': ';
}

function describeJsonError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function objectInsert(text: string, start: number, end: number, firstKey: number | undefined, sep: string): InsertSpec | undefined {
  if (firstKey === undefined) return undefined;
  const multiLine = text.indexOf('\n', start) >= 0 && text.indexOf('\n', start) < end;
  const indent = multiLine ? text.slice(lineStartAt(text, firstKey), firstKey) : '';
  if (!/^[ \t]*$/.test(indent)) return undefined;
  return { style: 'json', indent, sep, inline: !multiLine };
}

function convert(text: string, node: JsonNode): TNode {
  switch (node.type) {
    case 'object': {
      const entries: TEntry[] = [];
      let firstKey: number | undefined;
      let sep = ': ';
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (!k || !v) continue;
        if (firstKey === undefined) {
          firstKey = k.offset;
          sep = separator(text.slice(k.offset + k.length, v.offset));
        }
        entries.push({ key: String(k.value), keyStart: k.offset, value: convert(text, v) });
      }
      const map: TMap = { kind: 'map', entries };
      map.insert = objectInsert(text, node.offset, node.offset + node.length, firstKey, sep);
      return map;
    }
    case 'array':
      return { kind: 'seq', items: (node.children ?? []).map((c) => convert(text, c)) } satisfies TSeq;
    case 'string':
      return { kind: 'scalar', syntax: 'json-string', tokenStart: node.offset, tokenEnd: node.offset + node.length, contentStart: node.offset + 1, contentEnd: node.offset + node.length - 1 };
    default:
      return { kind: 'scalar', syntax: 'json-number', tokenStart: node.offset, tokenEnd: node.offset + node.length, contentStart: node.offset, contentEnd: node.offset + node.length };
  }
}

/** Reads text that JSON.parse has already accepted, so it needs no error handling. */
class StrictScanner {
  private i = 0;
  constructor(private readonly s: string) {}

  private ws(): void {
    const s = this.s;
    let c = s.charCodeAt(this.i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = s.charCodeAt(++this.i);
  }

  value(): TNode {
    this.ws();
    const s = this.s;
    const c = s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    const start = this.i;
    if (c === '"') {
      const end = this.stringEnd();
      return { kind: 'scalar', syntax: 'json-string', tokenStart: start, tokenEnd: end, contentStart: start + 1, contentEnd: end - 1 };
    }
    while (this.i < s.length && !/[\s,\]}]/.test(s[this.i])) this.i++;
    return { kind: 'scalar', syntax: 'json-number', tokenStart: start, tokenEnd: this.i, contentStart: start, contentEnd: this.i };
  }

  /** From an opening quote, moves past the closing one and returns that offset. */
  private stringEnd(): number {
    const s = this.s;
    let i = this.i + 1;
    for (;;) {
      const q = s.indexOf('"', i);
      let bs = 0;
      for (let k = q - 1; s.charCodeAt(k) === 92; k--) bs++;
      if (bs % 2 === 0) {
        this.i = q + 1;
        return q + 1;
      }
      i = q + 1;
    }
  }

  private object(): TMap {
    const s = this.s;
    const start = this.i;
    this.i++;
    const entries: TEntry[] = [];
    let firstKey: number | undefined;
    let sep = ': ';
    this.ws();
    if (s[this.i] === '}') {
      this.i++;
      return { kind: 'map', entries };
    }
    for (;;) {
      this.ws();
      const keyStart = this.i;
      const keyEnd = this.stringEnd();
      const raw = s.slice(keyStart, keyEnd);
      const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      this.ws();
      this.i++; // ':'
      this.ws();
      if (firstKey === undefined) {
        firstKey = keyStart;
        sep = separator(s.slice(keyEnd, this.i));
      }
      const value = this.value();
      entries.push({ key, keyStart, value });
      this.ws();
      if (s[this.i] === ',') {
        this.i++;
        continue;
      }
      this.i++; // '}'
      break;
    }
    const map: TMap = { kind: 'map', entries };
    map.insert = objectInsert(s, start, this.i, firstKey, sep);
    return map;
  }

  private array(): TSeq {
    const s = this.s;
    this.i++;
    const items: TNode[] = [];
    this.ws();
    if (s[this.i] === ']') {
      this.i++;
      return { kind: 'seq', items };
    }
    for (;;) {
      items.push(this.value());
      this.ws();
      if (s[this.i] === ',') {
        this.i++;
        continue;
      }
      this.i++;
      break;
    }
    return { kind: 'seq', items };
  }
}
