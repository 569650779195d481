import * as vscode from 'vscode';
import { confirmModal } from '../../ui/confirm';
import type { Deps } from '../deps';
import { instanceOf } from '../resources';

const l = vscode.l10n.t;

/** Stops a running instance after a modal question; the palette offers only running ones. */
export async function stopInstance(deps: Deps, node?: unknown): Promise<void> {
  const i = await instanceOf(deps, node, (x) => x.state === 'running');
  if (i.state !== 'running') throw new Error(l('Instance {0} is {1}; only a running instance can be stopped.', i.name ?? i.id, i.state));
  await confirmModal(deps.ui,
    l('Stop instance {0} ({1})?', i.name ?? i.id, i.id),
    l('Programs on it stop, and its public IP changes when it starts again unless it has an Elastic IP.'),
    l('Stop'),
    { destructive: true },
  );
  await deps.core.aws().stopInstance(deps.store.getSession().ec2(i.region), i.id);
  deps.log.info(`Stopped ${i.id} in ${i.region}`);
  await deps.store.reloadRegion(i.region, ['ec2']);
}
