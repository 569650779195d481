import * as vscode from 'vscode';
import { matchesDatabase } from '../core/aws/filter';
import type { RdsDatabase } from '../core/aws/types';
import { ContextKeys } from '../ids';
import { DatabaseNode } from './nodes';
import type { RegionResult, ResourceStore } from './resourceStore';
import { ViewProvider } from './viewProvider';

export class RdsProvider extends ViewProvider<RdsDatabase> {
  constructor(store: ResourceStore) {
    super(store, 'rds', ContextKeys.rdsFiltered);
  }

  protected results(): ReadonlyMap<string, RegionResult<RdsDatabase>> {
    return this.store.rds;
  }

  protected matches(item: RdsDatabase, filter: string): boolean {
    return matchesDatabase(item, filter);
  }

  /** Clusters at the top level with their members under them; lone instances beside them. */
  protected nodesFor(items: readonly RdsDatabase[]): vscode.TreeItem[] {
    const clusterIds = new Set(items.filter((d) => d.kind === 'cluster').map((d) => d.id));
    return items
      .filter((d) => d.kind === 'cluster' || !d.clusterId || !clusterIds.has(d.clusterId))
      .map((d) => new DatabaseNode(d, d.kind === 'cluster' && (d.memberIds?.length ?? 0) > 0));
  }

  protected childrenOf(element: vscode.TreeItem): vscode.TreeItem[] {
    if (!(element instanceof DatabaseNode) || element.db.kind !== 'cluster') return [];
    const cluster = element.db;
    const r = this.store.rds.get(cluster.region);
    const members = r?.state === 'ok' ? r.items.filter((d) => d.kind === 'instance' && d.clusterId === cluster.id) : [];
    return members.map((d) => new DatabaseNode(d, false));
  }

  protected emptyMessage(region: string): string {
    return vscode.l10n.t('No RDS databases in {0}', region);
  }
}
