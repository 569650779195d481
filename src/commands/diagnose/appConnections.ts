/** The app's side of the diagnosis: the DB connections the open workspace's config files make. */
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { AppConnection } from '../../core/diagnose/appConfig';
import type { Deps } from '../deps';

const CONFIG_FILES = '**/{.env,.env.*,*.env,*.yaml,*.yml,*.toml,*.json,*.ini,*.conf,*.cfg}';
const NOT_CONFIG = '**/{node_modules,vendor,.git,out,dist}/**';

/**
 * The connections of the config files goconfig detects, or undefined without a folder. `files`
 * gets each such file by the name the report uses, for the "Point the Config at RDS" offer.
 */
export async function appConnections(deps: Pick<Deps, 'files' | 'core'>, files: Map<string, vscode.Uri>): Promise<AppConnection[] | undefined> {
  if (!deps.files.hasFolder()) return undefined;
  const goconfig = deps.core.goconfig();
  const out: AppConnection[] = [];
  for (const uri of await deps.files.findFiles(CONFIG_FILES, NOT_CONFIG, 200)) {
    const text = await deps.files.readText(uri);
    const detection = goconfig.detectConfig(path.basename(uri.fsPath), text);
    if (!detection || detection.failure) continue;
    const fileName = deps.files.asRelativePath(uri);
    files.set(fileName, uri);
    for (const connection of goconfig.effectiveConnections(detection)) if (connection.host) out.push({ fileName, connection });
  }
  return out;
}
