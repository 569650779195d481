/**
 * "Done" only when it is true: after a patch, read the patched text again, compute the
 * connection each patched group now makes, and say what still points elsewhere.
 */
import { t } from '../l10n';
import { detectConfig, internalGroups, internalSettings, whyNothing } from './detect';
import { DEFAULT_PORT, joinHostPort, splitHostPort } from './dsn';
import { baseName } from './format';
import type { KeyMap } from './keymap';
import type { InternalGroup } from './model';
import { isOnTarget, roleName, wanted } from './patch';
import type {
  ConfigSetting, DbTarget, Detection, EffectiveConnection, PatchOptions, PatchPlan, PatchVerdict, StillElsewhere,
} from './types';

/** The connection each group makes, as the file reads now (only the groups asked for, when given). */
export function effectiveConnections(detection: Detection, groups?: readonly string[]): EffectiveConnection[] {
  const only = groups ? new Set(groups) : undefined;
  const settings = internalSettings(detection);
  return internalGroups(detection)
    .filter((g) => !only || only.has(g.id))
    .map((g) => connectionOf(g, settings.filter((s) => s.group === g.id)));
}

function connectionOf(g: InternalGroup, settings: readonly ConfigSetting[]): EffectiveConnection {
  let host: string | undefined;
  let port: number | undefined;
  let user: string | undefined;
  let database: string | undefined;
  for (const s of settings) {
    switch (s.role) {
      case 'host':
        host = s.value;
        break;
      case 'hostPort': {
        const hp = splitHostPort(s.value);
        host = hp?.host ?? s.value;
        if (hp?.port !== undefined) port = hp.port;
        break;
      }
      case 'port':
        port = Number(s.value);
        break;
      case 'user':
        user = s.value;
        break;
      case 'database':
        database = s.value;
        break;
      case 'dsn':
      case 'url': {
        const d = s.dsn;
        if (!d) break;
        host = d.net === 'unix' ? `unix(${d.host ?? ''})` : d.host;
        port = d.port;
        user = d.user;
        if (!s.databaseElsewhere) database = d.database;
        break;
      }
      default:
        break;
    }
  }
  const portLeftAlone = g.leftAlone.some((a) => a.role === 'port');
  if (host !== undefined && port === undefined && !portLeftAlone && !host.startsWith('unix(')) port = DEFAULT_PORT;
  return { group: g.id, label: g.label, host, port, user, database };
}

function shown(s: ConfigSetting): string {
  // A DSN's password never reaches a message.
  if (s.dsn) return s.dsn.host ? joinHostPort(s.dsn.host, s.dsn.port ?? DEFAULT_PORT) : s.key;
  return s.value === '' ? '""' : s.value;
}

function valueMessage(s: ConfigSetting): string {
  switch (s.role) {
    case 'password':
      return t('{0} is not the RDS password yet.', s.key);
    case 'host':
    case 'hostPort':
    case 'dsn':
    case 'url':
      return t('{0} still points at {1}.', s.key, shown(s));
    default:
      return t('{0} is still {1}.', s.key, shown(s));
  }
}

/** The roles a left-alone key decides, unless a setting of the group already covers them. */
function uncovered(g: InternalGroup): InternalGroup['leftAlone'] {
  const roles = new Set(g.roles);
  if (roles.has('dsn') || roles.has('url')) return [];
  return g.leftAlone.filter((a) => {
    if (a.role === 'password' || a.role === 'dsn' || a.role === 'url') return false;
    if ((a.role === 'host' || a.role === 'port') && roles.has('hostPort')) return false;
    return true;
  });
}

/**
 * Reads the patched text again and judges the patch: `onTarget` only when every group it
 * patched now reads as the target, with nothing of those groups taken from outside the file.
 */
export function verifyPatch(before: Detection, plan: PatchPlan, patchedText: string, target: DbTarget, options: PatchOptions & { readonly keyMap?: KeyMap } = {}): PatchVerdict {
  const only = options.groups ? new Set(options.groups) : undefined;
  const scoped = before.settings.filter((s) => !only || only.has(s.group));
  if (scoped.length === 0) return { kind: 'nothing', ...whyNothing(before) };
  const after = detectConfig(before.fileName, patchedText, before.format, { keyMap: options.keyMap });
  if (!after || after.failure) {
    // The patch never makes a file unreadable (the fuzz tests hold it to that); say so if it ever does.
    return { kind: 'nothing', message: t('{0} no longer reads after the patch; undo it and change the file by hand.', baseName(before.fileName)) };
  }
  // Group ids can hold offsets (Go literals), so the patched groups are found again by their keys.
  const keys = new Set(scoped.map((s) => s.key));
  const afterSettings = internalSettings(after);
  const groups = internalGroups(after).filter((g) => (only ? only.has(g.id) : true) || afterSettings.some((s) => s.group === g.id && keys.has(s.key)));
  const inScope = new Set(groups.map((g) => g.id));
  const cannotWrite = new Map(plan.warnings.filter((w) => w.code === 'cannotWrite' && w.key).map((w) => [w.key!, w.message]));

  const elsewhere: StillElsewhere[] = [];
  for (const s of afterSettings) {
    if (!inScope.has(s.group) || isOnTarget(s, target)) continue;
    elsewhere.push({ key: s.key, role: s.role, why: 'value', message: cannotWrite.get(s.key) ?? valueMessage(s) });
  }
  for (const m of plan.missing) {
    const g = internalGroups(before).find((x) => x.id === m.group);
    if (only && !only.has(m.group)) continue;
    const label = g?.label ?? m.group;
    const message = m.from
      ? t('{0} has no {1} setting: the app reads it from the environment variable {2}; set it there.', label, roleName(m.role), m.from)
      : t('{0} has no {1} setting, so the app takes it from elsewhere.', label, roleName(m.role));
    elsewhere.push({ key: label, role: m.role, why: 'missing', message });
  }
  for (const g of groups) {
    for (const a of uncovered(g)) {
      const value = wanted(a, target) ?? '';
      elsewhere.push({ key: a.key, role: a.role, why: 'outside', message: t('{0} comes from outside this file (an environment variable, another key or the calling code): set it to {1} where it is set.', a.key, value) });
    }
  }
  const connections = effectiveConnections(after, [...inScope]);
  if (elsewhere.length === 0) return { kind: 'onTarget', connections };
  if (plan.edits.length === 0) return { kind: 'nothing', key: elsewhere[0].key, message: elsewhere[0].message };
  const message = t('{0} points at {1} only in part: {2}', baseName(before.fileName), target.host, elsewhere.map((e) => e.message).join(' '));
  return { kind: 'partial', connections, elsewhere, message };
}
