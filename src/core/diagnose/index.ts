/**
 * "Why can't my app reach the database?", the static part: described state in, one check per
 * line out (pass / fail / unknown, the evidence, the fix).
 *   readDiagnosisState(clients, region, request) → state   (≤ 8 AWS calls, in two rounds)
 *   diagnose(state)                              → Diagnosis (pure)
 *   runReachabilityAnalysis(ec2, …)              → one more check, on request (AWS charges for it)
 */
export type * from './types';
export { parseRange, coverage, type AddressRange, type Coverage, type Family } from './addresses';
export { diagnose, checkDatabase, checkInstance, overallStatus } from './evaluate';
export { checkSecurityGroups } from './securityGroups';
export { checkNacls, evaluateNacl, EPHEMERAL_PORTS, LINUX_EPHEMERAL_PORTS } from './nacls';
export { checkRoutes, checkDns } from './routes';
export { readDiagnosisState, systemResolve, type DiagnosisRequest, type Resolve } from './reads';
export { runReachabilityAnalysis, explain, REACHABILITY_COST, type ReachabilityRequest } from './reachability';
export { formatReport, maskAccountIds, type ReportOptions } from './report';
export { runLiveChecks, checkLiveResolve, checkLiveConnection, liveUnknown, parseGreeting, readGreeting, resolveCommand, MysqlRefusal, type LiveSession, type LiveTarget, type LiveOptions, type MysqlGreeting } from './live';
export { checkAppConfig, databaseToCheck, type AppConnection, type AppConfigTarget, type CreatedDatabase, type DatabaseChoice } from './appConfig';
export { checkDatabaseExists, schemaUnknown, type SchemaQuerier } from './schema';
export { checkEicePort, readEndpointGroups, type EiceEndpoint } from './eice';
