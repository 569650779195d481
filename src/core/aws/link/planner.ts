/**
 * Pure planning: from described state (instance, DB, the VPC's groups) to a plan that says what
 * a link or an unlink will change, in the console's order, or why it will not. No I/O here;
 * the applier runs the plan and prepareLink/prepareUnlink gather the state.
 */
import { t } from '../../l10n';
import { isModifiable, pairRefusal } from '../capabilities';
import type { Ec2Instance, NetworkInterface, RdsDatabase, SecurityGroup } from '../types';
import {
  createdByTags,
  findValidPairs,
  groupDescription,
  groupName,
  isCreatedByUs,
  nextFreeNumber,
  type ConsolePair,
} from './consoleRules';
import type {
  DbTarget,
  DefaultGroupFallback,
  GroupRef,
  KeptGroup,
  LinkPlan,
  LinkRef,
  LinkRefusalCode,
  PlanStep,
  Refusal,
  UnlinkPlan,
  UnlinkState,
} from './types';

/** A network interface holds at most 5 groups unless the quota was raised (up to 16). */
export const DEFAULT_GROUPS_PER_INTERFACE = 5;

export interface LinkLimits {
  /** Groups per network interface (the EC2 quota). Default 5. */
  readonly groupsPerInterface?: number;
  /** Groups per DB; RDS puts the DB's groups on its own interfaces, so the default is the same. */
  readonly groupsPerDatabase?: number;
}

export interface LinkInput {
  readonly instance: Ec2Instance;
  readonly db: RdsDatabase;
  /** Every group of the VPC (groups of other VPCs are ignored). */
  readonly groups: readonly SecurityGroup[];
  readonly limits?: LinkLimits;
}

/** The DB side of a link: a member of an Aurora cluster takes its groups from the cluster. */
export function dbTargetOf(db: RdsDatabase): DbTarget {
  if (db.kind === 'instance' && db.clusterId) return { kind: 'cluster', id: db.clusterId };
  return { kind: db.kind, id: db.id };
}

export function primaryInterface(instance: Ec2Instance): NetworkInterface | undefined {
  return instance.networkInterfaces.find((n) => n.deviceIndex === 0);
}

/**
 * The DB's VPC. AWS always reports it (through the subnet group); moto leaves it out for a DB
 * made without a subnet group, and then the VPC of the DB's own groups tells.
 */
export function dbVpcId(db: RdsDatabase, groups: readonly SecurityGroup[]): string | undefined {
  if (db.vpcId) return db.vpcId;
  const vpcs = new Set(db.securityGroupIds.map((id) => groups.find((g) => g.id === id)?.vpcId).filter(Boolean));
  return vpcs.size === 1 ? [...vpcs][0] : undefined;
}

function instanceVpcId(instance: Ec2Instance): string | undefined {
  return instance.vpcId ?? primaryInterface(instance)?.vpcId;
}

function existingRef(g: SecurityGroup): GroupRef {
  return { kind: 'existing', id: g.id, name: g.name };
}

function label(instance: Ec2Instance): string {
  return instance.name ? `${instance.name} (${instance.id})` : instance.id;
}

function refused(base: Omit<LinkPlan, 'status' | 'steps' | 'reusedGroupIds'>, code: LinkRefusalCode, message: string): LinkPlan {
  return { ...base, status: 'refused', refusal: { code, message }, steps: [], reusedGroupIds: [] };
}

/** True when two plans would make the same calls (to tell whether AWS changed since a plan was shown). */
export function samePlan(a: LinkPlan | UnlinkPlan, b: LinkPlan | UnlinkPlan): boolean {
  return a.kind === b.kind && a.status === b.status && JSON.stringify(a.steps) === JSON.stringify(b.steps);
}

/** A link plan before its status and steps are known. */
type LinkBase = Omit<LinkPlan, 'status' | 'steps' | 'reusedGroupIds'>;

