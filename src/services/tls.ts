/**
 * rdsLink.tls.extraCaFile: CAs trusted besides the RDS bundle (a private CA in front of RDS, or
 * the sandbox's own). Verification stays on either way: chain and endpoint name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VerifiedTls } from '../core/db/index';
import { Settings } from '../ids';
import { loadDb } from '../lazy';
import { reportWorkspaceOverrides, userPathSetting } from '../state/settings';

const l = vscode.l10n.t;

/**
 * The PEM certificates of the extra CA file (user settings only; an absolute path or `~/…`);
 * undefined when the setting is empty.
 */
function readExtraCas(log: vscode.LogOutputChannel): readonly string[] | undefined {
  reportWorkspaceOverrides(log);
  const file = userPathSetting(Settings.tlsExtraCaFile);
  if (!file) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(l('rdsLink.tls.extraCaFile: {0} cannot be read ({1}).', file, (err as Error).message), { cause: err });
  }
  const certs = loadDb().pemCertificates(text);
  if (certs.length === 0) throw new Error(l('rdsLink.tls.extraCaFile: {0} holds no PEM certificate (-----BEGIN CERTIFICATE-----).', file));
  return certs;
}

/** The TLS of the routes: the RDS bundle, plus the extra CAs when set; undefined means the RDS bundle alone. */
export function routeTls(log: vscode.LogOutputChannel): VerifiedTls | undefined {
  const extra = readExtraCas(log);
  return extra ? loadDb().verifyWithExtraCas(extra) : undefined;
}

/**
 * The CA file for the `mysql` terminal: the shipped RDS bundle, or, with extra CAs, a copy of it
 * with them appended in the extension's storage (the client takes one file).
 */
export async function shellCaFile(paths: { readonly extension: string; readonly globalStorage: string }, log: vscode.LogOutputChannel): Promise<string> {
  const bundle = path.join(paths.extension, 'media', 'certs', 'rds-global-bundle.pem');
  const extra = readExtraCas(log);
  if (!extra) return bundle;
  const dir = paths.globalStorage;
  await fs.promises.mkdir(dir, { recursive: true });
  const combined = path.join(dir, 'rds-bundle-and-extra-ca.pem');
  await fs.promises.writeFile(combined, `${await fs.promises.readFile(bundle, 'utf8')}${extra.join('')}`);
  return combined;
}
