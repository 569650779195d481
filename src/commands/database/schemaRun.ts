/**
 * createSchema's run under a cancellable progress: CREATE DATABASE as the master login, then the
 * app user (created, or reset only when the person or caller says so), then the project's SQL as
 * that user.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AppUser, DbSession, MigrationResult } from '../../core/db/index';
import type { RdsDatabase } from '../../core/aws/types';
import { recordCreatedDatabase } from '../../state/createdDatabases';
import { endpointPasswordKey } from '../../state/passwords';
import type { Progress } from '../../ui/userInput';
import type { Deps } from '../deps';
import type { SchemaRequest } from './schemaPrompts';

const l = vscode.l10n.t;

export interface CreateSchemaOutcome {
  readonly database: string;
  readonly created: boolean;
  readonly collation: string;
  readonly appUser?: string;
  readonly migrations?: MigrationResult;
}

type Connection = DbSession['connection'];

async function storeAppPassword(deps: Pick<Deps, 'passwords'>, db: RdsDatabase, user: string, password: string): Promise<void> {
  if (db.endpoint) await deps.passwords.store(endpointPasswordKey({ host: db.endpoint.address, port: db.endpoint.port, user }), password);
}

/** Whether an existing app user gets a new password: the caller's answer, else the person's (modal). */
async function resetExistingUser(deps: Pick<Deps, 'ui'>, db: RdsDatabase, user: string, given: boolean | undefined): Promise<boolean> {
  if (given !== undefined) return given;
  const resetLabel = l('Reset Password');
  const answer = await deps.ui.showWarningMessage(
    l('The user {0} exists on {1}. Give it a new password?', user, db.id),
    { modal: true, detail: l('Apps that log in as {0} stop working until they get the new password. Without a reset the user is left as it is.', user) },
    resetLabel,
    l('Keep It'),
  );
  return answer === resetLabel;
}

/** A user that exists already keeps its password unless the person (or the caller) says otherwise: an app may be using it. */
async function createOrResetAppUser(deps: Pick<Deps, 'ui' | 'core' | 'passwords'>, db: RdsDatabase, conn: Connection, request: SchemaRequest, user: string): Promise<AppUser | undefined> {
  const dbCore = deps.core.db();
  const reserved = db.masterUsername ? [db.masterUsername] : [];
  try {
    return await dbCore.createAppUser(conn, request.name, user, '%', { ifExists: 'fail', reservedUsers: reserved });
  } catch (err) {
    if (!(err instanceof dbCore.UserExistsError)) throw err;
    const reset = await resetExistingUser(deps, db, user, request.resetAppUserPassword);
    // Stored as soon as the server holds it: a grant that fails after the reset must not lose it.
    return reset ? dbCore.createAppUser(conn, request.name, user, '%', { ifExists: 'resetPassword', reservedUsers: reserved, onPasswordReset: (p) => storeAppPassword(deps, db, user, p) }) : undefined;
  }
}

async function appUserStep(deps: Deps, db: RdsDatabase, conn: Connection, request: SchemaRequest, appUser: string, report: (m: string) => void): Promise<AppUser | undefined> {
  report(l('Creating the user {0}…', appUser));
  const user = await createOrResetAppUser(deps, db, conn, request, appUser);
  if (user?.created) await storeAppPassword(deps, db, user.user, user.password);
  deps.log.info(user
    ? `App user ${user.user}@${user.host} on ${request.name}: ${user.created ? 'created' : 'password reset'} (password in secret storage)`
    : `App user ${appUser} exists on ${db.id}; left as it was`);
  return user;
}

async function migrationStep(deps: Deps, session: DbSession, request: SchemaRequest, user: AppUser | undefined, token: vscode.CancellationToken, report: (m: string) => void): Promise<MigrationResult> {
  const files = request.migrations?.files ?? [];
  // The master login made the database and the user; the app user runs its own schema.
  const ran = await deps.core.db().runMigrations(session.connection, request.name, files, {
    as: user ? { user: user.user, password: user.password } : undefined,
    signal: token,
    onProgress: (p) => report(l('{0} ({1} of {2} files)', path.basename(p.file), p.fileIndex + 1, p.fileCount)),
    log: (line) => deps.log.info(line),
  });
  deps.log.info(`Migrations on ${request.name} as ${user?.user ?? session.credentials.user}: ${ran.applied.length} applied, ${ran.skipped.length} already applied, ${ran.statements} statements`);
  return ran;
}

async function runSteps(deps: Deps, db: RdsDatabase, request: SchemaRequest, progress: Progress, token: vscode.CancellationToken): Promise<CreateSchemaOutcome> {
  const report = (m: string): void => progress.report({ message: m });
  const session = await deps.connections.connect(db, { signal: token, report });
  try {
    report(l('CREATE DATABASE {0}…', request.name));
    const created = await deps.core.db().createDatabase(session.connection, request.name);
    deps.log.info(`Database ${request.name} on ${db.id}: ${created.created ? 'created' : 'existed'}, collation ${created.collation}`);
    // The link names no database: a diagnosis of the pair finds this one here.
    const through = session.route.kind === 'sshTunnel' ? session.route.instance.id : undefined;
    await recordCreatedDatabase(deps.globalState, db, { name: request.name, instanceId: through, at: new Date().toISOString() });
    const user = request.appUser ? await appUserStep(deps, db, session.connection, request, request.appUser, report) : undefined;
    const migrations = request.migrations?.files.length ? await migrationStep(deps, session, request, user, token, report) : undefined;
    return { database: request.name, created: created.created, collation: created.collation, appUser: user?.user, migrations };
  } finally {
    await session.close();
    deps.log.info(`Connection to ${db.id} closed`);
  }
}

/** Connects (the route the settings give) and runs the request under a cancellable progress. */
export function runSchema(deps: Deps, db: RdsDatabase, request: SchemaRequest): Promise<CreateSchemaOutcome> {
  return deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title: l('Creating {0} on {1}', request.name, db.id), cancellable: true }, (progress, token) =>
    runSteps(deps, db, request, progress, token));
}
