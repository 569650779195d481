/**
 * The patch: text edits that point a file's MySQL settings at a target, replacing only value
 * text (and adding keys a connection section lacks, where the format has an obvious place).
 */
import { t } from '../l10n';
import { internalGroups, internalSettings, refusalOf, whyNothing } from './detect';
import { DEFAULT_PORT, dsnReplacements, joinHostPort, percentEncode, splitHostPort } from './dsn';
import { freshValue, literalEdits, type Literal, type Replacement } from './literal';
import type { InsertSpec, InternalGroup, InternalSetting } from './model';
import { keyInfo } from './keys';
import { defaultFits } from './placeholder';
import type {
  AddedKey, ConfigSetting, DbTarget, Detection, MissingKey, PatchOptions, PatchResult, PatchWarning, SettingChange, SettingRole, TextEdit,
} from './types';

const ROLE_NAMES: Record<SettingRole, string> = {
  host: 'host', port: 'port', hostPort: 'host:port', user: 'user', password: 'password', database: 'database name', dsn: 'DSN', url: 'URL',
};

export function roleName(role: SettingRole): string {
  return ROLE_NAMES[role];
}

/** The value a role should have for the target; undefined when it is to be left alone. */
export function wanted(s: { readonly role: SettingRole }, target: DbTarget): string | undefined {
  switch (s.role) {
    case 'host':
      return target.host;
    case 'port':
      return String(target.port);
    case 'hostPort':
      return joinHostPort(target.host, target.port);
    case 'user':
      return target.user;
    case 'password':
      return target.password;
    case 'database':
      return target.database;
    default:
      return undefined;
  }
}

