/**
 * RDS Link: Delete Instance… — for an instance this product created (its tags say so): asks
 * once, modally, naming what goes with it, then terminates it and deletes the security group
 * made for it once nothing else uses it (core's applyDeleteInstance).
 */
import * as vscode from 'vscode';
import { isCreatedHere } from '../../core/aws/link/consoleRules';
import type { Ec2Instance } from '../../core/aws/types';
import { confirmModal } from '../../ui/confirm';
import type { Deps } from '../deps';
import { instanceOf } from '../resources';

const l = vscode.l10n.t;

const deletable = (i: Ec2Instance): boolean => isCreatedHere(i.tags) && i.state !== 'terminated' && i.state !== 'shutting-down';

export async function deleteInstance(deps: Deps, node?: unknown): Promise<{ deletedGroups: readonly string[]; keptGroups: readonly string[] }> {
  const i = await instanceOf(deps, node, deletable);
  if (!isCreatedHere(i.tags)) throw new Error(l('{0} was not created by RDS Link; terminate it in the EC2 console.', i.name ?? i.id));
  if (!deletable(i)) throw new Error(l('Instance {0} is {1} already.', i.name ?? i.id, i.state));
  const aws = deps.core.aws();
  const session = deps.store.getSession();
  const linkApi = deps.store.linkApi(i.region);
  const groups = i.securityGroupIds.length ? aws.groupsMadeFor(await linkApi.describeSecurityGroups({ groupIds: i.securityGroupIds })) : [];
  await confirmModal(deps.ui,
    l('Terminate instance {0} ({1})?', i.name ?? i.id, i.id),
    [
      l('It cannot be started again; its root volume is deleted with it.'),
      groups.length ? l('Then security group {0} is deleted, once nothing else uses it.', groups.map((g) => `${g.name} (${g.id})`).join(', ')) : undefined,
    ].filter(Boolean).join('\n'),
    l('Terminate'),
    { destructive: true },
  );
  const ec2 = aws.createSdkEc2InstanceParts(session.ec2(i.region));
  const api = {
    describeSecurityGroups: linkApi.describeSecurityGroups.bind(linkApi),
    describeInterfaces: linkApi.describeInterfaces.bind(linkApi),
    deleteSecurityGroup: (groupId: string) => linkApi.deleteSecurityGroup(groupId),
    terminateInstance: ec2.terminateInstance,
    waitTerminated: ec2.waitTerminated,
  };
  const result = await deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title: l('Terminating {0}', i.name ?? i.id) }, (progress) =>
    aws.applyDeleteInstance(i, api, {
      onProgress: (message) => {
        deps.log.info(`Delete instance ${i.id}: ${message}`);
        progress.report({ message });
      },
    })).finally(() => void deps.store.reloadRegion(i.region, ['ec2']));
  const parts = [
    l('Terminated {0}.', i.name ?? i.id),
    result.deletedGroups.length ? l('Deleted {0}.', result.deletedGroups.join(', ')) : undefined,
    result.keptGroups.length ? l('Kept: {0}.', result.keptGroups.join('; ')) : undefined,
  ].filter(Boolean).join(' ');
  deps.log.info(`Delete instance ${i.id}: ${parts}`);
  void deps.ui.showInformationMessage(parts, {});
  return result;
}
