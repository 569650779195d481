/**
 * The deploy file of a workspace folder: found by its names (DEPLOY_FILE_NAMES), parsed with
 * problems named by line:col, or written by the guided first deploy. The file never holds a
 * secret: deployFileText writes none, and the parser refuses what looks like one.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ec2Instance } from '../../core/aws/types';
import type { DeployFile, InstanceSelector, Strategy } from '../../core/deploy/index';
import { CancelledError } from '../../core/errors';
import { confirmModal } from '../../ui/confirm';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

export interface FoundDeployFile {
  readonly path: string;
  readonly file: DeployFile;
}

type Entries = Awaited<ReturnType<Deps['files']['readDirectory']>>;

/** The deploy file in `folder`, parsed; undefined when there is none. A file with problems is an error naming each line:col. */
export async function readDeployFile(deps: Pick<Deps, 'core' | 'files'>, folder: string, entries?: Entries): Promise<FoundDeployFile | undefined> {
  const core = deps.core.deploy();
  const listed = entries ?? (await deps.files.readDirectory(vscode.Uri.file(folder)));
  const name = core.DEPLOY_FILE_NAMES.find((n) => listed.some((e) => e.name === n && e.kind === 'file'));
  if (!name) return undefined;
  const file = path.join(folder, name);
  const parsed = core.parseDeployFile(await deps.files.readText(vscode.Uri.file(file)));
  if (!parsed.ok) {
    const lines = parsed.problems.map((p) => `${name}:${p.line}:${p.column}: ${p.message}`);
    throw new Error(l('The deploy file has problems, nothing was deployed:\n{0}', lines.join('\n')));
  }
  return { path: file, file: parsed.file };
}

/** The deploy file of `folder`, or the guided first deploy that writes it (one listing of the folder serves both). */
export async function deployFileOrGuide(deps: Pick<Deps, 'ui' | 'store' | 'core' | 'workspace' | 'files'>, folder: string, selected: readonly Ec2Instance[]): Promise<FoundDeployFile> {
  const entries = await deps.files.readDirectory(vscode.Uri.file(folder));
  return (await readDeployFile(deps, folder, entries)) ?? (await guidedDeployFile(deps, folder, selected, entries));
}

async function ask(deps: Pick<Deps, 'ui'>, title: string, value: string, validate: (v: string) => string | undefined, prompt?: string): Promise<string> {
  const typed = await deps.ui.showInputBox({ title, value, ignoreFocusOut: true, validateInput: validate, ...(prompt ? { prompt } : {}) });
  if (typed === undefined) throw new CancelledError();
  return typed.trim();
}

/** Which instances: the selected ones by id, or a tag (`App=goapp`). */
async function askInstances(deps: Pick<Deps, 'ui' | 'store'>, selected: readonly Ec2Instance[]): Promise<InstanceSelector[]> {
  const region = selected[0]?.region ?? deps.store.regions[0] ?? 'us-east-1';
  const ids = selected.length ? selected.map((i) => i.id) : deps.store.allInstances().filter((i) => i.state === 'running').map((i) => i.id);
  const byIds = { label: l('These instances: {0}', ids.join(', ') || l('(none)')), way: 'ids' as const };
  const byTag = { label: l('Every instance with a tag…'), description: 'App=goapp', way: 'tag' as const };
  const choice = await deps.ui.showQuickPick(ids.length ? [byIds, byTag] : [byTag], { title: l('Which instances does the app run on?'), ignoreFocusOut: true });
  if (!choice) throw new CancelledError();
  if (choice.way === 'ids') return [{ region, ids }];
  const tag = await ask(deps, l('The tag of the app\'s instances (Key=Value)'), 'App=goapp', (v) => (/^[^=\s]+=\S*$/.test(v.trim()) ? undefined : l('Enter Key=Value, such as App=goapp')));
  const [key, value] = [tag.slice(0, tag.indexOf('=')), tag.slice(tag.indexOf('=') + 1)];
  return [{ region, tag: { key, value } }];
}

