/**
 * The EC2 Instance Connect Endpoint's tunnel URL, presigned as the AWS CLI does it
 * (`aws ec2-instance-connect open-tunnel`; no SDK command exists): SigV4 in the query string,
 * service `ec2-instance-connect`, 60 s expiry, only `host` signed, the payload hash of an empty
 * body, and the tunnel's parameters before the X-Amz-* ones:
 *
 *   wss://<DnsName>/openTunnel?instanceConnectEndpointId=…&remotePort=22&privateIpAddress=…
 *     &maxTunnelDuration=…&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=…&X-Amz-Date=…
 *     &X-Amz-Expires=60&X-Amz-SignedHeaders=host[&X-Amz-Security-Token=…]&X-Amz-Signature=…
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Checksum, SourceData } from '@smithy/types';
import { t } from '../../l10n';

export const EICE_SIGNING_SERVICE = 'ec2-instance-connect';
export const EICE_URL_EXPIRY_SECONDS = 60;
/** The only ports an endpoint opens a tunnel to: SSH and RDP. */
export const EICE_PORTS: readonly number[] = [22, 3389];
export const MAX_TUNNEL_DURATION_SECONDS = 3600;

/** A request EICE would refuse, found before anything is signed or sent. */
export class EiceRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EiceRequestError';
  }
}

export interface OpenTunnelRequest {
  /** The endpoint's `DnsName` (or `FipsDnsName`). */
  readonly dnsName: string;
  readonly endpointId: string;
  readonly privateIpAddress: string;
  /** 22 (SSH) or 3389 (RDP); default 22. */
  readonly remotePort?: number;
  /** 1–3600 s; the endpoint closes the tunnel after it. Default 3600. */
  readonly maxTunnelDurationSeconds?: number;
}

/** Refuses what EICE refuses: any port but 22/3389, a duration outside 1–3600 s. */
export function checkOpenTunnelRequest(req: OpenTunnelRequest): void {
  const port = req.remotePort ?? 22;
  if (!EICE_PORTS.includes(port)) {
    throw new EiceRequestError(
      t(
        'EC2 Instance Connect Endpoint opens tunnels only to port 22 (SSH) or 3389 (RDP), not {0}. The database is reached through SSH on the instance instead.',
        port,
      ),
    );
  }
  const seconds = req.maxTunnelDurationSeconds ?? MAX_TUNNEL_DURATION_SECONDS;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TUNNEL_DURATION_SECONDS) {
    throw new EiceRequestError(t('The tunnel\'s maximum duration must be a whole number of seconds from 1 to 3600, not {0}.', seconds));
  }
}

/** SHA-256 (and its HMAC) for the signer, from node:crypto. */
class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  update(data: Uint8Array | string): void {
    this.hash.update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key = typeof this.secret === 'string' ? Buffer.from(this.secret, 'utf8') : Buffer.from(this.secret as Uint8Array);
    return createHmac('sha256', key);
  }
}

/** The tunnel's own parameters in the CLI's order (its `urlencode` of a dict). */
export function openTunnelParameters(req: OpenTunnelRequest): [string, string][] {
  return [
    ['instanceConnectEndpointId', req.endpointId],
    ['remotePort', String(req.remotePort ?? 22)],
    ['privateIpAddress', req.privateIpAddress],
    ['maxTunnelDuration', String(req.maxTunnelDurationSeconds ?? MAX_TUNNEL_DURATION_SECONDS)],
  ];
}

/** RFC 3986 escaping, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
export function sigv4Escape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const AUTH_ORDER = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Security-Token', 'X-Amz-Signature'];

/**
 * The presigned `wss://` URL for one tunnel. Sign a new one for each tunnel: it is accepted for
 * 60 s only. `signingDate` is for tests.
 */
export async function presignOpenTunnel(
  req: OpenTunnelRequest,
  signing: { readonly region: string; readonly credentials: AwsCredentialIdentity; readonly signingDate?: Date },
): Promise<string> {
  checkOpenTunnelRequest(req);
  const signer = new SignatureV4({ service: EICE_SIGNING_SERVICE, region: signing.region, credentials: signing.credentials, sha256: NodeSha256 });
  const params = openTunnelParameters(req);
  const signed = await signer.presign(
    { method: 'GET', protocol: 'wss:', hostname: req.dnsName, path: '/openTunnel', headers: { host: req.dnsName }, query: Object.fromEntries(params) },
    { expiresIn: EICE_URL_EXPIRY_SECONDS, signingDate: signing.signingDate ?? new Date() },
  );
  const query = signed.query as Record<string, string>;
  const names = [...params.map(([k]) => k), ...AUTH_ORDER.filter((k) => query[k] !== undefined)];
  return `wss://${req.dnsName}/openTunnel?${names.map((k) => `${sigv4Escape(k)}=${sigv4Escape(query[k])}`).join('&')}`;
}
