/**
 * RDS Link: Create EC2 Instance… — core's runInstanceWizard as QuickPicks, the plan once in a
 * modal, then AMI → group → instance profile → launch → status checks under a cancellable
 * progress. A cancel before the launch (or a failure anywhere) rolls back what was made; a
 * cancel during the status wait leaves the wait, and the instance stays ("Wait Again").
 */
import * as vscode from 'vscode';
import type { InstanceCreatePlan, InstanceCreateResult } from '../../core/aws/index';
import { Commands } from '../../ids';
import { InstanceNode } from '../../tree/nodes';
import { confirmModal } from '../../ui/confirm';
import { loaded } from '../../ui/pickers';
import { pickRegion, prompterFor } from '../database/dbCreation';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

type Api = ReturnType<ReturnType<Deps['core']['aws']>['createSdkInstanceCreateApi']>;

function apiFor(deps: Deps, region: string): Api {
  const session = deps.store.getSession();
  return deps.core.aws().createSdkInstanceCreateApi(session.ec2(region), session.ssm(region), session.iam(region));
}

async function planNew(deps: Deps, region: string, api: Api): Promise<InstanceCreatePlan> {
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

function launch(deps: Deps, plan: InstanceCreatePlan, api: Api): Promise<InstanceCreateResult> {
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

function waitAgain(deps: Deps, plan: InstanceCreatePlan, api: Api, instanceId: string): Promise<boolean> {
  return deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title: l('Waiting for the status checks of {0}', instanceId), cancellable: true }, (_progress, token) =>
    api.waitStatusOk(instanceId, { signal: token }).then(() => true, (err: unknown) => {
      if (token.isCancellationRequested) return false;
      throw err;
    })).finally(() => void deps.store.reloadRegion(plan.region, ['ec2']));
}

/** The next step: a DB linked to the new instance, or waiting again for its status checks. */
async function report(deps: Deps, plan: InstanceCreatePlan, api: Api, result: InstanceCreateResult, statusOk: boolean): Promise<void> {
  deps.log.info(`Create instance ${plan.name}: ${statusOk ? 'status OK' : 'wait left'}; made: ${result.created.join('; ')}`);
  if (!statusOk) {
    const again = l('Wait Again');
    const choice = await deps.ui.showWarningMessage(l('{0} ({1}) is launched; its status checks were not waited for.', plan.name, result.instanceId), { modal: true, detail: l('What exists now: {0}.', result.created.join('; ')) }, again);
    if (choice === again) await report(deps, plan, api, result, await waitAgain(deps, plan, api, result.instanceId));
    return;
  }
  const database = l('Create RDS Database…');
  const choice = await deps.ui.showInformationMessage(l('{0} ({1}) is running and its status checks passed. Log in as {2}.', plan.name, result.instanceId, plan.osUser), {}, database);
  if (choice !== database) return;
  const instance = deps.store.allInstances().find((i) => i.id === result.instanceId);
  await deps.ui.executeCommand(Commands.createDatabase, ...(instance ? [new InstanceNode(instance)] : []));
}

export async function createInstance(deps: Deps): Promise<InstanceCreateResult> {
  await loaded(deps.ui, deps.store);
  const region = await pickRegion(deps, undefined, l('Region of the new instance'));
  const api = apiFor(deps, region);
  const plan = await planNew(deps, region, api);
  await confirmModal(deps.ui, l('Launch EC2 instance {0}?', plan.name), deps.core.aws().describeCreateInstance(plan).join('\n'), l('Launch'));
  const result = await launch(deps, plan, api);
  await report(deps, plan, api, result, result.statusOk);
  return result;
}
