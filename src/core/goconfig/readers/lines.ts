/** The line starting at `pos`: `lineEnd` before any `\r\n` or `\n`, `eol` at the `\n` (or the text's end). */
export function lineBounds(text: string, pos: number): { readonly eol: number; readonly lineEnd: number } {
  let eol = text.indexOf('\n', pos);
  if (eol < 0) eol = text.length;
  return { eol, lineEnd: eol > pos && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol };
}

export interface Line {
  readonly start: number;
  /** Before any `\r\n` or `\n`. */
  readonly end: number;
  /** The `\n` (or the text's end). */
  readonly eol: number;
  readonly text: string;
}

/**
 * The lines of a line-based config file (.env, INI), from after a BOM. `next()` gives the line at
 * `pos` and moves past it; a reader moves `pos` itself past a value that spans lines. After a
 * final line break comes one empty line, as the readers expect.
 */
export class Lines {
  pos: number;

  constructor(private readonly text: string) {
    this.pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  next(): Line | undefined {
    if (this.pos > this.text.length) return undefined;
    const start = this.pos;
    const { eol, lineEnd } = lineBounds(this.text, start);
    this.pos = eol + 1;
    return { start, end: lineEnd, eol, text: this.text.slice(start, lineEnd) };
  }
}