/**
 * Plans the console's "Set up EC2 connection" for one instance and one DB.
 *
 * Reuse follows the console: a valid pair whose `rds-ec2-N` is already on the DB is reused; if
 * its `ec2-rds-N` is also on the instance's primary interface the two are already linked,
 * otherwise that `ec2-rds-N` is attached rather than a new pair made. A pair not yet on this DB
 * is never adopted: whoever holds its `ec2-rds-N` would gain access to this DB too.
 */
export function planLink(input: LinkInput): LinkPlan {
  const { instance, db } = input;
  const primary = primaryInterface(instance);
  const vpcOfDb = dbVpcId(db, input.groups);
  const port = db.endpoint?.port;
  const base: LinkBase = {
    kind: 'link' as const,
    region: instance.region,
    instanceId: instance.id,
    instanceName: instance.name,
    interfaceId: primary?.id,
    dbId: db.id,
    dbTarget: dbTargetOf(db),
    vpcId: vpcOfDb ?? instanceVpcId(instance),
    port,
  };

  const refusal = pairRefusal(instance, db, vpcOfDb, true);
  if (refusal || !primary || port === undefined || !vpcOfDb) {
    return refused(base, refusal?.code ?? 'noEndpoint', refusal?.message ?? t('The link was refused.'));
  }

  const vpcId = vpcOfDb;
  const groups = input.groups.filter((g) => g.vpcId === vpcId);
  const onInterface = new Set(primary.securityGroupIds);
  const onDb = new Set(db.securityGroupIds);
  const candidates = findValidPairs(groups).filter((p) => p.port === port && onDb.has(p.rds.id));
  const linked = candidates.find((p) => onInterface.has(p.ec2.id));
  const reuse: ConsolePair | undefined = linked ?? candidates[0];
  const withStandIn: LinkBase = { ...base, vpcId, standInGroupId: pickStandIn(groups, primary, db) };

  if (linked) return reusedPair(withStandIn, linked);
  const limit = linkLimitRefusal(input, primary, !reuse);
  if (limit) return refused(withStandIn, limit.code, limit.message);

  const attachToInterface = (ref: GroupRef): PlanStep => ({
    kind: 'setInterfaceGroups',
    instanceId: instance.id,
    interfaceId: primary.id,
    previous: primary.securityGroupIds,
    next: [...primary.securityGroupIds.map((id) => refById(groups, id)), ref],
  });
  if (reuse) return reusedPair(withStandIn, reuse, attachToInterface(existingRef(reuse.ec2)));
  return freshPairPlan(withStandIn, input, { vpcId, port, groups }, attachToInterface);
}

/** A plan on a console pair already on the DB: already linked, or its `ec2-rds-N` attached to the instance. */
function reusedPair(base: LinkBase, pair: ConsolePair, attach?: PlanStep): LinkPlan {
  return {
    ...base,
    status: attach ? 'ready' : 'alreadyLinked',
    ec2Group: { side: 'ec2', name: pair.ec2.name, id: pair.ec2.id, action: 'reuse', attach: !!attach },
    rdsGroup: { side: 'rds', name: pair.rds.name, id: pair.rds.id, action: 'reuse', attach: false },
    reusedGroupIds: [pair.ec2.id, pair.rds.id],
    steps: attach ? [attach] : [],
  };
}

/** Why the instance (or, for a fresh pair, the DB) cannot take one more group, if it cannot. */
function linkLimitRefusal(input: LinkInput, primary: NetworkInterface, freshPair: boolean): Refusal<LinkRefusalCode> | undefined {
  const { instance, db } = input;
  const interfaceLimit = input.limits?.groupsPerInterface ?? DEFAULT_GROUPS_PER_INTERFACE;
  const dbLimit = input.limits?.groupsPerDatabase ?? interfaceLimit;
  // The instance gets one more group; a fresh pair also adds one to the DB.
  if (primary.securityGroupIds.length + 1 > interfaceLimit) {
    return { code: 'interfaceGroupLimit', message: t('The primary network interface {0} of instance {1} already has {2} security groups; the limit is {3}. Remove one, or raise the "Security groups per network interface" quota.', primary.id, label(instance), primary.securityGroupIds.length, interfaceLimit) };
  }
  // Only a fresh pair changes the DB: reusing its rds-ec2-N works whatever state it is in.
  if (freshPair && !isModifiable(db)) return { code: 'dbNotModifiable', message: notModifiableMessage(db) };
  if (freshPair && db.securityGroupIds.length + 1 > dbLimit) {
    return { code: 'dbGroupLimit', message: t('Database {0} already has {1} security groups; the limit is {2}. Remove one from the database first.', db.id, db.securityGroupIds.length, dbLimit) };
  }
  return undefined;
}

