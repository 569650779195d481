import * as vscode from 'vscode';
import { matchesInstance } from '../core/aws/filter';
import type { Ec2Instance } from '../core/aws/types';
import { ContextKeys } from '../ids';
import { InstanceNode, type TreeNode } from './nodes';
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

  /** Each instance with its linked DBs. */
  protected nodesFor(region: string, items: readonly Ec2Instance[], parent: TreeNode | undefined): TreeNode[] {
    const links = this.store.links.get(region) ?? [];
    return items.map((i) => new InstanceNode(i, links.filter((link) => link.instance.id === i.id), parent));
  }

  protected emptyMessage(region: string): string {
    return vscode.l10n.t('No EC2 instances in {0}', region);
  }
}
