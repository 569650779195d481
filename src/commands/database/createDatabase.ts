/**
 * RDS Link: Create RDS Database… — the wizard's questions (core's runDbWizard) as QuickPicks, the
 * plan once in a modal, then create → wait → link with a cancellable progress. Once the DB exists
 * it stays: a left wait offers "Wait Again", a failed link "Link Again", success "Create Database
 * (Schema)…". A plan whose wait was left or whose link failed is kept (see dbCreation.ts), and the
 * command offers to pick it up again next time it runs.
 */
import * as vscode from 'vscode';
import type { DbCreateOutcome, DbCreatePlan } from '../../core/aws/index';
import type { Ec2Instance } from '../../core/aws/types';
import { CancelledError } from '../../core/errors';
import { dbPasswordKey } from '../../state/passwords';
import { InstanceNode } from '../../tree/nodes';
import { confirmModal } from '../../ui/confirm';
import { loaded } from '../../ui/pickers';
import type { Deps } from '../deps';
import { askOwnPassword, forgetPending, pendingCreates, pickRegion, prompterFor, reportCreate, runCreate } from './dbCreation';

const l = vscode.l10n.t;

/** A plan left waiting, when the person picks one up; undefined for "create a new database". */
async function pickPending(deps: Deps, waiting: readonly DbCreatePlan[]): Promise<DbCreatePlan | undefined> {
  const fresh = { label: l('$(add) Create a new database'), plan: undefined };
  const picked = await deps.ui.showQuickPick(
    [...waiting.map((p) => ({ label: l('Pick up {0} again', p.identifier), description: p.region, detail: p.link ? l('Wait until it is available, then link it to {0}', p.link.instanceId) : l('Wait until it is available'), plan: p })), fresh],
    { title: l('Create RDS Database'), ignoreFocusOut: true },
  );
  if (!picked) throw new CancelledError();
  return picked.plan;
}

async function pickUp(deps: Deps, plan: DbCreatePlan): Promise<DbCreateOutcome> {
  const session = deps.store.getSession();
  const exists = await deps.core.aws().createSdkDbCreateApi(session.rds(plan.region), session.ec2(plan.region), plan.region).describeDbInstance(plan.identifier);
  if (!exists) {
    await forgetPending(deps, plan);
    throw new Error(l('{0} no longer exists in {1}; there is nothing to pick up.', plan.identifier, plan.region));
  }
  const outcome = await runCreate(deps, plan, true);
  await reportCreate(deps, plan, outcome);
  return outcome;
}

/** The wizard's plan for a new DB in the region (refusals fail here, before anything is asked to be confirmed). */
async function planNew(deps: Deps, instance: Ec2Instance | undefined): Promise<DbCreatePlan> {
  const aws = deps.core.aws();
  const region = await pickRegion(deps, instance);
  const inRegion = (x: { region: string }): boolean => x.region === region;
  const instances = deps.store.allInstances().filter(inRegion);
  const vpcIds = [...new Set([...instances.map((i) => i.vpcId), ...deps.store.allDatabases().filter(inRegion).map((d) => d.vpcId)].filter((v): v is string => !!v))].sort();
  const session = deps.store.getSession();
  const api = aws.createSdkDbCreateApi(session.rds(region), session.ec2(region), region);
  const { plan } = await aws.runDbWizard(prompterFor(deps.ui), {
    region,
    instance,
    instances,
    vpcIds,
    prepare: (request) => deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title: l('Reading what a new database needs…') }, () =>
      aws.prepareCreateDatabase(api, request.instanceId ? deps.store.linkApi(region) : undefined, request)),
  });
  if (plan.status === 'refused') throw new Error(plan.refusals.map((r) => r.message).join(' '));
  return plan;
}

export async function createDatabase(deps: Deps, node?: unknown): Promise<DbCreateOutcome | undefined> {
  await loaded(deps.ui, deps.store);
  const instance = node instanceof InstanceNode ? node.instance : undefined;
  const waiting = pendingCreates(deps).filter((p) => deps.store.regions.includes(p.region));
  const resumed = !instance && waiting.length ? await pickPending(deps, waiting) : undefined;
  if (resumed) return pickUp(deps, resumed);
  const plan = await planNew(deps, instance);
  await confirmModal(deps.ui, l('Create RDS database {0}?', plan.identifier), deps.core.aws().describeCreateDatabase(plan).join('\n'), plan.link ? l('Create and Link') : l('Create'));
  const masterPassword = plan.password === 'own' ? await askOwnPassword(deps.ui) : undefined;
  const outcome = await runCreate(deps, plan, false, masterPassword);
  if (masterPassword) {
    // The DB exists (whatever the outcome): its key is account, region, DB and user, never the endpoint.
    const account = deps.store.accountId();
    await deps.passwords.store(dbPasswordKey({ account, region: plan.region, dbId: plan.identifier, host: '', port: 3306, user: plan.masterUsername }), masterPassword);
  }
  await reportCreate(deps, plan, outcome);
  return outcome;
}
