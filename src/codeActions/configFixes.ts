/**
 * Diagnostics and code actions over the Go project's DB config files. A thin adapter: the core
 * (loaded on first use) finds the settings and computes the edits; this file maps offsets to
 * ranges, keeps one detection per document version, and offers the fix.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConfigSetting, Detection, DetectionCache } from '../core/goconfig/index';
import { Commands, Settings } from '../ids';
import { configFormatOf } from '../core/goconfig/format';
import { loadGoConfig } from '../lazy';
import { targetKey, type TargetStore, type WorkspaceTarget } from '../state/targets';
import { maxConfigFileKb } from '../state/settings';
import type { WorkspaceKeyMap } from './goKeyMap';

const l = vscode.l10n.t;
export const DIAGNOSTIC_CODE = 'rdsLink.notRds';
/** The one diagnostic of a config file too large to read. */
export const SKIPPED_CODE = 'rdsLink.configSkipped';
export const POINT_AT_RDS_KIND = vscode.CodeActionKind.Source.append('rdsLink.pointAtRds');
const RDS_HOST = /\.rds\.amazonaws\.com(\.cn)?$/i;

/** The host a setting names, when it names one. */
function hostOf(s: ConfigSetting): string | undefined {
  if (s.role === 'host') return s.value;
  if (s.role === 'hostPort') return s.value.replace(/:\d+$/, '');
  if (s.role === 'dsn' || s.role === 'url') return s.dsn?.host;
  return undefined;
}

/** Why a file was not read, when it is over the size limit; undefined when it is within it. */
export function oversizeReason(doc: vscode.TextDocument, limitKb = maxConfigFileKb()): string | undefined {
  // Characters first: a file within the limit in UTF-16 units may still be over it in UTF-8 bytes.
  if (doc.getText().length <= (limitKb * 1024) / 3) return undefined;
  const kb = Math.ceil(Buffer.byteLength(doc.getText(), 'utf8') / 1024);
  if (kb <= limitKb) return undefined;
  return l('RDS Link did not read {0} for database settings: {1} KB is over the limit of {2} KB (setting rdsLink.config.maxFileSizeKb).', path.basename(doc.fileName), kb, limitKb);
}

/** A document the detection reads: on disk or new, and named like a config file (decided from the name alone, so other files never load the goconfig bundle). */
function isConfigDocument(doc: vscode.TextDocument): boolean {
  return (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled' || doc.uri.scheme === 'vscode-remote') && !!configFormatOf(doc.fileName);
}

export class ConfigDetections {
  private cache: DetectionCache | undefined;
  /** The size verdict per document version, so a cursor move does not measure the text again. */
  private readonly sizes = new Map<string, { readonly version: number; readonly reason?: string }>();

  /** Why the document is skipped (over the size limit), or undefined. */
  skipped(doc: vscode.TextDocument): string | undefined {
    const key = doc.uri.toString();
    const hit = this.sizes.get(key);
    if (hit && hit.version === doc.version) return hit.reason;
    const reason = oversizeReason(doc);
    this.sizes.set(key, { version: doc.version, reason });
    return reason;
  }

  /** `keyMaps`: the workspace's Go code map, scanned in the background from the first config file on. */
  constructor(readonly keyMaps?: WorkspaceKeyMap) {}

  /** The detection for the document's current version; parses only on a new version. */
  get(doc: vscode.TextDocument): Detection | undefined {
    if (!isConfigDocument(doc) || this.skipped(doc)) return undefined;
    const core = loadGoConfig();
    this.cache ??= new core.DetectionCache();
    this.keyMaps?.start();
    return this.cache.get(doc.uri.toString(), doc.version, doc.fileName, () => doc.getText(), this.keyMaps?.current());
  }

  forget(doc: vscode.TextDocument): void {
    this.cache?.delete(doc.uri.toString());
    this.sizes.delete(doc.uri.toString());
  }

  /** The size limit changed: measure again. */
  resetSizes(): void {
    this.sizes.clear();
  }
}

/** Which settings get a diagnostic: off the workspace's target, or (without one) not on RDS. */
export function offTargetSettings(d: Detection, target: WorkspaceTarget | undefined): ConfigSetting[] {
  if (d.failure) return [];
  if (target) return loadGoConfig().settingsOffTarget(d, target).filter((s) => s.role !== 'password');
  return d.settings.filter((s) => {
    const host = hostOf(s);
    return host !== undefined && !RDS_HOST.test(host);
  });
}

export function registerConfigDiagnostics(detections: ConfigDetections, targets: TargetStore): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('rdsLink');
  const timers = new Map<string, NodeJS.Timeout>();

  const update = (doc: vscode.TextDocument): void => {
    const d = detections.get(doc);
    if (!d) {
      const skipped = isConfigDocument(doc) ? detections.skipped(doc) : undefined;
      if (skipped) {
        const diag = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), skipped, vscode.DiagnosticSeverity.Information);
        diag.code = SKIPPED_CODE;
        diag.source = 'RDS Link';
        collection.set(doc.uri, [diag]);
      } else collection.delete(doc.uri);
      return;
    }
    const target = targets.current;
    const diagnostics = offTargetSettings(d, target).map((s) => {
      const range = new vscode.Range(doc.positionAt(s.tokenSpan.start), doc.positionAt(s.tokenSpan.end));
      const message = target
        ? l('{0} points at {1}, not at the RDS database {2} ({3}).', s.key, s.role === 'password' ? '…' : describeValue(s), target.label, target.database)
        : l('{0} points at {1}, not at an RDS database.', s.key, hostOf(s) ?? s.value);
      const diag = new vscode.Diagnostic(range, message, vscode.DiagnosticSeverity.Hint);
      diag.code = DIAGNOSTIC_CODE;
      diag.source = 'RDS Link';
      return diag;
    });
    collection.set(doc.uri, diagnostics);
  };
  const schedule = (doc: vscode.TextDocument): void => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      update(doc);
    }, 250));
  };

  for (const doc of vscode.workspace.textDocuments) schedule(doc);
  return vscode.Disposable.from(
    collection,
    vscode.workspace.onDidOpenTextDocument(schedule),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      const key = doc.uri.toString();
      clearTimeout(timers.get(key));
      timers.delete(key);
      collection.delete(doc.uri);
      detections.forget(doc);
    }),
    targets.onDidChange(() => vscode.workspace.textDocuments.forEach(update)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(`${Settings.section}.${Settings.configMaxFileSizeKb}`)) return;
      detections.resetSizes();
      vscode.workspace.textDocuments.forEach(update);
    }),
    ...(detections.keyMaps ? [detections.keyMaps.onDidChange(() => vscode.workspace.textDocuments.forEach(update))] : []),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
}

