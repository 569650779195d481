/**
 * After a deploy or a rollback: each instance it touched is tagged with the release it runs now
 * (rds-link:service, rds-link:release, rds-link:released-at), so the EC2 view shows releases
 * without SSH. The tags written are merged into the store's listing (no DescribeInstances again,
 * and no stale answer from EC2's eventual consistency). A failed tag call is logged and leaves
 * the deploy's result as it is.
 */
import { releaseTagValues } from '../../core/aws/releaseTags';
import { describeError } from '../../core/errors';
import type { Ec2Instance } from '../../core/aws/types';
import type { InstanceOutcome } from '../../core/deploy/index';
import type { Deps } from '../deps';

export async function tagTouched(deps: Pick<Deps, 'core' | 'store' | 'log'>, service: string, instances: readonly Ec2Instance[], outcomes: readonly InstanceOutcome[]): Promise<void> {
  const byId = new Map(instances.map((i) => [i.id, i]));
  // One call per region and release: the instances a deploy reached, with the release they run now.
  const groups = new Map<string, { region: string; release: string; ids: string[] }>();
  for (const o of outcomes) {
    const instance = byId.get(o.instanceId);
    if (!instance || !o.release || o.state === 'untouched') continue;
    const key = `${instance.region}\n${o.release}`;
    const g = groups.get(key) ?? { region: instance.region, release: o.release, ids: [] };
    g.ids.push(instance.id);
    groups.set(key, g);
  }
  if (groups.size === 0) return;
  const aws = deps.core.aws();
  const releasedAt = new Date();
  for (const g of groups.values()) {
    const stamp = { service, release: g.release, releasedAt };
    try {
      await aws.tagReleases(deps.store.getSession().ec2(g.region), g.ids, stamp);
      deps.log.info(`Tagged ${g.ids.join(', ')} with ${service} release ${g.release}`);
    } catch (err) {
      deps.log.warn(`Tagging ${g.ids.join(', ')} with release ${g.release} failed (the EC2 view will not show it): ${describeError(err)}`);
      continue;
    }
    const listed = deps.store.ec2.get(g.region);
    // The listing's copy when it has one (it may be newer than the deploy's), else the deploy's.
    const current = g.ids.flatMap((id) => (listed?.state === 'ok' ? listed.items.find((i) => i.id === id) : undefined) ?? byId.get(id) ?? []);
    deps.store.updateInstances(current.map((i) => ({ ...i, tags: { ...i.tags, ...releaseTagValues(stamp) } })));
  }
}
