/** Every id the extension contributes, in one typed place (package.json must agree; a test checks). */
export const Commands = {
  refresh: 'rdsLink.refresh',
  selectProfile: 'rdsLink.selectProfile',
  selectRegions: 'rdsLink.selectRegions',
  showLog: 'rdsLink.showLog',
  retry: 'rdsLink.retry',
  ssoLogin: 'rdsLink.ssoLogin',
  filterEc2: 'rdsLink.filterEc2',
  clearEc2Filter: 'rdsLink.clearEc2Filter',
  filterRds: 'rdsLink.filterRds',
  clearRdsFilter: 'rdsLink.clearRdsFilter',
  copyInstanceId: 'rdsLink.copyInstanceId',
  copyInstanceIp: 'rdsLink.copyInstanceIp',
  openInstanceInConsole: 'rdsLink.openInstanceInConsole',
  startInstance: 'rdsLink.startInstance',
  stopInstance: 'rdsLink.stopInstance',
  copyDbEndpoint: 'rdsLink.copyDbEndpoint',
  openDbInConsole: 'rdsLink.openDbInConsole',
  linkInstanceToDatabase: 'rdsLink.linkInstanceToDatabase',
  unlink: 'rdsLink.unlink',
  useDatabaseInWorkspace: 'rdsLink.useDatabaseInWorkspace',
  patchConfig: 'rdsLink.patchConfig',
  createBlueGreen: 'rdsLink.createBlueGreen',
  switchoverBlueGreen: 'rdsLink.switchoverBlueGreen',
  deleteBlueGreen: 'rdsLink.deleteBlueGreen',
  createSchema: 'rdsLink.createSchema',
  openMysqlShell: 'rdsLink.openMysqlShell',
  forgetPassword: 'rdsLink.forgetPassword',
  forgetHostKey: 'rdsLink.forgetHostKey',
  diagnoseConnection: 'rdsLink.diagnoseConnection',
  createDatabase: 'rdsLink.createDatabase',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

export const Views = {
  container: 'rdsLink',
  ec2: 'rdsLink.ec2',
  rds: 'rdsLink.rds',
} as const;

export const ContextKeys = {
  /** 'loading' | 'noCredentials' | 'ready' | 'error' — drives viewsWelcome. */
  session: 'rdsLink.session',
  /** The session's SSO token has expired: the welcome view offers `aws sso login`. */
  ssoExpired: 'rdsLink.ssoExpired',
  ec2Filtered: 'rdsLink.ec2Filtered',
  rdsFiltered: 'rdsLink.rdsFiltered',
} as const;

/** publisher.name from package.json: what `@ext:` filters and `extensions.getExtension` take. */
export const EXTENSION_ID = 'rds-link.rds-link';

export const Settings = {
  section: 'rdsLink',
  profile: 'profile',
  regions: 'regions',
  endpointUrl: 'endpointUrl',
  transitionalPollSeconds: 'transitionalPollSeconds',
  connections: 'connections',
  sshHostOverride: 'ssh.hostOverride',
  sshIdentityFile: 'ssh.identityFile',
  sshInsideVpc: 'ssh.insideVpc',
  sshOsUsers: 'ssh.osUsers',
  tlsExtraCaFile: 'tls.extraCaFile',
  configMaxFileSizeKb: 'config.maxFileSizeKb',
} as const;
