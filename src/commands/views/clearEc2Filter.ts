import type { Deps } from '../deps';

export function clearEc2Filter(deps: Deps): void {
  deps.views.ec2.setFilter('');
}
