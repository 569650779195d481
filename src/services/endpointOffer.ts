/**
 * The offer when the route decision ends in "no way to reach the instance" (no public IP, no
 * endpoint in its VPC): create an EC2 Instance Connect Endpoint there. The person picks the
 * subnet and the endpoint's security group, sees the plan (with the rule "TCP 22 from the
 * endpoint's group" on the instance's group), confirms, and waits in a cancellable progress until
 * the endpoint is create-complete; a cancel leaves the wait, not the creation. The other answer
 * is a local port forwarded some other way, which the caller asks for.
 */
import * as vscode from 'vscode';
import type { Ec2Instance, RdsDatabase } from '../core/aws/types';
import { CancelledError } from '../core/errors';
import type { GroupChoice, SubnetChoice } from '../core/instance/index';
import { Commands } from '../ids';
import { loadDb } from '../lazy';
import type { ResourceStore } from '../state/resourceStore';
import type { UserInput } from '../ui/userInput';

const l = vscode.l10n.t;

export interface EndpointOfferContext {
  readonly log: vscode.LogOutputChannel;
  readonly store: Pick<ResourceStore, 'getSession'>;
  readonly ui: UserInput;
}

type Answer = 'create' | 'localPort';

type DbCore = ReturnType<typeof loadDb>;

/**
 * true: an endpoint was created and is ready (decide the route again); false: the person wants a
 * local port. `core`: the db bundle (tests give the sources).
 */
export async function offerInstanceConnectEndpoint(c: EndpointOfferContext, db: Pick<RdsDatabase, 'id' | 'region'>, instance: Ec2Instance, why: string, core: DbCore = loadDb()): Promise<boolean> {
  if (!instance.vpcId) return false;
  const label = instance.name ? `${instance.name} (${instance.id})` : instance.id;
  const answer = await c.ui.showQuickPick<vscode.QuickPickItem & { answer: Answer }>(
    [
      { label: l('Create an EC2 Instance Connect Endpoint in {0}…', instance.vpcId), detail: l('Reaches {0} on its private IP without opening anything to the internet. You see the plan first; AWS takes a few minutes.', label), answer: 'create' },
      { label: l('Give a local host:port forwarded to the database…'), detail: l('SSM, a bastion, or another tunnel of yours.'), answer: 'localPort' },
    ],
    { title: l('How can VS Code reach {0}?', db.id), placeHolder: why, ignoreFocusOut: true },
  );
  if (!answer) throw new CancelledError();
  if (answer.answer === 'localPort') return false;
  await createEndpointFor(c, db.region, instance, core);
  return true;
}

async function createEndpointFor(c: EndpointOfferContext, region: string, instance: Ec2Instance, core: DbCore): Promise<void> {
  const ec2 = c.store.getSession().ec2(region);
  const target = core.endpointTargetOf(instance);
  const choices = await core.readEndpointChoices(ec2, target);
  const subnet = await pickSubnet(c.ui, choices.subnets, instance.subnetId);
  const group = await pickGroup(c.ui, choices.groups);
  const plan = core.planInstanceConnectEndpoint(target, subnet, group.id, choices);
  c.log.info(`EC2 Instance Connect Endpoint plan for ${instance.id}:\n  ${plan.lines.join('\n  ')}`);
  const go = l('Create');
  const confirmed = await c.ui.showWarningMessage(l('Create an EC2 Instance Connect Endpoint for {0}?', instance.id), { modal: true, detail: plan.lines.join('\n') }, go);
  if (confirmed !== go) throw new CancelledError();
  try {
    const endpoint = await c.ui.withProgress({ location: vscode.ProgressLocation.Notification, title: l('EC2 Instance Connect Endpoint'), cancellable: true }, (progress, token) =>
      core.applyInstanceConnectEndpointPlan(ec2, plan, { signal: token, onProgress: (m) => progress.report({ message: m }), log: (line) => c.log.info(line) }),
    );
    c.log.info(`EC2 Instance Connect Endpoint ${endpoint.id} is ready in ${endpoint.subnetId}`);
    offerUndo(c, region, endpoint.id, instance.id);
  } catch (err) {
    if (err instanceof core.EndpointWaitLeftError) {
      void c.ui.showInformationMessage(l('The EC2 Instance Connect Endpoint {0} is still being created. Run the command again once it is ready (a few minutes).', err.endpointId), {});
    }
    throw err;
  }
}

/**
 * The message that the endpoint is ready, with Undo: the palette's Delete EC2 Instance Connect
 * Endpoint… for this endpoint (its plan, progress and errors). Not awaited: the work that asked
 * for the endpoint goes on through it meanwhile.
 */
function offerUndo(c: EndpointOfferContext, region: string, endpointId: string, instanceId: string): void {
  const undo = l('Undo');
  void c.ui
    .showInformationMessage(l('The EC2 Instance Connect Endpoint {0} is ready; {1} is reached through it.', endpointId, instanceId), {}, undo)
    .then((answer) => (answer === undo ? c.ui.executeCommand(Commands.deleteInstanceConnectEndpoint, { region, endpointId }) : undefined))
    // The command shows its own errors; this only keeps the rejection from going unhandled.
    .catch((err: unknown) => c.log.warn(`Undo of ${endpointId}: ${(err as Error).message}`));
}

async function pickSubnet(ui: UserInput, subnets: readonly SubnetChoice[], instanceSubnet: string | undefined): Promise<SubnetChoice> {
  if (subnets.length === 0) throw new Error(l('The VPC has no subnet to put an endpoint in.'));
  const picked = await ui.showQuickPick(
    subnets.map((s) => ({
      label: s.name ?? s.id,
      description: [s.id, s.availabilityZone, s.cidr].filter(Boolean).join(' · '),
      ...(s.id === instanceSubnet ? { detail: l('The instance\'s own subnet') } : {}),
      subnet: s,
    })),
    { title: l('The endpoint\'s subnet'), placeHolder: l('An endpoint reaches the whole VPC; its own subnet or AZ keeps the traffic in one zone.'), ignoreFocusOut: true },
  );
  if (!picked) throw new CancelledError();
  return picked.subnet;
}

async function pickGroup(ui: UserInput, groups: readonly GroupChoice[]): Promise<GroupChoice> {
  if (groups.length === 0) throw new Error(l('The VPC has no security group for the endpoint.'));
  const picked = await ui.showQuickPick(
    groups.map((g) => ({ label: g.name, description: g.id, ...(g.isDefault ? { detail: l('The VPC\'s default group (outbound open, as the endpoint needs)') } : {}), group: g })),
    { title: l('The endpoint\'s security group'), placeHolder: l('The instance\'s group will allow TCP 22 from this group.'), ignoreFocusOut: true },
  );
  if (!picked) throw new CancelledError();
  return picked.group;
}
