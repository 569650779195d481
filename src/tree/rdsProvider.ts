import * as vscode from 'vscode';
import { matchesDatabase } from '../core/aws/filter';
import type { RdsDatabase } from '../core/aws/types';
import { ContextKeys } from '../ids';
import { loadAws } from '../lazy';
import { BlueGreenNode, DatabaseNode, DetailNode, LinkedInstancesNode, LinkNode, type DbBlueGreen } from './nodes';
import type { RegionResult, ResourceStore } from '../state/resourceStore';
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
    if (element instanceof BlueGreenNode) return this.blueGreenDetails(element);
    if (!(element instanceof DatabaseNode)) return [];
    const db = element.db;
    const links = this.linksOf(db);
    return [
      ...this.membersOf(db).map((d) => this.databaseNode(d)),
      ...this.blueGreenNodes(db, element.id ?? db.id),
      ...(links.length ? [new LinkedInstancesNode(db, links)] : []),
    ];
  }

  private databaseNode(d: RdsDatabase): DatabaseNode {
    return new DatabaseNode(d, this.membersOf(d).length + this.linksOf(d).length + this.deploymentsOf(d).length > 0, this.blueGreenOf(d));
  }

  /** The DB's part in the listed deployments, and whether Create Blue/Green is offered on it. */
  private blueGreenOf(db: RdsDatabase): DbBlueGreen {
    // The AWS bundle is loaded once the store has listed anything.
    const aws = loadAws();
    const list = this.store.blueGreen.get(db.region) ?? [];
    const green = list.length ? aws.greenOf(list, db) : undefined;
    return {
      greenOf: green && { blue: aws.blueName(green), deployment: green.name },
      createRefusal: aws.blueGreenRefusal(db, list)?.message,
    };
  }

  private deploymentsOf(db: RdsDatabase) {
    const list = this.store.blueGreen.get(db.region);
    return list?.length ? loadAws().deploymentsOfDb(list, db) : [];
  }

  private blueGreenNodes(db: RdsDatabase, dbKey: string): BlueGreenNode[] {
    const aws = loadAws();
    return this.deploymentsOf(db).map((d) => {
      const side = aws.deploymentSide(d, db);
      return new BlueGreenNode(d, aws.blueGreenPhase(d.status), aws.blueGreenStatusLabel(d.status), side && aws.deploymentSideLabel(side), dbKey);
    });
  }

  private blueGreenDetails(node: BlueGreenNode): DetailNode[] {
    const aws = loadAws();
    const d = node.deployment;
    const id = node.id ?? d.id;
    return [
      ...d.tasks.map((task) => new DetailNode(`${id}/task/${task.name}`, aws.blueGreenTaskLabel(task.name), task.status, task.status === 'COMPLETED' ? 'check' : task.status === 'FAILED' ? 'error' : 'loading~spin')),
      ...d.switchoverDetails.map((m) => new DetailNode(`${id}/member/${m.sourceMember}`, `${aws.arnResourceName(m.sourceMember)} → ${m.targetMember ? aws.arnResourceName(m.targetMember) : '?'}`, m.status, 'arrow-swap')),
    ];
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
