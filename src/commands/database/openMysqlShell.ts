import * as vscode from 'vscode';
import type { RdsDatabase } from '../../core/aws/types';
import type { MysqlClient } from '../../core/db/index';
import { shellCaFile } from '../../services/tls';
import type { Deps } from '../deps';
import { databaseOf } from '../resources';

const l = vscode.l10n.t;

type Opened = Awaited<ReturnType<Deps['connections']['forward']>>;

/** Opens the terminal running the client; the forward closes with it (or with the extension). */
async function openShellTerminal(deps: Deps, db: RdsDatabase, client: MysqlClient, opened: Opened, name: string): Promise<vscode.Disposable> {
  const dbCore = deps.core.db();
  const caFile = await shellCaFile(deps.paths, deps.log);
  const current = deps.targets.current;
  const database = current?.host === db.endpoint?.address ? current?.database : undefined;
  const target = dbCore.shellTargetFor(opened.forward, { user: opened.user, database, iamToken: opened.iamToken }, caFile);
  // The password reaches the client through the terminal's environment, never its command line.
  const shell = dbCore.mysqlShellCommand(client, target, opened.password);
  return deps.ui.openTerminal({ name, shellPath: shell.command, shellArgs: [...shell.args], env: shell.env, isTransient: true }, () => {
    void opened.forward.close().then(() => deps.log.info(`Forward to ${db.id} closed`));
  });
}

/** RDS Link: Open MySQL Shell — the `mysql` client in a terminal, over a local forward to the DB. */
export async function openMysqlShell(deps: Deps, node?: unknown): Promise<string> {
  const dbCore = deps.core.db();
  const db = await databaseOf(deps, node, 'shell');
  deps.core.aws().assertUsable(db, 'shell');
  const client = await dbCore.findMysqlClient();
  if (!client) throw new Error(dbCore.mysqlClientMissingMessage());
  const opened = await deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title: l('Connecting to {0}…', db.id), cancellable: true }, (progress, token) =>
    deps.connections.forward(db, { signal: token, report: (m) => progress.report({ message: m }) }),
  );
  const name = `MySQL: ${db.id}`;
  let terminal: vscode.Disposable;
  try {
    terminal = await openShellTerminal(deps, db, client, opened, name);
  } catch (err) {
    await opened.forward.close();
    throw err;
  }
  deps.subscriptions.push(terminal, { dispose: () => void opened.forward.close() });
  deps.log.info(`mysql terminal for ${db.id} via ${opened.forward.host}:${opened.forward.port} (${client.flavor} ${client.version})`);
  return name;
}
