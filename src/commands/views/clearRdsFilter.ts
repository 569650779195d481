import type { Deps } from '../deps';

export function clearRdsFilter(deps: Deps): void {
  deps.views.rds.setFilter('');
}
