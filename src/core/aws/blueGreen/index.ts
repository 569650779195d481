/**
 * RDS Blue/Green deployments: a synced green copy takes the change (engine upgrade, parameter
 * group, instance class), then a switchover moves the endpoints to it.
 *
 *   listBlueGreenDeployments(client, region) → deploymentsOfDb(list, db)   (tree)
 *   prepareBlueGreen(client, db)  → fresh db, refusals, version choices     (create, step 1)
 *   listParameterGroups / listInstanceClasses(client, db, version)          (create, step 2)
 *   preflightBlueGreen(db, choice, existing) → refusals                     (pure, any time)
 *   createBlueGreen(client, db, input, existing) → waitForBlueGreen(…, { until: 'AVAILABLE' })
 *   describeSwitchover(d, db) → modal text; switchoverBlueGreen(client, id, seconds)
 *     → waitForBlueGreen(…, { until: 'SWITCHOVER_COMPLETED' })
 *   describeDelete / deleteRefusal (pure); deleteBlueGreen(client, d, { deleteTarget })
 *     → waitForBlueGreen(…, { until: 'deleted' })
 */
export type {
  BlueGreenChoice,
  BlueGreenDeployment,
  BlueGreenPhase,
  BlueGreenRefusal,
  BlueGreenRefusalCode,
  BlueGreenSourceDb,
  BlueGreenStatus,
  BlueGreenTask,
  InstanceClassOptions,
  ParameterGroupOption,
  SwitchoverMember,
  UpgradeTarget,
  VersionOption,
} from './types';
export {
  arnResourceName,
  arnResourceType,
  blueGreenPhase,
  blueGreenStatusLabel,
  blueGreenTaskLabel,
  deploymentRole,
  deploymentSide,
  deploymentSideLabel,
  deploymentsOfDb,
  greenOf,
  type DeploymentSide,
  FAILED_STATUSES,
  toBlueGreenDeployment,
} from './mapping';
export { compareEngineVersions, isMajorChange, parameterGroupFamily, versionOptions } from './versions';
export {
  BLUE_GREEN_ENGINES,
  DEPLOYMENT_NAME_MAX,
  DEPLOYMENT_NAME_PATTERN,
  blueName,
  deploymentNameProblem,
  greenName,
  preflightBlueGreen,
  suggestDeploymentName,
} from './preflight';
export {
  SWITCHOVER_TIMEOUT,
  deleteRefusal,
  describeDelete,
  describeSwitchover,
  oldName,
  switchoverRefusal,
  switchoverTimeoutProblem,
  type Rename,
  type SwitchoverSummary,
} from './rules';
export { BlueGreenFailedError, BlueGreenRefusedError, BlueGreenTimeoutError } from './errors';
export {
  BLUE_GREEN_PAGE_SIZE,
  createBlueGreen,
  deleteBlueGreen,
  describeBlueGreen,
  listBlueGreenDeployments,
  switchoverBlueGreen,
  type CreateBlueGreenInput,
} from './deployments';
export {
  FALLBACK_INSTANCE_CLASSES,
  compareInstanceClasses,
  listInstanceClasses,
  listParameterGroups,
  listUpgradeTargets,
  parameterGroupOptions,
  prepareBlueGreen,
  readBlueGreenSource,
  type PreparedBlueGreen,
} from './choices';
export {
  DEFAULT_BACKOFF,
  DEFAULT_WAIT_TIMEOUT_MS,
  backoffDelay,
  backoffSchedule,
  cancellableSleep,
  waitForBlueGreen,
  type Backoff,
  type WaitOptions,
  type WaitProgress,
  type WaitUntil,
} from './wait';
export { prepareDatabaseSwitchover, type DatabaseSwitchoverStep } from './beforeAppSwitch';
