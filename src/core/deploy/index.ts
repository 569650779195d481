/**
 * Deploying the Go app to its instances: the deploy file, the build, the releases on the
 * instance, and the strategies as plans with their runner. Pure core: the per-instance steps come
 * in through DeployExecutor (SSH from core/instance in the product, a fake in unit tests).
 * The lazily loaded dist/deploy.js (src/lazy.ts loadDeploy). It carries no ssh2: the sessions
 * come from dist/db.js (core/instance), so there is one copy of it and of its error classes.
 */
export { configureL10n } from '../l10n';
export {
  parseDeployFile,
  parseInstanceCount,
  deployFileText,
  DEPLOY_FILE_NAMES,
  DEPLOY_FILE_VERSION,
  DEFAULTS as DEPLOY_DEFAULTS,
  type DeployFile,
  type DeployFileProblem,
  type DeployFileResult,
  type HealthCheck,
  type InstanceCount,
  type InstanceSelector,
  type LoadBalancerRef,
  type OnFailure,
  type Strategy,
  type StrategyKind,
} from './deployFile';
export {
  goArchOf,
  planArchitectures,
  goBuildCommand,
  runGoBuild,
  parseGoErrors,
  findGo,
  goMissingMessage,
  versionFrom,
  releaseName,
  GIT_DESCRIBE_ARGS,
  type GoArch,
  type BuildTarget,
  type ArchitecturePlan,
  type GoBuildRequest,
  type GoBuildCommand,
  type GoBuildResult,
  type BuildDiagnostic,
} from './build';
export { checkHealth, httpGetOver, type HealthGateOptions, type HttpAnswer } from './health';
export { collectShippedFiles, MAX_SHIPPED_BYTES, NO_SHIPPED_FILES, ShippedFilesError, type ShippedFile, type ShippedFiles } from './shipped';
export { SshDeployExecutor, type SshExecutorOptions } from './sshExecutor';
export { ReleaseLayout, envFileText, shellQuote, systemdUnitText, type LayoutOptions, type UnitOptions } from './releases';
export {
  planDeploy,
  describePlan,
  describeTraffic,
  DEFAULT_DRAIN_SECONDS,
  type TrafficPlan,
  resolveCount,
  runDeploy,
  rollbackSentence,
  type DeployPlan,
  type PlannedBatch,
  type DeployExecutor,
  type HealthResult,
  type DeployOutcome,
  type InstanceOutcome,
  type InstanceState,
  type DeployEvent,
  type RunOptions,
  type BatchTraffic,
} from './strategy';
export { chooseTransport, DEFAULT_SSM_THRESHOLD, type TransportChoice, type SsmProblem } from './ssmPlan';
export {
  sidesOf,
  weightsFor,
  liveOrIdle,
  planBlueGreen,
  describeBlueGreen,
  runBlueGreen,
  canSwitchBack,
  planWeightedCanary,
  describeWeightedCanary,
  runWeightedCanary,
  DEFAULT_CANARY_STEPS,
  type GroupWeight,
  type WeightedGroup,
  type WeightedTraffic,
  type Sides,
  type BlueGreenPlan,
  type BlueGreenOutcome,
  type DatabaseSwitchover,
  type WeightedCanaryPlan,
  type WeightedRunOptions,
} from './weighted';
