import type { Deps } from '../deps';
import { askFilter } from './viewFilter';

/** Filters the RDS view; automation passes the text. */
export function filterRds(deps: Deps, text?: unknown): Promise<void> {
  return askFilter(deps, deps.views.rds, text);
}
