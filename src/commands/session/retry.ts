import { ErrorNode } from '../../tree/nodes';
import type { Deps } from '../deps';
import { reloadAndReport } from './reload';

/** From an error node: reloads that service of that region; otherwise everything. */
export async function retry(deps: Deps, node?: unknown): Promise<void> {
  if (node instanceof ErrorNode && deps.store.session.state === 'ready') await deps.store.reloadRegion(node.region, [node.service]);
  else await reloadAndReport(deps);
}