function notModifiableMessage(db: RdsDatabase): string {
  return t('Database {0} is "{1}"; RDS changes its security groups only when it is available. Try again when it is.', db.id, db.status);
}

/** A new `ec2-rds-N`/`rds-ec2-N` pair, made the way the console makes it, attached to both sides. */
function freshPairPlan(
  base: LinkBase,
  input: LinkInput,
  { vpcId, port, groups }: { vpcId: string; port: number; groups: readonly SecurityGroup[] },
  attachToInterface: (ref: GroupRef) => PlanStep,
): LinkPlan {
  const { db } = input;
  const target = base.dbTarget;
  const n = nextFreeNumber(input.groups, vpcId);
  const ec2Ref: GroupRef = { kind: 'new', side: 'ec2', name: groupName('ec2', n) };
  const rdsRef: GroupRef = { kind: 'new', side: 'rds', name: groupName('rds', n) };
  const steps: PlanStep[] = [
    { kind: 'createGroup', side: 'ec2', name: ec2Ref.name, description: groupDescription('ec2', target.id), vpcId, tags: createdByTags() },
    { kind: 'createGroup', side: 'rds', name: rdsRef.name, description: groupDescription('rds', target.id), vpcId, tags: createdByTags() },
    { kind: 'revokeDefaultEgress', group: ec2Ref },
    { kind: 'revokeDefaultEgress', group: rdsRef },
    { kind: 'authorizeRule', direction: 'egress', group: ec2Ref, peer: rdsRef, port, description: { kind: 'toDb', dbId: target.id } },
    { kind: 'authorizeRule', direction: 'ingress', group: rdsRef, peer: ec2Ref, port, description: { kind: 'fromPeer' } },
    attachToInterface(ec2Ref),
    {
      kind: 'setDatabaseGroups',
      target,
      previous: db.securityGroupIds,
      next: [...db.securityGroupIds.map((id) => refById(groups, id)), rdsRef],
    },
  ];
  return {
    ...base,
    status: 'ready',
    ec2Group: { side: 'ec2', name: ec2Ref.name, action: 'create', attach: true },
    rdsGroup: { side: 'rds', name: rdsRef.name, action: 'create', attach: true },
    reusedGroupIds: [],
    steps,
  };
}

function refById(groups: readonly SecurityGroup[], id: string): GroupRef {
  return { kind: 'existing', id, name: groups.find((g) => g.id === id)?.name ?? id };
}

/**
 * A group of the VPC for the dry run to use where the real one does not exist yet: one the
 * instance already has (so a dry-run attach does not add a group), else the VPC's default group.
 */
function pickStandIn(groups: readonly SecurityGroup[], primary: NetworkInterface, db: RdsDatabase): string | undefined {
  const known = new Set(groups.map((g) => g.id));
  return (
    primary.securityGroupIds.find((id) => known.has(id)) ??
    groups.find((g) => g.name === 'default')?.id ??
    db.securityGroupIds.find((id) => known.has(id)) ??
    [...groups].sort((a, b) => a.id.localeCompare(b.id))[0]?.id
  );
}

export interface UnlinkOptions {
  /**
   * Which groups to delete once nothing uses them: 'unused' (default) deletes console-made and
   * our own; 'ours' only those tagged by RDS Link; 'none' only detaches.
   */
  readonly deleteGroups?: 'unused' | 'ours' | 'none';
}

