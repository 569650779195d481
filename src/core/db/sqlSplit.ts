/**
 * Splits an SQL script into statements the way the `mysql` client does: at the delimiter (`;`
 * unless a DELIMITER line changes it), but never inside '…', "…" or `…` (with backslash escapes
 * and doubled quotes), nor inside `-- `, `#` or block comments. Each statement keeps the line it
 * starts on, so an error can name file and line.
 *
 * Comments before a statement are dropped; MySQL's executable comments (`/*! … *\/`, as in
 * mysqldump output) are statements, so they are kept.
 */

export interface SqlStatement {
  readonly sql: string;
  /** 1-based line of the statement's first character in the file. */
  readonly line: number;
}

export interface SplitOptions {
  /** Line number of the text's first line (for a section cut out of a file); default 1. */
  readonly startLine?: number;
}

const DELIMITER_LINE = /^[ \t]*delimiter[ \t]+(\S+)[ \t]*(?:\r?\n|$)/i;

export function splitSql(text: string, options: SplitOptions = {}): SqlStatement[] {
  const out: SqlStatement[] = [];
  let delimiter = ';';
  let line = options.startLine ?? 1;
  let start = -1; // index where the current statement began
  let startLine = line;
  let i = 0;
  const n = text.length;

  const finish = (end: number) => {
    if (start >= 0) {
      const sql = text.slice(start, end).trim();
      if (sql) out.push({ sql, line: startLine });
    }
    start = -1;
  };
  const begin = () => {
    if (start < 0) {
      start = i;
      startLine = line;
    }
  };

  while (i < n) {
    const ch = text[i];
    // A DELIMITER command: only between statements, at the start of a line.
    if (start < 0 && (i === 0 || text[i - 1] === '\n')) {
      const m = DELIMITER_LINE.exec(text.slice(i, i + 200));
      if (m) {
        delimiter = m[1];
        i += m[0].length;
        if (m[0].endsWith('\n')) line++;
        continue;
      }
    }
    if (ch === '\n') {
      line++;
      i++;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') {
      i++;
      continue;
    }
    // Comments.
    // `--` starts a comment only when a space or control character follows (MySQL's rule).
    if (ch === '#' || (ch === '-' && text[i + 1] === '-' && (i + 2 >= n || text.charCodeAt(i + 2) <= 32))) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const executable = text[i + 2] === '!' || text[i + 2] === '+';
      if (executable) begin();
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      for (let k = i; k < end; k++) if (text[k] === '\n') line++;
      i = end;
      continue;
    }
    if (text.startsWith(delimiter, i)) {
      finish(i);
      i += delimiter.length;
      continue;
    }
    begin();
    if (ch === "'" || ch === '"' || ch === '`') {
      i++;
      while (i < n) {
        const c = text[i];
        if (c === '\n') line++;
        if (c === '\\' && ch !== '`') {
          if (text[i + 1] === '\n') line++;
          i += 2;
          continue;
        }
        if (c === ch) {
          if (text[i + 1] === ch) {
            i += 2;
            continue;
          }
          i++;
          break;
        }
        i++;
      }
      continue;
    }
    i++;
  }
  finish(n);
  return out;
}
