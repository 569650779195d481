/**
 * Pure helpers for the "keep the password out of a tracked file" path (issue 6, item 4): the VS
 * Code layer decides that a file is tracked and asks; these compute the text edits — set the
 * password in the project's `.env`, and add `.env` to `.gitignore`.
 */
import { refusalOf } from './detect';
import { freshValue, literalEdits } from './literal';
import { Collector } from './collect';
import { readEnv } from './readers/env';
import { ConfigParseError, type Detection, type TextEdit } from './types';
import type { InternalSetting } from './model';

/**
 * The env var the app most likely reads its DB password from, as far as this file tells: the
 * variable of a password placeholder (`${DB_PASSWORD:}`, `getEnv("DB_PASSWORD", ...)`), the key
 * of a password in a .env or compose file, else a name after the file's other keys (`MYSQL_` →
 * `MYSQL_PASSWORD`), else `DB_PASSWORD`.
 */
export function passwordEnvVar(detection: Detection): string {
  const settings = detection.settings as readonly InternalSetting[];
  const password = settings.find((s) => s.role === 'password');
  const p = password?.placeholder;
  if (p && p.syntax !== 'viperDefault' && !p.variable.startsWith('-')) return p.variable;
  if (password && (detection.format === 'env' || detection.format === 'compose')) return password.leafKey;
  const envStyle = settings.find((s) => /^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/.test(s.leafKey) && s.keyPrefix.length > 0);
  if (envStyle) return `${envStyle.keyPrefix.join('_').toUpperCase()}_PASSWORD`;
  return 'DB_PASSWORD';
}

function eolOf(text: string): string {
  const nl = text.indexOf('\n');
  return nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
}

/** An insertion of `line` at the end of `text`, on a line of its own. */
function appendLine(text: string, line: string): TextEdit {
  const eol = eolOf(text);
  if (text === '' || text === '\ufeff') return { offset: text.length, length: 0, newText: line + eol };
  const endsWithNewline = text.endsWith('\n');
  return { offset: text.length, length: 0, newText: endsWithNewline ? line + eol : eol + line };
}

/**
 * Edits that set `variable=value` in a .env file: its value rewritten (quoted as needed) when the
 * key is there, else a line appended. Throws ConfigParseError when the .env does not parse.
 */
export function envSecretEdits(envText: string, variable: string, value: string, fileName = '.env'): TextEdit[] {
  const tree = readEnv(envText);
  if (tree.failure) {
    const refusal = refusalOf({ fileName, format: 'env', settings: [], groups: [], ignored: [], eol: '\n', failure: tree.failure, keySource: 'guess' });
    throw refusal ?? new ConfigParseError(tree.failure.reason, fileName, 'env', tree.failure);
  }
  const col = new Collector(envText);
  const existing = [...tree.root.entries].reverse().find((e) => e.key === variable);
  if (existing && existing.value.kind === 'scalar') {
    const lit = col.literal(existing.value);
    if (lit && lit.value === value) return [];
    const edits = lit ? literalEdits(lit, [{ start: 0, end: lit.value.length, text: value }], 'password') : undefined;
    if (edits) return edits;
  }
  return [appendLine(envText, `${variable}=${freshValue('env', value, 'password')}`)];
}

/** The .gitignore patterns (only `*`, `?` and a leading or trailing `/`) that match a root-level file name. */
function ignores(pattern: string, name: string): boolean {
  let p = pattern;
  if (p.startsWith('/')) p = p.slice(1);
  if (p.endsWith('/')) return false; // directories only
  if (p.includes('/') && !p.startsWith('**/')) return false;
  p = p.replace(/^\*\*\//, '');
  const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  return re.test(name);
}

/** Edits that add `entry` (a root-level file name, `.env` by default) to a .gitignore unless it is already ignored. */
export function gitignoreEdits(gitignoreText: string, entry = '.env'): TextEdit[] {
  let ignored = false;
  for (const raw of gitignoreText.split(/\r?\n/)) {
    const line = raw.replace(/^\ufeff/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('!')) {
      if (ignores(line.slice(1), entry)) ignored = false;
    } else if (ignores(line, entry)) ignored = true;
  }
  return ignored ? [] : [appendLine(gitignoreText, entry)];
}
