/**
 * Who logs in to the database, and with what.
 *
 * The order (issue 5): the RDS-managed master secret, then a password the user typed once (kept
 * by the VS Code layer in SecretStorage), then, when the user asked for it, an IAM auth token.
 * The sources are callbacks so that this stays plain Node: SecretStorage and prompts live in
 * the VS Code layer and are handed in.
 *
 * A password is held in a private field behind a getter: JSON.stringify, util.inspect, template
 * strings and error messages built from a DbCredentials never show it.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Signer } from '@aws-sdk/rds-signer';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { awsErrorCode, isAccessDenied } from '../aws/awsErrors';
import { isCancellation } from '../errors';
import { t } from '../l10n';
import type { RdsDatabase } from '../aws/types';

export type CredentialSource =
  /** Secrets Manager: the master password RDS manages (MasterUserSecret). */
  | 'managedSecret'
  /** A password the user typed earlier, from SecretStorage. */
  | 'storedPassword'
  /** A password the user types now; the VS Code layer stores it once it has worked. */
  | 'typedPassword'
  /** An IAM auth token (15 minutes; TLS and mysql_clear_password). */
  | 'iamToken'
  /** Given by the caller as is (automation, tests, the app user just created). */
  | 'given';

/** How long an IAM auth token is accepted for a new login. */
export const IAM_TOKEN_LIFETIME_MS = 15 * 60 * 1000;

export class DbCredentials {
  readonly #password: string;

  constructor(
    readonly user: string,
    password: string,
    readonly source: CredentialSource,
    /** For an IAM token: after this, new logins with it fail. */
    readonly expiresAt?: Date,
  ) {
    this.#password = password;
  }

  /** The password or token. Never log it. */
  get password(): string {
    return this.#password;
  }

  /** IAM tokens go to the server as they are (mysql_clear_password), so only over TLS. */
  get isIamToken(): boolean {
    return this.source === 'iamToken';
  }

  toString(): string {
    return `${this.user} (${this.source})`;
  }

  toJSON(): { user: string; source: CredentialSource } {
    return { user: this.user, source: this.source };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `DbCredentials { ${this.toString()} }`;
  }
}

/** username/password out of a Secrets Manager secret string, without echoing any of it in errors. */
export function parseSecretString(secretString: string | undefined): { username: string; password: string } {
  if (secretString === undefined) throw new Error(t('The secret has no text value (a binary secret is not a database login).'));
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    // No cause: V8's JSON.parse message quotes the text, which is the secret.
    throw new Error(t('The secret is not JSON with "username" and "password".'));
  }
  const rec = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  const username = rec.username;
  const password = rec.password;
  if (typeof username !== 'string' || username === '' || typeof password !== 'string') {
    throw new Error(t('The secret is not JSON with "username" and "password".'));
  }
  return { username, password };
}

/** GetSecretValue on the DB's MasterUserSecret, as DbCredentials of source managedSecret. */
export async function fetchManagedSecret(client: SecretsManagerClient, secretArn: string): Promise<DbCredentials> {
  let secretString: string | undefined;
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    secretString = out.SecretString;
  } catch (err) {
    if (isCancellation(err)) throw err;
    const why =
      isAccessDenied(err)
        ? t('access denied: it needs secretsmanager:GetSecretValue on the secret and kms:Decrypt on its key')
        : awsErrorCode(err) === 'ResourceNotFoundException'
          ? t('the secret does not exist (any more)')
          : (err as Error).message;
    throw new Error(t('Reading the master password from Secrets Manager ({0}) failed: {1}', secretArn, why), { cause: err });
  }
  try {
    const { username, password } = parseSecretString(secretString);
    return new DbCredentials(username, password, 'managedSecret');
  } catch (err) {
    throw new Error(t('The master secret {0} cannot be used: {1}', secretArn, (err as Error).message));
  }
}

