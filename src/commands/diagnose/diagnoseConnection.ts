/**
 * "Why can't my app reach the database?": the static checks of an instance ↔ DB pair (AWS reads
 * only, nothing changes), the live checks from the instance over SSH (through the same route the
 * schema creation takes) and the app's config in the workspace, all at once, shown as one report
 * with a line per check, its evidence and its fix.
 */
import * as vscode from 'vscode';
import type { Ec2Instance, RdsDatabase } from '../../core/aws/types';
import type { AppConnection } from '../../core/diagnose/appConfig';
import type { Check, Diagnosis, DiagnosisState } from '../../core/diagnose/types';
import { describeError } from '../../core/errors';
import { createdDatabasesOf } from '../../state/createdDatabases';
import { Commands } from '../../ids';
import { DatabaseNode, InstanceNode, LinkNode } from '../../tree/nodes';
import { pickDatabase, pickInstance } from '../../ui/pickers';
import { argsOf } from '../args';
import type { Deps } from '../deps';
import { appConnections } from './appConnections';
import { databaseExists } from './databaseExists';
import { eicePort } from './eicePort';
import { liveChecks, openInstanceSsh, type InstanceSsh } from './liveChecks';
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

/** The database the workspace's target names, when that target is this DB (its host and port). */
function targetDatabase(deps: Deps, endpoint: { address: string; port: number }): string | undefined {
  const target = deps.targets.current;
  return target && target.host.toLowerCase() === endpoint.address.toLowerCase() && target.port === endpoint.port ? target.database : undefined;
}

/** The app-config check and whether the database it names exists on the server (over the diagnosis's SSH session when it has one). */
async function appChecks(deps: Deps, rds: RdsDatabase | undefined, endpoint: { address: string; port: number } | undefined, connections: AppConnection[] | undefined, signal: AbortSignal, ssh: { instanceId: string } & InstanceSsh): Promise<Check[]> {
  const diagnosis = deps.core.aws().diagnosis;
  if (!endpoint) return [];
  const target = { host: endpoint.address, port: endpoint.port, database: targetDatabase(deps, endpoint) };
  const appConfig = diagnosis.checkAppConfig(connections, target, deps.files.hasFolder() ? undefined : l('No folder is open.'));
  const over = ssh.session ? { instanceId: ssh.instanceId, session: ssh.session } : undefined;
  const created = rds ? createdDatabasesOf(deps.globalState, rds) : [];
  return [appConfig, await databaseExists(deps, rds, diagnosis.databaseToCheck(connections, target, created, ssh.instanceId), signal, over)];
}

/** The static reads, the live checks and the workspace's config, at the same time, as one diagnosis. */
async function runDiagnosis(deps: Deps, { request, rds }: Target, configFiles: Map<string, vscode.Uri>): Promise<{ diagnosis: Diagnosis; state: DiagnosisState }> {
  const aws = deps.core.aws();
  const { region, instanceId, database } = request;
  const [state, live, app] = await cancellable(deps, l('Checking the path from {0} to {1}…', instanceId, database.id), async (signal) => {
    const clients = deps.store.getSession().withSignal(signal);
    const readConfig = appConnections(deps, configFiles).catch((err: unknown) => {
      deps.log.warn(`Reading the workspace's config for the diagnosis failed: ${describeError(err)}`);
      return undefined;
    });
    const reads = aws.diagnosis.readDiagnosisState({ ec2: clients.ec2(region), rds: clients.rds(region) }, region, { instanceId, db: database });
    // One SSH session to the instance for the live checks and the database's existence.
    const ssh = openInstanceSsh(deps, rds, instanceId, signal);
    try {
      // The DB's endpoint as read (an automation caller may name a DB not loaded), for the app's checks.
      const appPart = Promise.all([reads, readConfig, ssh]).then(([s, connections, shared]) => appChecks(deps, rds, s.db.endpoint ?? rds?.endpoint, connections, signal, { instanceId, ...shared }));
      const all = await Promise.all([reads, ssh.then((shared) => liveChecks(deps, shared)), appPart]);
      const eice = await eicePort(deps, region, all[0], (await ssh).route, signal);
      return [all[0], [...(eice ? [eice] : []), ...all[1]], all[2]] as const;
    } finally {
      await ssh.then((shared) => shared.session?.close(), () => undefined);
    }
  });
  const staticPart = aws.diagnosis.diagnose(state);
  const checks = [...staticPart.checks, ...live, ...app];
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
