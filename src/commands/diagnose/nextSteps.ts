/**
 * What follows a diagnosis on screen: the report (kept up to date when a check is added), and
 * the offers after it: link the pair, point the config at RDS, copy the report, or run
 * Reachability Analyzer (a paid analysis, so only when asked).
 */
import * as vscode from 'vscode';
import type { RdsDatabase } from '../../core/aws/types';
import type { Check, Diagnosis, DiagnosisState } from '../../core/diagnose/types';
import { describeError, isCancellation } from '../../core/errors';
import { Commands } from '../../ids';
import { DatabaseNode } from '../../tree/nodes';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

/** The pair a diagnosis is about, as automation names it. */
export interface DiagnoseRequest {
  readonly region: string;
  readonly instanceId: string;
  readonly database: { readonly kind: 'instance' | 'cluster'; readonly id: string };
}

/** Work under a cancellable notification progress; its cancel aborts the work's signal. */
export function cancellable<T>(deps: Pick<Deps, 'ui'>, title: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_progress, token) => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      return await work(abort.signal);
    } finally {
      sub.dispose();
    }
  });
}

/** The report of one pair, as text or markdown, shown in the markdown preview. */
export class ShownDiagnosis {
  constructor(private readonly deps: Deps, readonly request: DiagnoseRequest, public diagnosis: Diagnosis) {}

  text(markdown: boolean, maskAccountIds = false): string {
    return this.deps.core.aws().diagnosis.formatReport(this.diagnosis, { markdown, maskAccountIds, region: this.request.region, generatedAt: new Date() });
  }

  async show(): Promise<void> {
    await this.deps.documents.diagnosis.show(`${this.request.instanceId}-${this.request.database.id}`, this.text(true));
  }

  /** Adds a check (Reachability Analyzer's) and shows the report again. */
  async add(check: Check): Promise<void> {
    const checks = [...this.diagnosis.checks, check];
    this.diagnosis = { ...this.diagnosis, checks, status: this.deps.core.aws().diagnosis.overallStatus(checks) };
    await this.show();
  }
}

function summaryOf(d: Diagnosis, { instanceId, database }: DiagnoseRequest): string {
  return d.status === 'pass'
    ? l('Every check passed for {0} → {1}.', instanceId, database.id)
    : l('{0} of {1} checks failed, {2} unknown, for {3} → {4}.', d.checks.filter((c) => c.status === 'fail').length, d.checks.length, d.checks.filter((c) => c.status === 'unknown').length, instanceId, database.id);
}

async function runAnalyzer(deps: Deps, shown: ShownDiagnosis, dbAddress: string, port: number): Promise<void> {
  const aws = deps.core.aws();
  const { region, instanceId } = shown.request;
  const check = await cancellable(deps, l('Reachability Analyzer: {0} → {1}:{2}…', instanceId, dbAddress, port), (signal) =>
    aws.diagnosis.runReachabilityAnalysis(deps.store.getSession().ec2(region), { instanceId, dbAddress, port }, { signal }));
  await shown.add(check);
}

/** The DB of the pair, as loaded, when a check's fix is "Create Database (Schema)…" for it. */
function schemaToCreate(deps: Deps, shown: ShownDiagnosis): { db: RdsDatabase; name: string } | undefined {
  const fix = shown.diagnosis.checks.map((c) => c.fix).find((f) => f?.kind === 'createSchema');
  const { region, database } = shown.request;
  const db = deps.store.allDatabases().find((d) => d.region === region && d.kind === database.kind && d.id === database.id);
  return fix?.kind === 'createSchema' && db ? { db, name: fix.name } : undefined;
}

/** Offers the next steps the report's checks allow, without waiting for the answer. */
export function offerNextSteps(deps: Deps, shown: ShownDiagnosis, state: DiagnosisState, configFiles: ReadonlyMap<string, vscode.Uri>): void {
  const aws = deps.core.aws();
  const { region, instanceId, database } = shown.request;
  const diagnosis = shown.diagnosis;
  const copy = l('Copy as Text');
  const copyMasked = l('Copy with Account Ids Masked');
  const linkThem = l('Link Them');
  const analyze = l('Run Reachability Analyzer ({0} per analysis)', aws.diagnosis.REACHABILITY_COST);
  const offersLink = diagnosis.checks.some((c) => c.fix?.kind === 'link');
  const pointFix = diagnosis.checks.map((c) => c.fix).find((f) => f?.kind === 'pointConfig');
  const configUri = pointFix?.kind === 'pointConfig' ? configFiles.get(pointFix.fileName) : undefined;
  const pointConfig = l('Point the Config at RDS');
  const schema = schemaToCreate(deps, shown);
  const createSchema = l('Create Database (Schema) {0}…', schema?.name ?? '');
  // The analyzer needs the DB's address: only its DNS answer gives it.
  const dbAddress = state.db.ipv4;
  const port = state.db.endpoint?.port;
  const buttons = [...(offersLink ? [linkThem] : []), ...(configUri ? [pointConfig] : []), ...(schema ? [createSchema] : []), copy, copyMasked, ...(dbAddress && port ? [analyze] : [])];
  void deps.ui.showInformationMessage(summaryOf(diagnosis, shown.request), {}, ...buttons).then(async (choice) => {
    if (choice === copy) await deps.ui.writeClipboard(shown.text(false));
    else if (choice === copyMasked) await deps.ui.writeClipboard(shown.text(false, true));
    else if (choice === linkThem) await deps.ui.executeCommand(Commands.linkInstanceToDatabase, { region, instanceId, database });
    else if (choice === pointConfig && configUri) await deps.ui.executeCommand(Commands.patchConfig, configUri);
    else if (choice === createSchema && schema) await deps.ui.executeCommand(Commands.createSchema, new DatabaseNode(schema.db, false));
    else if (choice === analyze && dbAddress && port) await runAnalyzer(deps, shown, dbAddress, port);
  }).then(undefined, (err: unknown) => {
    if (isCancellation(err)) return;
    deps.log.error(`Reachability Analyzer for ${instanceId} → ${database.id} failed: ${describeError(err)}`);
    void deps.ui.showErrorMessage(describeError(err), {});
  });
}
