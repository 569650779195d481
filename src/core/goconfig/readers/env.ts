/**
 * `.env` files as godotenv reads them: `[export ]KEY=value` (or `KEY: value`), `#` comments,
 * values unquoted (ending at ` #`), 'single-quoted' (literal) or "double-quoted" (escapes, `$VAR`
 * expansion). A quoted value may span lines; we read past it but never rewrite it.
 */
import { t } from '../../l10n';
import type { Syntax } from '../literal';
import { failureAt, type TEntry, type TMap, type TNode } from '../model';
import type { ParseFailure } from '../types';
import { Lines } from './lines';

export interface EnvTree {
  readonly root: TMap;
  readonly failure?: ParseFailure;
}

const KEY = /^[ \t]*(export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)([ \t]*(?:=|:)[ \t]*)/;

export function readEnv(text: string): EnvTree {
  const entries: TEntry[] = [];
  let exportCount = 0;
  let sep: string | undefined;
  const lines = new Lines(text);
  while (lines.next()) {
    const { start: pos, end: lineEnd, line } = lines;
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const m = KEY.exec(line);
    if (!m) {
      return { root: { kind: 'map', entries }, failure: failureAt(text, pos, t('line {0} is not KEY=value', lineNo(text, pos))) };
    }
    if (m[1]) exportCount++;
    sep ??= m[3].trim() === ':' ? ': ' : m[3];
    const key = m[2];
    const keyStart = pos + line.indexOf(key, m[1] ? m[1].length : 0);
    const vStart = pos + m[0].length;
    const q = text[vStart];
    let node: TNode;
    if (q === '"' || q === "'") {
      const close = findClose(text, vStart + 1, q);
      if (close < 0) {
        return { root: { kind: 'map', entries }, failure: failureAt(text, vStart, t('the quoted value of {0} is never closed', key)) };
      }
      const multiLine = text.slice(vStart, close).includes('\n');
      const syntax: Syntax = q === '"' ? 'env-double' : 'env-single';
      node = multiLine
        ? { kind: 'opaque', start: vStart, end: close + 1 }
        : { kind: 'scalar', syntax, tokenStart: vStart, tokenEnd: close + 1, contentStart: vStart + 1, contentEnd: close };
      // A value that spans lines: read on after it.
      let e = text.indexOf('\n', close);
      if (e < 0) e = text.length;
      lines.pos = e + 1;
    } else {
      let end = lineEnd;
      // An unquoted value ends where an inline comment starts: whitespace then `#` (`KEY=#x` is the value `#x`).
      for (let i = vStart; i < lineEnd; i++) {
        if (text.charCodeAt(i) === 35 && /[ \t]/.test(text[i - 1])) {
          end = i;
          break;
        }
      }
      while (end > vStart && /[ \t]/.test(text[end - 1])) end--;
      // `KEY=   # note`: the value goes right after `=`, not against the comment.
      const at = end === vStart ? pos + m[0].trimEnd().length : vStart;
      node = { kind: 'scalar', syntax: 'env-none', tokenStart: at, tokenEnd: end === vStart ? at : end, contentStart: at, contentEnd: end === vStart ? at : end };
    }
    entries.push({ key, keyStart: keyStart, value: node });
  }
  const root: TMap = { kind: 'map', entries };
  root.insert = { style: 'env', indent: '', sep: sep ?? '=', linePrefix: exportCount > entries.length / 2 ? 'export ' : undefined };
  return { root };
}

function findClose(text: string, from: number, q: string): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && q === '"') {
      i++;
      continue;
    }
    if (c === q) return i;
  }
  return -1;
}

function lineNo(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
