// SigV4 query-string signing written out from the rules (AWS's "Create a signed AWS API
// request", query-string form), with node:crypto only. The EICE stand-in checks the product's
// presigned URLs with it, and the unit test compares the product's URL with one built here: it
// must not share code with the product's signer (@smithy/signature-v4).
import { createHash, createHmac } from 'node:crypto';

export interface SigV4Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

/** RFC 3986: everything but A–Z a–z 0–9 - _ . ~ as %XX (uppercase). */
export function uriEncode(s: string): string {
  return Array.from(Buffer.from(s, 'utf8'))
    .map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

/** Sorted by encoded name, then value; each pair encoded; X-Amz-Signature left out. */
export function canonicalQuery(pairs: readonly (readonly [string, string])[]): string {
  return pairs
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** GET, the path, the query, `host` as the only signed header, an empty body's hash. */
export function canonicalRequest(path: string, pairs: readonly (readonly [string, string])[], host: string): string {
  return ['GET', path, canonicalQuery(pairs), `host:${host}`, '', 'host', EMPTY_SHA256].join('\n');
}

export function querySignature(secret: string, amzDate: string, scope: string, canonical: string): string {
  const [date, region, service] = scope.split('/');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical, 'utf8').digest('hex')].join('\n');
  return createHmac('sha256', signingKey(secret, date, region, service)).update(stringToSign, 'utf8').digest('hex');
}

/** `20240102T030405Z` */
export function amzDate(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * A presigned `wss://host/path?…` URL: the operation's parameters first, then the X-Amz-* ones
 * (the order botocore writes them in), the signature last.
 */
export function presignedUrl(options: {
  readonly host: string;
  readonly path: string;
  readonly params: readonly (readonly [string, string])[];
  readonly region: string;
  readonly service: string;
  readonly credentials: SigV4Credentials;
  readonly at: Date;
  readonly expiresSeconds: number;
}): string {
  const date = amzDate(options.at);
  const scope = `${date.slice(0, 8)}/${options.region}/${options.service}/aws4_request`;
  const pairs: [string, string][] = [
    ...options.params.map(([k, v]) => [k, v] as [string, string]),
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${options.credentials.accessKeyId}/${scope}`],
    ['X-Amz-Date', date],
    ['X-Amz-Expires', String(options.expiresSeconds)],
    ['X-Amz-SignedHeaders', 'host'],
    ...(options.credentials.sessionToken ? [['X-Amz-Security-Token', options.credentials.sessionToken] as [string, string]] : []),
  ];
  const signature = querySignature(options.credentials.secretAccessKey, date, scope, canonicalRequest(options.path, pairs, options.host));
  pairs.push(['X-Amz-Signature', signature]);
  return `wss://${options.host}${options.path}?${pairs.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&')}`;
}
