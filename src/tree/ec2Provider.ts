import * as vscode from 'vscode';
import { matchesInstance } from '../core/aws/filter';
import type { Ec2Instance } from '../core/aws/types';
import { ContextKeys } from '../ids';
import { InstanceNode, ServiceNode, withRelease, type InstanceLinks, type InstanceTargets, type ReleasedInstance, type TreeNode } from './nodes';
import type { LeftInstanceWait, RememberedList } from '../state/leftWork';
import type { RegionResult, ResourceStore } from '../state/resourceStore';
import { ViewProvider } from './viewProvider';

export class Ec2Provider extends ViewProvider<Ec2Instance> {
  /** The instances whose status checks were not waited for: their nodes say so and offer Wait Again. */
  private readonly waits: Pick<RememberedList<LeftInstanceWait>, 'all'>;

  private readonly waitsChanged: vscode.Disposable;

  constructor(store: ResourceStore, waits: Pick<RememberedList<LeftInstanceWait>, 'all' | 'onDidChange'> = { all: () => [], onDidChange: () => ({ dispose() {} }) }) {
    super(store, 'ec2', ContextKeys.ec2Filtered);
    this.waits = waits;
    this.waitsChanged = waits.onDidChange(() => this.refresh());
  }

  override dispose(): void {
    this.waitsChanged.dispose();
    super.dispose();
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
    const waiting = new Set(this.waits.all().filter((w) => w.region === region).map((w) => w.instanceId));
    const services = new Map<string, ReleasedInstance[]>();
    const untagged: ReleasedInstance[] = [];
    // Each instance's tags are read once here; the nodes get what they said.
    for (const m of items.map(withRelease)) {
      const service = m.release.service;
      if (service) services.set(service, [...(services.get(service) ?? []), m]);
      else untagged.push(m);
    }
    return [
      ...[...services].sort(([a], [b]) => a.localeCompare(b)).map(([name, members]) => new ServiceNode(region, name, members, linksOf, parent, targetsOf)),
      ...untagged.map((m) => new InstanceNode(m.instance, linksOf(m.instance), parent, m.release, targetsOf(m.instance), waiting.has(m.instance.id) && m.instance.state !== 'terminated')),
    ];
  }

  protected emptyMessage(region: string): string {
    return vscode.l10n.t('No EC2 instances in {0}', region);
  }
}
