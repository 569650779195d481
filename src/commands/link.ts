/**
 * Link an instance to a DB (the console's "Set up EC2 connection") and unlink it: plan from
 * fresh AWS state, show the plan, dry-run, apply with rollback, refresh the views.
 */
import * as vscode from 'vscode';
import type { ApplyResult, LinkApi, LinkedPair, LinkPlan, Plan, UnlinkPlan } from '../core/aws/index';
import type { Ec2Instance, RdsDatabase } from '../core/aws/types';
import { CancelledError } from '../core/errors';
import { Commands } from '../ids';
import { loadAws } from '../lazy';
import { DatabaseNode, InstanceNode, LinkNode } from '../tree/nodes';
import type { ResourceStore } from '../state/resourceStore';
import { confirmModal } from '../ui/confirm';
import { loaded, pickDatabase, pickInstance } from '../ui/pickers';
import { registerCommand, type CommandContext } from './registerCommand';
import { vscodeUserInput } from '../ui/userInput';

const l = vscode.l10n.t;

/** For automation (and the palette's callers): what to link, with no prompts when confirmed. */
export interface LinkArgs {
  readonly region: string;
  readonly instanceId: string;
  readonly database: { readonly kind: 'instance' | 'cluster'; readonly id: string };
  /** Skip the confirmation (the plan is still logged). */
  readonly confirmed?: boolean;
}

export interface UnlinkArgs {
  readonly linkKey: string;
  readonly confirmed?: boolean;
}

export interface LinkOutcome {
  readonly status: 'applied' | 'unchanged' | 'alreadyLinked';
  readonly plan: readonly string[];
  readonly result?: ApplyResult;
}

function isLinkArgs(x: unknown): x is LinkArgs {
  return !!x && typeof x === 'object' && 'instanceId' in x && 'database' in x && 'region' in x;
}

/**
 * The pair to link, from a node or the palette. Every path asks the same rule (capabilities.ts):
 * any engine links; pickers show what cannot be linked, last and with the reason.
 */
async function choosePair(store: ResourceStore, node: unknown): Promise<{ instance: Ec2Instance; db: RdsDatabase }> {
  const aws = loadAws();
  const instanceFor = (db: RdsDatabase): Promise<Ec2Instance> => pickInstance(vscodeUserInput, store, {
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
    const db = await pickDatabase(vscodeUserInput, store, { filter: (d) => d.region === instance.region, refusal: (d) => aws.pairRefusal(instance, d, d.vpcId, false)?.message });
    return { instance, db };
  }
  const db = await pickDatabase(vscodeUserInput, store, { refusal: (d) => aws.dbRefusal(d, 'link')?.message });
  return { instance: await instanceFor(db), db };
}

async function runPlan(ctx: CommandContext, title: string, plan: Plan, api: LinkApi): Promise<ApplyResult> {
  const aws = loadAws();
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    let last = 0;
    // The token aborts the call in flight too; the applier's rollback runs without it.
    return aws.applyPlan(plan, api, {
      signal: token,
      onProgress: (p) => {
        ctx.log.info(`${p.phase} ${p.step}/${p.total}: ${p.message}`);
        const done = p.total ? Math.round((p.step / p.total) * 100) : 0;
        progress.report({ message: p.message, increment: p.phase === 'apply' ? Math.max(0, done - last) : undefined });
        if (p.phase === 'apply') last = done;
      },
    });
  })).catch((err: unknown) => {
    // A cancel is never shown as an error; what the rollback did still deserves a word.
    if (err instanceof aws.ApplyCancelledError) void vscode.window.showInformationMessage(err.message);
    throw err;
  });
}

/** Reads AWS for a plan under a cancellable progress: a cancel ends the call in flight. */
function readPlan<P extends Plan>(title: string, prepare: (signal: vscode.CancellationToken) => Promise<P>): Promise<P> {
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => prepare(token)));
}

/** Plans again right before applying: AWS may have changed while the plan was on screen. */
async function ensureUnchanged(shown: Plan, fresh: Plan): Promise<void> {
  if (!loadAws().samePlan(shown, fresh)) {
    throw new Error(l('AWS changed while the plan was shown (another change to these security groups?). Nothing was changed; run the command again to see the new plan.'));
  }
}

