/**
 * The one reader of the rdsLink settings that decide where credentials go. Those are read
 * through `inspect()`, so the code knows which layer a value came from: a user-only setting
 * (core/settingsTrust) is taken from user settings alone, and a workspace's connections entry only
 * when its destination stays the DB's endpoint or a loopback port. What a workspace set and we
 * ignored is logged and shown once per window, with the reason.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { parse } from 'jsonc-parser';
import * as vscode from 'vscode';
import { effectiveConnections, ignoredUserOnly, resolveUserPath, settingKeysIn, userLayerValue, userOnlySettings, type ConnectionSetting, type IgnoredReason, type IgnoredValue, type UserOnlySetting } from '../core/settingsTrust';
import { EXTENSION_ID, Settings } from '../ids';

const l = vscode.l10n.t;

export interface SessionSettings {
  readonly profile: string;
  readonly regions: readonly string[];
  readonly endpointUrl: string;
}

export function readSessionSettings(log: vscode.LogOutputChannel): SessionSettings {
  reportWorkspaceOverrides(log);
  return {
    profile: userSetting(Settings.profile, '').trim(),
    regions: vscode.workspace.getConfiguration(Settings.section).get<string[]>(Settings.regions, []),
    endpointUrl: endpointUrlSetting(),
  };
}

/** A user-only setting: from user settings (else its default), never from a workspace. */
export function userSetting<T>(key: UserOnlySetting, fallback: T): T {
  const value = userLayerValue(vscode.workspace.getConfiguration(Settings.section).inspect<T>(key), fallback);
  return typeof value === typeof fallback ? value : fallback;
}

/** rdsLink.connections: the user's entries, and the workspace's where they are safe. */
export function readConnections(log: vscode.LogOutputChannel): Readonly<Record<string, ConnectionSetting>> {
  const { connections, ignored } = effectiveConnections(vscode.workspace.getConfiguration(Settings.section).inspect<Record<string, unknown>>(Settings.connections));
  reportIgnored(log, ignored);
  return connections;
}

/**
 * Tells the user about every routing value the workspace sets and we ignore. VS Code drops
 * application-scoped values of a workspace before inspect() sees them, so those are found in the
 * workspace's own settings files.
 */
export function reportWorkspaceOverrides(log: vscode.LogOutputChannel): void {
  reportIgnored(log, [...ignoredUserOnly(workspaceSettingKeys()), ...effectiveConnections(vscode.workspace.getConfiguration(Settings.section).inspect<Record<string, unknown>>(Settings.connections)).ignored]);
}

/** The rdsLink keys (without `rdsLink.`) that the workspace's settings files set, dotted or nested. */
function workspaceSettingKeys(): string[] {
  const files = (vscode.workspace.workspaceFolders ?? []).map((f) => ({ uri: vscode.Uri.joinPath(f.uri, '.vscode', 'settings.json'), inner: (o: unknown) => o }));
  const workspaceFile = vscode.workspace.workspaceFile;
  if (workspaceFile) files.push({ uri: workspaceFile, inner: (o: unknown) => (o as { settings?: unknown } | undefined)?.settings });
  const keys: string[] = [];
  for (const { uri, inner } of files) {
    if (uri.scheme !== 'file') continue;
    let text: string;
    try {
      text = fs.readFileSync(uri.fsPath, 'utf8');
    } catch {
      continue; // no settings file: nothing set there
    }
    // Most workspaces never name our settings: nothing to parse then.
    if (!text.includes(Settings.section)) continue;
    keys.push(...settingKeysIn(inner(parse(text, [], { allowTrailingComma: true })), Settings.section));
  }
  return keys;
}

const told = new Set<string>();

function reasonText(reason: IgnoredReason): string {
  switch (reason) {
    case 'userOnly':
      return l('only user settings can set it, since it decides where AWS calls, SSH or a database login go');
    case 'tlsWeakened':
      return l('a workspace cannot turn TLS verification down');
    case 'notLoopback':
      return l('a workspace can choose a local port on this machine only (localhost, 127.0.0.1 or [::1])');
    case 'login':
      return l('a workspace cannot choose the database user or how it logs in');
    case 'invalid':
      return l('it is not a valid entry');
  }
}

