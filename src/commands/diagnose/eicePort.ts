/**
 * The diagnosis's EICE check: when the SSH route to the instance goes through an EC2 Instance
 * Connect Endpoint, whether the groups let port 22 through from the endpoint to the instance.
 */
import * as vscode from 'vscode';
import type { SshTunnelRoute } from '../../core/db/index';
import type { Check, DiagnosisState } from '../../core/diagnose/types';
import { describeError, isCancellation } from '../../core/errors';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

/** The check, or undefined when the route goes through no endpoint. Reads only the endpoint's groups not read yet. */
export async function eicePort(deps: Deps, region: string, state: DiagnosisState, route: SshTunnelRoute | undefined, signal: AbortSignal): Promise<Check | undefined> {
  const endpoint = route?.eice?.endpoint;
  if (!endpoint) return undefined;
  const diagnosis = deps.core.aws().diagnosis;
  try {
    const ec2 = deps.store.getSession().withSignal(signal).ec2(region);
    return diagnosis.checkEicePort(state, endpoint, await diagnosis.readEndpointGroups(ec2, endpoint, state.groups, signal));
  } catch (err) {
    if (isCancellation(err)) throw err;
    return { id: 'eicePort', title: l('EC2 Instance Connect Endpoint {0} reaches the instance on port 22', endpoint.id), status: 'unknown', evidence: [l('Reading the endpoint\'s security groups failed: {0}', describeError(err))] };
  }
}
