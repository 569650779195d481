/**
 * Detection results per document version, so that a code-action request (which VS Code sends
 * on every cursor move) is a map lookup and a binary search, not a parse.
 */
import { detectConfig } from './detect';
import type { KeyMap } from './keymap';
import type { ConfigSetting, Detection } from './types';

interface Entry {
  readonly version: number;
  readonly keyMap: KeyMap | undefined;
  readonly detection: Detection | undefined;
}

export class DetectionCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 64) {}

  /**
   * The detection for this document version, computed on a miss. `text` is only called on a
   * miss. Undefined for files that are not a config format we read.
   */
  get(uri: string, version: number, fileName: string, text: () => string, keyMap?: KeyMap): Detection | undefined {
    const hit = this.entries.get(uri);
    // A new code map (a Go file changed) can change what the keys mean.
    if (hit && hit.version === version && hit.keyMap === keyMap) {
      // Most recently used last, so the oldest is dropped first.
      this.entries.delete(uri);
      this.entries.set(uri, hit);
      return hit.detection;
    }
    const detection = detectConfig(fileName, text(), undefined, { keyMap });
    this.entries.delete(uri);
    this.entries.set(uri, { version, keyMap, detection });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return detection;
  }

  /** Forget a document (closed, renamed). */
  delete(uri: string): void {
    this.entries.delete(uri);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * The settings whose token touches [start, end] (offsets; a cursor is start === end, and counts
 * at either edge of a value). Settings are sorted and do not overlap, so this is a binary search.
 */
export function settingsInRange(detection: Detection, start: number, end: number): ConfigSetting[] {
  const list = detection.settings;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].tokenSpan.end < start) lo = mid + 1;
    else hi = mid;
  }
  const out: ConfigSetting[] = [];
  for (let i = lo; i < list.length && list[i].tokenSpan.start <= end; i++) out.push(list[i]);
  return out;
}
