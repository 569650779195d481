/**
 * "Why can't my app reach the database?": the static checks of an instance ↔ DB pair (AWS reads
 * only, nothing changes), the live checks from the instance over SSH (through the same route the
 * schema creation takes) and the app's config in the workspace, all at once, shown as one report
 * with a line per check, its evidence and its fix.
 */
import * as vscode from 'vscode';
import type { Ec2Instance, RdsDatabase } from '../../core/aws/types';
import type { Diagnosis, DiagnosisState } from '../../core/diagnose/types';
import { describeError } from '../../core/errors';
import { Commands } from '../../ids';
import { DatabaseNode, InstanceNode, LinkNode } from '../../tree/nodes';
import { pickDatabase, pickInstance } from '../../ui/pickers';
import { argsOf } from '../args';
import type { Deps } from '../deps';
import { appConnections } from './appConnections';
import { liveChecks } from './liveChecks';
import { cancellable, offerNextSteps, ShownDiagnosis, type DiagnoseRequest } from './nextSteps';

const l = vscode.l10n.t;

export interface DiagnoseOutcome {
  readonly diagnosis: Diagnosis;
  readonly text: string;
}

/** The pair from a link node, from either tree node (picking the other side), or from the palette. */
export async function choosePairToDiagnose(deps: Deps, node: unknown): Promise<{ instance: Ec2Instance; db: RdsDatabase }> {
  const { ui, store } = deps;
  if (node instanceof LinkNode) return { instance: node.link.instance, db: node.link.database };
  if (node instanceof DatabaseNode) return { instance: await pickInstance(ui, store, (i) => i.region === node.db.region), db: node.db };
  if (node instanceof InstanceNode) return { instance: node.instance, db: await pickDatabase(ui, store, (d) => d.region === node.instance.region) };
  const db = await pickDatabase(ui, store);
  return { instance: await pickInstance(ui, store, (i) => i.region === db.region), db };
}

interface Target {
  readonly request: DiagnoseRequest;
  /** The DB as loaded (its endpoint, for the live checks); an automation caller may name one not loaded. */
  readonly rds?: RdsDatabase;
  /** Named by automation `{ region, instanceId, database: { kind, id } }`: no offers after the report. */
  readonly automated: boolean;
}

async function targetOf(deps: Deps, nodeOrArgs: unknown): Promise<Target> {
  const args = argsOf(Commands.diagnoseConnection, nodeOrArgs);
  if (args) {
    const ref = args.dbRef();
    const request = { region: ref.region, instanceId: args.string('instanceId'), database: { kind: ref.kind, id: ref.id } };
    const rds = deps.store.allDatabases().find((d) => d.region === ref.region && d.kind === ref.kind && d.id === ref.id);
    return { request, rds, automated: true };
  }
  const { instance, db } = await choosePairToDiagnose(deps, nodeOrArgs);
  return { request: { region: db.region, instanceId: instance.id, database: { kind: db.kind, id: db.id } }, rds: db, automated: false };
}

/** The static reads, the live checks and the workspace's config, at the same time, as one diagnosis. */
async function runDiagnosis(deps: Deps, { request, rds }: Target, configFiles: Map<string, vscode.Uri>): Promise<{ diagnosis: Diagnosis; state: DiagnosisState }> {
  const aws = deps.core.aws();
  const { region, instanceId, database } = request;
  const [state, live, connections] = await cancellable(deps, l('Checking the path from {0} to {1}…', instanceId, database.id), (signal) => {
    const clients = deps.store.getSession().withSignal(signal);
    return Promise.all([
      aws.diagnosis.readDiagnosisState({ ec2: clients.ec2(region), rds: clients.rds(region) }, region, { instanceId, db: database }),
      liveChecks(deps, rds, instanceId, signal),
      appConnections(deps, configFiles).catch((err: unknown) => {
        deps.log.warn(`Reading the workspace's config for the diagnosis failed: ${describeError(err)}`);
        return undefined;
      }),
    ]);
  });
  const staticPart = aws.diagnosis.diagnose(state);
  const endpoint = state.db.endpoint ?? rds?.endpoint;
  const appConfig = endpoint
    ? aws.diagnosis.checkAppConfig(connections, { host: endpoint.address, port: endpoint.port }, deps.files.hasFolder() ? undefined : l('No folder is open.'))
    : undefined;
  const checks = [...staticPart.checks, ...live, ...(appConfig ? [appConfig] : [])];
  return { diagnosis: { ...staticPart, checks, status: aws.diagnosis.overallStatus(checks) }, state };
}

export async function diagnoseConnection(deps: Deps, nodeOrArgs?: unknown): Promise<DiagnoseOutcome> {
  const target = await targetOf(deps, nodeOrArgs);
  const { instanceId, database } = target.request;
  const configFiles = new Map<string, vscode.Uri>();
  const { diagnosis, state } = await runDiagnosis(deps, target, configFiles);
  const shown = new ShownDiagnosis(deps, target.request, diagnosis);
  deps.log.info(`Diagnosis ${instanceId} → ${database.id}: ${diagnosis.checks.map((c) => `${c.id}=${c.status}`).join(' ')}`);
  await shown.show();
  const text = shown.text(false);
  if (!target.automated) offerNextSteps(deps, shown, state, configFiles);
  return { diagnosis, text };
}
