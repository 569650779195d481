/** Applying text edits (offset, length, newText) to a string, as VS Code would. */
import type { TextEdit } from './types';

/**
 * Applies edits given in original-text offsets. Edits at the same offset apply in the order
 * given; overlapping edits throw a RangeError (they would be a bug in whoever made them).
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  if (edits.length === 0) return text;
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.offset - b.e.offset || a.i - b.i);
  const parts: string[] = [];
  let pos = 0;
  for (const { e } of sorted) {
    if (e.offset < pos || e.offset + e.length > text.length || e.length < 0) {
      throw new RangeError(`edit at ${e.offset} (+${e.length}) overlaps another or lies outside the text`);
    }
    parts.push(text.slice(pos, e.offset), e.newText);
    pos = e.offset + e.length;
  }
  parts.push(text.slice(pos));
  return parts.join('');
}
