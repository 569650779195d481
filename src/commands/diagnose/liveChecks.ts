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

/**
 * The diagnosis's one SSH session to the instance, shared by the live checks and the "does the
 * database exist" check (its DB connection forwards over it); or why there is none.
 */
export interface InstanceSsh {
  /** The SSH route through the instance, when there is one (also for the EICE check). */
  readonly route?: SshTunnelRoute;
  /** Open when the login worked; the caller closes it once both checks are done. */
  readonly session?: SshSession;
  /** Why the live checks do not run, as their "unknown" evidence. */
  readonly notRun?: string;
}

export async function openInstanceSsh(deps: Deps, db: RdsDatabase | undefined, instanceId: string, signal: AbortSignal): Promise<InstanceSsh> {
  if (!db?.endpoint) return { notRun: l('Not run: the database has no endpoint known here.') };
  const route = await routeThrough(deps, db, instanceId);
  if (typeof route === 'string') return { notRun: route };
  const clients = deps.store.getSession().withSignal(signal);
  try {
    return { route, session: await deps.core.db().openLongSshSession(route, { ...sshAccessOptions(deps.globalState, deps.log, clients, db.region, deps.settings.eiceTunnel()), signal }) };
  } catch (err) {
    if (isCancellation(err)) throw err;
    return { route, notRun: l('Not run: no SSH session to {0} ({1}).', instanceId, describeError(err)) };
  }
}

/** Name resolution, the TCP connection and the MySQL greeting, over the shared session. */
export async function liveChecks(deps: Deps, ssh: InstanceSsh): Promise<Check[]> {
  const diagnosis = deps.core.aws().diagnosis;
  if (!ssh.session || !ssh.route) return diagnosis.liveUnknown(ssh.notRun ?? l('Not run: no SSH session to the instance.'));
  return diagnosis.runLiveChecks(ssh.session, ssh.route.target);
}
