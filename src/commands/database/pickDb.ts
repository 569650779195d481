import type { DbFeature } from '../../core/aws/index';
import type { RdsDatabase } from '../../core/aws/types';
import { DatabaseNode } from '../../tree/nodes';
import { pickDatabase, type PickOptions } from '../../ui/pickers';
import type { Deps } from '../deps';

/** The picker's rule for a feature: DBs it cannot use are shown last, with the reason. */
export function usableFor(deps: Pick<Deps, 'core'>, feature: DbFeature): PickOptions<RdsDatabase> {
  return { refusal: (d) => deps.core.aws().dbRefusal(d, feature)?.message };
}

/** The DB of a tree node, else the one the person picks among those the feature can use. */
export async function databaseOf(deps: Pick<Deps, 'core' | 'ui' | 'store'>, node: unknown, feature: DbFeature): Promise<RdsDatabase> {
  return node instanceof DatabaseNode ? node.db : pickDatabase(deps.ui, deps.store, usableFor(deps, feature));
}
