/**
 * Switch Back: after a Blue/Green deploy, puts the listener's weights back as they were before
 * the switch (blue live again), in one ModifyListener/ModifyRule call, with no redeploy. Offered
 * while blue is kept (the deploy file's strategy.keepSeconds), and only when the listener still
 * forwards as the switch left it (anything else changed it since, and a switch back would undo that).
 *
 * From a target group in the EC2 view: the switch of that group; from the palette: a pick among
 * the switches that can still be switched back.
 * Automation: `{ listener?: string, confirmed?: boolean }` → `{ status: 'switched', live }`.
 */
import * as vscode from 'vscode';
import { CancelledError } from '../../core/errors';
import { Commands } from '../../ids';
import { SwitchRecords, type SwitchRecord } from '../../state/switches';
import { confirmModal } from '../../ui/confirm';
import { argsOf } from '../args';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

const groupOf = (node: unknown): string | undefined => {
  const target = (node as { target?: { targetGroupArn?: unknown } } | undefined)?.target;
  return typeof target?.targetGroupArn === 'string' ? target.targetGroupArn : undefined;
};

async function pick(deps: Deps, open: readonly SwitchRecord[], listener: string | undefined, group: string | undefined): Promise<SwitchRecord> {
  const matching = open.filter((r) => (listener === undefined || r.listenerArn === listener || r.ruleArn === listener) && (group === undefined || r.before.some((w) => w.targetGroupArn === group)));
  if (matching.length === 0) throw new Error(l('No Blue/Green switch can be switched back: none was made here, or its keep time is over (the old set may have changed since).'));
  if (matching.length === 1) return matching[0];
  const items = matching.map((r) => ({ label: r.service, description: l('{0} live, {1} kept until {2}', r.green, r.blue, new Date(r.switchedAt + r.keepSeconds * 1000).toLocaleTimeString()), record: r }));
  const chosen = await deps.ui.showQuickPick(items, { title: l('Switch back which Blue/Green deploy?'), ignoreFocusOut: true });
  if (!chosen) throw new CancelledError();
  return chosen.record;
}

const same = (a: readonly { targetGroupArn: string; weight: number }[], b: readonly { targetGroupArn: string; weight: number }[]) =>
  a.length === b.length && a.every((w) => b.some((x) => x.targetGroupArn === w.targetGroupArn && x.weight === w.weight));

export async function switchBack(deps: Deps, ...args: unknown[]): Promise<{ status: 'switched'; live: string }> {
  const a = argsOf(Commands.switchBack, args[0]);
  const records = new SwitchRecords(deps.globalState);
  const core = deps.core.deploy();
  const open = records.list().filter((r) => core.canSwitchBack(r, Date.now()));
  const record = await pick(deps, open, a?.optionalString('listener'), groupOf(args[0]));
  if (!(a?.optionalBoolean('confirmed') ?? false)) {
    await confirmModal(deps.ui, l('Switch {0} back to {1}?', record.service, record.blue), l('One weight switch on the listener: {0} gets every new request again, {1} none; requests already sent to {1} finish there. Nothing is redeployed.', record.blue, record.green), l('Switch Back'));
  }
  const aws = deps.core.aws();
  const client = deps.store.getSession().elb(record.region);
  const ref = { listenerArn: record.listenerArn, ...(record.ruleArn ? { ruleArn: record.ruleArn } : {}) };
  const forward = await aws.readForward(client, ref);
  if (!same(forward.weights, record.after)) throw new Error(l('The listener no longer forwards as the switch left it ({0}): it was changed since, so Switch Back leaves it alone.', forward.weights.map((w) => w.weight).join('/')));
  const traffic = new aws.ListenerWeights({ client, ref, actions: forward.actions, drainSeconds: new Map(), log: (line) => deps.log.info(line) });
  await traffic.setWeights(record.before);
  await records.remove(record);
  // The EC2 view marks the groups live and idle from the listener: read it again.
  void deps.store.reloadRegion(record.region, ['ec2']);
  deps.log.info(`Switched ${record.service} back: ${record.blue} is live, ${record.green} idle`);
  void deps.ui.showInformationMessage(l('{0} is live again; {1} gets no new request.', record.blue, record.green), {});
  return { status: 'switched', live: record.blue };
}