/**
 * Plans undoing one link, with the same discipline as a link: detach, then (when nothing else
 * uses them) revoke the pair's rules and delete the groups.
 *
 * A pair can be shared: several instances hold `ec2-rds-N` (the console reuses it), or several
 * DBs hold `rds-ec2-N`. Unlink removes only this instance's access to this DB where it can:
 *   - `ec2-rds-N` used elsewhere, `rds-ec2-N` not: detach `ec2-rds-N` from this instance only;
 *   - `rds-ec2-N` used elsewhere, `ec2-rds-N` not: detach `rds-ec2-N` from this DB only;
 *   - both shared: detach from the instance, and say which other DBs it loses too;
 *   - neither: detach both, revoke, delete.
 */
export function planUnlink(link: LinkRef, state: UnlinkState, options: UnlinkOptions = {}): UnlinkPlan {
  const instance = state.instances.find((i) => i.id === link.instance.id) ?? link.instance;
  const target = link.dbTarget;
  const targetDb =
    state.databases.find((d) => d.kind === target.kind && d.id === target.id) ?? state.databases.find((d) => sameTarget(d, target));
  const ec2Group = state.groups.find((g) => g.id === link.ec2Group.id);
  const rdsGroup = state.groups.find((g) => g.id === link.rdsGroup.id);
  const base = {
    kind: 'unlink' as const,
    region: link.region ?? instance.region,
    instanceId: instance.id,
    dbTarget: target,
    ec2Group: { id: link.ec2Group.id, name: ec2Group?.name ?? link.ec2Group.name },
    rdsGroup: { id: link.rdsGroup.id, name: rdsGroup?.name ?? link.rdsGroup.name },
    deletesGroupIds: [] as string[],
    keptGroups: [] as KeptGroup[],
    sideEffects: [] as string[],
    defaultGroupFallbacks: [] as DefaultGroupFallback[],
  };
  const notLinked = (message: string): UnlinkPlan => ({ ...base, status: 'notLinked', refusal: { code: 'notLinked', message }, steps: [] });

  const instanceInterfaces = instance.networkInterfaces.filter((n) => n.securityGroupIds.includes(base.ec2Group.id));
  if (!targetDb) return notLinked(t('Database {0} was not found.', target.id));
  if (!ec2Group || !rdsGroup) return notLinked(t('The groups {0} and {1} no longer both exist.', base.ec2Group.name, base.rdsGroup.name));
  if (instance.state === 'terminated') return notLinked(t('Instance {0} is terminated.', label(instance)));
  if (instanceInterfaces.length === 0 || !targetDb.securityGroupIds.includes(rdsGroup.id)) {
    return notLinked(t('Instance {0} and database {1} are no longer linked by {2} and {3}.', label(instance), target.id, ec2Group.name, rdsGroup.name));
  }

  const pair: UnlinkPair = { instance, instanceInterfaces, target, targetDb, ec2Group, rdsGroup };
  const users = pairUsers(pair, state);
  // Detach on the side nobody else depends on; when both sides are shared, the instance's.
  const detachEc2 = !(users.ec2.length === 0 && users.rds.length > 0);
  const detachRds = users.ec2.length === 0;
  const sideEffects: string[] = [];
  if (users.ec2.length > 0 && users.otherDbs.length > 0) {
    sideEffects.push(t('Instance {0} also loses its access to {1}, which share the group {2}.', label(instance), users.otherDbs.map((d) => dbTargetOf(d).id).join(', '), rdsGroup.name));
  }
  if (detachRds && !isModifiable(targetDb)) {
    return { ...base, status: 'refused', refusal: { code: 'dbNotModifiable', message: notModifiableMessage(targetDb) }, steps: [] };
  }

  const { steps, fallbacks } = detachSteps(pair, state.groups, detachEc2, detachRds);
  // Delete only when both groups end up unused: one alone is still half of a live pair.
  const bothFree = detachEc2 && detachRds && users.ec2.length === 0 && users.rds.length === 0;
  const { keptGroups, deletes } = sortDeletes(pair, state.groups, users, bothFree, options.deleteGroups ?? 'unused');
  steps.push(...deleteSteps(pair, deletes));
  return { ...base, status: 'ready', steps, deletesGroupIds: deletes, keptGroups, sideEffects, defaultGroupFallbacks: fallbacks };
}

