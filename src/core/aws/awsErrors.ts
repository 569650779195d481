/**
 * The one home of AWS error codes: how to read an SDK failure's code, which codes mean "access
 * denied", and the sorting of failures into the states the views explain differently (no
 * credentials, an expired SSO login, a missing permission, an endpoint that does not answer).
 */
import { t } from '../l10n';

export type AwsProblem =
  | { kind: 'noCredentials'; message: string }
  | { kind: 'ssoExpired'; message: string; profile: string }
  | { kind: 'accessDenied'; message: string; permission: string }
  | { kind: 'unreachable'; message: string }
  | { kind: 'other'; message: string };

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** The AWS error code of an SDK error (EC2 and moto put it in `name`, some shapes in `Code`). */
export function awsErrorCode(err: unknown): string {
  if (!err || typeof err !== 'object') return '';
  const e = err as ErrorLike;
  return e.Code ?? e.name ?? e.code ?? '';
}

/** IAM said no: the credentials are good but lack a permission (EC2, RDS, JSON and query services). */
const PERMISSION_DENIED_CODES = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess', 'AuthorizationError']);

/** AWS did not accept the credentials themselves (unknown key, bad signature). */
const CREDENTIALS_REJECTED_CODES = new Set(['AuthFailure', 'InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch']);

/** Every code an error carries, in the places SDK errors put one. */
function codesOf(err: unknown): string[] {
  if (!err || typeof err !== 'object') return [];
  const e = err as ErrorLike;
  return [e.Code, e.name, e.code].filter((c): c is string => !!c);
}

/** True when AWS refused the call for a missing permission ("access denied"). */
export function isAccessDenied(err: unknown): boolean {
  return codesOf(err).some((c) => PERMISSION_DENIED_CODES.has(c));
}

/** True when AWS refused the credentials themselves (shown as access denied, too). */
export function isCredentialsRejected(err: unknown): boolean {
  return codesOf(err).some((c) => CREDENTIALS_REJECTED_CODES.has(c));
}

/**
 * True when AWS may have done the call although it failed: no HTTP answer (timeout, reset) or
 * a server error. The rollback then also undoes the failed step, tolerating "not found".
 */
export function isAmbiguousFailure(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const status = (err as ErrorLike).$metadata?.httpStatusCode;
  if (isAccessDenied(err)) return false;
  return status === undefined || status >= 500;
}

/**
 * True when the SDK sent the call more than once. An earlier attempt whose answer was lost (a
 * reset, a timeout, a 500) may have done it, so the last attempt's "Duplicate" or "NotFound" can
 * be our own doing: the caller checks AWS before calling it a failure.
 */
export function wasRetried(err: unknown): boolean {
  const attempts = (err as ErrorLike | undefined)?.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 1;
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', 'TimeoutError']);

/**
 * @param operation the IAM action that was attempted, e.g. "ec2:DescribeInstances"; named when
 *   AWS's message does not say which permission is missing.
 */
export function classifyAwsError(err: unknown, operation: string, profile: string): AwsProblem {
  const e = (err ?? {}) as ErrorLike;
  const name = e.name ?? '';
  const code = e.Code ?? e.code ?? '';
  const message = e.message ?? String(err);
  const causeCode = ((e.cause ?? {}) as ErrorLike).code ?? '';

  if (/sso/i.test(message) && /(expired|refresh|token)/i.test(message) || name === 'SSOTokenProviderFailure') {
    return { kind: 'ssoExpired', profile, message: t('The SSO session for profile "{0}" has expired. Run "aws sso login --profile {0}".', profile) };
  }
  if (name === 'CredentialsProviderError' || /could not load credentials|no credentials|credential.*not found/i.test(message)) {
    return { kind: 'noCredentials', message: t('No AWS credentials found for profile "{0}". Run "aws configure" or select another profile.', profile) };
  }
  if (isAccessDenied(err) || isCredentialsRejected(err)) {
    const permission = /perform: ([a-z0-9-]+:[A-Za-z0-9]+)/.exec(message)?.[1] ?? operation;
    return { kind: 'accessDenied', permission, message: t('Access denied: the credentials lack the permission {0}.', permission) };
  }
  if (unreachableCodes.has(code) || unreachableCodes.has(name) || unreachableCodes.has(causeCode)) {
    return { kind: 'unreachable', message: t('The AWS endpoint did not answer ({0}).', code || causeCode || name) };
  }
  return { kind: 'other', message };
}
