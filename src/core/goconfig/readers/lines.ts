/** The line starting at `pos`: `lineEnd` before any `\r\n` or `\n`, `eol` at the `\n` (or the text's end). */
export function lineBounds(text: string, pos: number): { readonly eol: number; readonly lineEnd: number } {
  let eol = text.indexOf('\n', pos);
  if (eol < 0) eol = text.length;
  return { eol, lineEnd: eol > pos && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol };
}
