import * as vscode from 'vscode';
import { matchesInstance } from '../core/aws/filter';
import type { Ec2Instance } from '../core/aws/types';
import { ContextKeys } from '../ids';
import { releaseOf } from '../core/aws/releaseTags';
import { InstanceNode, ServiceNode, type InstanceLinks, type InstanceTargets, type TreeNode } from './nodes';
import type { RegionResult, ResourceStore } from '../state/resourceStore';
import { ViewProvider } from './viewProvider';

export class Ec2Provider extends ViewProvider<Ec2Instance> {
  constructor(store: ResourceStore) {
    super(store, 'ec2', ContextKeys.ec2Filtered);
  }

  protected results(): ReadonlyMap<string, RegionResult<Ec2Instance>> {
    return this.store.ec2;
  }

  protected matches(item: Ec2Instance, filter: string): boolean {
    return matchesInstance(item, filter);
  }

  /**
   * Each instance with its linked DBs and its target groups: a service node per deployed service (by the instances'
   * `rds-link:service` tag), in name order, then the instances no deploy has tagged.
   */
  protected nodesFor(region: string, items: readonly Ec2Instance[], parent: TreeNode | undefined): TreeNode[] {
    const links = this.store.links.get(region) ?? [];
    const linksOf: InstanceLinks = (i) => links.filter((link) => link.instance.id === i.id);
    const targets = this.store.targets.get(region) ?? [];
    const targetsOf: InstanceTargets = (i) => targets.filter((x) => x.instanceId === i.id);
    const services = new Map<string, Ec2Instance[]>();
    const untagged: Ec2Instance[] = [];
    for (const i of items) {
      const service = releaseOf(i).service;
      if (service) services.set(service, [...(services.get(service) ?? []), i]);
      else untagged.push(i);
    }
    return [
      ...[...services].sort(([a], [b]) => a.localeCompare(b)).map(([name, members]) => new ServiceNode(region, name, members, linksOf, parent, targetsOf)),
      ...untagged.map((i) => new InstanceNode(i, linksOf(i), parent, targetsOf(i))),
    ];
  }

  protected emptyMessage(region: string): string {
    return vscode.l10n.t('No EC2 instances in {0}', region);
  }
}
