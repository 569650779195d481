/** Creates an RDS Blue/Green deployment: preflight, the choices for green, create, and the wait until it can switch over. */
import type { RDSClient } from '@aws-sdk/client-rds';
import * as vscode from 'vscode';
import type * as AwsModule from '../../core/aws/index';
import type { BlueGreenChoice, BlueGreenSourceDb } from '../../core/aws/index';
import type { RdsDatabase } from '../../core/aws/types';
import { CancelledError, toAbortSignal } from '../../core/errors';
import { Commands } from '../../ids';
import { DatabaseNode } from '../../tree/nodes';
import { confirmModal } from '../../ui/confirm';
import { findDatabase, pickDatabase } from '../../ui/pickers';
import { argsOf, type Args } from '../args';
import type { Deps } from '../deps';
import { pickValue, refused, waitForDeployment, type BlueGreenOutcome } from './deployments';

const l = vscode.l10n.t;

type Prepared = Awaited<ReturnType<typeof AwsModule.prepareBlueGreen>>;
type Choice = BlueGreenChoice & { readonly name: string };

/** The source DB: named by automation, the node's, or a pick (the DBs the preflight refuses at once last, with the reason). */
async function sourceOf(deps: Deps, nodeOrArgs: unknown, args: Args | undefined): Promise<RdsDatabase> {
  if (args) return findDatabase(deps.ui, deps.store, args.dbRef());
  if (nodeOrArgs instanceof DatabaseNode) return nodeOrArgs.db;
  const aws = deps.core.aws();
  return pickDatabase(deps.ui, deps.store, { refusal: (d) => aws.blueGreenRefusal(d, deps.store.blueGreen.get(d.region) ?? [])?.message });
}

/** Automation's choice: what it names, a suggested name otherwise. */
function choiceOf(deps: Deps, args: Args, prepared: Prepared): Choice {
  return {
    name: args.optionalString('name') ?? deps.core.aws().suggestDeploymentName(prepared.db, prepared.regionDeployments),
    targetEngineVersion: args.optionalString('targetEngineVersion'),
    targetParameterGroup: args.optionalString('targetParameterGroup'),
    targetInstanceClass: args.optionalString('targetInstanceClass'),
  };
}

function pickVersion(deps: Deps, prepared: Prepared): Promise<string> {
  const fresh = prepared.db;
  return pickValue(deps.ui, prepared.versions.map((v) => ({
    label: v.engineVersion,
    description: v.current ? l('current version: change parameters or class only') : v.majorUpgrade ? l('major upgrade') : l('minor upgrade'),
    detail: v.description,
    value: v.engineVersion,
  })), l('Engine version for green ({0} runs {1})', fresh.id, fresh.engineVersion ?? '?'), prepared.versionsProblem?.replace(/\s+/g, ' '));
}

/** The parameter group and the instance class for green, each asked only when RDS lists some. */
async function pickGroupAndClass(deps: Deps, client: RDSClient, fresh: BlueGreenSourceDb, version: string): Promise<{ group?: string; instanceClass?: string }> {
  const aws = deps.core.aws();
  const groups = await aws.listParameterGroups(client, fresh, version);
  const group = groups.length ? await pickValue(deps.ui,
    [...groups].sort((a, b) => Number(b.recommended) - Number(a.recommended)).map((g) => ({ label: g.name, description: [g.recommended ? l('recommended') : '', g.current ? l('current') : '', g.family].filter(Boolean).join(' · '), detail: g.description, value: g.name })),
    l('Parameter group for green'),
  ) : undefined;
  const classes = await aws.listInstanceClasses(client, fresh, version);
  const instanceClass = classes.classes.length ? await pickValue(deps.ui,
    classes.classes.map((c, i) => ({ label: c, description: i === 0 && c === fresh.instanceClass ? l('current') : undefined, value: c })),
    classes.fallback ? l('Instance class for green (RDS listed none; common classes shown)') : l('Instance class for green'),
  ) : undefined;
  return { group, instanceClass };
}

/** The person's choice: version, parameter group, class and name, then a modal question. */
async function askChoice(deps: Deps, client: RDSClient, prepared: Prepared): Promise<Choice> {
  const aws = deps.core.aws();
  const fresh = prepared.db;
  if (prepared.versionsProblem) deps.log.warn(prepared.versionsProblem);
  const version = await pickVersion(deps, prepared);
  const { group, instanceClass } = await pickGroupAndClass(deps, client, fresh, version);
  const name = await deps.ui.showInputBox({
    title: l('Name of the Blue/Green deployment'),
    value: aws.suggestDeploymentName(fresh, prepared.regionDeployments),
    validateInput: (v) => aws.deploymentNameProblem(v),
    ignoreFocusOut: true,
  });
  if (name === undefined) throw new CancelledError();
  await confirmModal(deps.ui,
    l('Create Blue/Green deployment {0} for {1}?', name, fresh.id),
    [
      l('Green: a synced copy of {0} with engine {1}, parameter group {2}, class {3}.', fresh.id, version, group ?? l('unchanged'), instanceClass ?? l('unchanged')),
      l('Green costs as much as blue while it exists. Nothing changes for the app until you switch over.'),
    ].join('\n'),
    l('Create'),
  );
  return { name, targetEngineVersion: version, targetParameterGroup: group, targetInstanceClass: instanceClass };
}

/** Automation passes `{ region, database: { kind, id }, name?, targetEngineVersion?, targetParameterGroup?, targetInstanceClass? }` and is asked nothing. */
export async function createBlueGreen(deps: Deps, nodeOrArgs?: unknown): Promise<BlueGreenOutcome> {
  const aws = deps.core.aws();
  const args = argsOf(Commands.createBlueGreen, nodeOrArgs);
  const db = await sourceOf(deps, nodeOrArgs, args);
  const client = deps.store.getSession().rds(db.region);
  const prepared = await deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title: l('Checking {0} for a Blue/Green deployment…', db.id), cancellable: true }, (_progress, token) =>
    aws.prepareBlueGreen(aws.abortable(client, toAbortSignal(token)), db));
  if (prepared.refusals.length) return refused(deps, !!args, prepared.refusals.map((r) => r.message));
  const choice = args ? choiceOf(deps, args, prepared) : await askChoice(deps, client, prepared);
  const created = await aws.createBlueGreen(client, prepared.db, choice, prepared.regionDeployments);
  deps.log.info(`Created Blue/Green ${created.id} (${created.name}) for ${prepared.db.id}`);
  await deps.store.reloadRegion(db.region, ['rds']);
  const ready = await waitForDeployment(deps, l('Blue/Green {0}: provisioning green', created.name), db.region, created.id, 'AVAILABLE');
  await deps.store.reloadRegion(db.region, ['rds']);
  void deps.ui.showInformationMessage(l('Blue/Green deployment {0} is ready to switch over.', created.name), {});
  return { status: 'created', deployment: ready ?? created };
}
