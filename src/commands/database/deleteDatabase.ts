/**
 * RDS Link: Delete Database… — for a DB instance this product created (its tags say so). It
 * asks twice (a modal, then the identifier typed), offers a final snapshot, and refuses while
 * deletion protection is on unless the person turns it off here (core's planDeleteDb). The
 * wait for the deletion can be left: the DB goes on being deleted.
 */
import * as vscode from 'vscode';
import { isCreatedHere } from '../../core/aws/link/consoleRules';
import type { DbDeletePlan } from '../../core/aws/index';
import type { RdsDatabase } from '../../core/aws/types';
import { CancelledError } from '../../core/errors';
import { DatabaseNode } from '../../tree/nodes';
import { confirmModal } from '../../ui/confirm';
import { pickDatabase } from '../../ui/pickers';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

const ours = (d: RdsDatabase): boolean => d.kind === 'instance' && isCreatedHere(d.tags);

/** The questions, in order; the plan refuses when protection stays on. */
async function askPlan(deps: Deps, db: RdsDatabase): Promise<DbDeletePlan> {
  const aws = deps.core.aws();
  await confirmModal(deps.ui, l('Delete RDS database {0}?', db.id), l('{0} in {1}. Its data and automated backups go with it; a final snapshot is offered next.', [db.engine, db.engineVersion].filter(Boolean).join(' '), db.region), l('Delete…'), { destructive: true });
  const snapshotId = aws.finalSnapshotId(db.id, new Date());
  const snapshot = await deps.ui.showQuickPick([
    { label: l('Take final snapshot {0}', snapshotId), detail: l('Recommended: the DB can be restored from it (snapshot storage is billed).'), value: snapshotId as string | undefined },
    { label: l('No final snapshot'), detail: l('The data is gone for good.'), value: undefined },
  ], { title: l('Final snapshot of {0}', db.id), ignoreFocusOut: true });
  if (!snapshot) throw new CancelledError();
  let turnOffProtection = false;
  if (db.deletionProtection) {
    const off = l('Turn Off Deletion Protection');
    turnOffProtection = (await deps.ui.showWarningMessage(l('{0} has deletion protection on.', db.id), { modal: true, detail: l('RDS refuses to delete it while the protection is on. Turn it off now (at once), then delete?') }, off)) === off;
  }
  const plan = aws.planDeleteDb(db, { finalSnapshotId: snapshot.value, turnOffProtection });
  if (plan.status === 'refused') throw new Error(plan.refusal);
  const typed = await deps.ui.showInputBox({
    title: l('Delete {0}: type its identifier to confirm', db.id),
    prompt: aws.describeDeleteDb(plan).join(' '),
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === db.id ? undefined : l('Type {0} to delete it.', db.id)),
  });
  if (typed?.trim() !== db.id) throw new CancelledError();
  return plan;
}

export async function deleteDatabase(deps: Deps, node?: unknown): Promise<DbDeletePlan> {
  // From the palette: only the DB instances this product created.
  const listed = node instanceof DatabaseNode ? node.db : await pickDatabase(deps.ui, deps.store, ours);
  const session = deps.store.getSession();
  const aws = deps.core.aws();
  const db = await aws.createSdkDbCreateApi(session.rds(listed.region), session.ec2(listed.region), listed.region).describeDbInstance(listed.id);
  if (!db) throw new Error(l('Database {0} was not found.', listed.id));
  if (!ours(db)) throw new Error(aws.planDeleteDb(db, { turnOffProtection: false }).refusal ?? l('{0} was not created by RDS Link.', db.id));
  const plan = await askPlan(deps, db);
  const api = aws.createSdkDbDeleteApi(session.rds(db.region));
  const gone = await deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title: l('Deleting {0} (Cancel stops waiting; the deletion goes on)', db.id), cancellable: true }, async (progress, token) => {
    const onProgress = (message: string) => {
      deps.log.info(`Delete database ${db.id}: ${message}`);
      progress.report({ message });
    };
    await aws.applyDeleteDb(plan, api, onProgress);
    onProgress(l('Waiting until {0} is deleted (minutes on AWS)…', db.id));
    return api.waitDeleted(db.id, { signal: token }).then(() => true, (err: unknown) => {
      if (token.isCancellationRequested) return false;
      throw err;
    });
  }).finally(() => void deps.store.reloadRegion(db.region, ['rds']));
  const snapshot = plan.finalSnapshotId ? l('Final snapshot: {0}.', plan.finalSnapshotId) : l('No final snapshot.');
  void deps.ui.showInformationMessage(`${gone ? l('{0} is deleted.', db.id) : l('{0} is being deleted.', db.id)} ${snapshot}`, {});
  return plan;
}
