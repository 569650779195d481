/**
 * The shapes of a link: plans (what will change, as data that can be shown and dry-run), the
 * steps in them, the linked pairs found in described state, and the small API the applier
 * drives. Plans hold ids and names only, never SDK objects, so they can be logged and compared.
 */
import type { Ec2Instance, RdsDatabase, SecurityGroup, SecurityGroupRule } from '../types';

/** Where the DB side of a link is attached: an RDS instance, or (for Aurora) its cluster. */
export interface DbTarget {
  readonly kind: 'instance' | 'cluster';
  readonly id: string;
}

/** The two groups of a pair: `ec2-rds-N` goes on the instance, `rds-ec2-N` on the DB. */
export type PairSide = 'ec2' | 'rds';

/** A group a step works on: one that exists, or one an earlier step of the same plan creates. */
export type GroupRef =
  | { readonly kind: 'existing'; readonly id: string; readonly name: string }
  | { readonly kind: 'new'; readonly side: PairSide; readonly name: string };

/**
 * A rule's description. The inbound one names the peer group's id, which a fresh link only
 * knows once that group is created, so descriptions are resolved when the step runs.
 */
export type RuleText =
  | { readonly kind: 'toDb'; readonly dbId: string }
  | { readonly kind: 'fromPeer' }
  | { readonly kind: 'literal'; readonly text?: string };

export type RuleDirection = 'ingress' | 'egress';

