/**
 * RDS Link: Create EC2 Instance… — core's runInstanceWizard as QuickPicks, the plan once in a
 * modal, then AMI → group → instance profile → launch → status checks under a cancellable
 * progress. A cancel before the launch (or a failure anywhere) rolls back what was made; a
 * cancel during the status wait leaves the wait, and the instance stays: "Wait Again" now, or
 * later Wait Again for Status Checks (the left wait is remembered, see instanceWait.ts).
 */
import * as vscode from 'vscode';
import type { InstanceCreatePlan, InstanceCreateResult } from '../../core/aws/index';
import { confirmModal } from '../../ui/confirm';
import { loaded } from '../../ui/pickers';
import { pickRegion, prompterFor } from '../database/dbCreation';
import type { Deps } from '../deps';
import { instanceApiFor, reportStatus, type InstanceApi } from './instanceWait';

const l = vscode.l10n.t;

async function planNew(deps: Deps, region: string, api: InstanceApi): Promise<InstanceCreatePlan> {
  const aws = deps.core.aws();
  const session = deps.store.getSession();
  const network = aws.createSdkDbCreateApi(session.rds(region), session.ec2(region), region);
  const reading = l('Reading what a new instance needs…');
  const vpcs = await deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title: reading }, () => api.listVpcs());
  const takenNames = deps.store.allInstances().filter((i) => i.region === region && i.state !== 'terminated' && i.name).map((i) => i.name ?? '');
  const { plan } = await aws.runInstanceWizard(prompterFor(deps.ui), {
    region,
    vpcs,
    takenNames,
    prepare: (request) => deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title: reading }, () => aws.prepareCreateInstance(api, network, region, request)),
    findPublicIp: () => deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title: l('Asking {0} for your public address…', aws.PUBLIC_IP_ECHO_URL) }, () => aws.findPublicIp()),
  });
  if (plan.status === 'refused') throw new Error(plan.refusals.map((r) => r.message).join(' '));
  return plan;
}

function launch(deps: Deps, plan: InstanceCreatePlan, api: InstanceApi): Promise<InstanceCreateResult> {
  const title = l('Launching {0} (Cancel before the launch undoes everything; after it, Cancel only stops waiting)', plan.name);
  return deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
    deps.core.aws().applyCreateInstance(plan, api, {
      signal: token,
      leaveWaitOnCancel: true,
      onProgress: (message) => {
        deps.log.info(`Create instance ${plan.name}: ${message}`);
        progress.report({ message });
      },
    })).finally(() => void deps.store.reloadRegion(plan.region, ['ec2']));
}

export async function createInstance(deps: Deps): Promise<InstanceCreateResult> {
  await loaded(deps.ui, deps.store);
  const region = await pickRegion(deps, undefined, l('Region of the new instance'));
  const api = instanceApiFor(deps, region);
  const plan = await planNew(deps, region, api);
  await confirmModal(deps.ui, l('Launch EC2 instance {0}?', plan.name), deps.core.aws().describeCreateInstance(plan).join('\n'), l('Launch'));
  const result = await launch(deps, plan, api);
  const wait = { region: plan.region, instanceId: result.instanceId, name: plan.name, osUser: plan.osUser, created: result.created };
  await reportStatus(deps, wait, api, result.statusOk);
  return result;
}
