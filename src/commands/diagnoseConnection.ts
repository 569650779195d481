/**
 * "Why can't my app reach the database?": the static checks of an instance ↔ DB pair (AWS reads
 * only, nothing changes), shown as one report with a line per check, its evidence and its fix.
 * The live checks over SSH and the app's config come later; the report says so.
 */
import * as vscode from 'vscode';
import type { Ec2Instance, RdsDatabase } from '../core/aws/types';
import type { Diagnosis } from '../core/diagnose/types';
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
    const diagnosis = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        const clients = store.getSession().withSignal(abort.signal);
        const state = await aws.diagnosis.readDiagnosisState({ ec2: clients.ec2(region), rds: clients.rds(region) }, region, { instanceId, db: database });
        return aws.diagnosis.diagnose(state);
      } finally {
        sub.dispose();
      }
    });
    const report = (markdown: boolean, maskAccountIds = false): string => aws.diagnosis.formatReport(diagnosis, { markdown, maskAccountIds, region, generatedAt: new Date() });
    ctx.log.info(`Diagnosis ${instanceId} → ${database.id}: ${diagnosis.checks.map((c) => `${c.id}=${c.status}`).join(' ')}`);
    await reports.show(`${instanceId}-${database.id}`, report(true));
    const text = report(false);
    if (isArgs(nodeOrArgs)) return { diagnosis, text };

    const copy = l('Copy as Text');
    const copyMasked = l('Copy with Account Ids Masked');
    const linkThem = l('Link Them');
    const offersLink = diagnosis.checks.some((c) => c.fix?.kind === 'link');
    const summary = diagnosis.status === 'pass'
      ? l('Every static check passed for {0} → {1}.', instanceId, database.id)
      : l('{0} of {1} checks failed, {2} unknown, for {3} → {4}.', diagnosis.checks.filter((c) => c.status === 'fail').length, diagnosis.checks.length, diagnosis.checks.filter((c) => c.status === 'unknown').length, instanceId, database.id);
    void vscode.window.showInformationMessage(summary, ...(offersLink ? [linkThem] : []), copy, copyMasked).then(async (choice) => {
      if (choice === copy) await vscode.env.clipboard.writeText(text);
      else if (choice === copyMasked) await vscode.env.clipboard.writeText(report(false, true));
      else if (choice === linkThem) await vscode.commands.executeCommand(Commands.linkInstanceToDatabase, { region, instanceId, database });
    });
    return { diagnosis, text };
  });
}
