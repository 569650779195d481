/**
 * Wiring only: views, commands and listeners. Nothing here talks to AWS or loads the SDK; the
 * first refresh does, through src/lazy.ts.
 */
import * as vscode from 'vscode';
import { registerFilterCommands } from './commands/filter';
import { registerLinkCommands } from './commands/link';
import { registerConfigCommands } from './commands/config';
import { registerBlueGreenCommands } from './commands/blueGreen';
import { registerDatabaseCommands } from './commands/database';
import { registerForgetHostKey } from './commands/forgetHostKey';
import { registerDiagnoseCommand } from './commands/diagnoseConnection';
import { registerCreateDatabase } from './commands/createDatabase';
import { ConfigDetections, PointAtRdsProvider, registerConfigDiagnostics } from './codeActions/configFixes';
import { WorkspaceKeyMap } from './codeActions/goKeyMap';
import { PasswordStore } from './state/passwords';
import { TargetStore } from './state/targets';
import type { CommandContext } from './commands/registerCommand';
import { registerResourceActions } from './commands/resourceActions';
import { reloadAndReport, registerSessionCommands } from './commands/session';
import { describeError } from './core/errors';
import { Commands, Views } from './ids';
import { Ec2Provider } from './tree/ec2Provider';
import { RdsProvider } from './tree/rdsProvider';
import { ResourceStore } from './state/resourceStore';
import { TransitionPoller } from './state/transitionPoller';
import { createLog } from './ui/log';
import { affectsSession, transitionalPollMs } from './state/settings';
import { createSessionStatusBar } from './ui/statusBar';

export function activate(context: vscode.ExtensionContext): void {
  const log = createLog();
  const ctx: CommandContext = { extension: context, log };
  const store = new ResourceStore(log);
  const ec2 = new Ec2Provider(store);
  const rds = new RdsProvider(store);
  const ec2View = vscode.window.createTreeView(Views.ec2, { treeDataProvider: ec2, showCollapseAll: true });
  const rdsView = vscode.window.createTreeView(Views.rds, { treeDataProvider: rds, showCollapseAll: true });
  ec2.attach(ec2View);
  rds.attach(rdsView);

  context.subscriptions.push(
    log, store, ec2, rds, ec2View, rdsView,
    new TransitionPoller(store, log, transitionalPollMs),
    createSessionStatusBar(store),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsSession(e)) reloadAndReport(store).catch((err: unknown) => log.error(`Reloading the views failed: ${describeError(err)}`));
    }),
  );

  registerSessionCommands(ctx, store);
  registerResourceActions(ctx, store);
  registerLinkCommands(ctx, store);
  registerBlueGreenCommands(ctx, store);
  registerDiagnoseCommand(ctx, store);

  const targets = new TargetStore(context.workspaceState);
  const passwords = new PasswordStore(context.secrets);
  const keyMaps = new WorkspaceKeyMap();
  const detections = new ConfigDetections(keyMaps);
  registerConfigCommands(ctx, store, targets, passwords, keyMaps);
  registerDatabaseCommands(ctx, store, targets, passwords);
  registerForgetHostKey(ctx);
  registerCreateDatabase(ctx, store, passwords);
  context.subscriptions.push(
    targets,
    keyMaps,
    registerConfigDiagnostics(detections, targets),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new PointAtRdsProvider(detections, targets), PointAtRdsProvider.metadata),
  );
  registerFilterCommands(ctx, ec2, { filter: Commands.filterEc2, clear: Commands.clearEc2Filter });
  registerFilterCommands(ctx, rds, { filter: Commands.filterRds, clear: Commands.clearRdsFilter });

  // The first load starts when a view is shown (or a command needs the data), not at activation.
  const loadOnce = (): void => {
    if (store.session.state !== 'idle') return;
    reloadAndReport(store).catch((err: unknown) => log.error(`Loading the views failed: ${describeError(err)}`));
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
