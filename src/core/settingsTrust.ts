/**
 * Which settings layer may decide what. A cloned repository's `.vscode/settings.json` (the
 * workspace layer) must never choose where an AWS call, an SSH login or a database password
 * goes: those settings are `application`-scoped in package.json and read here from user
 * settings only. (Not `machine`: the extension runs as a remote extension in code-server and
 * Remote-SSH, and there VS Code ignores `machine` values in user settings; checked in
 * code-server 4.96.)
 *
 * One routing setting stays open to the workspace, because a per-project value is useful: the
 * route per DB in `rdsLink.connections`. A workspace entry is honoured only when its destination
 * stays the DB's own endpoint (`auto`, `direct`, `sshTunnel` through a linked instance) or a
 * loopback port with verified TLS, and it names no other login. Pure: the VS Code layer hands in
 * what `WorkspaceConfiguration.inspect()` returned.
 */
import * as path from 'node:path';

/** Settings (under `rdsLink.`) only user settings can set. */
export const userOnlySettings = ['profile', 'endpointUrl', 'ssh.hostOverride', 'ssh.hostOverrides', 'ssh.identityFile', 'tls.extraCaFile'] as const;
export type UserOnlySetting = (typeof userOnlySettings)[number];

/** The layers of one setting, as `WorkspaceConfiguration.inspect()` returns them. */
export interface Layers<T> {
  readonly defaultValue?: T;
  readonly globalValue?: T;
  readonly workspaceValue?: T;
  readonly workspaceFolderValue?: T;
}

/** One entry of rdsLink.connections, keyed by DB id. */
export interface ConnectionSetting {
  readonly route?: 'auto' | 'direct' | 'sshTunnel' | 'localPort';
  readonly localPort?: string;
  readonly instanceId?: string;
  readonly tls?: 'verify' | 'unverified' | 'off';
  readonly auth?: 'password' | 'iam';
  readonly user?: string;
}

/**
 * Why a workspace value was not used: `userOnly` (the setting is for user settings only),
 * `tlsWeakened` (TLS other than verify), `notLoopback` (a local port on another host, or not
 * host:port), `login` (another user or auth method), `invalid` (not an entry of the documented shape).
 */
export type IgnoredReason = 'userOnly' | 'tlsWeakened' | 'notLoopback' | 'login' | 'invalid';

export interface IgnoredValue {
  /** The setting without `rdsLink.`, with the DB id for a connections entry: `connections.goapp-db`. */
  readonly key: string;
  readonly reason: IgnoredReason;
}

/** A user-only setting's value: user settings, else the default. A workspace value never counts. */
export function userLayerValue<T>(layers: Layers<T> | undefined, fallback: T): T {
  return layers?.globalValue ?? layers?.defaultValue ?? fallback;
}

/** `port`, `localhost:port`, `127.x.y.z:port` or `[::1]:port`: a port on this machine. */
export function isLoopbackHostPort(text: string): boolean {
  const m = /^(?:(?:localhost|127(?:\.\d{1,3}){3}|\[::1\]):)?(\d{1,5})$/.exec(text.trim());
  return m !== null && Number(m[1]) >= 1 && Number(m[1]) <= 65535;
}

const workspaceRoutes = new Set(['auto', 'direct', 'sshTunnel', 'localPort']);

/** Why a workspace's connections entry cannot be honoured; undefined when it can. */
export function workspaceEntryProblem(entry: unknown): IgnoredReason | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'invalid';
  const e = entry as Record<string, unknown>;
  if (e.tls !== undefined && e.tls !== 'verify') return 'tlsWeakened';
  if (e.user !== undefined || e.auth !== undefined) return 'login';
  if (e.route !== undefined && !workspaceRoutes.has(String(e.route))) return 'invalid';
  if (e.localPort !== undefined && (typeof e.localPort !== 'string' || !isLoopbackHostPort(e.localPort))) return 'notLoopback';
  return undefined;
}

/**
 * rdsLink.connections as used: the user's entries, and on top a workspace entry that passes
 * workspaceEntryProblem (the folder's over the workspace's). A workspace entry that changes the
 * route also takes the TLS choice away from the user's entry: the user's `tls: off` was meant for
 * the user's own port, not for one the workspace picked.
 */
export function effectiveConnections(layers: Layers<Record<string, unknown>> | undefined): { connections: Record<string, ConnectionSetting>; ignored: IgnoredValue[] } {
  const connections: Record<string, ConnectionSetting> = {};
  const ignored: IgnoredValue[] = [];
  for (const [id, entry] of Object.entries(layers?.globalValue ?? {})) {
    if (typeof entry === 'object' && entry !== null) connections[id] = entry as ConnectionSetting;
  }
  for (const layer of [layers?.workspaceValue, layers?.workspaceFolderValue]) {
    for (const [id, entry] of Object.entries(layer ?? {})) {
      const problem = workspaceEntryProblem(entry);
      if (problem) {
        ignored.push({ key: `connections.${id}`, reason: problem });
        continue;
      }
      const own = entry as ConnectionSetting;
      const base = connections[id] ?? {};
      const rerouted = own.route !== undefined || own.localPort !== undefined || own.instanceId !== undefined;
      const { tls: _userTls, ...rest } = base;
      connections[id] = { ...(rerouted ? rest : base), ...own };
    }
  }
  return { connections, ignored };
}

/** The user-only settings that a workspace layer sets, each with reason `userOnly`. */
export function ignoredUserOnly(workspaceKeys: Iterable<string>): IgnoredValue[] {
  const keys = new Set(workspaceKeys);
  return userOnlySettings.filter((k) => keys.has(k)).map((key) => ({ key, reason: 'userOnly' as const }));
}

/**
 * The keys under `section` (without it) that a parsed settings file sets, written dotted
 * (`"rdsLink.ssh.hostOverride"`) or nested (`{ "rdsLink": { "ssh": { "hostOverride": … } } }`):
 * VS Code reads both forms.
 */
export function settingKeysIn(settings: unknown, section: string): string[] {
  const keys: string[] = [];
  const walk = (value: unknown, prefix: string): void => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    for (const [k, v] of Object.entries(value)) {
      const key = prefix ? `${prefix}.${k}` : k;
      keys.push(key);
      walk(v, key);
    }
  };
  walk(settings, '');
  const prefix = `${section}.`;
  return [...new Set(keys.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)))];
}

/**
 * A file path from a user setting: `~` and `~/…` start at the home folder, an absolute path is
 * used as it is. A relative path is refused (undefined): resolved from the workspace folder, a
 * repository could supply its own CA or key.
 */
export function resolveUserPath(raw: string, home: string): string | undefined {
  const s = raw.trim();
  if (s === '~' || s.startsWith('~/')) return path.join(home, s.slice(1));
  return path.isAbsolute(s) ? path.normalize(s) : undefined;
}
