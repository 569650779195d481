import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Settings } from '../ids';

export interface SessionSettings {
  readonly profile: string;
  readonly regions: readonly string[];
  readonly endpointUrl: string;
}

export function readSessionSettings(): SessionSettings {
  const c = vscode.workspace.getConfiguration(Settings.section);
  return {
    profile: c.get<string>(Settings.profile, '').trim(),
    regions: c.get<string[]>(Settings.regions, []),
    endpointUrl: c.get<string>(Settings.endpointUrl, '').trim(),
  };
}

/** Writes where the user keeps the setting: the workspace when it is set there, else user settings. */
export async function writeSetting(key: string, value: unknown): Promise<void> {
  const c = vscode.workspace.getConfiguration(Settings.section);
  const inspected = c.inspect(key);
  const target = inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await c.update(key, value, target);
}

/** A path from a setting: `~` is the home folder, a relative path starts at the workspace folder. */
export function resolvePathSetting(raw: string): string {
  const expanded = raw === '~' || raw.startsWith('~/') ? path.join(os.homedir(), raw.slice(1)) : raw;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
  return path.resolve(base, expanded);
}

export function affectsSession(e: vscode.ConfigurationChangeEvent): boolean {
  return [Settings.profile, Settings.regions, Settings.endpointUrl].some((k) => e.affectsConfiguration(`${Settings.section}.${k}`));
}
