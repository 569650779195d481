/**
 * Creating the app's database on the RDS server (with an optional least-privilege user and the
 * project's schema SQL), a mysql terminal, and forgetting a stored password.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AppUser, MigrationPlan, MigrationResult } from '../core/db/index';
import type { DbFeature } from '../core/aws/index';
import type { RdsDatabase } from '../core/aws/types';
import { CancelledError } from '../core/errors';
import { Commands } from '../ids';
import { loadAws, loadDb } from '../lazy';
import { DatabaseNode } from '../tree/nodes';
import type { ResourceStore } from '../state/resourceStore';
import { Connections } from '../services/connections';
import { endpointPasswordKey, type PasswordStore } from '../state/passwords';
import type { SqlPreviews } from '../documents/sqlPreview';
import { shellCaFile } from '../services/tls';
import { confirmModal } from '../ui/confirm';
import { findDatabase, pickDatabase, type PickOptions } from '../ui/pickers';
import type { TargetStore } from '../state/targets';
import { registerCommand, type CommandContext } from './registerCommand';
import { vscodeUserInput } from '../ui/userInput';

const l = vscode.l10n.t;

/** The automation form: prompts for nothing. */
export interface CreateSchemaArgs {
  readonly region: string;
  readonly database: { readonly kind: 'instance' | 'cluster'; readonly id: string };
  readonly name: string;
  readonly appUser?: string;
  readonly runMigrations?: boolean;
  readonly useInWorkspace?: boolean;
  /** When the app user exists already: give it a new password (true) or leave it as it is. */
  readonly resetAppUserPassword?: boolean;
}

export interface CreateSchemaOutcome {
  readonly database: string;
  readonly created: boolean;
  readonly collation: string;
  readonly appUser?: string;
  readonly migrations?: MigrationResult;
}

function isArgs(x: unknown): x is CreateSchemaArgs {
  return !!x && typeof x === 'object' && 'name' in x && 'database' in x && 'region' in x;
}

/** The picker's rule for a feature: DBs it cannot use are shown last, with the reason. */
const usableFor = (feature: DbFeature): PickOptions<RdsDatabase> => ({ refusal: (d) => loadAws().dbRefusal(d, feature)?.message });

/** A default database name from the Go module path ("example.com/goapp" → goapp). */
function suggestedName(targets: TargetStore): string {
  if (targets.current) return targets.current.database;
  const folder = vscode.workspace.workspaceFolders?.[0]?.name ?? 'app';
  return folder.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64) || 'app';
}

