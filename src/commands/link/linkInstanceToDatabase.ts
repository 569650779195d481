/**
 * Links an instance to a DB, the console's "Set up EC2 connection": a pair of security groups
 * that lets that instance (and only it) reach the DB port, through the planned-change flow.
 */
import * as vscode from 'vscode';
import type { LinkPlan } from '../../core/aws/index';
import type { Ec2Instance, RdsDatabase } from '../../core/aws/types';
import { Commands } from '../../ids';
import { DatabaseNode, InstanceNode } from '../../tree/nodes';
import { pickDatabase, pickInstance } from '../../ui/pickers';
import { argsOf } from '../args';
import type { Deps } from '../deps';
import { runPlannedChange, type LinkOutcome } from './plannedChange';

const l = vscode.l10n.t;

/**
 * The pair to link, from a node or the palette. Every path asks the same rule (capabilities.ts):
 * any engine links; pickers show what cannot be linked, last and with the reason.
 */
async function choosePairToLink(deps: Deps, node: unknown): Promise<{ instance: Ec2Instance; db: RdsDatabase }> {
  const aws = deps.core.aws();
  const instanceFor = (db: RdsDatabase): Promise<Ec2Instance> => pickInstance(deps.ui, deps.store, {
    filter: (i) => i.region === db.region,
    refusal: (i) => aws.pairRefusal(i, db, db.vpcId, false)?.message,
  });
  if (node instanceof DatabaseNode) {
    const refusal = aws.dbRefusal(node.db, 'link');
    if (refusal) throw new Error(refusal.message);
    return { instance: await instanceFor(node.db), db: node.db };
  }
  if (node instanceof InstanceNode) {
    const instance = node.instance;
    const db = await pickDatabase(deps.ui, deps.store, { filter: (d) => d.region === instance.region, refusal: (d) => aws.pairRefusal(instance, d, d.vpcId, false)?.message });
    return { instance, db };
  }
  const db = await pickDatabase(deps.ui, deps.store, { refusal: (d) => aws.dbRefusal(d, 'link')?.message });
  return { instance: await instanceFor(db), db };
}

interface LinkRequest {
  readonly region: string;
  readonly instanceId: string;
  readonly database: { readonly kind: 'instance' | 'cluster'; readonly id: string };
  readonly confirmed: boolean;
}

/** From automation `{ region, instanceId, database: { kind, id }, confirmed? }`, a node, or the palette's pickers. */
async function linkRequest(deps: Deps, nodeOrArgs: unknown): Promise<LinkRequest> {
  const args = argsOf(Commands.linkInstanceToDatabase, nodeOrArgs);
  if (args) {
    const ref = args.dbRef();
    return { region: ref.region, instanceId: args.string('instanceId'), database: { kind: ref.kind, id: ref.id }, confirmed: args.optionalBoolean('confirmed') ?? false };
  }
  const pair = await choosePairToLink(deps, nodeOrArgs);
  return { region: pair.db.region, instanceId: pair.instance.id, database: { kind: pair.db.kind, id: pair.db.id }, confirmed: false };
}

export async function linkInstanceToDatabase(deps: Deps, nodeOrArgs?: unknown): Promise<LinkOutcome> {
  const aws = deps.core.aws();
  const { region, instanceId, database, confirmed } = await linkRequest(deps, nodeOrArgs);
  const name = (plan: LinkPlan): string => plan.instanceName ?? plan.instanceId;
  return runPlannedChange<LinkPlan>(deps, {
    region,
    logName: 'Link',
    reading: l('Reading the instance, the database and their security groups…'),
    prepare: (api, signal) => aws.prepareLink(api, { instanceId, db: database }, { signal }).then((p) => p.plan),
    refused: l('The link was refused.'),
    settle: (plan, lines) => {
      if (plan.status !== 'alreadyLinked') return Promise.resolve(undefined);
      void deps.ui.showInformationMessage(l('{0} is already linked to {1}: nothing was changed.', name(plan), plan.dbTarget.id), {});
      return Promise.resolve({ status: 'alreadyLinked', plan: lines });
    },
    question: (plan) => ({ message: l('Link {0} to {1}?', name(plan), plan.dbId), action: l('Link') }),
    applying: (plan) => l('Linking {0} to {1}', name(plan), plan.dbId),
    applied: (plan, result) => {
      deps.log.info(`Linked ${plan.instanceId} to ${plan.dbTarget.kind} ${plan.dbTarget.id} in ${result.calls} calls`);
      void deps.ui.showInformationMessage(l('Linked {0} to {1} through {2} and {3}.', name(plan), plan.dbId, plan.ec2Group?.name ?? '', plan.rdsGroup?.name ?? ''), {});
    },
  }, confirmed);
}
