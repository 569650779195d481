import type { Deps } from '../deps';
import { askFilter } from './viewFilter';

/** Filters the EC2 view; automation passes the text. */
export function filterEc2(deps: Deps, text?: unknown): Promise<void> {
  return askFilter(deps, deps.views.ec2, text);
}
