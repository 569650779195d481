/**
 * The SSH leg of the tunnel route: an SSH session to the linked instance (core/instance) that
 * only forwards, and `direct-tcpip` channels to the RDS endpoint as the instance sees it.
 *
 * The database traffic inside the channel is TLS verified against the RDS CA with the
 * endpoint's name besides, so a man in the middle of SSH still sees neither the password nor
 * the data.
 */
import type { ClientChannel } from 'ssh2';
import { openLongSshSession } from '../instance/relogin';
import { ForwardOutError, SessionClosedError, type HostKeyCheck, type SshSession, type SshSessionOptions } from '../instance/sshSession';
import { t } from '../l10n';
import { Resources } from '../lifetime';
import type { SshTunnelRoute } from './routes';

/** The SSH session's options, as the DB connection takes them. */
export interface SshTunnelOptions extends SshSessionOptions {
  /**
   * A session to the route's instance that the caller opened and keeps (a diagnosis shares the
   * one of its live checks): the tunnel forwards over it, and neither closes nor reopens it.
   */
  readonly over?: { readonly instanceId: string; readonly session: SshSession };
}

export interface SshTunnel {
  /** The host key's fingerprint, `SHA256:<base64>` as ssh-keygen -l shows it. */
  readonly hostKeySha256: string;
  readonly hostKeyCheck: HostKeyCheck;
  /** A new channel to the route's target (the RDS endpoint). */
  forward(): Promise<ClientChannel>;
  /** Open channels right now. */
  readonly openChannels: number;
  close(): Promise<void>;
}

/**
 * Logs in to the route's instance; everything it opens is registered with `resources`. Over an
 * EC2 Instance Connect Endpoint the first forward after the tunnel's maxTunnelDuration logs in
 * again over a new tunnel (core/instance/relogin.ts), so a long-lived user (the local forward)
 * goes on; connections through the old tunnel have ended with it.
 */
export async function openSshTunnel(route: SshTunnelRoute, options: SshTunnelOptions = {}, resources = new Resources()): Promise<SshTunnel> {
  const given = options.over?.instanceId === route.instance.id ? options.over.session : undefined;
  const session = given ?? (await openLongSshSession(route, { ...options, forwardOnly: true }, resources));
  const unreachable = (why: string, cause?: unknown): Error =>
    new Error(
      t(
        'The instance {0} could not reach the database at {1}:{2} ({3}). The likely cause: the instance is not linked to the database, or the DB\'s security group does not allow port {2} from the instance.',
        route.instance.id,
        route.target.host,
        route.target.port,
        why,
      ),
      { cause },
    );
  const forward = (): Promise<ClientChannel> =>
    session.forwardOut(route.target.host, route.target.port).catch((err: unknown) => {
      // The tunnel's own words (its maximum duration) when it ended the session.
      if (err instanceof SessionClosedError) throw err.cause instanceof Error ? err.cause : new Error(t('The SSH tunnel is closed.'));
      throw err instanceof ForwardOutError ? unreachable(err.why, err.cause) : err;
    });
  return {
    get hostKeySha256() {
      return session.hostKeySha256;
    },
    get hostKeyCheck() {
      return session.hostKeyCheck;
    },
    forward,
    get openChannels() {
      return session.openChannels;
    },
    // A given session is its caller's to close.
    close: () => (given ? Promise.resolve() : session.close()),
  };
}