export function registerDatabaseCommands(ctx: CommandContext, store: ResourceStore, targets: TargetStore, passwords: PasswordStore, previews: SqlPreviews): void {
  const c = new Connections({ log: ctx.log, store, passwords, state: ctx.extension.globalState, ui: vscodeUserInput });

  registerCommand(ctx, Commands.createSchema, async (nodeOrArgs?: unknown): Promise<CreateSchemaOutcome> => {
    const dbCore = loadDb();
    const args = isArgs(nodeOrArgs) ? nodeOrArgs : undefined;
    const db = args ? await findDatabase(vscodeUserInput, store, { region: args.region, ...args.database }) : nodeOrArgs instanceof DatabaseNode ? nodeOrArgs.db : await pickDatabase(vscodeUserInput, store, usableFor('schema'));
    loadAws().assertUsable(db, 'schema');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;

    let name: string;
    let appUser: string | undefined;
    let migrations: MigrationPlan | undefined;
    if (args) {
      const check = dbCore.validateDatabaseName(args.name);
      if (!check.ok) throw new Error(check.reason);
      name = args.name;
      appUser = args.appUser;
      migrations = args.runMigrations && folder ? await dbCore.discoverMigrations(folder) : undefined;
    } else {
      const typed = await vscode.window.showInputBox({
        title: l('Create a database on {0}', db.id),
        prompt: l('The database (schema) for the app: CREATE DATABASE IF NOT EXISTS … CHARACTER SET utf8mb4'),
        value: suggestedName(targets),
        ignoreFocusOut: true,
        validateInput: (v) => {
          const check = dbCore.validateDatabaseName(v);
          return check.ok ? undefined : check.reason;
        },
      });
      if (typed === undefined) throw new CancelledError();
      name = typed;
      const found = folder ? await dbCore.discoverMigrations(folder) : undefined;
      const options: (vscode.QuickPickItem & { id: 'user' | 'sql' })[] = [
        { id: 'user', label: l('Create an app user'), detail: l('A user with a generated password and rights on {0} only; the password goes to VS Code\'s secret storage and the config quick-fix.', name), picked: true },
        ...(found?.files.length ? [{ id: 'sql' as const, label: l('Run the project\'s schema SQL ({0} files)', found.files.length), detail: found.files.map((f) => f.path).join(', '), picked: true }] : []),
      ];
      const picked = await vscode.window.showQuickPick(options, { title: l('Also, on {0}:', db.id), canPickMany: true, ignoreFocusOut: true });
      if (!picked) throw new CancelledError();
      if (picked.some((p) => p.id === 'user')) {
        const user = await vscode.window.showInputBox({
          title: l('App user name'),
          value: `${name}_app`.slice(0, 32),
          ignoreFocusOut: true,
          validateInput: (v) => {
            const check = dbCore.validateUserName(v, db.masterUsername ? [db.masterUsername] : []);
            return check.ok ? undefined : check.reason;
          },
        });
        if (user === undefined) throw new CancelledError();
        appUser = user;
      }
      if (picked.some((p) => p.id === 'sql') && found) {
        migrations = found;
        // What will be sent, file after file, to read before saying yes.
        await previews.show(`${db.id}-${name}-migrations`, dbCore.planSqlText(found, name));
        const runsAs = appUser ? l('They run as the app user {0}, not as the master user.', appUser) : l('They run as {0}.', c.setting(db).user ?? db.masterUsername ?? '');
        await confirmModal(vscodeUserInput, l('Run {0} SQL files on {1}.{2}, in this order?', found.files.length, db.id, name), [...dbCore.describePlan(found), ...found.warnings, runsAs].join('\n'), l('Run'));
      }
    }

    /** A user that exists already keeps its password unless the person (or the caller) says otherwise: an app may be using it. */
    const storeAppPassword = async (user: string, password: string): Promise<void> => {
      if (db.endpoint) await passwords.store(endpointPasswordKey({ host: db.endpoint.address, port: db.endpoint.port, user }), password);
    };
    const createOrResetAppUser = async (conn: Parameters<typeof dbCore.createAppUser>[0], database: string, user: string): Promise<AppUser | undefined> => {
      const reserved = db.masterUsername ? [db.masterUsername] : [];
      try {
        return await dbCore.createAppUser(conn, database, user, '%', { ifExists: 'fail', reservedUsers: reserved });
      } catch (err) {
        if (!(err instanceof dbCore.UserExistsError)) throw err;
        let reset = args?.resetAppUserPassword ?? false;
        if (!args) {
          const resetLabel = l('Reset Password');
          const answer = await vscode.window.showWarningMessage(
            l('The user {0} exists on {1}. Give it a new password?', user, db.id),
            { modal: true, detail: l('Apps that log in as {0} stop working until they get the new password. Without a reset the user is left as it is.', user) },
            resetLabel,
            l('Keep It'),
          );
          reset = answer === resetLabel;
        }
        // Stored as soon as the server holds it: a grant that fails after the reset must not lose it.
        return reset ? dbCore.createAppUser(conn, database, user, '%', { ifExists: 'resetPassword', reservedUsers: reserved, onPasswordReset: (p) => storeAppPassword(user, p) }) : undefined;
      }
    };

    const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: l('Creating {0} on {1}', name, db.id), cancellable: true }, async (progress, token) => {
      const report = (m: string): void => progress.report({ message: m });
      const session = await c.connect(db, { signal: token, report });
      try {
        report(l('CREATE DATABASE {0}…', name));
        const created = await dbCore.createDatabase(session.connection, name);
        ctx.log.info(`Database ${name} on ${db.id}: ${created.created ? 'created' : 'existed'}, collation ${created.collation}`);
        let user: AppUser | undefined;
        if (appUser) {
          report(l('Creating the user {0}…', appUser));
          user = await createOrResetAppUser(session.connection, name, appUser);
          if (user?.created) await storeAppPassword(user.user, user.password);
          ctx.log.info(user
            ? `App user ${user.user}@${user.host} on ${name}: ${user.created ? 'created' : 'password reset'} (password in secret storage)`
            : `App user ${appUser} exists on ${db.id}; left as it was`);
        }
        let ran: MigrationResult | undefined;
        if (migrations?.files.length) {
          // The master login made the database and the user; the app user runs its own schema.
          ran = await dbCore.runMigrations(session.connection, name, migrations.files, {
            as: user ? { user: user.user, password: user.password } : undefined,
            signal: token,
            onProgress: (p) => report(l('{0} ({1} of {2} files)', path.basename(p.file), p.fileIndex + 1, p.fileCount)),
            log: (line) => ctx.log.info(line),
          });
          ctx.log.info(`Migrations on ${name} as ${user?.user ?? session.credentials.user}: ${ran.applied.length} applied, ${ran.skipped.length} already applied, ${ran.statements} statements`);
        }
        return { database: name, created: created.created, collation: created.collation, appUser: user?.user, migrations: ran };
      } finally {
        await session.close();
        ctx.log.info(`Connection to ${db.id} closed`);
      }
    });

    const user = outcome.appUser ?? c.setting(db).user ?? db.masterUsername ?? '';
    const useIt = async (): Promise<void> => {
      if (!db.endpoint) return;
      await targets.setCurrent({ host: db.endpoint.address, port: db.endpoint.port, user, database: name, label: db.id, region: db.region });
    };
    if (args?.useInWorkspace) await useIt();
    else if (!args) {
      const use = l('Use in This Workspace');
      const summary = outcome.created ? l('Created {0} on {1} ({2}).', name, db.id, outcome.collation) : l('{0} already existed on {1}; nothing in it was changed.', name, db.id);
      const extra = [outcome.appUser ? l('User {0} can use it.', outcome.appUser) : '', outcome.migrations ? l('{0} migration files applied.', outcome.migrations.applied.length) : ''].filter(Boolean).join(' ');
      void vscode.window.showInformationMessage(`${summary} ${extra}`, use).then((choice) => (choice === use ? useIt() : undefined));
    }
    return outcome;
  });

  registerCommand(ctx, Commands.openMysqlShell, async (node?: unknown): Promise<string> => {
    const dbCore = loadDb();
    const db = node instanceof DatabaseNode ? node.db : await pickDatabase(vscodeUserInput, store, usableFor('shell'));
    loadAws().assertUsable(db, 'shell');
    const client = await dbCore.findMysqlClient();
    if (!client) throw new Error(dbCore.mysqlClientMissingMessage());
    const opened = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: l('Connecting to {0}…', db.id), cancellable: true }, (progress, token) =>
      c.forward(db, { signal: token, report: (m) => progress.report({ message: m }) }),
    );
    let terminal: vscode.Terminal;
    try {
      const caFile = await shellCaFile(ctx.extension, ctx.log);
      const database = targets.current?.host === db.endpoint?.address ? targets.current?.database : undefined;
      const target = dbCore.shellTargetFor(opened.forward, { user: opened.user, database, iamToken: opened.iamToken }, caFile);
      // The password reaches the client through the terminal's environment, never its command line.
      const shell = dbCore.mysqlShellCommand(client, target, opened.password);
      terminal = vscode.window.createTerminal({ name: `MySQL: ${db.id}`, shellPath: shell.command, shellArgs: [...shell.args], env: shell.env, isTransient: true });
    } catch (err) {
      await opened.forward.close();
      throw err;
    }
    terminal.show();
    const sub = vscode.window.onDidCloseTerminal((t) => {
      if (t !== terminal) return;
      sub.dispose();
      void opened.forward.close().then(() => ctx.log.info(`Forward to ${db.id} closed`));
    });
    ctx.extension.subscriptions.push(sub, { dispose: () => void opened.forward.close() });
    ctx.log.info(`mysql terminal for ${db.id} via ${opened.forward.host}:${opened.forward.port} (${client.flavor} ${client.version})`);
    return terminal.name;
  });

  registerCommand(ctx, Commands.forgetPassword, async (node?: unknown): Promise<void> => {
    const db = node instanceof DatabaseNode ? node.db : await pickDatabase(vscodeUserInput, store, usableFor('shell'));
    const user = await vscode.window.showInputBox({ title: l('Forget the stored password of which user on {0}?', db.id), value: c.setting(db).user ?? db.masterUsername ?? '' });
    if (user === undefined) throw new CancelledError();
    await c.forgetPassword(db, user);
    if (db.endpoint) await passwords.forget(endpointPasswordKey({ host: db.endpoint.address, port: db.endpoint.port, user }));
    void vscode.window.showInformationMessage(l('Forgot the stored password of {0} on {1}.', user, db.id));
  });
}