function decodeUrlPart(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** True when the setting already points at the target (passwords count only when the target has one). */
export function isOnTarget(setting: ConfigSetting, target: DbTarget): boolean {
  const v = setting.urlEncoded ? decodeUrlPart(setting.value) : setting.value;
  switch (setting.role) {
    case 'host':
      return v.toLowerCase() === target.host.toLowerCase();
    case 'port':
      return Number(v) === target.port;
    case 'hostPort': {
      const hp = splitHostPort(v);
      return !!hp && hp.host.toLowerCase() === target.host.toLowerCase() && (hp.port ?? DEFAULT_PORT) === target.port;
    }
    case 'user':
      return v === target.user;
    case 'password':
      return target.password === undefined || v === target.password;
    case 'database':
      return v === target.database;
    case 'dsn':
    case 'url': {
      const d = setting.dsn;
      if (!d) return false;
      return (
        (d.host ?? '').toLowerCase() === target.host.toLowerCase() &&
        (d.port ?? DEFAULT_PORT) === target.port &&
        d.user === target.user &&
        (d.database === target.database || (d.database === '' && !!setting.databaseElsewhere)) &&
        (target.password === undefined || d.password === target.password)
      );
    }
  }
}

/** The settings that point somewhere else than the target: what diagnostics are for. */
export function settingsOffTarget(detection: Detection, target: DbTarget): ConfigSetting[] {
  return detection.settings.filter((s) => !isOnTarget(s, target));
}

function replacementsFor(s: InternalSetting, target: DbTarget): Replacement[] {
  if (s.parsed) {
    const t = s.databaseElsewhere ? { ...target, database: '' } : target;
    return dsnReplacements(s.parsed, s.value, t).map((r) => ({ start: r.start + s.vStart, end: r.end + s.vStart, text: r.text }));
  }
  if (isOnTarget(s, target)) return [];
  let v = wanted(s, target);
  if (v === undefined) return [];
  if (s.urlEncoded) v = percentEncode(v);
  // A host-only field gets only the host: a non-default port belongs in its own key (added or reported missing).
  return [{ start: s.vStart, end: s.vEnd, text: v }];
}

function applyToValue(value: string, offset: number, reps: readonly Replacement[]): string {
  let out = '';
  let pos = 0;
  for (const r of [...reps].sort((a, b) => a.start - b.start)) {
    out += value.slice(pos, r.start - offset) + r.text;
    pos = r.end - offset;
  }
  return out + value.slice(pos);
}

function defaultWarning(s: ConfigSetting): PatchWarning | undefined {
  const p = s.placeholder;
  if (!p) return undefined;
  let message: string;
  if (p.syntax === 'viperDefault') {
    message = t("{0}: only viper's default was changed; a value in a config file or an env var still wins.", s.key);
  } else if (p.variable.startsWith('-')) {
    message = t('{0}: only the default was changed; the flag {1}, when given, still wins.', s.key, p.variable);
  } else {
    message = t('{0}: only the default was changed; the environment variable {1}, when set, still wins.', s.key, p.variable);
  }
  return { code: 'defaultOnly', message, key: s.key };
}

/** What each placeholder word of a DSN template became (never the password itself). */
function templateWarning(s: ConfigSetting, target: DbTarget): PatchWarning | undefined {
  const words = s.dsn?.placeholders;
  if (!words?.length) return undefined;
  const becomes: Record<string, string> = {
    user: target.user, password: target.password !== undefined ? t('the RDS password') : t('left as it was'), host: target.host, port: String(target.port), database: target.database,
  };
  const parts = words.map((w) => `${w} → ${becomes[w]}`).join(', ');
  return { code: 'filledTemplate', message: t('{0} was a template to fill; its parts became: {1}.', s.key, parts), key: s.key };
}

/**
 * Plans the edits that point the detected settings at `target`. A file that did not parse is
 * refused (`ok: false`) and nothing is planned.
 */
export function planPatch(detection: Detection, target: DbTarget, options: PatchOptions = {}): PatchResult {
  const refusal = refusalOf(detection);
  if (refusal) return { ok: false, error: refusal };
  const only = options.groups ? new Set(options.groups) : undefined;
  const settings = internalSettings(detection).filter((s) => !only || only.has(s.group));
  const edits: TextEdit[] = [];
  const changes: SettingChange[] = [];
  const warnings: PatchWarning[] = [];

  // Settings sharing one literal (parts of a Sprintf format) are written together.
  const byLiteral = new Map<Literal, InternalSetting[]>();
  for (const s of settings) {
    const list = byLiteral.get(s.lit);
    if (list) list.push(s);
    else byLiteral.set(s.lit, [s]);
  }
  for (const [lit, group] of byLiteral) {
    const reps: Replacement[] = [];
    const changed: InternalSetting[] = [];
    const perSetting = new Map<InternalSetting, Replacement[]>();
    for (const s of group) {
      const r = replacementsFor(s, target);
      if (r.length === 0) continue;
      reps.push(...r);
      changed.push(s);
      perSetting.set(s, r);
    }
    if (reps.length === 0) continue;
    const inDefault = changed.some((s) => s.inPlaceholder);
    const e = literalEdits(lit, reps, changed[0].role, inDefault ? defaultFits : undefined);
    if (!e) {
      for (const s of changed) {
        warnings.push({ code: 'cannotWrite', message: t('{0}: the new value cannot be written there; change it by hand.', s.key), key: s.key });
      }
      continue;
    }
    edits.push(...e);
    for (const s of changed) {
      changes.push({ setting: s, newValue: applyToValue(s.value, s.vStart, perSetting.get(s) ?? []) });
      const w = defaultWarning(s) ?? templateWarning(s, target);
      if (w) warnings.push(w);
    }
  }

  const added: AddedKey[] = [];
  const missing: MissingKey[] = [];
  for (const g of internalGroups(detection)) {
    if (only && !only.has(g.id)) continue;
    planMissing(g, settings.filter((s) => s.group === g.id), target, detection.eol, options, added, missing, warnings, edits);
  }
  if (detection.settings.length === 0) warnings.push({ code: 'nothingFound', ...whyNothing(detection) });
  return { ok: true, edits: normalizeEdits(edits), changes, added, missing, warnings };
}

/** Sorted by offset; insertions at one offset merged in order; overlaps are a bug and throw. */
function normalizeEdits(edits: readonly TextEdit[]): TextEdit[] {
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.offset - b.e.offset || a.i - b.i).map((x) => x.e);
  const out: TextEdit[] = [];
  for (const e of sorted) {
    const prev = out[out.length - 1];
    if (prev && prev.offset + prev.length > e.offset) throw new RangeError(`overlapping edits at ${e.offset}`);
    if (prev && prev.offset + prev.length === e.offset && (prev.length === 0 || e.length === 0) && prev.offset === e.offset) {
      out[out.length - 1] = { offset: prev.offset, length: prev.length + e.length, newText: prev.newText + e.newText };
      continue;
    }
    out.push(e);
  }
  return out;
}

