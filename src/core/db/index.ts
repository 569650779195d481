/**
 * Entry of the lazily loaded dist/db.js bundle: reaching a database (credentials, routes, TLS),
 * creating the app's schema and user, running the Go project's migrations, and the command line
 * of a `mysql` terminal. No editor API here; the VS Code layer supplies prompts, SecretStorage
 * and terminals through the callbacks these take.
 *
 * The bundle also carries core/instance (reaching an EC2 instance over SSH), re-exported whole
 * here, since the DB tunnel is built on it.
 */
export * from '../instance/index';
export {
  DbCredentials,
  credentialCandidates,
  resolveCredentials,
  awsCredentialSources,
  fetchManagedSecret,
  createIamAuthToken,
  parseSecretString,
  IAM_TOKEN_LIFETIME_MS,
  type CredentialSource,
  type CredentialSources,
  type CredentialRequest,
  type SkippedSource,
  type IamTokenRequest,
  type AwsClients,
} from './credentials';
export {
  chooseRoute,
  decideRoute,
  describeRoute,
  probeTcp,
  parseHostPort,
  type Route,
  type RouteKind,
  type DirectRoute,
  type SshTunnelRoute,
  type LocalPortRoute,
  type RoutePreference,
  type RouteContext,
  type RouteDecision,
} from './routes';
export { rdsCaCertificates, rdsCaBundlePem, pemCertificates, verifyWithExtraCas, VERIFY_RDS, RDS_CA_SOURCE, type TlsPolicy, type VerifiedTls } from './tls';
export {
  openConnection,
  openLocalForward,
  isMysqlAccessDenied,
  type ConnectOptions,
  type DbSession,
  type CredentialInput,
  type LocalForward,
  type LocalForwardOptions,
} from './connection';
export { type SshTunnelOptions } from './sshTunnel';
export { isCancelled, type Cancellation } from '../lifetime';
export {
  validateDatabaseName,
  validateUserName,
  validateHost,
  quoteDatabaseName,
  InvalidNameError,
  MAX_DATABASE_NAME_LENGTH,
  MAX_USER_NAME_LENGTH,
  type NameCheck,
} from './identifiers';
export {
  createDatabase,
  createAppUser,
  generatePassword,
  pickCollation,
  UserExistsError,
  COLLATION_PREFERENCE,
  PASSWORD_ALPHABET,
  type CreateDatabaseResult,
  type AppUser,
  type CreateAppUserOptions,
} from './schema';
export {
  planMigrations,
  discoverMigrations,
  describePlan,
  runMigrations,
  planSqlText,
  parseGooseUp,
  MigrationError,
  SCHEMA_FILES,
  MIGRATION_DIRS,
  type MigrationFile,
  type MigrationKind,
  type MigrationPlan,
  type MigrationProgress,
  type MigrationResult,
  type RunMigrationsOptions,
} from './migrations';
export { splitSql, type SqlStatement } from './sqlSplit';
export {
  findMysqlClient,
  mysqlClientMissingMessage,
  mysqlShellCommand,
  shellTargetFor,
  writeOptionFile,
  type MysqlClient,
  type MysqlClientFlavor,
  type ShellTarget,
  type ShellCommand,
} from './mysqlShell';
