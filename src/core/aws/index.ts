/** Entry of the lazily loaded dist/aws.js bundle: everything that needs the AWS SDK. */
export { configureL10n } from '../l10n';
export { AwsSession, CallTimeoutError, abortable, DEFAULT_CONNECTION_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, type AwsClients, type CallInfo, type SessionConfig, type CallerIdentity } from './session';
export { listProfiles, mergeProfiles, resolveRegions, effectiveProfileName, type ProfileInfo } from './profiles';
export { awsErrorCode, classifyAwsError, isAccessDenied, isAmbiguousFailure, isCredentialsRejected, type AwsProblem } from './awsErrors';
export { listInstances, describeInstance, describeImageNames, readConsoleOutput, startInstance, stopInstance, isTransitional, tagReleases, EC2_PAGE_SIZE } from './ec2';
export { releaseOf, releaseTagValues, ReleaseTags, type InstanceRelease, type ReleaseStamp } from './releaseTags';
export { listDatabases, RDS_PAGE_SIZE } from './rds';
export * from './link/index';
export * from './blueGreen/index';
export { startRegionLoad, startSessionLoad, allSettled, linksOf, type RegionLoad, type RegionService, type SessionLoad, type Settled } from './regionLoad';
export { assertUsable, blueGreenRefusal, dbRefusal, isModifiable, pairRefusal, type DbFeature, type PairRefusalCode } from './capabilities';
export * as diagnosis from '../diagnose/index';
export * from './create/index';
export {
  listTargetGroups,
  resolveTargetGroups,
  describeTargetHealth,
  targetHealthOf,
  registerTargets,
  deregisterTargets,
  deregistrationDelaySeconds,
  setDeregistrationDelay,
  waitDeregistered,
  waitInService,
  listenerForward,
  DEFAULT_DEREGISTRATION_DELAY_SECONDS,
  type InstanceTarget,
  type WaitOptions,
} from './elb';
export { AlbTraffic, type AlbTrafficOptions } from './albTraffic';
export { ListenerWeights, readForward, weightedGroups, withWeights, type Forward, type ForwardRef, type ListenerWeightsOptions } from './albWeights';
export { isTargetGroupArn, isTargetGroupName, isListenerArn, isListenerRuleArn, regionOfElbArn } from './elbArns';
// The fleet transport's SDK calls live with the SDK: paginators bound to this bundle's clients.
export * as ssmFleet from '../deploy/ssmFleet';