export interface CreateGroupStep {
  readonly kind: 'createGroup';
  readonly side: PairSide;
  readonly name: string;
  readonly description: string;
  readonly vpcId: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** Removes whatever egress a new group was born with (the default allow-all). */
export interface RevokeDefaultEgressStep {
  readonly kind: 'revokeDefaultEgress';
  readonly group: GroupRef;
}

/** One TCP rule on the DB port between the two groups of a pair. */
export interface AuthorizeRuleStep {
  readonly kind: 'authorizeRule';
  readonly direction: RuleDirection;
  readonly group: GroupRef;
  readonly peer: GroupRef;
  readonly port: number;
  readonly description: RuleText;
}

/** Revokes one existing rule exactly as described (undo authorizes it again, description kept). */
export interface RevokeRuleStep {
  readonly kind: 'revokeRule';
  readonly direction: RuleDirection;
  readonly group: GroupRef & { readonly kind: 'existing' };
  readonly rule: SecurityGroupRule;
}

/** ModifyNetworkInterfaceAttribute with the full list; `previous` is what undo restores. */
export interface SetInterfaceGroupsStep {
  readonly kind: 'setInterfaceGroups';
  readonly instanceId: string;
  readonly interfaceId: string;
  readonly previous: readonly string[];
  readonly next: readonly GroupRef[];
}

/** ModifyDBInstance / ModifyDBCluster VpcSecurityGroupIds with the full list. */
export interface SetDatabaseGroupsStep {
  readonly kind: 'setDatabaseGroups';
  readonly target: DbTarget;
  readonly previous: readonly string[];
  readonly next: readonly GroupRef[];
}

/**
 * Deletes a group nothing uses any more. Best effort: a group AWS still holds on to (an RDS
 * interface lets go of a detached group a little later) is retried, then kept and reported.
 */
export interface DeleteGroupStep {
  readonly kind: 'deleteGroup';
  readonly group: GroupRef & { readonly kind: 'existing' };
}

export type PlanStep =
  | CreateGroupStep
  | RevokeDefaultEgressStep
  | AuthorizeRuleStep
  | RevokeRuleStep
  | SetInterfaceGroupsStep
  | SetDatabaseGroupsStep
  | DeleteGroupStep;

export type LinkRefusalCode =
  | 'instanceGone'
  | 'dbNotModifiable'
  | 'missingVpc'
  | 'differentVpc'
  | 'otherRegion'
  | 'noPrimaryInterface'
  | 'noEndpoint'
  | 'interfaceGroupLimit'
  | 'dbGroupLimit';

export interface Refusal<C extends string = string> {
  readonly code: C;
  /** A sentence for a person, already localized. */
  readonly message: string;
}

/** One group of the pair, as the plan means to use it. */
export interface PlannedGroup {
  readonly side: PairSide;
  readonly name: string;
  /** Undefined while the group is still to be created. */
  readonly id?: string;
  readonly action: 'create' | 'reuse';
  /** True when the plan attaches it (false when it is already where it belongs). */
  readonly attach: boolean;
}

export interface LinkPlan {
  readonly kind: 'link';
  /** ready: steps to run; alreadyLinked: a valid pair is in place, nothing to do; refused: see refusal. */
  readonly status: 'ready' | 'alreadyLinked' | 'refused';
  readonly refusal?: Refusal<LinkRefusalCode>;
  readonly region: string;
  readonly instanceId: string;
  readonly instanceName?: string;
  /** The instance's primary network interface (device index 0). */
  readonly interfaceId?: string;
  /** The DB the user picked (for a member of an Aurora cluster, the member). */
  readonly dbId: string;
  /** Where the DB-side group goes: the DB instance, or its Aurora cluster. */
  readonly dbTarget: DbTarget;
  readonly vpcId?: string;
  readonly port?: number;
  readonly ec2Group?: PlannedGroup;
  readonly rdsGroup?: PlannedGroup;
  /** Ids of existing groups the plan reuses rather than creates. */
  readonly reusedGroupIds: readonly string[];
  readonly steps: readonly PlanStep[];
  /**
   * An existing group of the same VPC that the dry run uses in place of a group that does not
   * exist yet (AWS answers a dry run for a made-up id with "not found", not with the permission).
   */
  readonly standInGroupId?: string;
}

export type UnlinkRefusalCode = 'dbNotModifiable';

/** A group an unlink leaves in place, and why. */
export interface KeptGroup {
  readonly id: string;
  readonly name: string;
  readonly reason: string;
}

export interface UnlinkPlan {
  readonly kind: 'unlink';
  /** ready: steps to run; notLinked: the pair no longer links them, nothing to do; refused: see refusal. */
  readonly status: 'ready' | 'notLinked' | 'refused';
  readonly refusal?: Refusal<UnlinkRefusalCode | 'notLinked'>;
  readonly region: string;
  readonly instanceId: string;
  readonly dbTarget: DbTarget;
  readonly ec2Group: { readonly id: string; readonly name: string };
  readonly rdsGroup: { readonly id: string; readonly name: string };
  readonly steps: readonly PlanStep[];
  /** Groups the unlink deletes once detached (when nothing else uses them). */
  readonly deletesGroupIds: readonly string[];
  readonly keptGroups: readonly KeptGroup[];
  /** Other links that go away with this one (a pair shared both ways), localized sentences. */
  readonly sideEffects: readonly string[];
  /**
   * Where the pair's group is the only group of an interface or the DB: AWS wants at least one,
   * so the VPC's default group takes its place, and it may allow more than the pair did.
   */
  readonly defaultGroupFallbacks: readonly DefaultGroupFallback[];
}

/** An interface or a DB that the unlink leaves with the VPC's default group instead of the pair's. */
export interface DefaultGroupFallback {
  readonly resource: { readonly kind: 'interface'; readonly id: string; readonly instanceId: string } | { readonly kind: 'database'; readonly target: DbTarget };
  readonly removed: { readonly id: string; readonly name: string };
  readonly fallback: { readonly id: string; readonly name: string };
}

export type Plan = LinkPlan | UnlinkPlan;

/** A link found in described state, by the console's rules (so console-made links show too). */
export interface LinkedPair {
  /** Stable: instance, DB target and both group ids. */
  readonly key: string;
  readonly region: string;
  readonly instance: Ec2Instance;
  /** The DB as it was listed (a cluster, a DB instance, or a member of a cluster). */
  readonly database: RdsDatabase;
  /** Where `rds-ec2-N` is attached: the DB instance, or its Aurora cluster. */
  readonly dbTarget: DbTarget;
  /** The instance's interfaces that hold `ec2-rds-N`, primary first. */
  readonly interfaceIds: readonly string[];
  readonly vpcId?: string;
  readonly port: number;
  readonly ec2Group: { readonly id: string; readonly name: string };
  readonly rdsGroup: { readonly id: string; readonly name: string };
  /** 'rds-link' when both groups carry our tag; otherwise made in the console (or by hand). */
  readonly createdBy: 'rds-link' | 'console';
}

/** What planUnlink needs to know about a link; a LinkedPair has all of it. */
export type LinkRef = Pick<LinkedPair, 'instance' | 'dbTarget' | 'ec2Group' | 'rdsGroup'> & { readonly region?: string };

/** A network interface that holds a group, as DescribeNetworkInterfaces reports it. */
export interface InterfaceUse {
  readonly id: string;
  readonly groupIds: readonly string[];
  /** The EC2 instance it is attached to, if any. */
  readonly instanceId?: string;
  /** Interfaces AWS services manage for you (RDS's own, for instance). */
  readonly requesterManaged?: boolean;
  readonly requesterId?: string;
  readonly description?: string;
}

/** State the VS Code layer (or prepareUnlink) gathers for planUnlink. */
export interface UnlinkState {
  readonly instances: readonly Ec2Instance[];
  readonly databases: readonly RdsDatabase[];
  readonly groups: readonly SecurityGroup[];
  /**
   * Interfaces that hold either group of the pair (DescribeNetworkInterfaces, filter group-id).
   * They reveal users the instance and DB lists don't show (Lambda, ECS, another account's
   * instance). Undefined: only the instances and databases listed are known users.
   */
  readonly interfaces?: readonly InterfaceUse[];
}

/**
 * The EC2 and RDS calls a link needs, and nothing else. One implementation drives the SDK
 * (createSdkLinkApi); tests use an in-memory AWS. Mutations with `dryRun` behave like EC2's
 * DryRun: they throw DryRunOperation when allowed and UnauthorizedOperation when not.
 */
export interface LinkApi {
  describeInstance(instanceId: string): Promise<Ec2Instance | undefined>;
  describeDatabase(target: DbTarget): Promise<RdsDatabase | undefined>;
  /** All DB instances and clusters of the region. */
  describeDatabases(): Promise<RdsDatabase[]>;
  /** Groups matching every given filter; names may end in `*`. */
  describeSecurityGroups(filter: SecurityGroupFilter): Promise<SecurityGroup[]>;
  /** Interfaces holding any of the groups (each group asked on its own: see createSdkLinkApi). */
  describeInterfaces(filter: { readonly groupIds: readonly string[] }): Promise<InterfaceUse[]>;

