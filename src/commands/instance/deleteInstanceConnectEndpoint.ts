/**
 * RDS Link: Delete EC2 Instance Connect Endpoint… — the undo of the endpoint offer, for the
 * endpoints RDS Link created (their tags say so). From the palette: a pick among them in the
 * session's regions; from the offer's Undo (or automation): `{ region, endpointId }`. The plan —
 * the endpoint, and exactly the rule added for it, by its id — is shown modally, then applied
 * with progress (core's applyInstanceConnectEndpointRemoval).
 */
import * as vscode from 'vscode';
import { CancelledError } from '../../core/errors';
import type { EndpointRemoval, InstanceConnectEndpoint } from '../../core/instance/index';
import { Commands } from '../../ids';
import { confirmModal } from '../../ui/confirm';
import { argsOf } from '../args';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

interface Located {
  readonly region: string;
  readonly endpoint: InstanceConnectEndpoint;
}

async function ours(deps: Deps, region: string): Promise<Located[]> {
  const ec2 = deps.store.getSession().ec2(region);
  try {
    return (await deps.core.db().listInstanceConnectEndpointsCreatedHere(ec2)).map((endpoint) => ({ region, endpoint }));
  } catch (err) {
    throw new Error(l('Listing the EC2 Instance Connect Endpoints in {0} failed: {1}', region, (err as Error).message), { cause: err });
  }
}

async function endpointOf(deps: Deps, arg: unknown): Promise<Located> {
  const args = argsOf(Commands.deleteInstanceConnectEndpoint, arg);
  if (args) {
    const region = args.string('region');
    const id = args.string('endpointId');
    const found = (await ours(deps, region)).find((f) => f.endpoint.id === id);
    if (!found) throw new Error(l('{0} is no EC2 Instance Connect Endpoint that RDS Link created in {1}, or it is being deleted already.', id, region));
    return found;
  }
  const regions = deps.store.regions;
  const found = (await Promise.all(regions.map((r) => ours(deps, r)))).flat();
  if (found.length === 0) throw new Error(l('RDS Link created no EC2 Instance Connect Endpoint in {0} (only those can be deleted here).', regions.join(', ')));
  const picked = await deps.ui.showQuickPick(
    found.map((f) => ({ label: f.endpoint.id, description: [f.region, f.endpoint.vpcId, f.endpoint.subnetId].join(' · '), detail: f.endpoint.state, f })),
    { title: l('Delete EC2 Instance Connect Endpoint'), placeHolder: l('The endpoints RDS Link created; the rule it added for each goes with it.') },
  );
  if (!picked) throw new CancelledError();
  return picked.f;
}

export async function deleteInstanceConnectEndpoint(deps: Deps, arg?: unknown): Promise<EndpointRemoval> {
  const db = deps.core.db();
  const { region, endpoint } = await endpointOf(deps, arg);
  const ec2 = deps.store.getSession().ec2(region);
  const rule = db.endpointRuleOf(endpoint);
  const plan = db.planInstanceConnectEndpointRemoval(endpoint, rule ? await db.isRulePresent(ec2, rule) : false);
  deps.log.info(`Delete EC2 Instance Connect Endpoint ${endpoint.id}:\n  ${plan.lines.join('\n  ')}`);
  await confirmModal(deps.ui, l('Delete the EC2 Instance Connect Endpoint {0}?', endpoint.id), plan.lines.join('\n'), l('Delete'), { destructive: true });
  const result = await deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title: l('Deleting {0}', endpoint.id), cancellable: true }, (progress, token) =>
    db.applyInstanceConnectEndpointRemoval(ec2, plan, { signal: token, onProgress: (message) => progress.report({ message }), log: (line) => deps.log.info(line) }),
  );
  const parts = [
    result.gone ? l('Deleted the EC2 Instance Connect Endpoint {0}.', endpoint.id) : l('The EC2 Instance Connect Endpoint {0} is being deleted (AWS goes on with it).', endpoint.id),
    result.revoked ? l('Revoked the rule {0} on {1}.', result.revoked.ruleId, result.revoked.groupId) : undefined,
  ].filter(Boolean).join(' ');
  deps.log.info(`Delete EC2 Instance Connect Endpoint ${endpoint.id}: ${parts}`);
  void deps.ui.showInformationMessage(parts, {});
  return result;
}
