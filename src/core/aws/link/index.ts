/**
 * Linking an EC2 instance to an RDS database the way the RDS console's "Set up EC2 connection"
 * does, plus what the console lacks: a plan to show first, a dry run, rollback, and unlink.
 *
 *   prepareLink(api, …)  → { plan }        (reads AWS, plans with planLink)
 *   describePlan(plan)   → lines to show
 *   applyPlan(plan, api) → dry run, then the steps, rolled back on failure
 *   listLinks / findLinks → linked pairs for the tree; prepareUnlink + applyPlan to undo one
 */
export type {
  AuthorizeRuleStep,
  CreateGroupStep,
  DbTarget,
  DefaultGroupFallback,
  DeleteGroupStep,
  GroupRef,
  InterfaceUse,
  KeptGroup,
  LinkApi,
  LinkedPair,
  LinkPlan,
  LinkRef,
  LinkRefusalCode,
  NewGroupInput,
  PairSide,
  Plan,
  PlannedGroup,
  PlanStep,
  Refusal,
  RevokeDefaultEgressStep,
  RevokeRuleStep,
  RuleDirection,
  RuleText,
  SecurityGroupFilter,
  SetDatabaseGroupsStep,
  SetInterfaceGroupsStep,
  UnlinkPlan,
  UnlinkRefusalCode,
  UnlinkState,
} from './types';
export {
  CREATED_BY_TAG,
  CREATED_BY_VALUE,
  EC2_GROUP_PREFIX,
  RDS_GROUP_PREFIX,
  egressRuleDescription,
  findValidPairs,
  groupDescription,
  groupName,
  ingressRuleDescription,
  isCreatedByUs,
  nextFreeNumber,
  parseGroupName,
  type ConsolePair,
} from './consoleRules';
export {
  DEFAULT_GROUPS_PER_INTERFACE,
  dbTargetOf,
  dbVpcId,
  planLink,
  planUnlink,
  primaryInterface,
  samePlan,
  type LinkInput,
  type LinkLimits,
  type UnlinkOptions,
} from './planner';
export { describePlan, describeStep } from './planText';
export { findLinks, linkKey, linksOfDatabase, linksOfInstance } from './links';
export {
  ApplyCancelledError,
  ApplyFailedError,
  DryRunFailedError,
  PlanNotApplicableError,
  applyPlan,
  dryRunPlan,
  permissionsFor,
  signalledApi,
  type ApplyOptions,
  type ApplyResult,
  type DryRunCheck,
  type DryRunOutcome,
  type DryRunReport,
  type Progress,
  type RollbackReport,
  type RunOptions,
} from './applier';
export { countingLinkApi, newCallCounts, type CallCounts } from './callCounter';
export { createSdkLinkApi, toIpPermission, toSecurityGroup } from './sdkLinkApi';
export { listLinks, prepareLink, prepareUnlink, type PreparedLink, type PreparedUnlink } from './service';
