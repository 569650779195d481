import * as vscode from 'vscode';
import type { Deps } from '../deps';
import { instanceOf } from '../resources';

const l = vscode.l10n.t;

/** Starts a stopped instance; the palette offers only stopped ones. */
export async function startInstance(deps: Deps, node?: unknown): Promise<void> {
  const i = await instanceOf(deps, node, (x) => x.state === 'stopped');
  if (i.state !== 'stopped') throw new Error(l('Instance {0} is {1}; only a stopped instance can be started.', i.name ?? i.id, i.state));
  await deps.core.aws().startInstance(deps.store.getSession().ec2(i.region), i.id);
  deps.log.info(`Started ${i.id} in ${i.region}`);
  await deps.store.reloadRegion(i.region, ['ec2']);
}
