/**
 * YAML to the config tree, two ways that give the same tree:
 *
 * - a fast line scanner for the block style config files are written in (block maps and
 *   sequences, single-line plain and quoted scalars, comments, block scalars skipped). It is
 *   strict: anything it does not fully understand (flow collections, anchors, tags, multi-line
 *   scalars, odd indentation, duplicate keys) makes it give up;
 * - the `yaml` library, which decides validity and reads everything else.
 *
 * The library takes ~60 ms for a 2,000-line file and over a second for 1 MB; the scanner a few
 * ms. A property test checks that whenever the scanner accepts a text, the library accepts it
 * too and both find the same settings.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, Scalar, type Node as YamlNode } from 'yaml';
import { failureAt, lineStartAt, type InsertSpec, type TEntry, type TMap, type TNode, type TScalar, type TSeq } from '../model';
import type { ParseFailure } from '../types';
import { lineBounds } from './lines';

export interface YamlTree {
  /** One root per document (null for an empty document). */
  readonly docs: readonly (TNode | null)[];
  readonly failure?: ParseFailure;
  /** Which reader produced it (for tests and the bench). */
  readonly via: 'fast' | 'library';
}

export function readYaml(text: string): YamlTree {
  const fast = scanYaml(text);
  if (fast) return { docs: fast, via: 'fast' };
  return readYamlWithLibrary(text);
}

// ---------------------------------------------------------------------------------------------
// Library path

