/**
 * The SSH leg of the tunnel route: an SSH session to the linked instance (core/instance) that
 * only forwards, and `direct-tcpip` channels to the RDS endpoint as the instance sees it.
 *
 * The database traffic inside the channel is TLS verified against the RDS CA with the
 * endpoint's name besides, so a man in the middle of SSH still sees neither the password nor
 * the data.
 */
import type { ClientChannel } from 'ssh2';
import { describeError } from '../errors';
import { EiceTunnelError } from '../instance/eice/tunnel';
import { ForwardOutError, openSshSession, SessionClosedError, type HostKeyCheck, type SshSession, type SshSessionOptions } from '../instance/sshSession';
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

/** Logs in to the route's instance; everything it opens is registered with `resources`. */
export async function openSshTunnel(route: SshTunnelRoute, options: SshTunnelOptions = {}, resources = new Resources()): Promise<SshTunnel> {
  const given = options.over?.instanceId === route.instance.id ? options.over.session : undefined;
  let session = given ?? (await openSshSession(route, { ...options, forwardOnly: true }, resources));
  // Over an EC2 Instance Connect Endpoint a tunnel lives at most maxTunnelDuration: the first
  // forward after its end logs in again over a new tunnel (newly signed), so a long-lived user
  // (the local forward) goes on. Connections through the old one have ended with it. Not for a
  // given sock (it cannot be opened again), nor once the tunnel is closed; the first open's
  // cancel and progress belong to its command, long over by then.
  let reopening: Promise<SshSession> | undefined;
  const reopen = (expired: SshSession, why: Error): Promise<SshSession> => {
    if (session !== expired) return Promise.resolve(session);
    reopening ??= (async () => {
      await expired.close();
      options.log?.(`eice: ${describeError(why)}; logging in to ${route.instance.id} again over a new tunnel`);
      session = await openSshSession(route, { ...options, forwardOnly: true, signal: undefined, onProgress: undefined }, resources);
      return session;
    })().finally(() => (reopening = undefined));
    return reopening;
  };
  const tunnelEnded = (err: unknown): boolean =>
    err instanceof SessionClosedError && err.cause instanceof EiceTunnelError && err.cause.kind === 'expired' && Boolean(route.eice) && !options.sock && !given && !resources.closed;
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
  const forwardOn = (on: SshSession): Promise<ClientChannel> => on.forwardOut(route.target.host, route.target.port);
  const forward = (): Promise<ClientChannel> => {
    const on = session;
    return forwardOn(on)
      .catch((err: unknown) => (tunnelEnded(err) ? reopen(on, err as Error).then(forwardOn) : Promise.reject(err)))
      .catch((err: unknown) => {
        // The tunnel's own words (its maximum duration) when it ended the session.
        if (err instanceof SessionClosedError) throw err.cause instanceof Error ? err.cause : new Error(t('The SSH tunnel is closed.'));
        throw err instanceof ForwardOutError ? unreachable(err.why, err.cause) : err;
      });
  };
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