  /** Returns the new group's id ('' on a dry run that was allowed and therefore threw). */
  createSecurityGroup(input: NewGroupInput, dryRun?: boolean): Promise<string>;
  deleteSecurityGroup(groupId: string, dryRun?: boolean): Promise<void>;
  authorizeRules(direction: RuleDirection, groupId: string, rules: readonly SecurityGroupRule[], dryRun?: boolean): Promise<void>;
  revokeRules(direction: RuleDirection, groupId: string, rules: readonly SecurityGroupRule[], dryRun?: boolean): Promise<void>;
  setInterfaceGroups(interfaceId: string, groupIds: readonly string[], dryRun?: boolean): Promise<void>;
  /** RDS has no dry run. */
  setDatabaseGroups(target: DbTarget, groupIds: readonly string[]): Promise<void>;
  /**
   * The same API with every call aborted by `signal` (a call in flight ends at once, with a
   * CancelledError). Without it, cancellation is seen between calls only.
   */
  withSignal?(signal: AbortSignal): LinkApi;
}

export interface SecurityGroupFilter {
  readonly vpcId?: string;
  readonly groupIds?: readonly string[];
  readonly groupNames?: readonly string[];
}

export interface NewGroupInput {
  readonly name: string;
  readonly description: string;
  readonly vpcId: string;
  readonly tags: Readonly<Record<string, string>>;
}
