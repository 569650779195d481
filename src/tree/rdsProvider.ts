import * as vscode from 'vscode';
import { matchesDatabase } from '../core/aws/filter';
import type { RdsDatabase } from '../core/aws/types';
import { ContextKeys } from '../ids';
import { DatabaseNode, LinkedInstancesNode, LinkNode } from './nodes';
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
      .map((d) => this.databaseNode(d));
  }

  /** A cluster's members, then the DB's linked instances. */
  protected childrenOf(element: vscode.TreeItem): vscode.TreeItem[] {
    if (element instanceof LinkedInstancesNode) return element.links.map((link) => new LinkNode(link, 'db'));
    if (!(element instanceof DatabaseNode)) return [];
    const db = element.db;
    const links = this.linksOf(db);
    return [
      ...this.membersOf(db).map((d) => this.databaseNode(d)),
      ...(links.length ? [new LinkedInstancesNode(db, links)] : []),
    ];
  }

  private databaseNode(d: RdsDatabase): DatabaseNode {
    return new DatabaseNode(d, this.membersOf(d).length + this.linksOf(d).length > 0);
  }

  private membersOf(db: RdsDatabase): RdsDatabase[] {
    if (db.kind !== 'cluster') return [];
    const r = this.store.rds.get(db.region);
    return r?.state === 'ok' ? r.items.filter((d) => d.kind === 'instance' && d.clusterId === db.id) : [];
  }

  private linksOf(db: RdsDatabase) {
    return (this.store.links.get(db.region) ?? []).filter((l) => l.database.kind === db.kind && l.database.id === db.id);
  }

  protected emptyMessage(region: string): string {
    return vscode.l10n.t('No RDS databases in {0}', region);
  }
}
