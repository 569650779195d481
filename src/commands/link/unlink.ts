/**
 * Removes a link (the console has no "unlink"): detaches the pair, revokes its rules and deletes
 * what nothing else uses, through the planned-change flow.
 */
import * as vscode from 'vscode';
import type { LinkedPair, UnlinkPlan } from '../../core/aws/index';
import { CancelledError } from '../../core/errors';
import { Commands } from '../../ids';
import { LinkNode } from '../../tree/nodes';
import { loaded } from '../../ui/pickers';
import { argsOf } from '../args';
import type { Deps } from '../deps';
import { runPlannedChange, type LinkOutcome } from './plannedChange';

const l = vscode.l10n.t;

/** The link from its node, from automation `{ linkKey }` among the loaded links, or from a picker. */
async function chooseLink(deps: Deps, nodeOrArgs: unknown, linkKey: string | undefined): Promise<LinkedPair> {
  if (nodeOrArgs instanceof LinkNode) return nodeOrArgs.link;
  // A window whose views were never opened has loaded nothing yet.
  await loaded(deps.ui, deps.store);
  const links = deps.store.allLinks();
  if (linkKey !== undefined) {
    const found = links.find((k) => k.key === linkKey);
    if (!found) throw new Error(l('That link is not among the loaded links; refresh the views.'));
    return found;
  }
  if (links.length === 0) throw new Error(l('No links are loaded. Link an instance to a database first, or refresh the views.'));
  const picked = await deps.ui.showQuickPick(
    links.map((k) => ({ label: `${k.instance.name ?? k.instance.id} → ${k.dbTarget.id}`, description: `${k.ec2Group.name} / ${k.rdsGroup.name} · ${k.region}`, link: k })),
    { title: l('Select the link to remove') },
  );
  if (!picked) throw new CancelledError();
  return picked.link;
}

export async function unlink(deps: Deps, nodeOrArgs?: unknown): Promise<LinkOutcome> {
  const aws = deps.core.aws();
  const args = argsOf(Commands.unlink, nodeOrArgs);
  const link = await chooseLink(deps, nodeOrArgs, args?.string('linkKey'));
  const region = link.region;
  const names = [link.instance.name ?? link.instance.id, link.dbTarget.id] as const;
  return runPlannedChange<UnlinkPlan>(deps, {
    region,
    logName: 'Unlink',
    reading: l('Reading the linked instance, database and security groups…'),
    prepare: (api, signal) => aws.prepareUnlink(api, link, { signal }).then((p) => p.plan),
    refused: l('The unlink was refused.'),
    settle: async (plan, lines) => {
      if (plan.status !== 'notLinked') return undefined;
      void deps.ui.showInformationMessage(l('{0} and {1} are not linked any more: nothing to do.', ...names), {});
      await deps.store.reloadRegion(region);
      return { status: 'unchanged', plan: lines };
    },
    question: () => ({ message: l('Unlink {0} from {1}?', ...names), action: l('Unlink'), destructive: true }),
    applying: () => l('Unlinking {0} from {1}', ...names),
    applied: (_plan, result) => {
      const kept = result.keptGroups.map((g) => `${g.name} (${g.reason})`);
      void deps.ui.showInformationMessage(kept.length ? l('Unlinked. Kept {0}.', kept.join(', ')) : l('Unlinked {0} from {1}.', ...names), {});
    },
  }, args?.optionalBoolean('confirmed') ?? false);
}
