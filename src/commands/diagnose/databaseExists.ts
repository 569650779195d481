/**
 * The diagnosis's "does the app's database exist on the server" check: a session through the
 * usual route (deps.connections) with the credentials at hand (RDS-managed or stored), never a
 * prompt; otherwise "unknown", with the reason.
 */
import * as vscode from 'vscode';
import type { RdsDatabase } from '../../core/aws/types';
import type { Check, DatabaseChoice } from '../../core/diagnose/index';
import { describeError, isCancellation, type CancelSignal } from '../../core/errors';
import type { ConnectOptions } from '../../services/connections';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

/** The diagnosis's abort signal as the cancel signal a connection takes. */
function cancelSignalOf(signal: AbortSignal): CancelSignal {
  return {
    get isCancellationRequested() {
      return signal.aborted;
    },
    onCancellationRequested: (listener) => {
      signal.addEventListener('abort', listener);
      return { dispose: () => signal.removeEventListener('abort', listener) };
    },
  };
}

/** `over`: the diagnosis's SSH session to its instance, which a tunnel route through that instance forwards over. */
export async function databaseExists(deps: Deps, db: RdsDatabase | undefined, choice: DatabaseChoice | undefined, signal: AbortSignal, over?: ConnectOptions['over']): Promise<Check> {
  const check = await existsCheck(deps, db, choice?.name, signal, over);
  return choice ? { ...check, evidence: [choice.why, ...check.evidence] } : check;
}

async function existsCheck(deps: Deps, db: RdsDatabase | undefined, name: string | undefined, signal: AbortSignal, over?: ConnectOptions['over']): Promise<Check> {
  const diagnosis = deps.core.aws().diagnosis;
  if (!name) return diagnosis.schemaUnknown(l('Not run: no database name is known for this pair: neither the workspace\'s target nor the app\'s config names one, and none was created on this DB through RDS Link (the link itself names none).'));
  if (!db?.endpoint) return diagnosis.schemaUnknown(l('Not run: the database has no endpoint known here.'));
  let session;
  try {
    session = await deps.connections.connect(db, { signal: cancelSignalOf(signal), report: (m) => deps.log.info(`Diagnosis, database ${name}: ${m}`), ask: false, over });
  } catch (err) {
    if (isCancellation(err)) throw err;
    return diagnosis.schemaUnknown(l('Not run: no login to {0} without asking for a password (a diagnosis never asks): {1}', db.id, describeError(err)));
  }
  try {
    return await diagnosis.checkDatabaseExists(session.connection, name, `${session.credentials.user}, ${session.credentials.source}`);
  } finally {
    await session.close();
  }
}