export function readYamlWithLibrary(text: string): YamlTree {
  const docs = parseAllDocuments(text, { keepSourceTokens: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) {
    const err = d.errors[0];
    if (err) {
      const reason = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      return { docs: [], failure: failureAt(text, err.pos[0], reason), via: 'library' };
    }
  }
  return {
    docs: list.map((d) => {
      if (!d.contents) return null;
      const root = d.contents as YamlNode;
      return convert(text, root, false, sharedAnchors(root));
    }),
    via: 'library',
  };
}

/**
 * Anchors that two or more aliases use (`defaults: &defaults` merged into `development:` and
 * `production:` with `<<: *defaults`): editing such a block would change every block that
 * merges it, so it is never edited.
 */
function sharedAnchors(root: YamlNode): ReadonlySet<string> {
  const uses = new Map<string, number>();
  const walk = (n: unknown): void => {
    if (isAlias(n)) uses.set(n.source, (uses.get(n.source) ?? 0) + 1);
    else if (isMap(n) || isSeq(n)) {
      for (const item of n.items as unknown[]) {
        if (isPair(item)) walk(item.value);
        else walk(item);
      }
    }
  };
  walk(root);
  return new Set([...uses].filter(([, n]) => n >= 2).map(([a]) => a));
}

function columnOf(text: string, offset: number): number {
  return offset - lineStartAt(text, offset);
}

function convert(text: string, node: YamlNode, inFlow: boolean, shared: ReadonlySet<string>): TNode {
  const range = node.range ?? [0, 0, 0];
  if (isAlias(node)) return { kind: 'opaque', start: range[0], end: range[1] };
  if (isScalar(node)) return convertScalar(text, node, inFlow);
  if (node.anchor && shared.has(node.anchor)) return { kind: 'opaque', start: range[0], end: range[1] };
  if (isMap(node)) {
    const flow = inFlow || !!node.flow;
    const entries: TEntry[] = [];
    let keyColumn: number | undefined;
    for (const pair of node.items) {
      const k = pair.key as YamlNode | null;
      if (!k || !isScalar(k) || !k.range) continue;
      keyColumn ??= columnOf(text, k.range[0]);
      const v = pair.value as YamlNode | null;
      let value: TNode;
      if (flow && (!v || (isScalar(v) && v.range && v.range[0] === v.range[1]))) {
        // `{DB_USER}`: no place for a value we would write well.
        value = { kind: 'opaque', start: k.range[0], end: k.range[1] };
      } else if (!v || (isScalar(v) && v.range && v.range[0] === v.range[1])) {
        // `key:` with nothing: the place for a value is right after the colon (the library puts it before a comment).
        const at = text.indexOf(':', k.range[1]) + 1;
        value = { kind: 'scalar', syntax: 'yaml-plain', tokenStart: at, tokenEnd: at, contentStart: at, contentEnd: at, emptyPrefix: ' ' };
      } else value = convert(text, v, flow, shared);
      entries.push({ key: String(k.value), keyStart: k.range[0], value });
    }
    const map: TMap = { kind: 'map', entries };
    if (!flow && keyColumn !== undefined) map.insert = yamlInsert(keyColumn);
    return map;
  }
  if (isSeq(node)) {
    const flow = inFlow || !!node.flow;
    const items: TNode[] = [];
    let dashColumn: number | undefined;
    for (const item of node.items) {
      const n = item as YamlNode;
      if (n.range && dashColumn === undefined && !flow) {
        const dash = text.lastIndexOf('-', n.range[0] - 1);
        if (dash >= 0) dashColumn = columnOf(text, dash);
      }
      items.push(convert(text, n, flow, shared));
    }
    const seq: TSeq = { kind: 'seq', items };
    if (!flow && dashColumn !== undefined) seq.insert = yamlListInsert(dashColumn);
    return seq;
  }
  return { kind: 'opaque', start: range[0], end: range[1] };
}

function convertScalar(text: string, node: Scalar, inFlow: boolean): TNode {
  const [start, end] = node.range ?? [0, 0, 0];
  const opaque: TNode = { kind: 'opaque', start, end };
  if (node.tag || node.anchor) return opaque;
  const src = text.slice(start, end);
  if (src.includes('\n') || src.includes('\r')) return opaque;
  switch (node.type) {
    case Scalar.PLAIN:
      return {
        kind: 'scalar', syntax: inFlow ? 'yaml-flow-plain' : 'yaml-plain', tokenStart: start, tokenEnd: end, contentStart: start, contentEnd: end,
        emptyPrefix: start === end ? ' ' : undefined,
      };
    case Scalar.QUOTE_DOUBLE:
      return { kind: 'scalar', syntax: 'yaml-double', tokenStart: start, tokenEnd: end, contentStart: start + 1, contentEnd: end - 1 };
    case Scalar.QUOTE_SINGLE:
      return { kind: 'scalar', syntax: 'yaml-single', tokenStart: start, tokenEnd: end, contentStart: start + 1, contentEnd: end - 1 };
    default:
      return opaque;
  }
}

// One spec per column: a big file has thousands of maps at a handful of columns.
const mapInserts: InsertSpec[] = [];
const listInserts: InsertSpec[] = [];

function yamlInsert(column: number): InsertSpec {
  return (mapInserts[column] ??= { style: 'yaml', indent: ' '.repeat(column), sep: ': ' });
}

function yamlListInsert(column: number): InsertSpec {
  return (listInserts[column] ??= { style: 'yaml-list', indent: ' '.repeat(column), sep: '=', linePrefix: '- ' });
}

// ---------------------------------------------------------------------------------------------
// Fast path

interface Open {
  readonly kind: 'map' | 'seq';
  /** Column of the keys, or of the `-`. */
  readonly indent: number;
  readonly node: TMap | TSeq;
  /** Keys seen, once the map is big enough for a set to pay off. */
  keys?: Set<string>;
}

/** The key of the innermost map whose value is not written yet (`key:` then a nested block, or nothing). */
interface Pending {
  readonly map: TMap;
  readonly indent: number;
  readonly index: number;
}

const BAIL = null;

/** Returns the document roots, or null to hand the text to the library. */
export function scanYaml(text: string): (TNode | null)[] | null {
  // The library reads a BOM, and a lone CR (a line break in YAML), in ways of its own: let it.
  if (text.indexOf('\ufeff') >= 0 || /\r(?!\n)/.test(text)) return BAIL;
  return new YamlScanner(text).scan();
}

/** One pass, line by line. Each step returns false (or BAIL) to hand the text to the library. */
class YamlScanner {
  private readonly docs: (TNode | null)[] = [];
  private stack: Open[] = [];
  private root: TNode | null = null;
  private pending: Pending | undefined;
  /** Block scalar being skipped: parent indent, content indent once known. */
  private block: { parent: number; indent: number; maxBlank: number } | undefined;

  constructor(private readonly text: string) {}

  scan(): (TNode | null)[] | null {
    const text = this.text;
    const n = text.length;
    let pos = 0;
    while (pos < n) {
      const { eol, lineEnd } = lineBounds(text, pos);
      const lineStart = pos;
      pos = eol + 1;
      if (!this.line(lineStart, lineEnd)) return BAIL;
    }
    const block = this.block;
    if (block && block.indent < 0 && block.maxBlank > 0) return BAIL;
    this.docs.push(this.root);
    return this.docs;
  }

  private closeDoc(): void {
    this.docs.push(this.root);
    this.root = null;
    this.stack = [];
    this.pending = undefined;
    this.block = undefined;
  }

  private line(lineStart: number, lineEnd: number): boolean {
    const text = this.text;
    let ind = 0;
    while (lineStart + ind < lineEnd && text.charCodeAt(lineStart + ind) === 32) ind++;
    const first = lineStart + ind;
    const blank = first >= lineEnd;
    // Tabs where indentation could be: the library has rules of its own for them.
    if (!blank && text.charCodeAt(first) === 9) return false;

    if (this.block) {
      const inBlock = this.blockScalarLine(this.block, ind, blank, lineEnd - lineStart);
      if (inBlock !== 'ended') return inBlock === 'skip';
    }
    if (blank) return true;
    const c0 = text.charCodeAt(first);
    if (c0 === 9) return false; // tab in indentation
    if (c0 === 35) return true; // comment line
    if (ind === 0 && text.startsWith('---', first) && (lineEnd - first === 3 || /^[ \t]/.test(text[first + 3]))) {
      const rest = text.slice(first + 3, lineEnd).trim();
      if (rest !== '' && !rest.startsWith('#')) return false;
      if (this.root !== null || this.docs.length > 0 || this.stack.length > 0) this.closeDoc();
      return true;
    }
    if (ind === 0 && (c0 === 37 /* % */ || text.startsWith('...', first))) return false;

    // Close containers indented deeper than this line.
    const stack = this.stack;
    while (stack.length > 0 && stack[stack.length - 1].indent > ind) stack.pop();

    let col = ind;
    let at = first;
    // A line may open several containers: `- key: value` is a seq item holding a map.
    for (;;) {
      const isItem = text.charCodeAt(at) === 45 /* - */ && (at + 1 >= lineEnd || text.charCodeAt(at + 1) === 32);
      if (!isItem) return this.entry(at, col, lineEnd);
      const next = this.item(at, col, lineStart, lineEnd);
      if (typeof next === 'boolean') return next;
      at = next;
      col = next - lineStart;
    }
  }

  /** A line while a block scalar is skipped: still part of it, or the first line after it. */
  private blockScalarLine(block: NonNullable<YamlScanner['block']>, ind: number, blank: boolean, width: number): 'skip' | 'bail' | 'ended' {
    if (blank) {
      if (block.indent < 0) block.maxBlank = Math.max(block.maxBlank, width);
      return 'skip';
    }
    if (block.indent < 0) {
      if (ind > block.parent) {
        if (block.maxBlank > ind) return 'bail';
        block.indent = ind;
        return 'skip';
      }
    } else if (ind >= block.indent) return 'skip';
    this.block = undefined;
    return 'ended';
  }

  private openSeq(col: number): TSeq {
    const seq: TSeq = { kind: 'seq', items: [], insert: yamlListInsert(col) };
    this.stack.push({ kind: 'seq', indent: col, node: seq });
    return seq;
  }

  private openMap(col: number): TMap {
    const map: TMap = { kind: 'map', entries: [], insert: yamlInsert(col) };
    this.stack.push({ kind: 'map', indent: col, node: map });
    return map;
  }

  /**
   * A `- ` item at this column: true when the line is done, false to give up, or where the
   * map it opens (`- key: ...`) has its first key.
   */
  private item(at: number, col: number, lineStart: number, lineEnd: number): boolean | number {
    const text = this.text;
    const stack = this.stack;
    const top = stack[stack.length - 1];
    const pending = this.pending;
    if (top && top.kind === 'seq' && top.indent === col) {
      // another item
    } else if (pending && col >= pending.indent && (top?.node === pending.map)) {
      setPending(pending, this.openSeq(col));
    } else if (!top && this.root === null) {
      this.root = this.openSeq(col);
    } else return false;
    this.pending = undefined;
    const seq = stack[stack.length - 1].node as TSeq;
    let p = at + 1;
    while (p < lineEnd && text.charCodeAt(p) === 32) p++;
    if (p >= lineEnd || text.charCodeAt(p) === 35) return false; // `-` alone: nested block item
    if (text.charCodeAt(p) === 9) return false;
    const keyEnd = findKeyEnd(text, p, lineEnd);
    if (keyEnd === BAIL) return false;
    if (keyEnd < 0) {
      // A scalar item.
      const v = scanValue(text, p, lineEnd);
      if (!v || v === 'block') return false;
      seq.items.push(v);
      return true;
    }
    // `- key: ...`: a map inside the item, its keys at this column.
    seq.items.push(this.openMap(p - lineStart));
    return p;
  }

  /** A map entry at this column; false to give up. */
  private entry(at: number, col: number, lineEnd: number): boolean {
    const text = this.text;
    const stack = this.stack;
    let top = stack[stack.length - 1];
    const pending = this.pending;
    if (top && top.kind === 'seq' && top.indent === col) {
      // A compact sequence (`key:\n- a`) ends at a key of its parent map's column.
      stack.pop();
      top = stack[stack.length - 1];
      if (!top || top.kind !== 'map' || top.indent !== col) return false;
    }
    if (pending && col > pending.indent) {
      if (top?.node !== pending.map) return false;
      setPending(pending, this.openMap(col));
    } else if (top && top.kind === 'map' && top.indent === col) {
      // another key of the same map
    } else if (!top && this.root === null) {
      this.root = this.openMap(col);
    } else return false;
    this.pending = undefined;
    const open = stack[stack.length - 1];
    const map = open.node as TMap;
    const keyEnd = findKeyEnd(text, at, lineEnd);
    if (keyEnd === BAIL || keyEnd < 0) return false;
    const key = readKey(text, at, keyEnd);
    if (key === undefined || hasKey(open, map, key)) return false;
    // keyEnd is the colon.
    let p = keyEnd + 1;
    while (p < lineEnd && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
    if (p >= lineEnd || text.charCodeAt(p) === 35) {
      const empty: TScalar = { kind: 'scalar', syntax: 'yaml-plain', tokenStart: keyEnd + 1, tokenEnd: keyEnd + 1, contentStart: keyEnd + 1, contentEnd: keyEnd + 1, emptyPrefix: ' ' };
      map.entries.push({ key, keyStart: at, value: empty });
      this.pending = { map, indent: col, index: map.entries.length - 1 };
      return true;
    }
    const v = scanValue(text, p, lineEnd);
    if (!v) return false;
    if (v === 'block') {
      map.entries.push({ key, keyStart: at, value: { kind: 'opaque', start: p, end: lineEnd } });
      this.block = { parent: col, indent: -1, maxBlank: 0 };
      return true;
    }
    map.entries.push({ key, keyStart: at, value: v });
    return true;
  }
}

/** Duplicate keys are an error the library reports. Most maps are small: a scan, then a set. */
function hasKey(open: Open, map: TMap, key: string): boolean {
  const e = map.entries;
  if (!open.keys && e.length < 16) {
    for (let i = e.length - 1; i >= 0; i--) if (e[i].key === key) return true;
    return false;
  }
  open.keys ??= new Set(e.map((x) => x.key));
  if (open.keys.has(key)) return true;
  open.keys.add(key);
  return false;
}

function setPending(p: Pending, node: TNode): void {
  const e = p.map.entries[p.index];
  p.map.entries[p.index] = { key: e.key, keyStart: e.keyStart, value: node };
}

/**
 * If a mapping key starts at `p`, the offset of its `:`; -1 when the line holds no key; null
 * when the line is something the scanner does not handle.
 */
function findKeyEnd(text: string, p: number, lineEnd: number): number | null {
  const c = text[p];
  if (c === '"' || c === "'") {
    const close = closeQuote(text, p, lineEnd);
    if (close < 0) return BAIL;
    let q = close + 1;
    while (q < lineEnd && text.charCodeAt(q) === 32) q++;
    if (text[q] === ':' && (q + 1 >= lineEnd || /[ \t]/.test(text[q + 1]))) return q;
    return -1;
  }
  if ('?:,[]{}#&*!|>%@`'.includes(c)) return -1;
  for (let i = p; i < lineEnd; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 58 /* : */ && (i + 1 >= lineEnd || text.charCodeAt(i + 1) === 32 || text.charCodeAt(i + 1) === 9)) return i;
    if (ch === 35 /* # */ && (text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) return -1;
  }
  return -1;
}

function readKey(text: string, p: number, colon: number): string | undefined {
  const c = text[p];
  if (c === '"' || c === "'") {
    const close = closeQuote(text, p, colon);
    const inner = text.slice(p + 1, close);
    // Escaped keys are rare; let the library read them.
    if (c === '"' ? inner.includes('\\') : inner.includes("'")) return undefined;
    return inner;
  }
  let end = colon;
  while (end > p && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
  if (end === p || text.startsWith('<<', p)) return undefined;
  return text.slice(p, end);
}

/** Offset of the closing quote of a single-line quoted scalar starting at p, or -1. */
function closeQuote(text: string, p: number, lineEnd: number): number {
  const q = text[p];
  for (let i = p + 1; i < lineEnd; i++) {
    const ch = text[i];
    if (q === '"' && ch === '\\') {
      i++;
      continue;
    }
    if (ch === q) {
      if (q === "'" && text[i + 1] === "'") {
        i++;
        continue;
      }
      return i;
    }
  }
  return -1;
}

const DQ_ESCAPES = new Set('0abtnvfre "/\\N_LP\t'.split(''));

function validDoubleQuoted(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (text[i] !== '\\') continue;
    const e = text[i + 1];
    const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hex) {
      if (!/^[0-9a-fA-F]+$/.test(text.slice(i + 2, i + 2 + hex)) || i + 2 + hex > end) return false;
      i += 1 + hex;
    } else if (DQ_ESCAPES.has(e)) i++;
    else return false;
  }
  return true;
}

/** A scalar, or 'block' for a block scalar header (`|`, `>`). */
type ScannedValue = TScalar | 'block';

/** Reads a scalar value starting at p (not empty, not a comment). Null when the scanner gives up. */
/** After a closing quote: only spaces, then maybe a comment. */
function restOk(text: string, from: number, lineEnd: number): boolean {
  let q = from;
  while (q < lineEnd && (text.charCodeAt(q) === 32 || text.charCodeAt(q) === 9)) q++;
  return q >= lineEnd || (text.charCodeAt(q) === 35 && q > from);
}

function scanValue(text: string, p: number, lineEnd: number): ScannedValue | null {
  const c = text[p];
  if (c === '"' || c === "'") {
    const close = closeQuote(text, p, lineEnd);
    if (close < 0 || !restOk(text, close + 1, lineEnd)) return BAIL;
    if (c === '"' && !validDoubleQuoted(text, p + 1, close)) return BAIL;
    return { kind: 'scalar', syntax: c === '"' ? 'yaml-double' : 'yaml-single', tokenStart: p, tokenEnd: close + 1, contentStart: p + 1, contentEnd: close };
  }
  if (c === '|' || c === '>') {
    // Chomping indicator only; an explicit indentation indicator is left to the library.
    const header = text.slice(p + 1, lineEnd).replace(/[ \t]+#.*$/, '').trimEnd();
    if (header !== '' && header !== '-' && header !== '+') return BAIL;
    return 'block';
  }
  if ('[]{},&*!%@`?:#'.includes(c)) return BAIL;
  if (c === '-' && (p + 1 >= lineEnd || /[ \t]/.test(text[p + 1]))) return BAIL;
  let end = lineEnd;
  for (let i = p + 1; i < lineEnd; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 35 && (text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) {
      end = i;
      break;
    }
    // `: ` inside a plain value would be a nested mapping (an error): the library says so.
    if (ch === 58 && (i + 1 >= lineEnd || text.charCodeAt(i + 1) === 32 || text.charCodeAt(i + 1) === 9)) return BAIL;
  }
  while (end > p && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
  if (text.charCodeAt(end - 1) === 58 || text.startsWith('---', p) || text.startsWith('...', p)) return BAIL;
  return { kind: 'scalar', syntax: 'yaml-plain', tokenStart: p, tokenEnd: end, contentStart: p, contentEnd: end };
}
