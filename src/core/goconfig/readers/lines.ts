/** The line starting at `pos`: `lineEnd` before any `\r\n` or `\n`, `eol` at the `\n` (or the text's end). */
export function lineBounds(text: string, pos: number): { readonly eol: number; readonly lineEnd: number } {
  let eol = text.indexOf('\n', pos);
  if (eol < 0) eol = text.length;
  return { eol, lineEnd: eol > pos && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol };
}

/**
 * A cursor over the lines of a line-based config file (.env, INI), from after a BOM. `next()`
 * moves to the line at `pos` and past it (false after the end); a reader moves `pos` itself past
 * a value that spans lines. After a final line break comes one empty line, as the readers expect.
 * The fields are the current line's: one cursor, no object per line (a 1 MB file has 30,000).
 */
export class Lines {
  /** Where the next line starts. */
  pos: number;
  start = 0;
  /** Before any `\r\n` or `\n`. */
  end = 0;
  /** The current line's text, start to end. */
  line = '';

  constructor(private readonly text: string) {
    this.pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  next(): boolean {
    const text = this.text;
    if (this.pos > text.length) return false;
    const start = this.pos;
    const { eol, lineEnd } = lineBounds(text, start);
    this.start = start;
    this.end = lineEnd;
    this.line = text.slice(start, lineEnd);
    this.pos = eol + 1;
    return true;
  }
}
