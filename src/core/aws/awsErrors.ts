/**
 * Sorts AWS failures into the states the views explain differently: no credentials, an expired
 * SSO login, a missing permission, an endpoint that does not answer, or anything else.
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
  $metadata?: { httpStatusCode?: number };
}

const deniedCodes = new Set([
  'AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess',
  'AuthFailure', 'InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch',
]);
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
  if (deniedCodes.has(name) || deniedCodes.has(code)) {
    const permission = /perform: ([a-z0-9-]+:[A-Za-z0-9]+)/.exec(message)?.[1] ?? operation;
    return { kind: 'accessDenied', permission, message: t('Access denied: the credentials lack the permission {0}.', permission) };
  }
  if (unreachableCodes.has(code) || unreachableCodes.has(name) || unreachableCodes.has(causeCode)) {
    return { kind: 'unreachable', message: t('The AWS endpoint did not answer ({0}).', code || causeCode || name) };
  }
  return { kind: 'other', message };
}