const CONNECTION_ROLES: readonly SettingRole[] = ['host', 'port', 'hostPort', 'user', 'password', 'database'];

function planMissing(
  g: InternalGroup,
  settings: readonly InternalSetting[],
  target: DbTarget,
  eol: string,
  options: PatchOptions,
  added: AddedKey[],
  missing: MissingKey[],
  warnings: PatchWarning[],
  edits: TextEdit[],
): void {
  const has = new Set(g.presentRoles);
  if (!g.reportsMissing || has.has('dsn') || has.has('url')) return;
  const need: SettingRole[] = [];
  if (!has.has('hostPort')) {
    if (!has.has('host')) need.push('host');
    if (!has.has('port') && target.port !== DEFAULT_PORT) need.push('port');
  }
  if (!has.has('user')) need.push('user');
  if (!has.has('password') && target.password !== undefined) need.push('password');
  if (!has.has('database')) need.push('database');
  if (need.length === 0) return;
  // Only a section that already looks like a connection (two or more of its keys) gets new keys.
  const connectionKeys = g.roles.filter((r) => CONNECTION_ROLES.includes(r)).length;
  const canAdd = g.insert && g.insertAt !== undefined && connectionKeys >= 2 && options.addMissing !== false;
  const names = new Map<SettingRole, string>();
  if (canAdd) {
    for (const role of need) {
      // Without the app's code to say so, a host key is never added: if the loader reads the host
      // under another name (gin-vue-admin's `mysql.path`), an added `host` would leave the app on
      // the old server while the patch looked done.
      if (!g.readKeys && (role === 'host' || role === 'hostPort')) continue;
      const key = nameKey(g, settings, role);
      if (key) names.set(role, key);
    }
  }
  for (const role of need.filter((r) => !names.has(r))) {
    // The code map may know where the app takes it from instead (`os.Getenv("MYSQL_PASSWORD")`).
    const from = g.readKeys ? g.envReads?.find((e) => e.role === role)?.key : undefined;
    missing.push({ group: g.id, role, from });
    let message: string;
    if (from) message = t('{0} has no {1} setting: the app reads it from the environment variable {2}; set it there.', g.label, ROLE_NAMES[role], from);
    else if (g.readKeys) message = t("{0} has no {1} setting, and the app's Go code reads none there; set it where the app takes it from.", g.label, ROLE_NAMES[role]);
    else if (canAdd && (role === 'host' || role === 'hostPort')) {
      message = t("{0} has no key named as a {1}, and without the app's Go code RDS Link cannot tell which key its loader reads for it (path? server?); set it by hand.", g.label, ROLE_NAMES[role]);
    }
    else message = t('{0} has no {1} setting, and no obvious place to add one.', g.label, ROLE_NAMES[role]);
    warnings.push({ code: 'missingKey', message, key: g.label });
  }
  if (!g.insert || g.insertAt === undefined || names.size === 0) return;
  const spec = g.insert;
  const lines: { role: SettingRole; key: string; text: string }[] = [];
  for (const [role, key] of names) {
    const value = role === 'port' ? String(target.port) : (wanted({ role }, target) ?? '');
    lines.push({ role, key, text: renderLine(spec, key, value, role) });
  }
  const newText = spec.style === 'json'
    ? lines.map((l) => (spec.inline ? `, ${l.text}` : `,${eol}${spec.indent}${l.text}`)).join('')
    : lines.map((l) => `${eol}${spec.indent}${l.text}`).join('');
  edits.push({ offset: g.insertAt, length: 0, newText });
  for (const l of lines) {
    const full = g.keyPath ? `${g.keyPath}.${l.key}` : l.key;
    added.push({ group: g.id, role: l.role, key: full, offset: g.insertAt });
    warnings.push({ code: 'addedKey', message: t("Added {0}: make sure the app's config loader reads it.", full), key: full });
  }
}

