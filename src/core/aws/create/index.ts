/**
 * Creating from nothing: a new RDS DB instance (linked at creation to a chosen instance, as the
 * console's "Connect to an EC2 compute resource" does).
 *
 *   prepareCreateDatabase(api, linkApi, request) → context      (reads AWS)
 *   planCreateDatabase(context, answers)          → plan         (pure; refusals before any call)
 *   describeCreateDatabase(plan)                  → lines to show once
 *   applyCreateDatabase(plan, api, linkApi)       → outcome      (subnet group, create, wait, link)
 *   resumeCreateDatabase(plan, api, linkApi)      → outcome      (the wait picked up again; the link again)
 *
 * and a new EC2 instance for the app: planCreateInstance(context, answers) → describeCreateInstance →
 * applyCreateInstance(plan, api) (AMI from the public SSM parameter, group, profile, launch, status OK; rolled back on failure).
 */
export * from './rules';
export * from './network';
export * from './dbPlan';
export type * from './dbApi';
export * from './dbCreate';
export * from './sdkDbCreateApi';
export * from './instancePlan';
export type * from './instanceApi';
export * from './instanceCreate';
export * from './sdkEc2InstanceParts';
export * from './sdkInstanceCreateApi';
export * from './publicIp';
export * from './instanceWizard';
export * from './deleteCreated';
export * from './sdkDbDeleteApi';
export * from './dbWizard';
