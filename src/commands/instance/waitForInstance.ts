/**
 * RDS Link: Wait Again for Status Checks — picks up the status-check wait of an instance that
 * Create EC2 Instance… launched and whose wait was left (also before a window reload): from its
 * node in the EC2 view, or from the palette with a pick of the left waits. At status OK it offers
 * the next step, as the creation would have.
 */
import * as vscode from 'vscode';
import { CancelledError } from '../../core/errors';
import type { LeftInstanceWait } from '../../state/leftWork';
import { InstanceNode } from '../../tree/nodes';
import { loaded } from '../../ui/pickers';
import type { Deps } from '../deps';
import { instanceApiFor, reportStatus, waitForStatusOk } from './instanceWait';

const l = vscode.l10n.t;

async function pickWait(deps: Deps, node: unknown): Promise<LeftInstanceWait> {
  const waits = deps.leftWork.instanceWaits.all().filter((w) => deps.store.regions.includes(w.region));
  const fromNode = node instanceof InstanceNode ? waits.find((w) => w.instanceId === node.instance.id && w.region === node.instance.region) : undefined;
  if (fromNode) return fromNode;
  if (!waits.length) throw new Error(l('No instance launched here is waiting for its status checks.'));
  const picked = await deps.ui.showQuickPick(waits.map((w) => ({ label: w.name, description: `${w.instanceId} · ${w.region}`, wait: w })), { title: l('Wait Again for Status Checks'), ignoreFocusOut: true });
  if (!picked) throw new CancelledError();
  return picked.wait;
}

/** True when the status checks passed; false when the wait was left again. */
export async function waitForInstance(deps: Deps, node?: unknown): Promise<boolean> {
  await loaded(deps.ui, deps.store);
  const wait = await pickWait(deps, node);
  const known = deps.store.allInstances().find((i) => i.id === wait.instanceId && i.region === wait.region);
  if (!known || known.state === 'terminated' || known.state === 'shutting-down') {
    await deps.leftWork.instanceWaits.forget(wait);
    throw new Error(l('{0} ({1}) no longer runs in {2}; there is nothing to wait for.', wait.name, wait.instanceId, wait.region));
  }
  const api = instanceApiFor(deps, wait.region);
  return reportStatus(deps, wait, api, await waitForStatusOk(deps, wait, api));
}
