/**
 * The diagnosis's live checks from the instance: over SSH, through the route the schema creation
 * would take when it goes through this instance; otherwise "unknown", with the reason.
 */
import * as vscode from 'vscode';
import type { RdsDatabase } from '../../core/aws/types';
import type { Check } from '../../core/diagnose/types';
import type { SshTunnelRoute } from '../../core/db/index';
import { describeError, isCancellation } from '../../core/errors';
import { sshAccessOptions } from '../../services/hostKeys';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

type SshSession = Awaited<ReturnType<ReturnType<Deps['core']['db']>['openLongSshSession']>>;

/** The SSH route to the DB through `instanceId`, or why there is none (a reason for "unknown"). */
async function routeThrough(deps: Deps, db: RdsDatabase, instanceId: string): Promise<SshTunnelRoute | string> {
  let decision;
  try {
    decision = await deps.connections.decideRoute(db);
  } catch (err) {
    return l('Not run: no route to the database ({0}).', describeError(err));
  }
  if (decision.kind !== 'route' || decision.route.kind !== 'sshTunnel') return l('Not run: no route through an instance ({0}).', decision.message);
  const route = decision.route;
  if (route.instance.id !== instanceId) return l('Not run: the route to the database goes through {0}, not {1}.', route.instance.id, instanceId);
  return route;
}

/** `onRoute` hears the SSH route through the instance, when there is one (for the EICE check). */
export async function liveChecks(deps: Deps, db: RdsDatabase | undefined, instanceId: string, signal: AbortSignal, onRoute?: (route: SshTunnelRoute) => void): Promise<Check[]> {
  const diagnosis = deps.core.aws().diagnosis;
  if (!db?.endpoint) return diagnosis.liveUnknown(l('Not run: the database has no endpoint known here.'));
  const route = await routeThrough(deps, db, instanceId);
  if (typeof route === 'string') return diagnosis.liveUnknown(route);
  onRoute?.(route);
  const clients = deps.store.getSession().withSignal(signal);
  let session: SshSession;
  try {
    session = await deps.core.db().openLongSshSession(route, { ...sshAccessOptions(deps.globalState, deps.log, clients, db.region, deps.settings.eiceTunnel()), signal });
  } catch (err) {
    if (isCancellation(err)) throw err;
    return diagnosis.liveUnknown(l('Not run: no SSH session to {0} ({1}).', instanceId, describeError(err)));
  }
  try {
    return await diagnosis.runLiveChecks(session, route.target);
  } finally {
    await session.close();
  }
}