/** Logs and shows, once per window, each workspace value that was ignored and why. */
function reportIgnored(log: vscode.LogOutputChannel, ignored: readonly IgnoredValue[]): void {
  const fresh = ignored.filter((i) => !told.has(`${i.key}\n${i.reason}`));
  if (fresh.length === 0) return;
  for (const i of fresh) {
    told.add(`${i.key}\n${i.reason}`);
    log.warn(`Ignored the workspace's ${Settings.section}.${i.key}: ${reasonText(i.reason)}`);
  }
  const list = fresh.map((i) => `${Settings.section}.${i.key} (${reasonText(i.reason)})`).join('; ');
  const openUser = l('Open User Settings');
  void vscode.window.showWarningMessage(l('RDS Link ignored these settings of this workspace, so that a repository cannot decide where your credentials go: {0}. Set them in your user settings if you mean them.', list), openUser).then((choice) => {
    if (choice === openUser) void vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${EXTENSION_ID}`);
  });
}

/** Writes where the user keeps the setting: the workspace when it is set there, else user settings. User-only settings go to user settings. */
export async function writeSetting(key: string, value: unknown): Promise<void> {
  const c = vscode.workspace.getConfiguration(Settings.section);
  const inspected = c.inspect(key);
  const userOnly = (userOnlySettings as readonly string[]).includes(key);
  const target = !userOnly && inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await c.update(key, value, target);
}

/**
 * A file named by a user-only setting, as an absolute path; undefined when the setting is empty.
 * `~` is the home folder; a relative path is refused, since it would resolve inside the workspace.
 */
export function userPathSetting(key: Extract<UserOnlySetting, 'ssh.identityFile' | 'tls.extraCaFile'>): string | undefined {
  const raw = userSetting(key, '').trim();
  if (!raw) return undefined;
  const resolved = resolveUserPath(raw, os.homedir());
  if (!resolved) throw new Error(l('{0}.{1} is "{2}": give an absolute path or one that starts with ~/ (a relative path is refused, so that it never points into the workspace).', Settings.section, key, raw));
  return resolved;
}

export function affectsSession(e: vscode.ConfigurationChangeEvent): boolean {
  return [Settings.profile, Settings.regions, Settings.endpointUrl].some((k) => e.affectsConfiguration(`${Settings.section}.${k}`));
}

/** rdsLink.transitionalPollSeconds, in milliseconds: how often an instance in a transitional state is described. */
export function transitionalPollMs(): number {
  const seconds = vscode.workspace.getConfiguration(Settings.section).get<number>(Settings.transitionalPollSeconds, 5);
  return (typeof seconds === 'number' && seconds > 0 ? seconds : 5) * 1000;
}

/** What `rdsLink.config.maxFileSizeKb` allows, in KB. */
export function maxConfigFileKb(): number {
  const kb = vscode.workspace.getConfiguration(Settings.section).get<number>(Settings.configMaxFileSizeKb, 1024);
  return typeof kb === 'number' && kb >= 1 ? kb : 1024;
}

/** The fleet transport's settings: past `threshold` instances a deploy goes through SSM, its build through `bucket`. */
export interface SsmDeploySettings {
  readonly threshold: number;
  /** '' when unset: an SSM deploy then asks for one (a missing bucket is never created). */
  readonly bucket: string;
}

/** package.json's default (core/deploy/ssmPlan's DEFAULT_SSM_THRESHOLD; not imported, so the main bundle stays without deploy code). */
const DEFAULT_SSM_THRESHOLD = 20;

export function readSsmDeploySettings(): SsmDeploySettings {
  const config = vscode.workspace.getConfiguration(Settings.section);
  const threshold = config.get<number>(Settings.deploySsmThreshold, DEFAULT_SSM_THRESHOLD);
  const bucket = config.get<string>(Settings.deploySsmBucket, '');
  return { threshold: typeof threshold === 'number' && threshold >= 0 ? Math.floor(threshold) : DEFAULT_SSM_THRESHOLD, bucket: typeof bucket === 'string' ? bucket.trim() : '' };
}

/** The settings that decide how an instance is reached over SSH. */
export interface SshSettings {
  readonly insideVpc: boolean;
  readonly osUsers: Readonly<Record<string, string>>;
  /** rdsLink.ssh.hostOverride as typed (user settings only), trimmed; '' when unset. */
  readonly hostOverride: string;
  /** rdsLink.ssh.hostOverrides (user settings only): instance id → "host:port", for sandboxes with several hosts. */
  readonly hostOverrides: Readonly<Record<string, string>>;
  /** rdsLink.ssh.identityFile as an absolute path; undefined when unset. */
  readonly identityFile: string | undefined;
  /**
   * rdsLink.ssh.maxTunnelDuration: how long an EC2 Instance Connect Endpoint tunnel may live,
   * 1–3600 s (AWS's bounds), default 3600. It chooses no destination, so a workspace may set it.
   */
  readonly maxTunnelDurationSeconds: number;
}

const MAX_TUNNEL_SECONDS = 3600;

/** A whole number of seconds in 1–3600; anything else is the default (the most AWS allows). */
function tunnelSeconds(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_TUNNEL_SECONDS ? value : MAX_TUNNEL_SECONDS;
}

/** The string values of an object setting; anything else is dropped. */
function stringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string').map(([k, v]) => [k, v.trim()]));
}

export function readSshSettings(): SshSettings {
  const config = vscode.workspace.getConfiguration(Settings.section);
  return {
    insideVpc: config.get<boolean>(Settings.sshInsideVpc, false),
    osUsers: config.get<Record<string, string>>(Settings.sshOsUsers, {}),
    hostOverride: userSetting(Settings.sshHostOverride, '').trim(),
    hostOverrides: stringMap(userSetting<unknown>(Settings.sshHostOverrides, {})),
    identityFile: userPathSetting(Settings.sshIdentityFile),
    maxTunnelDurationSeconds: tunnelSeconds(config.get<unknown>(Settings.sshMaxTunnelDuration, MAX_TUNNEL_SECONDS)),
  };
}

/** rdsLink.endpointUrl (user settings only), trimmed; '' when unset. */
function endpointUrlSetting(): string {
  return userSetting(Settings.endpointUrl, '').trim();
}

export interface EiceTunnelSettings {
  /** rdsLink.ssh.maxTunnelDuration (1–3600 s). */
  readonly maxTunnelDurationSeconds: number;
  /**
   * rdsLink.endpointUrl when set (LocalStack, a sandbox): AWS is that URL, so the tunnel's
   * websocket goes there too, still signed for the endpoint's own name.
   */
  readonly connectUrl?: string;
}

export function readEiceTunnelSettings(): EiceTunnelSettings {
  const connectUrl = endpointUrlSetting();
  return { maxTunnelDurationSeconds: readSshSettings().maxTunnelDurationSeconds, ...(connectUrl ? { connectUrl } : {}) };
}

/** The settings a command reads and writes, as one object (commands get it in their deps; tests pass their own). */
export interface SettingsAccess {
  /** A user-only setting: from user settings (else its default), never from a workspace. */
  user<T>(key: UserOnlySetting, fallback: T): T;
  write(key: string, value: unknown): Promise<void>;
  /** rdsLink.config.maxFileSizeKb (see maxConfigFileKb). */
  configMaxFileSizeKb(): number;
  /** How an EC2 Instance Connect Endpoint tunnel is dialled and how long it lives (see readEiceTunnelSettings). */
  eiceTunnel(): EiceTunnelSettings;
  /** When a deploy goes through SSM Run Command, and its S3 bucket (see readSsmDeploySettings). */
  ssmDeploy(): SsmDeploySettings;
}

export const vscodeSettings: SettingsAccess = { user: userSetting, write: writeSetting, configMaxFileSizeKb: maxConfigFileKb, eiceTunnel: readEiceTunnelSettings, ssmDeploy: readSsmDeploySettings };
