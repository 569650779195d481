/** After createSchema: "use in this workspace", offered to the person or done for a caller that asked. */
import * as vscode from 'vscode';
import type { RdsDatabase } from '../../core/aws/types';
import type { Deps } from '../deps';
import type { CreateSchemaOutcome } from './schemaRun';

const l = vscode.l10n.t;

/** Makes the new database (as its app user, else the configured or master user) the workspace's target. */
export async function useSchemaInWorkspace(deps: Pick<Deps, 'targets' | 'connections'>, db: RdsDatabase, outcome: CreateSchemaOutcome): Promise<void> {
  if (!db.endpoint) return;
  const user = outcome.appUser ?? deps.connections.setting(db).user ?? db.masterUsername ?? '';
  await deps.targets.setCurrent({ host: db.endpoint.address, port: db.endpoint.port, user, database: outcome.database, label: db.id, region: db.region });
}

/** Says what was done and offers "Use in This Workspace"; not awaited, so the command ends at once. */
export function offerUseInWorkspace(deps: Pick<Deps, 'ui' | 'targets' | 'connections' | 'log'>, db: RdsDatabase, outcome: CreateSchemaOutcome): void {
  const use = l('Use in This Workspace');
  const name = outcome.database;
  const summary = outcome.created ? l('Created {0} on {1} ({2}).', name, db.id, outcome.collation) : l('{0} already existed on {1}; nothing in it was changed.', name, db.id);
  const extra = [outcome.appUser ? l('User {0} can use it.', outcome.appUser) : '', outcome.migrations ? l('{0} migration files applied.', outcome.migrations.applied.length) : ''].filter(Boolean).join(' ');
  void deps.ui.showInformationMessage(`${summary} ${extra}`, {}, use).then((choice) => (choice === use ? useSchemaInWorkspace(deps, db, outcome) : undefined));
}
