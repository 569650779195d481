/**
 * "Why can't my app reach the database?": the static checks of an instance ↔ DB pair (AWS reads
 * only, nothing changes), the live checks from the instance over SSH (through the same route the
 * schema creation takes) and the app's config in the workspace, all at once, shown as one report
 * with a line per check, its evidence and its fix.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ec2Instance, RdsDatabase } from '../core/aws/types';
import type { AppConnection } from '../core/diagnose/appConfig';
import type { Check, Diagnosis } from '../core/diagnose/types';
import { describeError, isCancellation } from '../core/errors';
import { Commands } from '../ids';
import { loadAws, loadDb, loadGoConfig } from '../lazy';
import { DatabaseNode, InstanceNode, LinkNode } from '../tree/nodes';
import type { ResourceStore } from '../state/resourceStore';
import { decideRouteFor } from '../services/connections';
import type { DiagnosisReports } from '../documents/diagnosisReport';
import { hostKeyPolicy } from '../services/hostKeys';
import { pickDatabase, pickInstance } from '../ui/pickers';
import { registerCommand, type CommandContext } from './registerCommand';
import { vscodeUserInput } from '../ui/userInput';

const l = vscode.l10n.t;

/** For automation: which pair, and whether to wait for the report's buttons (tests say no). */
export interface DiagnoseArgs {
  readonly region: string;
  readonly instanceId: string;
  readonly database: { readonly kind: 'instance' | 'cluster'; readonly id: string };
}

export interface DiagnoseOutcome {
  readonly diagnosis: Diagnosis;
  readonly text: string;
}

function isArgs(x: unknown): x is DiagnoseArgs {
  return !!x && typeof x === 'object' && 'instanceId' in x && 'database' in x && 'region' in x;
}

/** The pair from a link node, from either tree node (picking the other side), or from the palette. */
async function choosePair(store: ResourceStore, node: unknown): Promise<{ instance: Ec2Instance; db: RdsDatabase }> {
  if (node instanceof LinkNode) return { instance: node.link.instance, db: node.link.database };
  if (node instanceof DatabaseNode) return { instance: await pickInstance(vscodeUserInput, store, (i) => i.region === node.db.region), db: node.db };
  if (node instanceof InstanceNode) return { instance: node.instance, db: await pickDatabase(vscodeUserInput, store, (d) => d.region === node.instance.region) };
  const db = await pickDatabase(vscodeUserInput, store);
  return { instance: await pickInstance(vscodeUserInput, store, (i) => i.region === db.region), db };
}

/**
 * The live checks from the instance: the route the schema creation would take, when it goes
 * through this instance over SSH; otherwise unknown, with the reason.
 */
async function liveChecks(ctx: CommandContext, store: ResourceStore, db: RdsDatabase | undefined, instanceId: string, signal: AbortSignal): Promise<Check[]> {
  const diagnosis = loadAws().diagnosis;
  if (!db?.endpoint) return diagnosis.liveUnknown(l('Not run: the database has no endpoint known here.'));
  let decision;
  try {
    decision = await decideRouteFor({ log: ctx.log, store }, db);
  } catch (err) {
    return diagnosis.liveUnknown(l('Not run: no route to the database ({0}).', describeError(err)));
  }
  if (decision.kind !== 'route' || decision.route.kind !== 'sshTunnel') return diagnosis.liveUnknown(l('Not run: no route through an instance ({0}).', decision.message));
  const route = decision.route;
  if (route.instance.id !== instanceId) return diagnosis.liveUnknown(l('Not run: the route to the database goes through {0}, not {1}.', route.instance.id, instanceId));
  const clients = store.getSession().withSignal(signal);
  let session;
  try {
    session = await loadDb().openSshSession(route, { instanceConnect: clients.instanceConnect(db.region), hostKeys: hostKeyPolicy(ctx.extension.globalState, ctx.log, clients, db.region), signal });
  } catch (err) {
    if (isCancellation(err)) throw err;
    return diagnosis.liveUnknown(l('Not run: no SSH session to {0} ({1}).', instanceId, describeError(err)));
  }
  try {
    return await diagnosis.runLiveChecks(session, route.target);
  } finally {
    await session.close();
  }
}

const CONFIG_FILES = '**/{.env,.env.*,*.env,*.yaml,*.yml,*.toml,*.json,*.ini,*.conf,*.cfg}';
const NOT_CONFIG = '**/{node_modules,vendor,.git,out,dist}/**';

/** The connections the config files of the open workspace make (goconfig's detection), or undefined without a folder. */
async function appConnections(files: Map<string, vscode.Uri>): Promise<AppConnection[] | undefined> {
  if (!vscode.workspace.workspaceFolders?.length) return undefined;
  const goconfig = loadGoConfig();
  const out: AppConnection[] = [];
  for (const uri of await vscode.workspace.findFiles(CONFIG_FILES, NOT_CONFIG, 200)) {
    const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    const detection = goconfig.detectConfig(path.basename(uri.fsPath), text);
    if (!detection || detection.failure) continue;
    const fileName = vscode.workspace.asRelativePath(uri);
    files.set(fileName, uri);
    for (const connection of goconfig.effectiveConnections(detection)) if (connection.host) out.push({ fileName, connection });
  }
  return out;
}

