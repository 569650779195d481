/**
 * INI files as go-ini and beego (`app.conf`) read them: `[section]`, `key = value` (go-ini also
 * `key: value`), `#`/`;` comment lines, values unquoted or in "double", 'single' or `back`
 * quotes. go-ini cuts an unquoted value at the first `#` or `;`, so we do too. Lines without a
 * delimiter (beego `include "x.conf"`) are skipped.
 */
import { t } from '../../l10n';
import type { Syntax } from '../literal';
import { failureAt, type TMap, type TNode } from '../model';
import type { ParseFailure } from '../types';
import { Lines } from './lines';

export interface IniTree {
  readonly root: TMap;
  readonly failure?: ParseFailure;
}

export function readIni(text: string): IniTree {
  const root: TMap = { kind: 'map', entries: [] };
  const sections = new Map<string, TMap>();
  let section = root;
  const lines = new Lines(text);
  while (lines.next()) {
    const { start: lineStart, end: lineEnd, line } = lines;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed[0] === '#' || trimmed[0] === ';') continue;
    if (trimmed[0] === '[') {
      const close = trimmed.indexOf(']');
      if (close < 0) return { root, failure: failureAt(text, lineStart, t('the section header "{0}" is not closed', trimmed)) };
      const name = trimmed.slice(1, close).trim();
      let m = sections.get(name);
      if (!m) {
        m = { kind: 'map', entries: [] };
        sections.set(name, m);
        root.entries.push({ key: name, keyStart: lineStart + line.indexOf('[') + 1, value: m });
      }
      section = m;
      continue;
    }
    const d = line.search(/[=:]/);
    if (d < 0) continue;
    const key = line.slice(0, d).trim();
    if (key === '') continue;
    const keyStart = lineStart + line.indexOf(key);
    let v = d + 1;
    while (v < line.length && (line[v] === ' ' || line[v] === '\t')) v++;
    const sep = line.slice(line.indexOf(key) + key.length, v);
    const abs = lineStart + v;
    const q = line[v];
    let node: TNode;
    if (q === '"' && line.startsWith('"""', v)) {
      // go-ini multi-line value: find the closing triple quote, maybe lines later.
      const close = text.indexOf('"""', abs + 3);
      if (close < 0) return { root, failure: failureAt(text, abs, t('the quoted value of {0} is never closed', key)) };
      node = { kind: 'opaque', start: abs, end: close + 3 };
      const nl = text.indexOf('\n', close);
      lines.pos = nl < 0 ? text.length + 1 : nl + 1;
    } else if (q === '"' || q === "'" || q === '`') {
      const close = line.indexOf(q, v + 1);
      if (close < 0) {
        if (q !== '`') return { root, failure: failureAt(text, abs, t('the quoted value of {0} is never closed', key)) };
        node = { kind: 'opaque', start: abs, end: lineEnd };
      } else {
        const syntax: Syntax = q === '"' ? 'ini-double' : q === "'" ? 'ini-single' : 'ini-backtick';
        node = { kind: 'scalar', syntax, tokenStart: abs, tokenEnd: lineStart + close + 1, contentStart: abs + 1, contentEnd: lineStart + close };
      }
    } else {
      let end = line.length;
      const c = line.slice(v).search(/[#;]/);
      if (c >= 0) end = v + c;
      while (end > v && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
      // `key =` with nothing: a value written there needs a space after `=` only if the file uses one.
      const emptyPrefix = end === v && v === d + 1 && line[d - 1] === ' ' ? ' ' : undefined;
      node = { kind: 'scalar', syntax: 'ini-none', tokenStart: lineStart + v, tokenEnd: lineStart + end, contentStart: lineStart + v, contentEnd: lineStart + end, emptyPrefix };
    }
    section.entries.push({ key, keyStart, value: node });
    section.insert ??= { style: 'ini', indent: line.slice(0, line.indexOf(key)), sep };
  }
  return { root };
}