export interface IamTokenRequest {
  /** The RDS endpoint (never a tunnel's local address: the token is signed for this name). */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** An IAM database auth token from @aws-sdk/rds-signer (signed locally; no network call). */
export async function createIamAuthToken(req: IamTokenRequest, now = () => Date.now()): Promise<DbCredentials> {
  const issued = now();
  const signer = new Signer({ hostname: req.host, port: req.port, username: req.user, region: req.region, credentials: req.credentials });
  try {
    const token = await signer.getAuthToken();
    return new DbCredentials(req.user, token, 'iamToken', new Date(issued + IAM_TOKEN_LIFETIME_MS));
  } catch (err) {
    throw new Error(t('Creating an IAM auth token for {0} failed: {1}', req.user, (err as Error).message), { cause: err });
  }
}

/** Where the credentials come from. Each is optional; the order is fixed by credentialCandidates. */
export interface CredentialSources {
  /** Secrets Manager; asked only when the DB has a managed master secret. */
  readonly managedSecret?: () => Promise<DbCredentials>;
  /** The remembered password for this account/region/DB and user (SecretStorage), if any. */
  readonly storedPassword?: (user: string) => Promise<string | undefined>;
  /** Asks the user; undefined when they dismiss the prompt. */
  readonly promptPassword?: (user: string) => Promise<string | undefined>;
  /** An IAM auth token for the user. */
  readonly iamToken?: (user: string) => Promise<DbCredentials>;
}

export interface CredentialRequest {
  readonly db: Pick<RdsDatabase, 'masterUsername' | 'masterUserSecretArn' | 'iamAuthEnabled'>;
  /** The login; default: the master user. */
  readonly user?: string;
  /** The user chose IAM auth: only a token is tried. */
  readonly useIam?: boolean;
  /** The source that worked last time for this DB: tried first. */
  readonly remembered?: CredentialSource;
}

/** Why a source was passed over: for the log (never holds a secret). */
export interface SkippedSource {
  readonly source: CredentialSource;
  readonly reason: string;
}

/**
 * The credentials to try, in order, produced lazily: a later source (a prompt, a network call)
 * is only asked when the earlier ones did not work. openConnection goes on to the next one when
 * the server refuses a login.
 */
export async function* credentialCandidates(
  req: CredentialRequest,
  sources: CredentialSources,
  onSkip?: (skipped: SkippedSource) => void,
): AsyncGenerator<DbCredentials> {
  const user = req.user ?? req.db.masterUsername;
  if (req.useIam) {
    if (!req.db.iamAuthEnabled) onSkip?.({ source: 'iamToken', reason: t('IAM database authentication is not enabled on this DB; the login will probably be refused.') });
    if (!user) throw new Error(t('Enter the database user to log in as with IAM.'));
    if (!sources.iamToken) throw new Error(t('IAM auth tokens are not available here.'));
    yield await sources.iamToken(user);
    return;
  }
  const isMaster = !req.user || req.user === req.db.masterUsername;
  const order: CredentialSource[] = ['managedSecret', 'storedPassword', 'typedPassword'];
  if (req.remembered && order.includes(req.remembered)) order.unshift(...order.splice(order.indexOf(req.remembered), 1));
  for (const source of order) {
    switch (source) {
      case 'managedSecret': {
        if (!isMaster || !req.db.masterUserSecretArn || !sources.managedSecret) continue;
        try {
          yield await sources.managedSecret();
        } catch (err) {
          // A cancel stops the login; a missing permission on the secret should not block a password the user knows.
          if (isCancellation(err)) throw err;
          onSkip?.({ source, reason: (err as Error).message });
        }
        break;
      }
      case 'storedPassword': {
        if (!user || !sources.storedPassword) continue;
        const password = await sources.storedPassword(user);
        if (password !== undefined) yield new DbCredentials(user, password, 'storedPassword');
        break;
      }
      case 'typedPassword': {
        if (!user || !sources.promptPassword) continue;
        const password = await sources.promptPassword(user);
        if (password !== undefined) yield new DbCredentials(user, password, 'typedPassword');
        break;
      }
    }
  }
}

/** The first candidate, or undefined when every source came up empty. */
export async function resolveCredentials(req: CredentialRequest, sources: CredentialSources, onSkip?: (s: SkippedSource) => void): Promise<DbCredentials | undefined> {
  for await (const c of credentialCandidates(req, sources, onSkip)) return c;
  return undefined;
}

/** What an AWS session gives this module: the clients' own resolved credentials included. */
export interface AwsClients {
  secretsManager(region: string): SecretsManagerClient;
}

/**
 * The AWS-backed sources for a DB: its managed secret, and IAM tokens signed with the same
 * credentials as the session's clients.
 */
export function awsCredentialSources(aws: AwsClients, db: Pick<RdsDatabase, 'region' | 'endpoint' | 'masterUserSecretArn'>): Pick<CredentialSources, 'managedSecret' | 'iamToken'> {
  const sm = () => aws.secretsManager(db.region);
  const { endpoint, masterUserSecretArn: secretArn } = db;
  return {
    managedSecret: secretArn ? () => fetchManagedSecret(sm(), secretArn) : undefined,
    iamToken: endpoint
      ? (user) => createIamAuthToken({ host: endpoint.address, port: endpoint.port, user, region: db.region, credentials: sm().config.credentials })
      : undefined,
  };
}
