/**
 * "Why can't my app reach the database?": the static checks of an instance ↔ DB pair (AWS reads
 * only, nothing changes), shown as one report with a line per check, its evidence and its fix.
 * The live checks over SSH and the app's config come later; the report says so.
 */
import * as vscode from 'vscode';
import type { Ec2Instance, RdsDatabase } from '../core/aws/types';
import type { Diagnosis } from '../core/diagnose/types';
import { describeError, isCancellation } from '../core/errors';
import { Commands } from '../ids';
import { loadAws } from '../lazy';
import { DatabaseNode, InstanceNode, LinkNode } from '../tree/nodes';
import type { ResourceStore } from '../tree/resourceStore';
import { DiagnosisReports, DIAGNOSIS_SCHEME } from '../ui/diagnosisReport';
import { pickDatabase, pickInstance } from '../ui/pickers';
import { registerCommand, type CommandContext } from './registerCommand';

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
  if (node instanceof DatabaseNode) return { instance: await pickInstance(store, (i) => i.region === node.db.region), db: node.db };
  if (node instanceof InstanceNode) return { instance: node.instance, db: await pickDatabase(store, (d) => d.region === node.instance.region) };
  const db = await pickDatabase(store);
  return { instance: await pickInstance(store, (i) => i.region === db.region), db };
}

export function registerDiagnoseCommand(ctx: CommandContext, store: ResourceStore): void {
  const reports = new DiagnosisReports();
  ctx.extension.subscriptions.push(reports, vscode.workspace.registerTextDocumentContentProvider(DIAGNOSIS_SCHEME, reports));

  registerCommand(ctx, Commands.diagnoseConnection, async (nodeOrArgs?: unknown): Promise<DiagnoseOutcome> => {
    const aws = loadAws();
    let request: DiagnoseArgs;
    if (isArgs(nodeOrArgs)) request = nodeOrArgs;
    else {
      const { instance, db } = await choosePair(store, nodeOrArgs);
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
    const state = await cancellable(title, (signal) => {
      const clients = store.getSession().withSignal(signal);
      return aws.diagnosis.readDiagnosisState({ ec2: clients.ec2(region), rds: clients.rds(region) }, region, { instanceId, db: database });
    });
    let diagnosis = aws.diagnosis.diagnose(state);
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
    // The analyzer needs the DB's address: only its DNS answer gives it.
    const dbAddress = state.db.ipv4;
    const port = state.db.endpoint?.port;
    const summary = diagnosis.status === 'pass'
      ? l('Every static check passed for {0} → {1}.', instanceId, database.id)
      : l('{0} of {1} checks failed, {2} unknown, for {3} → {4}.', diagnosis.checks.filter((c) => c.status === 'fail').length, diagnosis.checks.length, diagnosis.checks.filter((c) => c.status === 'unknown').length, instanceId, database.id);
    const buttons = [...(offersLink ? [linkThem] : []), copy, copyMasked, ...(dbAddress && port ? [analyze] : [])];
    void vscode.window.showInformationMessage(summary, ...buttons).then(async (choice) => {
      if (choice === copy) await vscode.env.clipboard.writeText(report(false));
      else if (choice === copyMasked) await vscode.env.clipboard.writeText(report(false, true));
      else if (choice === linkThem) await vscode.commands.executeCommand(Commands.linkInstanceToDatabase, { region, instanceId, database });
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
