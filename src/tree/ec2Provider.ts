import * as vscode from 'vscode';
import { matchesInstance } from '../core/aws/filter';
import type { Ec2Instance } from '../core/aws/types';
import { ContextKeys } from '../ids';
import { InstanceNode, LinkNode } from './nodes';
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

  protected nodesFor(items: readonly Ec2Instance[]): vscode.TreeItem[] {
    return items.map((i) => new InstanceNode(i, this.linksOf(i).length));
  }

  /** An instance's linked DBs. */
  protected childrenOf(element: vscode.TreeItem): vscode.TreeItem[] {
    return element instanceof InstanceNode ? this.linksOf(element.instance).map((link) => new LinkNode(link, 'instance')) : [];
  }

  private linksOf(i: Ec2Instance) {
    return (this.store.links.get(i.region) ?? []).filter((link) => link.instance.id === i.id);
  }

  protected emptyMessage(region: string): string {
    return vscode.l10n.t('No EC2 instances in {0}', region);
  }
}