function renderLine(spec: InsertSpec, key: string, value: string, role: SettingRole): string {
  switch (spec.style) {
    case 'env':
      return `${spec.linePrefix ?? ''}${key}${spec.sep}${freshValue('env', value, role)}`;
    case 'yaml':
      return `${key}: ${freshValue('yaml', value, role, spec.dollar)}`;
    case 'yaml-list':
      return `- ${freshValue('yaml', `${key}=${value}`, role, spec.dollar)}`;
    case 'ini':
      return `${key}${spec.sep}${freshValue('ini', value, role)}`;
    case 'toml':
      return `${/^[A-Za-z0-9_-]+$/.test(key) ? key : `"${key}"`}${spec.sep}${freshValue('toml', value, role)}`;
    case 'json':
      return `"${key}"${spec.sep}${freshValue('json', value, role)}`;
  }
}

type Case = 'upperSnake' | 'lowerSnake' | 'kebab' | 'dot' | 'camel' | 'pascal' | 'lowerJoined' | 'upperJoined';

function caseOf(key: string): Case {
  if (key.includes('_')) return key === key.toUpperCase() ? 'upperSnake' : 'lowerSnake';
  if (key.includes('-')) return 'kebab';
  if (key.includes('.')) return 'dot';
  if (/^[A-Z][a-z]/.test(key)) return 'pascal';
  if (/[a-z][A-Z]/.test(key)) return 'camel';
  if (key === key.toUpperCase() && /[A-Z]/.test(key)) return 'upperJoined';
  return 'lowerJoined';
}

function renderKey(words: readonly string[], c: Case): string {
  const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
  switch (c) {
    case 'upperSnake': return words.join('_').toUpperCase();
    case 'lowerSnake': return words.join('_');
    case 'kebab': return words.join('-');
    case 'dot': return words.join('.');
    case 'camel': return words.map((w, i) => (i === 0 ? w : cap(w))).join('');
    case 'pascal': return words.map(cap).join('');
    case 'upperJoined': return words.join('').toUpperCase();
    case 'lowerJoined': return words.join('');
  }
}

/** Leaf words to try, in order, for a new key of a role. */
const LEAF_WORDS: Record<SettingRole, string[][]> = {
  host: [['host']],
  port: [['port']],
  hostPort: [['addr']],
  user: [['user'], ['username']],
  password: [['password'], ['pass']],
  database: [['name'], ['database'], ['dbname']],
  dsn: [],
  url: [],
};

/** True when a key would be read back as this role in a section of that kind. */
function readsAs(key: string, role: SettingRole, ctxDb: boolean): boolean {
  const ki = keyInfo(key);
  const leafRole = ki.leaf === 'addr' ? 'hostPort' : ki.leaf;
  return leafRole === role && (ctxDb || ki.db) && !ki.other && !ki.bootstrap && !ki.driver;
}

/**
 * A name for a new key in the style of its siblings: `DB_PASSWORD` next to `DB_HOST`,
 * `password` next to `host`. Undefined when no name would be read back as that role there (a
 * plain `password` under `server:`), or every candidate is taken.
 */
function nameKey(g: InternalGroup, settings: readonly InternalSetting[], role: SettingRole): string | undefined {
  if (g.readKeys) {
    // The app's code says which keys it reads here: add one of those, or none.
    const taken = new Set(g.keys.map((k) => k.toLowerCase()));
    return g.readKeys.find((k) => !taken.has(k.key) && (k.role === role || (k.role === undefined && readsAs(k.key, role, true))))?.key;
  }
  const counts = new Map<string, number>();
  for (const s of settings) {
    const p = s.keyPrefix.join(' ');
    counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  const prefixText = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  const prefix = prefixText ? prefixText.split(' ') : [];
  const sample = settings.find((s) => s.keyPrefix.join(' ') === prefixText && !s.placeholder) ?? settings[0];
  const c = caseOf(sample?.leafKey ?? 'key');
  const last = prefix[prefix.length - 1];
  const taken = new Set(g.keys.map((k) => k.toLowerCase()));
  let candidates = LEAF_WORDS[role];
  // The mysql image's convention: MYSQL_DATABASE rather than MYSQL_NAME.
  if (role === 'database' && (last === 'mysql' || last === 'mariadb')) candidates = [['database'], ['name']];
  for (const words of candidates) {
    const key = renderKey([...prefix, ...words], c);
    if (!taken.has(key.toLowerCase()) && readsAs(key, role, g.ctxDb)) return key;
  }
  return undefined;
}
