/**
 * Values that are an env-var placeholder with a default: `${DB_HOST:localhost}`,
 * beego `${DB_HOST||localhost}`, compose `${DB_HOST:-localhost}`. The patch rewrites only the
 * default; the env var, when set, still wins. Values that mix text and variables
 * (`${DB_USER}:${DB_PASS}@tcp(...)`) are templates built from other keys: left alone.
 */
import type { PlaceholderSyntax } from './types';

export interface PlaceholderMatch {
  readonly syntax: PlaceholderSyntax;
  readonly variable: string;
  /** The default's range in the value. */
  readonly start: number;
  readonly end: number;
}

const COMPOSE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(:-|-)([^{}]*)\}$/;
const BEEGO = /^\$\{([A-Za-z_][A-Za-z0-9_.]*)\|\|([^{}]*)\}$/;
const COLON = /^\$\{([A-Za-z_][A-Za-z0-9_.]*):([^{}]*)\}$/;

/** The placeholder the whole value is, if any. `${VAR}` without a default is not one (nothing to change). */
export function matchPlaceholder(value: string): PlaceholderMatch | undefined {
  if (!value.startsWith('${')) return undefined;
  let m = COMPOSE.exec(value);
  if (m) {
    const start = 2 + m[1].length + m[2].length;
    return { syntax: 'compose', variable: m[1], start, end: start + m[3].length };
  }
  m = BEEGO.exec(value);
  if (m) {
    const start = 2 + m[1].length + 2;
    return { syntax: 'beego', variable: m[1], start, end: start + m[2].length };
  }
  m = COLON.exec(value);
  if (m) {
    const start = 2 + m[1].length + 1;
    return { syntax: 'colon', variable: m[1], start, end: start + m[2].length };
  }
  return undefined;
}

/**
 * True when the value is built from variables or a template engine. `dollarVars` for formats
 * where a bare `$VAR` expands (.env, compose); compose's `$$` is a literal dollar.
 */
export function isTemplate(value: string, dollarVars: boolean, dollarEscape = false): boolean {
  const v = dollarEscape ? value.replace(/\$\$/g, '') : value;
  if (v.includes('${') || v.includes('{{')) return true;
  return dollarVars && /\$[A-Za-z_(]/.test(v);
}

/** A default may not hold what ends the placeholder. */
export function defaultFits(text: string): boolean {
  return !/[{}]/.test(text);
}
