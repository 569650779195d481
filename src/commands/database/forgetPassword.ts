import * as vscode from 'vscode';
import { CancelledError } from '../../core/errors';
import { endpointPasswordKey } from '../../state/passwords';
import type { Deps } from '../deps';
import { databaseOf } from '../resources';

const l = vscode.l10n.t;

/** RDS Link: Forget Stored Password — of the user the person names (the configured or master user offered). */
export async function forgetPassword(deps: Deps, node?: unknown): Promise<void> {
  const db = await databaseOf(deps, node, 'shell');
  const user = await deps.ui.showInputBox({ title: l('Forget the stored password of which user on {0}?', db.id), value: deps.connections.setting(db).user ?? db.masterUsername ?? '' });
  if (user === undefined) throw new CancelledError();
  await deps.connections.forgetPassword(db, user);
  if (db.endpoint) await deps.passwords.forget(endpointPasswordKey({ host: db.endpoint.address, port: db.endpoint.port, user }));
  void deps.ui.showInformationMessage(l('Forgot the stored password of {0} on {1}.', user, db.id), {});
}
