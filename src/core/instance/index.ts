/**
 * Reaching an EC2 instance: the key pushed with EC2 Instance Connect, the OS-user guess, the SSH
 * session with its host-key policy (forwardOut, exec, SFTP), the choice of how to reach an
 * instance, and the EC2 Instance Connect Endpoint tunnel (eice/, ws loaded on first use). Used by
 * the DB tunnel (core/db) and by deploys. It ships inside the lazily loaded dist/db.js bundle (see scripts/build.mjs), which re-exports it: one copy of ssh2 and of the
 * error classes that callers test with instanceof.
 */
export { configureL10n } from '../l10n';
export { guessOsUser, isWindows, DEFAULT_OS_USER, type OsUserGuess, type OsUserBasis } from './osUser';
export { sendSshPublicKey, KeyPushError, type KeyPushRequest } from './instanceConnect';
export { generateEphemeralKey, publicKeyOf, type SshKeyPair } from './sshKey';
export {
  decideHostKey,
  describeHostKey,
  parseConsoleFingerprints,
  readConsoleEvidence,
  HostKeyError,
  forgetHostKeyCommand,
  type HostKeyDecision,
  type HostKeyPolicy,
  type HostKeyStore,
  type RememberedHostKey,
  type PresentedHostKey,
  type ConsoleFingerprint,
  type ConsoleEvidence,
} from './hostKeys';
export {
  openSshSession,
  fingerprintSha256,
  ForwardOutError,
  SessionClosedError,
  type SshSession,
  type SshSessionOptions,
  type SshSocket,
  type HostKeyCheck,
  type ExecOptions,
  type ExecResult,
} from './sshSession';
export { openLongSshSession, endedBeforeStart } from './relogin';
export {
  chooseInstance,
  accessFor,
  hostOverrideFor,
  instanceLabel,
  type InstanceAccess,
  type InstanceRef,
  type SshKeySource,
  type SshHostOverride,
  type HostPort,
  type ReachContext,
  type ReachDecision,
} from './reach';
export * from './eice/index';
