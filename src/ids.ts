import type { BlueGreenPhase } from './core/aws/blueGreen/types';
import type { LinkedPair } from './core/aws/link/types';
import type { InstanceState } from './core/aws/types';

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
  deleteDatabase: 'rdsLink.deleteDatabase',
  createInstance: 'rdsLink.createInstance',
  deleteInstance: 'rdsLink.deleteInstance',
  deleteInstanceConnectEndpoint: 'rdsLink.deleteInstanceConnectEndpoint',
  waitForInstance: 'rdsLink.waitForInstance',
  deploy: 'rdsLink.deploy',
  rollbackDeployment: 'rdsLink.rollbackDeployment',
  switchBack: 'rdsLink.switchBack',
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
  /** Some listed instance runs: the walkthrough's instance step is done (one was created, or there is one to pick). */
  hasRunningInstance: 'rdsLink.hasRunningInstance',
} as const;

/** The end of the contextValue of an instance or DB this product created (its tags say so). */
const OURS = '.ours';
/** The end of an instance's contextValue when its status checks were not waited for: Wait Again is offered. */
const WAITING = '.waiting';

/**
 * Every tree item's contextValue, spelled once. package.json's `viewItem` clauses match these
 * strings (a unit test checks that each clause names one), so the values must not change. Kind
 * and state are part of the value so menus follow the state.
 */
export const ContextValues = {
  region: 'rdsLink.region',
  message: 'rdsLink.message',
  detail: 'rdsLink.detail',
  error: 'rdsLink.error',
  /** An error of an expired SSO token: the menu offers `aws sso login`. */
  ssoError: 'rdsLink.error.sso',
  linkedInstances: 'rdsLink.linkedInstances',
  /** The instances of one deployed service (their rds-link:service tag), in the EC2 view. */
  service: 'rdsLink.service',
  /** A target group an instance is registered in (its health there), in the EC2 view. */
  targetGroup: 'rdsLink.targetGroup',
  instance: {
    pending: 'rdsLink.instance.pending',
    running: 'rdsLink.instance.running',
    stopping: 'rdsLink.instance.stopping',
    stopped: 'rdsLink.instance.stopped',
    'shutting-down': 'rdsLink.instance.shutting-down',
    terminated: 'rdsLink.instance.terminated',
    unknown: 'rdsLink.instance.unknown',
  } satisfies Record<InstanceState, `rdsLink.instance.${InstanceState}`>,
  link: {
    'rds-link': 'rdsLink.link.rds-link',
    console: 'rdsLink.link.console',
  } satisfies Record<LinkOrigin, `rdsLink.link.${LinkOrigin}`>,
  blueGreen: {
    provisioning: 'rdsLink.blueGreen.provisioning',
    available: 'rdsLink.blueGreen.available',
    switchingOver: 'rdsLink.blueGreen.switchingOver',
    switchedOver: 'rdsLink.blueGreen.switchedOver',
    failed: 'rdsLink.blueGreen.failed',
    deleting: 'rdsLink.blueGreen.deleting',
    unknown: 'rdsLink.blueGreen.unknown',
  } satisfies Record<BlueGreenPhase, `rdsLink.blueGreen.${BlueGreenPhase}`>,
  /**
   * A DB: `rdsLink.db.<instance|cluster>.<mysql|unsupported>.<available|busy>`, then `.bg` when
   * Create Blue/Green is offered (only on an available MySQL-family DB).
   */
  database(kind: 'instance' | 'cluster', mysql: boolean, available: boolean, blueGreen: boolean, ours = false): DatabaseContextValue {
    return `rdsLink.db.${kind}.${mysql ? 'mysql' : 'unsupported'}.${available ? 'available' : 'busy'}${mysql && available && blueGreen ? '.bg' : ''}${ours ? OURS : ''}`;
  },
  /**
   * An instance's value; `.ours` when this product created it (its tags say so): Delete… is
   * offered; then `.waiting` when its status-check wait was left: Wait Again is offered.
   */
  instanceOf(state: InstanceState, ours: boolean, waiting = false): `rdsLink.instance.${InstanceState}${'' | typeof OURS}${'' | typeof WAITING}` {
    return `${ContextValues.instance[state]}${ours ? OURS : ''}${waiting ? WAITING : ''}`;
  },
} as const;
type LinkOrigin = LinkedPair['createdBy'];
export type DatabaseContextValue = `rdsLink.db.${'instance' | 'cluster'}.${'mysql' | 'unsupported'}.${'available' | 'busy'}${'' | '.bg'}${'' | typeof OURS}`;

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
  sshHostOverrides: 'ssh.hostOverrides',
  sshIdentityFile: 'ssh.identityFile',
  sshInsideVpc: 'ssh.insideVpc',
  sshOsUsers: 'ssh.osUsers',
  sshMaxTunnelDuration: 'ssh.maxTunnelDuration',
  tlsExtraCaFile: 'tls.extraCaFile',
  configMaxFileSizeKb: 'config.maxFileSizeKb',
  deploySsmThreshold: 'deploy.ssmThreshold',
  deploySsmBucket: 'deploy.ssmBucket',
} as const;
