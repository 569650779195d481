/**
 * The I/O around the pure planner: read fresh state through a LinkApi right before planning (a
 * plan made from a minutes-old tree could undo someone's change), and list links for the tree.
 */
import { isCancellation, type CancelSignal } from '../../errors';
import { t } from '../../l10n';
import type { Ec2Instance, RdsDatabase, SecurityGroup } from '../types';
import { awsErrorCode } from '../awsErrors';
import { signalledApi } from './applier';
import { EC2_GROUP_PREFIX, RDS_GROUP_PREFIX } from './consoleRules';
import { findLinks } from './links';
import { planLink, planUnlink, type LinkLimits, type UnlinkOptions } from './planner';
import type { DbTarget, LinkApi, LinkedPair, LinkPlan, LinkRef, UnlinkPlan, UnlinkState } from './types';

/** A cancel of the reads ends the call in flight (LinkApi.withSignal). */
export interface ReadOptions {
  readonly signal?: CancelSignal | AbortSignal;
}

/** A failure gains what was being read; a cancel stays a cancel. */
function readFailure(message: string, err: unknown): unknown {
  return isCancellation(err) ? err : new Error(message, { cause: err });
}

export interface PreparedLink {
  readonly plan: LinkPlan;
  readonly instance: Ec2Instance;
  readonly db: RdsDatabase;
  readonly groups: readonly SecurityGroup[];
}

/**
 * Describes the instance, the DB and the VPC's groups, then plans. Three calls; four when the
 * DB reports no VPC (moto, without a subnet group) and its own groups have to tell.
 */
export async function prepareLink(
  api: LinkApi,
  request: { readonly instanceId: string; readonly db: DbTarget },
  options: ReadOptions & { readonly limits?: LinkLimits } = {},
): Promise<PreparedLink> {
  api = signalledApi(api, options.signal);
  let instance: Ec2Instance | undefined;
  let db: RdsDatabase | undefined;
  let groups: SecurityGroup[] = [];
  try {
    [instance, db] = await Promise.all([api.describeInstance(request.instanceId), api.describeDatabase(request.db)]);
    if (instance && db) {
      const vpcId = db.vpcId ?? instance.vpcId;
      groups = vpcId ? await api.describeSecurityGroups({ vpcId }) : [];
      const known = new Set(groups.map((g) => g.id));
      const unknownDbGroups = db.securityGroupIds.filter((id) => !known.has(id));
      if (!db.vpcId && unknownDbGroups.length) groups = [...groups, ...(await api.describeSecurityGroups({ groupIds: unknownDbGroups }))];
    }
  } catch (err) {
    throw readFailure(t('Reading the instance, the database and their security groups failed'), err);
  }
  if (!instance) throw new Error(t('Instance {0} was not found.', request.instanceId));
  if (!db) throw new Error(t('Database {0} was not found.', request.db.id));
  return { plan: planLink({ instance, db, groups, limits: options.limits }), instance, db, groups };
}

export interface PreparedUnlink {
  readonly plan: UnlinkPlan;
  readonly state: UnlinkState;
}

/**
 * Describes what an unlink has to know (the instance, the region's DBs, the VPC's groups, and
 * every interface holding either group), then plans.
 */
export async function prepareUnlink(api: LinkApi, link: LinkRef, options: UnlinkOptions & ReadOptions = {}): Promise<PreparedUnlink> {
  api = signalledApi(api, options.signal);
  let state: UnlinkState;
  try {
    const groupIds = [link.ec2Group.id, link.rdsGroup.id];
    const [instance, databases, interfaces, pair] = await Promise.all([
      api.describeInstance(link.instance.id),
      api.describeDatabases(),
      api.describeInterfaces({ groupIds }),
      api.describeSecurityGroups({ groupIds }).catch((err: unknown) => {
        // One of the two is gone: the plan says "not linked any more".
        if (awsErrorCode(err).endsWith('.NotFound')) return [] as SecurityGroup[];
        throw err;
      }),
    ]);
    const vpcId = pair[0]?.vpcId ?? instance?.vpcId;
    const groups = vpcId ? await api.describeSecurityGroups({ vpcId }) : pair;
    state = { instances: instance ? [instance] : [], databases, groups, interfaces };
  } catch (err) {
    throw readFailure(t('Reading the linked instance, database and security groups failed'), err);
  }
  return { plan: planUnlink(link, state, options), state };
}

/** The links among listed instances and DBs (for the tree); one call for the pair-named groups. */
export async function listLinks(api: LinkApi, instances: readonly Ec2Instance[], databases: readonly RdsDatabase[]): Promise<LinkedPair[]> {
  if (instances.length === 0 || databases.length === 0) return [];
  const groups = await api.describeSecurityGroups({ groupNames: [`${EC2_GROUP_PREFIX}*`, `${RDS_GROUP_PREFIX}*`] });
  return findLinks(instances, databases, groups);
}
