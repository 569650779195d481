import * as vscode from 'vscode';
import type * as AwsModule from '../core/aws/index';
import { matchesDatabase } from '../core/aws/filter';
import type { RdsDatabase } from '../core/aws/types';
import { ContextKeys } from '../ids';
import { loadAws } from '../lazy';
import { DatabaseNode, type DbBlueGreen, type DbDeployment, type DbFamily, type DeploymentDetail, type TreeNode } from './nodes';
import type { RegionResult, ResourceStore } from '../state/resourceStore';
import { ViewProvider } from './viewProvider';

export class RdsProvider extends ViewProvider<RdsDatabase> {
  /** `aws`: the AWS bundle; loaded once the store has listed anything (tests pass the module). */
  constructor(store: ResourceStore, private readonly aws: () => typeof AwsModule = loadAws) {
    super(store, 'rds', ContextKeys.rdsFiltered);
  }

  protected results(): ReadonlyMap<string, RegionResult<RdsDatabase>> {
    return this.store.rds;
  }

  protected matches(item: RdsDatabase, filter: string): boolean {
    return matchesDatabase(item, filter);
  }

  /** Clusters at the top level with their members under them; lone instances beside them. */
  protected nodesFor(region: string, items: readonly RdsDatabase[], parent: TreeNode | undefined): TreeNode[] {
    const family = new RegionDbs(this.store, region, this.aws());
    const clusterIds = new Set(items.filter((d) => d.kind === 'cluster').map((d) => d.id));
    return items
      .filter((d) => d.kind === 'cluster' || !d.clusterId || !clusterIds.has(d.clusterId))
      .map((d) => new DatabaseNode(d, family, parent));
  }

  protected emptyMessage(region: string): string {
    return vscode.l10n.t('No RDS databases in {0}', region);
  }
}

/** One region's DBs, links and Blue/Green deployments, read from the store when a node asks. */
class RegionDbs implements DbFamily {
  constructor(private readonly store: ResourceStore, private readonly region: string, private readonly aws: typeof AwsModule) {}

  membersOf(db: RdsDatabase): readonly RdsDatabase[] {
    if (db.kind !== 'cluster') return [];
    const r = this.store.rds.get(this.region);
    return r?.state === 'ok' ? r.items.filter((d) => d.kind === 'instance' && d.clusterId === db.id) : [];
  }

  linksOf(db: RdsDatabase) {
    return (this.store.links.get(this.region) ?? []).filter((l) => l.database.kind === db.kind && l.database.id === db.id);
  }

  private listed() {
    return this.store.blueGreen.get(this.region) ?? [];
  }

  deploymentsOf(db: RdsDatabase): readonly DbDeployment[] {
    const aws = this.aws;
    const list = this.listed();
    return (list.length ? aws.deploymentsOfDb(list, db) : []).map((deployment) => {
      const side = aws.deploymentSide(deployment, db);
      return { deployment, phase: aws.blueGreenPhase(deployment.status), statusLabel: aws.blueGreenStatusLabel(deployment.status), side: side && aws.deploymentSideLabel(side) };
    });
  }

  /** The DB's part in the listed deployments, and whether Create Blue/Green is offered on it. */
  blueGreenOf(db: RdsDatabase): DbBlueGreen {
    const aws = this.aws;
    const list = this.listed();
    const green = list.length ? aws.greenOf(list, db) : undefined;
    return {
      greenOf: green && { blue: aws.blueName(green), deployment: green.name },
      createRefusal: aws.blueGreenRefusal(db, list)?.message,
    };
  }

  detailsOf(d: AwsModule.BlueGreenDeployment): readonly DeploymentDetail[] {
    const aws = this.aws;
    const taskIcon = (status: string) => (status === 'COMPLETED' ? 'check' : status === 'FAILED' ? 'error' : 'loading~spin');
    return [
      ...d.tasks.map((task) => ({ key: `task/${task.name}`, label: aws.blueGreenTaskLabel(task.name), description: task.status, icon: taskIcon(task.status) })),
      ...d.switchoverDetails.map((m) => ({
        key: `member/${m.sourceMember}`,
        label: `${aws.arnResourceName(m.sourceMember)} → ${m.targetMember ? aws.arnResourceName(m.targetMember) : '?'}`,
        description: m.status,
        icon: 'arrow-swap',
      })),
    ];
  }
}