function describeValue(s: ConfigSetting): string {
  // A DSN's password is never echoed into a diagnostic.
  if (s.dsn) return s.dsn.host ? `${s.dsn.host}${s.dsn.port ? `:${s.dsn.port}` : ''}` : s.key;
  return s.value;
}

export class PointAtRdsProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, POINT_AT_RDS_KIND],
  };

  constructor(private readonly detections: ConfigDetections, private readonly targets: TargetStore) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.code === DIAGNOSTIC_CODE);
    const wantsSource = !context.only || context.only.contains(POINT_AT_RDS_KIND) || POINT_AT_RDS_KIND.contains(context.only);
    if (ours.length === 0 && !wantsSource) return [];
    const d = this.detections.get(doc);
    if (!d || d.failure || d.settings.length === 0) return [];
    const actions: vscode.CodeAction[] = [];
    const known = this.targets.known;
    const current = this.targets.current;
    // A fix on a setting in one environment block (`staging:`) patches that block only; the source action asks.
    const scope = ours.length ? blockScope(d, doc, ours[0].range.intersection(range) ?? ours[0].range) : undefined;
    const make = (title: string, kind: vscode.CodeActionKind, target: WorkspaceTarget | undefined, preferred: boolean): vscode.CodeAction => {
      const a = new vscode.CodeAction(title, kind);
      const args: unknown[] = [doc.uri, target ?? 'pick'];
      if (kind === vscode.CodeActionKind.QuickFix && scope) args.push(scope);
      a.command = { command: Commands.patchConfig, title, arguments: args };
      if (kind === vscode.CodeActionKind.QuickFix) a.diagnostics = ours;
      a.isPreferred = preferred;
      return a;
    };
    if (ours.length) {
      for (const t of known) {
        actions.push(make(l('Point at RDS {0} ({1})', t.label, t.database), vscode.CodeActionKind.QuickFix, t, !!current && targetKey(t) === targetKey(current)));
      }
      actions.push(make(l('Point at an RDS database…'), vscode.CodeActionKind.QuickFix, undefined, known.length === 0));
    }
    if (wantsSource) {
      const t = current ?? known[0];
      actions.push(make(t ? l('Point at RDS {0} ({1})', t.label, t.database) : l('Point at an RDS database…'), POINT_AT_RDS_KIND, t, false));
    }
    return actions;
  }
}

/** The environment block of the setting under a diagnostic, as patchConfig's scope argument. */
function blockScope(d: Detection, doc: vscode.TextDocument, at: vscode.Range): { groups: readonly string[] } | undefined {
  const core = loadGoConfig();
  const setting = core.settingsInRange(d, doc.offsetAt(at.start), doc.offsetAt(at.end))[0];
  if (!setting) return undefined;
  // Which block is preferred does not matter here, so the file's text is not searched for a run mode.
  const block = core.blockOf(core.environmentBlocks(d, ''), setting.group);
  return block ? { groups: block.groups } : undefined;
}
