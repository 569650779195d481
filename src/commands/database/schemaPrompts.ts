/**
 * What createSchema will do, from the person (the database name, the app user, the project's
 * schema SQL, read before it runs) or from the automation arguments (no prompts).
 */
import * as vscode from 'vscode';
import type { MigrationPlan } from '../../core/db/index';
import type { RdsDatabase } from '../../core/aws/types';
import { CancelledError } from '../../core/errors';
import { confirmModal } from '../../ui/confirm';
import type { Args } from '../args';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

export interface SchemaRequest {
  readonly name: string;
  readonly appUser?: string;
  readonly migrations?: MigrationPlan;
  /** When the app user exists already: undefined asks the person; true/false is the caller's answer. */
  readonly resetAppUserPassword?: boolean;
}

/** The automation form: `{ region, database, name, appUser?, runMigrations?, resetAppUserPassword? }`. */
export async function schemaRequestFromArgs(deps: Pick<Deps, 'core'>, args: Args, folder: string | undefined): Promise<SchemaRequest> {
  const name = args.string('name');
  const check = deps.core.db().validateDatabaseName(name);
  if (!check.ok) throw new Error(check.reason);
  const migrations = args.optionalBoolean('runMigrations') && folder ? await deps.core.db().discoverMigrations(folder) : undefined;
  return { name, appUser: args.optionalString('appUser'), migrations, resetAppUserPassword: args.optionalBoolean('resetAppUserPassword') ?? false };
}

/** A default database name: the workspace target's, else the folder's ("my-app" → my_app). */
function suggestedName(deps: Pick<Deps, 'targets' | 'workspace'>): string {
  if (deps.targets.current) return deps.targets.current.database;
  const folder = deps.workspace.firstFolder()?.name ?? 'app';
  return folder.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64) || 'app';
}

async function askName(deps: Pick<Deps, 'ui' | 'core' | 'targets' | 'workspace'>, db: RdsDatabase): Promise<string> {
  const typed = await deps.ui.showInputBox({
    title: l('Create a database on {0}', db.id),
    prompt: l('The database (schema) for the app: CREATE DATABASE IF NOT EXISTS … CHARACTER SET utf8mb4'),
    value: suggestedName(deps),
    ignoreFocusOut: true,
    validateInput: (v) => {
      const check = deps.core.db().validateDatabaseName(v);
      return check.ok ? undefined : check.reason;
    },
  });
  if (typed === undefined) throw new CancelledError();
  return typed;
}

/** Which extras the person wants: an app user (offered picked) and the project's SQL, when it has some. */
async function askExtras(deps: Pick<Deps, 'ui'>, db: RdsDatabase, name: string, found: MigrationPlan | undefined): Promise<{ user: boolean; sql: boolean }> {
  const options: (vscode.QuickPickItem & { id: 'user' | 'sql' })[] = [
    { id: 'user', label: l('Create an app user'), detail: l('A user with a generated password and rights on {0} only; the password goes to VS Code\'s secret storage and the config quick-fix.', name), picked: true },
    ...(found?.files.length ? [{ id: 'sql' as const, label: l('Run the project\'s schema SQL ({0} files)', found.files.length), detail: found.files.map((f) => f.path).join(', '), picked: true }] : []),
  ];
  const picked = await deps.ui.showQuickPickMany(options, { title: l('Also, on {0}:', db.id), ignoreFocusOut: true });
  if (!picked) throw new CancelledError();
  return { user: picked.some((p) => p.id === 'user'), sql: picked.some((p) => p.id === 'sql') };
}

async function askAppUser(deps: Pick<Deps, 'ui' | 'core'>, db: RdsDatabase, name: string): Promise<string> {
  const user = await deps.ui.showInputBox({
    title: l('App user name'),
    value: `${name}_app`.slice(0, 32),
    ignoreFocusOut: true,
    validateInput: (v) => {
      const check = deps.core.db().validateUserName(v, db.masterUsername ? [db.masterUsername] : []);
      return check.ok ? undefined : check.reason;
    },
  });
  if (user === undefined) throw new CancelledError();
  return user;
}

/** Shows what will be sent, file after file, and asks before it runs. */
async function confirmMigrations(deps: Pick<Deps, 'ui' | 'core' | 'documents' | 'connections'>, db: RdsDatabase, name: string, found: MigrationPlan, appUser: string | undefined): Promise<void> {
  const dbCore = deps.core.db();
  await deps.documents.sql.show(`${db.id}-${name}-migrations`, dbCore.planSqlText(found, name));
  const runsAs = appUser ? l('They run as the app user {0}, not as the master user.', appUser) : l('They run as {0}.', deps.connections.setting(db).user ?? db.masterUsername ?? '');
  await confirmModal(deps.ui, l('Run {0} SQL files on {1}.{2}, in this order?', found.files.length, db.id, name), [...dbCore.describePlan(found), ...found.warnings, runsAs].join('\n'), l('Run'));
}

/** The prompts: name, extras, the app user's name, the SQL read and confirmed. Escape anywhere cancels. */
export async function askSchemaRequest(deps: Deps, db: RdsDatabase, folder: string | undefined): Promise<SchemaRequest> {
  const name = await askName(deps, db);
  const found = folder ? await deps.core.db().discoverMigrations(folder) : undefined;
  const extras = await askExtras(deps, db, name, found);
  const appUser = extras.user ? await askAppUser(deps, db, name) : undefined;
  const migrations = extras.sql && found ? found : undefined;
  if (migrations) await confirmMigrations(deps, db, name, migrations, appUser);
  return { name, appUser, migrations };
}
