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
  return new Splitter(text, options.startLine ?? 1).run();
}

/** One pass over the text; `i` is where it reads, `line` that place's line. */
class Splitter {
  private readonly out: SqlStatement[] = [];
  private delimiter = ';';
  private i = 0;
  /** Index where the current statement began, -1 between statements. */
  private start = -1;
  private startLine: number;

  constructor(
    private readonly text: string,
    private line: number,
  ) {
    this.startLine = line;
  }

  run(): SqlStatement[] {
    const text = this.text;
    const n = text.length;
    while (this.i < n) {
      const ch = text[this.i];
      // A DELIMITER command: only between statements, at the start of a line.
      if (this.start < 0 && (this.i === 0 || text[this.i - 1] === '\n') && this.delimiterCommand()) continue;
      if (ch === '\n') {
        this.line++;
        this.i++;
        continue;
      }
      if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') {
        this.i++;
        continue;
      }
      if (this.comment(ch)) continue;
      if (text.startsWith(this.delimiter, this.i)) {
        this.finish(this.i);
        this.i += this.delimiter.length;
        continue;
      }
      this.begin();
      if (ch === "'" || ch === '"' || ch === '`') this.quoted(ch);
      else this.i++;
    }
    this.finish(n);
    return this.out;
  }

  private finish(end: number): void {
    if (this.start >= 0) {
      const sql = this.text.slice(this.start, end).trim();
      if (sql) this.out.push({ sql, line: this.startLine });
    }
    this.start = -1;
  }

  private begin(): void {
    if (this.start < 0) {
      this.start = this.i;
      this.startLine = this.line;
    }
  }

  /** Reads a DELIMITER line at i, if there is one. */
  private delimiterCommand(): boolean {
    const m = DELIMITER_LINE.exec(this.text.slice(this.i, this.i + 200));
    if (!m) return false;
    this.delimiter = m[1];
    this.i += m[0].length;
    if (m[0].endsWith('\n')) this.line++;
    return true;
  }

  /** Skips a comment at i, if there is one; an executable comment begins a statement. */
  private comment(ch: string): boolean {
    const text = this.text;
    const n = text.length;
    const i = this.i;
    // `--` starts a comment only when a space or control character follows (MySQL's rule).
    if (ch === '#' || (ch === '-' && text[i + 1] === '-' && (i + 2 >= n || text.charCodeAt(i + 2) <= 32))) {
      const nl = text.indexOf('\n', i);
      this.i = nl < 0 ? n : nl;
      return true;
    }
    if (ch !== '/' || text[i + 1] !== '*') return false;
    const executable = text[i + 2] === '!' || text[i + 2] === '+';
    if (executable) this.begin();
    const close = text.indexOf('*/', i + 2);
    const end = close < 0 ? n : close + 2;
    for (let k = i; k < end; k++) if (text[k] === '\n') this.line++;
    this.i = end;
    return true;
  }

  /** Skips a '…', "…" or `…` literal starting at i: backslash escapes (not in `…`) and doubled quotes. */
  private quoted(q: string): void {
    const text = this.text;
    const n = text.length;
    let i = this.i + 1;
    while (i < n) {
      const c = text[i];
      if (c === '\n') this.line++;
      if (c === '\\' && q !== '`') {
        if (text[i + 1] === '\n') this.line++;
        i += 2;
        continue;
      }
      if (c === q) {
        if (text[i + 1] === q) {
          i += 2;
          continue;
        }
        i++;
        break;
      }
      i++;
    }
    this.i = i;
  }
}
