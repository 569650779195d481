import type { Deps } from '../deps';

export function showLog(deps: Deps): void {
  deps.log.show();
}