/** What an unlink works on, once it is known to be linked. */
interface UnlinkPair {
  readonly instance: Ec2Instance;
  /** The instance's interfaces that hold the ec2 group. */
  readonly instanceInterfaces: readonly NetworkInterface[];
  readonly target: DbTarget;
  readonly targetDb: RdsDatabase;
  readonly ec2Group: SecurityGroup;
  readonly rdsGroup: SecurityGroup;
}

/** Who else uses each group, besides this instance and this DB (with its cluster or members). */
interface PairUsers {
  readonly ec2: readonly string[];
  readonly rds: readonly string[];
  /** The other DBs (one per target) that hold the rds group. */
  readonly otherDbs: readonly RdsDatabase[];
}

function pairUsers(pair: UnlinkPair, state: UnlinkState): PairUsers {
  const { instance, target, ec2Group, rdsGroup } = pair;
  const otherInstancesWithEc2 = state.instances.filter(
    (i) => i.id !== instance.id && i.state !== 'terminated' && i.networkInterfaces.some((n) => n.securityGroupIds.includes(ec2Group.id)),
  );
  const otherDbs = dedupeTargets(state.databases.filter((d) => !sameTarget(d, target) && d.securityGroupIds.includes(rdsGroup.id)));
  const knownInstanceIds = new Set([instance.id, ...state.instances.map((i) => i.id)]);
  // Interfaces reveal users the lists don't (Lambda, ECS, …). RDS's own interfaces carry the
  // groups of the DBs listed above, so they are not counted twice.
  const otherInterfaces = (groupId: string): string[] =>
    (state.interfaces ?? [])
      .filter((n) => n.groupIds.includes(groupId))
      .filter((n) => n.requesterId !== 'amazon-rds' && n.description !== 'RDSNetworkInterface')
      .filter((n) => !(n.instanceId && knownInstanceIds.has(n.instanceId)))
      .map((n) => n.id);
  return {
    ec2: [...otherInstancesWithEc2.map((i) => i.id), ...otherInterfaces(ec2Group.id)],
    rds: [...otherDbs.map((d) => dbTargetOf(d).id), ...otherInterfaces(rdsGroup.id)],
    otherDbs,
  };
}

/** The steps that take the groups off the instance's interfaces and the DB, and where the default group steps in. */
function detachSteps(pair: UnlinkPair, groups: readonly SecurityGroup[], detachEc2: boolean, detachRds: boolean): { steps: PlanStep[]; fallbacks: DefaultGroupFallback[] } {
  const { instance, target, targetDb, ec2Group, rdsGroup } = pair;
  const steps: PlanStep[] = [];
  const fallbacks: DefaultGroupFallback[] = [];
  /** The groups left once `group` is removed, noting where the VPC's default group steps in. */
  const remaining = (ids: readonly string[], group: SecurityGroup, resource: DefaultGroupFallback['resource']): GroupRef[] => {
    const { next, fallback } = withoutGroup(ids, group, groups);
    if (fallback) fallbacks.push({ resource, removed: { id: group.id, name: group.name }, fallback: { id: fallback.id, name: fallback.name } });
    return next;
  };
  if (detachEc2) {
    for (const n of pair.instanceInterfaces) {
      steps.push({
        kind: 'setInterfaceGroups',
        instanceId: instance.id,
        interfaceId: n.id,
        previous: n.securityGroupIds,
        next: remaining(n.securityGroupIds, ec2Group, { kind: 'interface', id: n.id, instanceId: instance.id }),
      });
    }
  }
  if (detachRds) {
    steps.push({
      kind: 'setDatabaseGroups',
      target,
      previous: targetDb.securityGroupIds,
      next: remaining(targetDb.securityGroupIds, rdsGroup, { kind: 'database', target }),
    });
  }
  return { steps, fallbacks };
}

