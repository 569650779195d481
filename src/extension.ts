/**
 * Wiring only: state, views, the commands' deps, and listeners. Nothing here talks to AWS or
 * loads the SDK; the first refresh does, through src/lazy.ts.
 */
import * as vscode from 'vscode';
import type { Deps } from './commands/deps';
import { registerCommands } from './commands/register';
import { reloadAndReport } from './commands/session/reload';
import { ConfigDetections, PointAtRdsProvider, registerConfigDiagnostics } from './codeActions/configFixes';
import { WorkspaceKeyMap } from './codeActions/goKeyMap';
import { describeError } from './core/errors';
import { DIAGNOSIS_SCHEME, DiagnosisReports } from './documents/diagnosisReport';
import { SQL_PREVIEW_SCHEME, SqlPreviews } from './documents/sqlPreview';
import { Views } from './ids';
import { loadAws, loadDb, loadDeploy, loadGoConfig } from './lazy';
import { buildProblems } from './codeActions/buildProblems';
import { Connections } from './services/connections';
import { VscodeInstanceSessions } from './services/instanceSessions';
import { vscodeWorkspace, vscodeWorkspaceFiles } from './services/workspaceFiles';
import { HostKeyMemento } from './state/hostKeys';
import { leftWorkIn } from './state/leftWork';
import { PasswordStore } from './state/passwords';
import { ResourceStore } from './state/resourceStore';
import { trackRunningInstance } from './state/runningInstanceKey';
import { affectsSession, transitionalPollMs, vscodeSettings } from './state/settings';
import { TargetStore } from './state/targets';
import { TransitionPoller } from './state/transitionPoller';
import { Ec2Provider } from './tree/ec2Provider';
import { RdsProvider } from './tree/rdsProvider';
import { createLog } from './ui/log';
import { createSessionStatusBar } from './ui/statusBar';
import { vscodeUserInput } from './ui/userInput';

export function activate(context: vscode.ExtensionContext): void {
  const log = createLog();
  const store = new ResourceStore(log);
  const leftWork = leftWorkIn(context.globalState);
  const ec2 = new Ec2Provider(store, leftWork.instanceWaits);
  const rds = new RdsProvider(store);
  const ec2View = vscode.window.createTreeView(Views.ec2, { treeDataProvider: ec2, showCollapseAll: true, canSelectMany: true });
  const rdsView = vscode.window.createTreeView(Views.rds, { treeDataProvider: rds, showCollapseAll: true });
  ec2.attach(ec2View);
  rds.attach(rdsView);
  const targets = new TargetStore(context.workspaceState);
  const passwords = new PasswordStore(context.secrets);
  const keyMaps = new WorkspaceKeyMap();
  const detections = new ConfigDetections(keyMaps);
  const sql = new SqlPreviews();
  const diagnosis = new DiagnosisReports();
  const ui = vscodeUserInput;
  const deployProblems = vscode.languages.createDiagnosticCollection('rdsLink.deploy');
  const deps: Deps = {
    log,
    ui,
    settings: vscodeSettings,
    store,
    targets,
    passwords,
    hostKeys: new HostKeyMemento(context.globalState),
    globalState: context.globalState,
    leftWork,
    connections: new Connections({ log, store, passwords, state: context.globalState, ui }),
    keyMaps,
    views: { ec2, rds },
    documents: { sql, diagnosis },
    paths: {
      extension: context.extensionPath,
      // Read when a command needs it: the folder may not exist (or be known) at activation.
      get globalStorage() {
        return context.globalStorageUri.fsPath;
      },
    },
    subscriptions: context.subscriptions,
    workspace: vscodeWorkspace,
    core: { aws: loadAws, db: loadDb, goconfig: loadGoConfig, deploy: loadDeploy },
    files: vscodeWorkspaceFiles,
    instanceSessions: new VscodeInstanceSessions({ log, store, globalState: context.globalState }),
    problems: buildProblems(deployProblems),
  };

  context.subscriptions.push(
    log, store, leftWork.databases, leftWork.instanceWaits, ec2, rds, ec2View, rdsView, targets, keyMaps, sql, diagnosis, deployProblems,
    new TransitionPoller(store, log, transitionalPollMs),
    createSessionStatusBar(store),
    trackRunningInstance(store, (key, value) => vscode.commands.executeCommand('setContext', key, value)),
    vscode.workspace.registerTextDocumentContentProvider(SQL_PREVIEW_SCHEME, sql),
    vscode.workspace.registerTextDocumentContentProvider(DIAGNOSIS_SCHEME, diagnosis),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsSession(e)) reloadAndReport(deps).catch((err: unknown) => log.error(`Reloading the views failed: ${describeError(err)}`));
    }),
    registerConfigDiagnostics(detections, targets),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new PointAtRdsProvider(detections, targets), PointAtRdsProvider.metadata),
    ...registerCommands(deps),
  );

  // The first load starts when a view is shown (or a command needs the data), not at activation.
  const loadOnce = (): void => {
    if (store.session.state !== 'idle') return;
    reloadAndReport(deps).catch((err: unknown) => log.error(`Loading the views failed: ${describeError(err)}`));
  };
  if (ec2View.visible || rdsView.visible) loadOnce();
  else {
    const subs = [ec2View, rdsView].map((v) => v.onDidChangeVisibility((e) => e.visible && loadOnce()));
    context.subscriptions.push(...subs);
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
