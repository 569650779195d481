/**
 * Everything the two views show for one region, asked for in one round of parallel calls: the
 * instances, the DBs (instances and clusters), the Blue/Green deployments and the pair-named
 * security groups the links are found among. No call waits for another's answer, and no region
 * waits for another region, so loading four regions takes about as long as loading one
 * (`list_regions_concurrency_ratio` in `npm run bench`).
 */
import type { BlueGreenDeployment } from './blueGreen/types';
import { listBlueGreenDeployments } from './blueGreen/deployments';
import { listInstances } from './ec2';
import { forwardSharesOf, listTargetGroups, targetHealthOf } from './elb';
import { EC2_GROUP_PREFIX, RDS_GROUP_PREFIX } from './link/consoleRules';
import { findLinks } from './link/links';
import { createSdkLinkApi } from './link/sdkLinkApi';
import type { LinkedPair } from './link/types';
import { listDatabases } from './rds';
import type { AwsSession, CallerIdentity } from './session';
import type { Ec2Instance, ForwardShare, RdsDatabase, SecurityGroup, TargetHealth } from './types';

/** A call's outcome, held so that a failure nobody has awaited yet is never an unhandled rejection. */
export type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
}

export type RegionService = 'ec2' | 'rds';

/** The calls of one region, all in flight; a service not asked for has no entry. */
export interface RegionLoad {
  readonly instances?: Promise<Settled<Ec2Instance[]>>;
  readonly databases?: Promise<Settled<RdsDatabase[]>>;
  /** Only with the DBs; a failure here leaves the DBs listed. */
  readonly blueGreen?: Promise<Settled<BlueGreenDeployment[]>>;
  /**
   * With the instances: where each instance is registered in the region's target groups, and its
   * health (DescribeTargetGroups, then one DescribeTargetHealth per group, never one per instance),
   * and beside those one DescribeListeners per load balancer for the groups' weights.
   */
  readonly targets?: Promise<Settled<TargetHealth[]>>;
  /** The `ec2-rds-*` / `rds-ec2-*` groups, asked for beside the listings rather than after them. */
  readonly linkGroups: Promise<Settled<SecurityGroup[]>>;
}

/** `signal` aborts every call of the load (a newer load replaces it). */
export function startRegionLoad(session: AwsSession, region: string, services: readonly RegionService[] = ['ec2', 'rds'], signal?: AbortSignal): RegionLoad {
  const clients = session.withSignal(signal);
  const ec2 = clients.ec2(region);
  const rds = clients.rds(region);
  const api = createSdkLinkApi(ec2, rds);
  return {
    ...(services.includes('ec2') ? { instances: settle(listInstances(ec2, region)), targets: settle(regionTargets(clients.elb(region))) } : {}),
    ...(services.includes('rds') ? { databases: settle(listDatabases(rds, region)), blueGreen: settle(listBlueGreenDeployments(rds, region)) } : {}),
    linkGroups: settle(api.describeSecurityGroups({ groupNames: [`${EC2_GROUP_PREFIX}*`, `${RDS_GROUP_PREFIX}*`] })),
  };
}

async function regionTargets(elb: ReturnType<AwsSession['elb']>): Promise<TargetHealth[]> {
  const groups = await listTargetGroups(elb);
  const loadBalancers = [...new Set(groups.flatMap((g) => g.loadBalancerArns))];
  // The weights only mark a group live or idle: without DescribeListeners the groups show unmarked.
  const [health, shares] = await Promise.all([targetHealthOf(elb, groups), forwardSharesOf(elb, loadBalancers).catch(() => new Map<string, ForwardShare[]>())]);
  return health.map((h) => {
    const s = shares.get(h.targetGroupArn);
    return s ? { ...h, shares: s } : h;
  });
}

/** The links among a region's instances and DBs, from the groups that came with the load. */
export function linksOf(instances: readonly Ec2Instance[], databases: readonly RdsDatabase[], groups: readonly SecurityGroup[]): LinkedPair[] {
  return instances.length === 0 || databases.length === 0 ? [] : findLinks(instances, databases, groups);
}

/** A whole session's first round: the account id beside every region's calls. */
export interface SessionLoad {
  readonly identity: Promise<Settled<CallerIdentity>>;
  readonly regions: ReadonlyArray<{ readonly region: string; readonly load: RegionLoad }>;
}

export function startSessionLoad(session: AwsSession, regions: readonly string[], signal?: AbortSignal): SessionLoad {
  return {
    identity: settle(session.callerIdentity(regions[0], signal)),
    regions: regions.map((region) => ({ region, load: startRegionLoad(session, region, undefined, signal) })),
  };
}

/** Every call of a load, answered (for a caller that only needs to know when all are done). */
export function allSettled(load: SessionLoad): Promise<unknown> {
  return Promise.all([load.identity, ...load.regions.flatMap(({ load: l }) => [l.instances, l.targets, l.databases, l.blueGreen, l.linkGroups])]);
}