/** Which of the pair's groups are deleted, and why the others are kept. */
function sortDeletes(
  pair: UnlinkPair,
  groups: readonly SecurityGroup[],
  users: PairUsers,
  bothFree: boolean,
  policy: NonNullable<UnlinkOptions['deleteGroups']>,
): { keptGroups: KeptGroup[]; deletes: string[] } {
  const { ec2Group, rdsGroup } = pair;
  const referencedBy = (groupId: string, peerId: string): SecurityGroup[] =>
    groups.filter((g) => g.id !== groupId && g.id !== peerId && [...g.ingress, ...g.egress].some((r) => r.peerGroupId === groupId));
  const keptGroups: KeptGroup[] = [];
  const deletes: string[] = [];
  for (const g of [ec2Group, rdsGroup]) {
    const usedBy = g === ec2Group ? users.ec2 : users.rds;
    const otherRefs = referencedBy(g.id, g === ec2Group ? rdsGroup.id : ec2Group.id);
    let reason: string | undefined;
    if (policy === 'none') reason = t('kept as asked');
    else if (policy === 'ours' && !isCreatedByUs(g)) reason = t('made outside RDS Link (in the console), kept as asked');
    else if (usedBy.length) reason = t('still used by {0}', usedBy.join(', '));
    else if (!bothFree) reason = t('its peer group is still in use');
    else if (otherRefs.length) reason = t('referenced by the rules of {0}', otherRefs.map((r) => r.name).join(', '));
    if (reason) keptGroups.push({ id: g.id, name: g.name, reason });
    else deletes.push(g.id);
  }
  return { keptGroups, deletes };
}

/** The pair's rules, then the groups to delete. */
function deleteSteps(pair: UnlinkPair, deletes: readonly string[]): PlanStep[] {
  if (!deletes.length) return [];
  const { ec2Group, rdsGroup } = pair;
  const ec2Ref = { kind: 'existing' as const, id: ec2Group.id, name: ec2Group.name };
  const rdsRef = { kind: 'existing' as const, id: rdsGroup.id, name: rdsGroup.name };
  const steps: PlanStep[] = [];
  // The two groups reference each other: AWS refuses to delete a referenced group, so the
  // rules go first. Revoking is also what cuts access when only one of the pair is deleted.
  for (const rule of rdsGroup.ingress.filter((r) => r.peerGroupId === ec2Group.id)) {
    steps.push({ kind: 'revokeRule', direction: 'ingress', group: rdsRef, rule });
  }
  for (const rule of ec2Group.egress.filter((r) => r.peerGroupId === rdsGroup.id)) {
    steps.push({ kind: 'revokeRule', direction: 'egress', group: ec2Ref, rule });
  }
  for (const id of deletes) steps.push({ kind: 'deleteGroup', group: id === ec2Group.id ? ec2Ref : rdsRef });
  return steps;
}

/**
 * A group list without `group`. AWS wants at least one group on an interface or a DB, so when
 * `group` was the only one, the VPC's default group takes its place (as on a new resource);
 * `fallback` says so, for the plan to warn about it.
 */
function withoutGroup(ids: readonly string[], group: SecurityGroup, groups: readonly SecurityGroup[]): { next: GroupRef[]; fallback?: SecurityGroup } {
  const rest = ids.filter((id) => id !== group.id).map((id) => refById(groups, id));
  if (rest.length) return { next: rest };
  const fallback = groups.find((g) => g.name === 'default' && g.vpcId === group.vpcId);
  return fallback ? { next: [existingRef(fallback)], fallback } : { next: [] };
}

function sameTarget(db: RdsDatabase, target: DbTarget): boolean {
  const t2 = dbTargetOf(db);
  return t2.kind === target.kind && t2.id === target.id;
}

function dedupeTargets(dbs: readonly RdsDatabase[]): RdsDatabase[] {
  const seen = new Set<string>();
  const out: RdsDatabase[] = [];
  for (const d of dbs) {
    const key = `${dbTargetOf(d).kind}:${dbTargetOf(d).id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}
