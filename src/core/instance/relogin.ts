/**
 * An SSH session that outlives its EC2 Instance Connect Endpoint tunnel. A tunnel lives at most
 * `maxTunnelDuration` (1–3600 s); long work over one (a local forward kept open, a deploy with a
 * long canary bake, a diagnosis) would otherwise stop at that age.
 *
 * The rule: an operation asked for after the tunnel ended (forwardOut, exec, sftp) logs in again
 * over a newly signed tunnel, once for all callers waiting at that moment, and goes on. An
 * operation the end cut in the middle is not repeated (a command may have half run): it fails
 * with the endpoint's words (its maximum duration, "connect again"), never hangs.
 *
 * No tunnel is held while idle: the next one opens on the first use after the end, so an idle
 * session does not take one of the endpoint's 20 connections. Not for a given `sock` (it cannot
 * be opened again), nor a route without an endpoint (its connection has no maximum age).
 */
import type { ClientChannel, SFTPWrapper } from 'ssh2';
import { describeError } from '../errors';
import { Resources } from '../lifetime';
import { EiceTunnelError } from './eice/tunnel';
import type { InstanceAccess } from './reach';
import { openSshSession, SessionClosedError, type ExecOptions, type ExecResult, type SshSession, type SshSessionOptions } from './sshSession';

/** The session ended because its tunnel reached maxTunnelDuration, before this operation began. */
export function endedBeforeStart(err: unknown): boolean {
  return err instanceof SessionClosedError && !err.interrupted && err.cause instanceof EiceTunnelError && err.cause.kind === 'expired';
}

/**
 * openSshSession, and through an endpoint a new login whenever the tunnel has ended by the next
 * operation. The first open's cancel and progress belong to its command; a re-login, long after,
 * has neither (its log line says why it happens).
 */
export async function openLongSshSession(route: InstanceAccess, options: SshSessionOptions = {}, resources = new Resources()): Promise<SshSession> {
  const first = await openSshSession(route, options, resources);
  if (!route.eice || options.sock) return first;
  let current = first;
  /** The session that handed out the last SFTP client: its connection is the one guard watches. */
  let lent: SshSession | undefined;
  let reopening: Promise<SshSession> | undefined;
  let closed = false;

  const reopen = (expired: SshSession, why: unknown): Promise<SshSession> => {
    if (current !== expired) return Promise.resolve(current);
    reopening ??= (async () => {
      await expired.close();
      options.log?.(`eice: ${describeError(why)}; logging in to ${route.instance.id} again over a new tunnel`);
      current = await openSshSession(route, { ...options, signal: undefined, onProgress: undefined }, resources);
      return current;
    })().finally(() => (reopening = undefined));
    return reopening;
  };
  const onSession = <T>(op: (s: SshSession) => Promise<T>): Promise<T> => {
    const on = current;
    return op(on).catch((err: unknown) => (endedBeforeStart(err) && !closed && !resources.closed ? reopen(on, err).then(op) : Promise.reject(err)));
  };

  return {
    get hostKeySha256() {
      return current.hostKeySha256;
    },
    get hostKeyCheck() {
      return current.hostKeyCheck;
    },
    forwardOut: (host: string, port: number): Promise<ClientChannel> => onSession((s) => s.forwardOut(host, port)),
    exec: (command: string, opts?: ExecOptions): Promise<ExecResult> => onSession((s) => s.exec(command, opts)),
    sftp: (): Promise<SFTPWrapper> =>
      onSession(async (s) => {
        const wrapper = await s.sftp();
        lent = s;
        return wrapper;
      }),
    // An SFTP call belongs to the connection its client came from; once that one is closed,
    // its guard rejects at once (the call would never be answered).
    guard: <T>(work: Promise<T>): Promise<T> => (lent ?? current).guard(work),
    get openChannels() {
      return current.openChannels;
    },
    close: async () => {
      closed = true;
      const pending = reopening;
      await current.close();
      // A re-login on its way when the session was closed: its session closes as it arrives.
      if (pending) await pending.then((s) => s.close(), () => undefined);
    },
  };
}
