/**
 * Two regions of resources with one of every node kind: in eu-west-1 an instance linked to a DB
 * that has a Blue/Green deployment, an Aurora cluster with a member, an unlinked instance, two
 * instances a deploy tagged as service "api" (on two releases); in us-east-1 EC2 still loading
 * and RDS failed.
 */
import * as aws from '../../../src/core/aws/index';
import { ReleaseTags } from '../../../src/core/aws/releaseTags';
import type { Ec2Instance, RdsDatabase } from '../../../src/core/aws/types';
import { RdsProvider } from '../../../src/tree/rdsProvider';
import { Ec2Provider } from '../../../src/tree/ec2Provider';
import type { RegionResult, ResourceStore, SessionState, StoreChange } from '../../../src/state/resourceStore';
import { deployment } from '../blueGreen/builders';
import { FakeStore, type StoreContents } from '../support/fakeDeps';
import { EventEmitter } from '../support/vscodeModule';
import { auroraCluster, baseGroups, consolePair, db, instance, REGION } from '../link/builders';
import type { TreeNode } from '../../../src/tree/nodes';

export const A = REGION;
export const B = 'us-east-1';

export function session(regions: readonly string[]): SessionState {
  return { state: 'ready', profile: 'test', regions, identity: { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/test' } };
}

interface WorldContents extends StoreContents {
  /** A region's listing in a state other than "ok" (loading, or failed with a problem). */
  readonly results: { readonly ec2: Readonly<Record<string, RegionResult<Ec2Instance>>>; readonly rds: Readonly<Record<string, RegionResult<RdsDatabase>>> };
}

/** Two instances of service "api": api-1 on v2 (released last), api-2 still on v1. */
export function deployed(): Ec2Instance[] {
  const tags = (release: string, at: string) => ({ [ReleaseTags.service]: 'api', [ReleaseTags.release]: release, [ReleaseTags.releasedAt]: at });
  return [
    instance({ id: 'i-api-1', name: 'api-1', tags: tags('v2', '2026-12-02T02:40:00.000Z') }),
    instance({ id: 'i-api-2', name: 'api-2', tags: tags('v1', '2026-11-30T10:00:00.000Z') }),
  ];
}

/** The resources of both regions; `extra` instances join eu-west-1's listing. */
export function contents(extra: readonly Ec2Instance[] = []): WorldContents {
  const appArn = `arn:aws:rds:${A}:123456789012:db:appdb`;
  const instances = [instance({ groups: ['sg-web', 'sg-ec2rds1'] }), instance({ id: 'i-batch', name: 'batch' }), ...deployed(), ...extra];
  const databases: RdsDatabase[] = [
    db({ arn: appArn, securityGroupIds: ['sg-db', 'sg-rdsec21'] }),
    auroraCluster(),
    db({ id: 'aurora1-a', clusterId: 'aurora1', engine: 'aurora-mysql' }),
  ];
  const links = aws.linksOf(instances, databases, [...baseGroups(), ...consolePair(1)]);
  const blueGreen = [deployment({ region: A, sourceArn: appArn, targetArn: `${appArn}-green`, switchoverDetails: [{ sourceMember: appArn, targetMember: `${appArn}-green`, status: 'AVAILABLE' }] })];
  const problem: aws.AwsProblem = { kind: 'other', message: 'rds is down', operation: 'rds:DescribeDBInstances' } as aws.AwsProblem;
  const tg = (name: string) => `arn:aws:elasticloadbalancing:${A}:123456789012:targetgroup/${name}/0123456789abcdef`;
  // api-1 in two target groups (healthy in one, draining from the other), api-2 unhealthy in one.
  const targets = {
    [A]: [
      { targetGroupArn: tg('api-blue'), targetGroupName: 'api-blue', instanceId: 'i-api-1', port: 8080, state: 'healthy' },
      { targetGroupArn: tg('api-green'), targetGroupName: 'api-green', instanceId: 'i-api-1', port: 8080, state: 'draining', reason: 'Target.DeregistrationInProgress' },
      { targetGroupArn: tg('api-blue'), targetGroupName: 'api-blue', instanceId: 'i-api-2', port: 8080, state: 'unhealthy', reason: 'Target.FailedHealthChecks', description: 'Health checks failed' },
    ],
  };
  return { instances, databases, links, blueGreen, targets, results: { ec2: { [B]: { state: 'loading' } }, rds: { [B]: { state: 'error', problem } } } };
}

/** A FakeStore whose contents change, with the change event the views listen to. */
class ChangingStore {
  private readonly changed = new EventEmitter<StoreChange>();
  readonly onDidChange = this.changed.event;
  private inner: FakeStore;

  constructor(private world: WorldContents, session: SessionState) {
    this.inner = new FakeStore({ ...world, session });
  }

  get session(): SessionState { return this.inner.session; }
  set session(s: SessionState) { this.inner.session = s; }
  get links() { return this.inner.links; }
  get blueGreen() { return this.inner.blueGreen; }
  get targets() { return this.inner.targets; }
  get ec2(): ReadonlyMap<string, RegionResult<Ec2Instance>> { return withResults(this.inner.ec2, this.world.results.ec2); }
  get rds(): ReadonlyMap<string, RegionResult<RdsDatabase>> { return withResults(this.inner.rds, this.world.results.rds); }

  /** Replaces what the store holds, then tells its listeners what changed (as the real store does). */
  change(world: WorldContents, change: StoreChange): void {
    this.world = world;
    this.inner = new FakeStore({ ...world, session: this.session });
    this.changed.fire(change);
  }
}

function withResults<T>(listed: ReadonlyMap<string, RegionResult<T>>, results: Readonly<Record<string, RegionResult<T>>>): ReadonlyMap<string, RegionResult<T>> {
  return new Map([...listed].map(([region, r]) => [region, results[region] ?? r]));
}

export interface Views {
  readonly store: ChangingStore;
  readonly ec2: Ec2Provider;
  readonly rds: RdsProvider;
  /** What each view's onDidChangeTreeData fired, in order ('view' for the whole view). */
  readonly fired: { ec2: Array<TreeNode | 'view'>; rds: Array<TreeNode | 'view'> };
  change(c: StoreChange, extra?: readonly Ec2Instance[]): void;
}

export function views(regions: readonly string[] = [A, B]): Views {
  const store = new ChangingStore(contents(), session(regions));
  const ec2 = new Ec2Provider(store as unknown as ResourceStore);
  const rds = new RdsProvider(store as unknown as ResourceStore, () => aws);
  const fired = { ec2: [] as Array<TreeNode | 'view'>, rds: [] as Array<TreeNode | 'view'> };
  ec2.onDidChangeTreeData((n) => fired.ec2.push(n ?? 'view'));
  rds.onDidChangeTreeData((n) => fired.rds.push(n ?? 'view'));
  return { store, ec2, rds, fired, change: (c, extra) => store.change(contents(extra), c) };
}

/** The EC2 view of region A alone, over just these instances (no links). */
export function ec2ViewOf(instances: readonly Ec2Instance[], waits?: ConstructorParameters<typeof Ec2Provider>[1]): Ec2Provider {
  const store = new ChangingStore({ instances, results: { ec2: {}, rds: {} } }, session([A]));
  return new Ec2Provider(store as unknown as ResourceStore, waits);
}

/** Every node of a view, parents before children, with its parent as the walk found it. */
export function walk(view: Ec2Provider | RdsProvider): Array<{ node: TreeNode; parent: TreeNode | undefined }> {
  const out: Array<{ node: TreeNode; parent: TreeNode | undefined }> = [];
  const visit = (parent: TreeNode | undefined) => {
    for (const node of view.getChildren(parent)) {
      out.push({ node, parent });
      visit(node);
    }
  };
  visit(undefined);
  return out;
}
