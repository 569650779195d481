import type { Deps } from '../deps';
import { reloadAndReport } from './reload';

/** Reloads the session and both views. */
export function refresh(deps: Deps): Promise<void> {
  return reloadAndReport(deps);
}