async function askStrategy(deps: Pick<Deps, 'ui'>): Promise<Strategy> {
  const items = [
    { label: l('Rolling, one instance at a time'), strategy: { kind: 'rolling', batch: { count: 1 }, onFailure: 'rollback' } as Strategy },
    { label: l('Rolling, half at a time'), strategy: { kind: 'rolling', batch: { percent: 50 }, onFailure: 'rollback' } as Strategy },
    { label: l('Canary: one instance first, watched for 60 s, then the rest one at a time'), strategy: { kind: 'canary', canary: { count: 1 }, bakeSeconds: 60, batch: { count: 1 }, onFailure: 'rollback' } as Strategy },
    { label: l('Big Bang: every instance at once'), strategy: { kind: 'bigBang', onFailure: 'rollback' } as Strategy },
  ];
  const choice = await deps.ui.showQuickPick(items, { title: l('How should a deploy roll out?'), ignoreFocusOut: true });
  if (!choice) throw new CancelledError();
  return choice.strategy;
}

/** Shipped beside the binary: the config files and the templates/static folders found in the folder, as the person picks them. */
async function askFiles(deps: Pick<Deps, 'ui'>, entries: Entries): Promise<string[]> {
  const config = /^(config|app)\.(ya?ml|json|toml)$/;
  const candidates = entries.filter((e) => (e.kind === 'file' && config.test(e.name)) || (e.kind === 'folder' && (e.name === 'templates' || e.name === 'static'))).map((e) => e.name).sort();
  if (candidates.length === 0) return [];
  const picked = await deps.ui.showQuickPickMany(candidates.map((f) => ({ label: f, picked: f.startsWith('config.') })), { title: l('Files to ship beside the binary'), ignoreFocusOut: true });
  if (!picked) throw new CancelledError();
  return picked.map((p) => p.label);
}

/** The guided first deploy: asks, shows the file, writes it on accept. Returns the parsed file. */
async function guidedDeployFile(deps: Pick<Deps, 'ui' | 'store' | 'core' | 'workspace'>, folder: string, selected: readonly Ec2Instance[], entries: Entries): Promise<FoundDeployFile> {
  const core = deps.core.deploy();
  const service = await ask(deps, l('Service name on the instances'), path.basename(folder).toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^[^a-z]+/, '') || 'goapp', (v) => (/^[a-z][a-z0-9-]{0,31}$/.test(v.trim()) ? undefined : l('Lower-case letters, digits and dashes, starting with a letter (at most 32)')), l('It names the systemd unit, /opt/<service> and the system user.'));
  const buildPackage = await ask(deps, l('The Go package to build'), '.', (v) => (v.trim() && !v.includes('..') && !v.startsWith('/') ? undefined : l('A package inside the project, such as . or ./cmd/server')));
  const port = Number(await ask(deps, l('The port the app listens on'), '8080', (v) => (/^\d{1,5}$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 65535 ? undefined : l('A port from 1 to 65535'))));
  const healthPath = await ask(deps, l('The health check path'), core.DEPLOY_DEFAULTS.healthPath, (v) => (/^\/\S*$/.test(v.trim()) ? undefined : l('A path starting with /, such as /healthz')));
  const instances = await askInstances(deps, selected);
  const files = await askFiles(deps, entries);
  const strategy = await askStrategy(deps);
  const text = core.deployFileText({ service, port, instances, files, strategy, buildPackage, healthPath });
  const parsed = core.parseDeployFile(text);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.line}:${p.column}: ${p.message}`).join('\n'));
  const name = core.DEPLOY_FILE_NAMES[0];
  await confirmModal(deps.ui, l('Write {0}? Commit it: teammates then deploy the same way.', name), text, l('Write and Deploy'));
  const file = path.join(folder, name);
  await deps.workspace.writeFile(vscode.Uri.file(file), Buffer.from(text, 'utf8'));
  return { path: file, file: parsed.file };
}
