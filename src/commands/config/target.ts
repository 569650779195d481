/** The DB a workspace (or one config patch) points at: from automation arguments, or asked. */
import * as vscode from 'vscode';
import type { NameCheck } from '../../core/db/index';
import type { DbTarget } from '../../core/goconfig/index';
import { CancelledError } from '../../core/errors';
import type { WorkspaceTarget } from '../../state/targets';
import { DatabaseNode } from '../../tree/nodes';
import { pickDatabase } from '../../ui/pickers';
import type { Args } from '../args';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

/** The automation form of a target, `{ host, port, user, password?, database, label? }` (the one target type and what labels it), each field checked. */
export function targetOf(args: Args): DbTarget & { readonly label?: string } {
  // An empty password is "none" (as before), so only a non-string is refused.
  const password = args.value('password') === '' ? '' : args.optionalString('password');
  return {
    host: args.string('host'),
    port: args.number('port'),
    user: args.string('user'),
    database: args.string('database'),
    password,
    label: args.optionalString('label'),
  };
}

function nameValidator(check: (v: string) => NameCheck): (v: string) => string | undefined {
  return (v) => {
    const result = check(v);
    return result.ok ? undefined : result.reason;
  };
}

/** Asks for a target: a DB from the views (a node's, else picked), a database name and a user. */
export async function askTarget(deps: Pick<Deps, 'ui' | 'store' | 'core'>, node?: unknown): Promise<WorkspaceTarget> {
  const picked = node instanceof DatabaseNode ? node.db : await pickDatabase(deps.ui, deps.store, { refusal: (d) => deps.core.aws().dbRefusal(d, 'quickFix')?.message });
  // An Aurora member's own endpoint moves on failover; the app belongs on the cluster's writer endpoint.
  const db = (picked.clusterId && deps.store.allDatabases().find((d) => d.kind === 'cluster' && d.id === picked.clusterId && d.region === picked.region)) || picked;
  if (!db.endpoint) throw new Error(l('{0} has no endpoint yet (status: {1}).', db.id, db.status));
  const dbCore = deps.core.db();
  const database = await deps.ui.showInputBox({
    title: l('Database name on {0}', db.id),
    prompt: l('The database (schema) the app uses'),
    validateInput: nameValidator((v) => dbCore.validateDatabaseName(v)),
  });
  if (database === undefined) throw new CancelledError();
  const user = await deps.ui.showInputBox({
    title: l('Database user on {0}', db.id),
    prompt: l('The user the app logs in as'),
    value: db.masterUsername ?? '',
    validateInput: nameValidator((v) => dbCore.validateUserName(v)),
  });
  if (user === undefined) throw new CancelledError();
  return { host: db.endpoint.address, port: db.endpoint.port, user, database, label: db.id, region: db.region };
}