export function registerDiagnoseCommand(ctx: CommandContext, store: ResourceStore, reports: DiagnosisReports): void {

  registerCommand(ctx, Commands.diagnoseConnection, async (nodeOrArgs?: unknown): Promise<DiagnoseOutcome> => {
    const aws = loadAws();
    let request: DiagnoseArgs;
    let rds: RdsDatabase | undefined;
    if (isArgs(nodeOrArgs)) {
      request = nodeOrArgs;
      rds = store.allDatabases().find((d) => d.region === nodeOrArgs.region && d.kind === nodeOrArgs.database.kind && d.id === nodeOrArgs.database.id);
    } else {
      const { instance, db } = await choosePair(store, nodeOrArgs);
      rds = db;
      request = { region: db.region, instanceId: instance.id, database: { kind: db.kind, id: db.id } };
    }
    const { region, instanceId, database } = request;
    const title = l('Checking the path from {0} to {1}…', instanceId, database.id);
    const cancellable = <T>(message: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> =>
      Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: message, cancellable: true }, async (_progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          return await work(abort.signal);
        } finally {
          sub.dispose();
        }
      }));
    // The static reads, the live checks and the workspace's config, at the same time.
    const configFiles = new Map<string, vscode.Uri>();
    const [state, live, connections] = await cancellable(title, (signal) => {
      const clients = store.getSession().withSignal(signal);
      return Promise.all([
        aws.diagnosis.readDiagnosisState({ ec2: clients.ec2(region), rds: clients.rds(region) }, region, { instanceId, db: database }),
        liveChecks(ctx, store, rds, instanceId, signal),
        appConnections(configFiles).catch((err: unknown) => {
          ctx.log.warn(`Reading the workspace's config for the diagnosis failed: ${describeError(err)}`);
          return undefined;
        }),
      ]);
    });
    const staticPart = aws.diagnosis.diagnose(state);
    const endpoint = state.db.endpoint ?? rds?.endpoint;
    const appConfig = endpoint
      ? aws.diagnosis.checkAppConfig(connections, { host: endpoint.address, port: endpoint.port }, vscode.workspace.workspaceFolders?.length ? undefined : l('No folder is open.'))
      : undefined;
    const checks = [...staticPart.checks, ...live, ...(appConfig ? [appConfig] : [])];
    let diagnosis: Diagnosis = { ...staticPart, checks, status: aws.diagnosis.overallStatus(checks) };
    const report = (markdown: boolean, maskAccountIds = false): string => aws.diagnosis.formatReport(diagnosis, { markdown, maskAccountIds, region, generatedAt: new Date() });
    const name = `${instanceId}-${database.id}`;
    ctx.log.info(`Diagnosis ${instanceId} → ${database.id}: ${diagnosis.checks.map((c) => `${c.id}=${c.status}`).join(' ')}`);
    await reports.show(name, report(true));
    const text = report(false);
    if (isArgs(nodeOrArgs)) return { diagnosis, text };

    const copy = l('Copy as Text');
    const copyMasked = l('Copy with Account Ids Masked');
    const linkThem = l('Link Them');
    const analyze = l('Run Reachability Analyzer ({0} per analysis)', aws.diagnosis.REACHABILITY_COST);
    const offersLink = diagnosis.checks.some((c) => c.fix?.kind === 'link');
    const pointFix = diagnosis.checks.map((c) => c.fix).find((f) => f?.kind === 'pointConfig');
    const configUri = pointFix?.kind === 'pointConfig' ? configFiles.get(pointFix.fileName) : undefined;
    const pointConfig = l('Point the Config at RDS');
    // The analyzer needs the DB's address: only its DNS answer gives it.
    const dbAddress = state.db.ipv4;
    const port = state.db.endpoint?.port;
    const summary = diagnosis.status === 'pass'
      ? l('Every check passed for {0} → {1}.', instanceId, database.id)
      : l('{0} of {1} checks failed, {2} unknown, for {3} → {4}.', diagnosis.checks.filter((c) => c.status === 'fail').length, diagnosis.checks.length, diagnosis.checks.filter((c) => c.status === 'unknown').length, instanceId, database.id);
    const buttons = [...(offersLink ? [linkThem] : []), ...(configUri ? [pointConfig] : []), copy, copyMasked, ...(dbAddress && port ? [analyze] : [])];
    void vscode.window.showInformationMessage(summary, ...buttons).then(async (choice) => {
      if (choice === copy) await vscode.env.clipboard.writeText(report(false));
      else if (choice === copyMasked) await vscode.env.clipboard.writeText(report(false, true));
      else if (choice === linkThem) await vscode.commands.executeCommand(Commands.linkInstanceToDatabase, { region, instanceId, database });
      else if (choice === pointConfig && configUri) await vscode.commands.executeCommand(Commands.patchConfig, configUri);
      else if (choice === analyze && dbAddress && port) {
        const check = await cancellable(l('Reachability Analyzer: {0} → {1}:{2}…', instanceId, dbAddress, port), (signal) =>
          aws.diagnosis.runReachabilityAnalysis(store.getSession().ec2(region), { instanceId, dbAddress, port }, { signal }));
        diagnosis = { ...diagnosis, checks: [...diagnosis.checks, check], status: aws.diagnosis.overallStatus([...diagnosis.checks, check]) };
        await reports.show(name, report(true));
      }
    }).then(undefined, (err: unknown) => {
      if (isCancellation(err)) return;
      ctx.log.error(`Reachability Analyzer for ${instanceId} → ${database.id} failed: ${describeError(err)}`);
      void vscode.window.showErrorMessage(describeError(err));
    });
    return { diagnosis, text };
  });
}