export function registerLinkCommands(ctx: CommandContext, store: ResourceStore): void {
  registerCommand(ctx, Commands.linkInstanceToDatabase, async (nodeOrArgs?: unknown): Promise<LinkOutcome> => {
    const aws = loadAws();
    let region: string;
    let instanceId: string;
    let database: { kind: 'instance' | 'cluster'; id: string };
    const args = isLinkArgs(nodeOrArgs) ? nodeOrArgs : undefined;
    if (args) {
      ({ region, instanceId, database } = args);
    } else {
      const pair = await choosePair(store, nodeOrArgs);
      region = pair.db.region;
      instanceId = pair.instance.id;
      database = { kind: pair.db.kind, id: pair.db.id };
    }
    const api = store.linkApi(region);
    const title = l('Reading the instance, the database and their security groups…');
    const prepare = (): Promise<LinkPlan> => readPlan(title, (signal) => aws.prepareLink(api, { instanceId, db: database }, { signal }).then((p) => p.plan));
    const plan = await prepare();
    const lines = aws.describePlan(plan);
    ctx.log.info(`Link plan (${plan.status}):\n  ${lines.join('\n  ')}`);
    if (plan.status === 'refused') throw new Error(plan.refusal?.message ?? l('The link was refused.'));
    if (plan.status === 'alreadyLinked') {
      void vscode.window.showInformationMessage(l('{0} is already linked to {1}: nothing was changed.', plan.instanceName ?? plan.instanceId, plan.dbTarget.id));
      return { status: 'alreadyLinked', plan: lines };
    }
    if (!args?.confirmed) {
      await confirmModal(vscodeUserInput, l('Link {0} to {1}?', plan.instanceName ?? plan.instanceId, plan.dbId), lines.join('\n'), l('Link'));
      await ensureUnchanged(plan, await prepare());
    }
    // Refreshed after a failure too: an incomplete rollback leaves real groups to show.
    const result = await runPlan(ctx, l('Linking {0} to {1}', plan.instanceName ?? plan.instanceId, plan.dbId), plan, api).finally(() => store.reloadRegion(region));
    ctx.log.info(`Linked ${plan.instanceId} to ${plan.dbTarget.kind} ${plan.dbTarget.id} in ${result.calls} calls`);
    void vscode.window.showInformationMessage(l('Linked {0} to {1} through {2} and {3}.', plan.instanceName ?? plan.instanceId, plan.dbId, plan.ec2Group?.name ?? '', plan.rdsGroup?.name ?? ''));
    return { status: result.status, plan: lines, result };
  });

  registerCommand(ctx, Commands.unlink, async (nodeOrArgs?: unknown): Promise<LinkOutcome> => {
    const aws = loadAws();
    const args = nodeOrArgs && typeof nodeOrArgs === 'object' && 'linkKey' in nodeOrArgs ? (nodeOrArgs as UnlinkArgs) : undefined;
    let link: LinkedPair;
    if (nodeOrArgs instanceof LinkNode) link = nodeOrArgs.link;
    else if (args) {
      // A window whose views were never opened has loaded nothing yet.
      await loaded(vscodeUserInput, store);
      const found = store.allLinks().find((k) => k.key === args.linkKey);
      if (!found) throw new Error(l('That link is not among the loaded links; refresh the views.'));
      link = found;
    } else {
      await loaded(vscodeUserInput, store);
      const links = store.allLinks();
      if (links.length === 0) throw new Error(l('No links are loaded. Link an instance to a database first, or refresh the views.'));
      const picked = await vscode.window.showQuickPick(
        links.map((k) => ({ label: `${k.instance.name ?? k.instance.id} → ${k.dbTarget.id}`, description: `${k.ec2Group.name} / ${k.rdsGroup.name} · ${k.region}`, link: k })),
        { title: l('Select the link to remove') },
      );
      if (!picked) throw new CancelledError();
      link = picked.link;
    }
    const region = link.region;
    const api = store.linkApi(region);
    const title = l('Reading the linked instance, database and security groups…');
    const prepare = (): Promise<UnlinkPlan> => readPlan(title, (signal) => aws.prepareUnlink(api, link, { signal }).then((p) => p.plan));
    const plan = await prepare();
    const lines = aws.describePlan(plan);
    ctx.log.info(`Unlink plan (${plan.status}):\n  ${lines.join('\n  ')}`);
    if (plan.status === 'refused') throw new Error(plan.refusal?.message ?? l('The unlink was refused.'));
    if (plan.status === 'notLinked') {
      void vscode.window.showInformationMessage(l('{0} and {1} are not linked any more: nothing to do.', link.instance.name ?? link.instance.id, link.dbTarget.id));
      await store.reloadRegion(region);
      return { status: 'unchanged', plan: lines };
    }
    if (!args?.confirmed) {
      await confirmModal(vscodeUserInput, l('Unlink {0} from {1}?', link.instance.name ?? link.instance.id, link.dbTarget.id), lines.join('\n'), l('Unlink'), { destructive: true });
      await ensureUnchanged(plan, await prepare());
    }
    const result = await runPlan(ctx, l('Unlinking {0} from {1}', link.instance.name ?? link.instance.id, link.dbTarget.id), plan, api).finally(() => store.reloadRegion(region));
    const kept = result.keptGroups.map((g) => `${g.name} (${g.reason})`);
    void vscode.window.showInformationMessage(kept.length
      ? l('Unlinked. Kept {0}.', kept.join(', '))
      : l('Unlinked {0} from {1}.', link.instance.name ?? link.instance.id, link.dbTarget.id));
    return { status: result.status, plan: lines, result };
  });
}
