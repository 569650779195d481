/**
 * How the extension reaches a database, and which way it picks.
 *
 * - direct: a TCP connection to the RDS endpoint (public DB, or VS Code running inside the VPC);
 * - sshTunnel: EC2 Instance Connect pushes a throw-away key to a linked running instance, ssh2
 *   logs in to it and `forwardOut`s to the endpoint; mysql2 runs over that channel;
 * - localPort: a host:port the user forwards themselves (SSM, a bastion, docker, a local server).
 *
 * chooseRoute is pure: given whether the endpoint answered a short TCP probe, the linked
 * instances and the user's preference, it returns a route and the sentence that says why, or
 * asks for a local port. decideRoute adds the probe.
 */
import * as net from 'node:net';
import type { Ec2Instance, Endpoint, RdsDatabase } from '../aws/types';
import type { EndpointChoice, EndpointPlacement, InstanceConnectEndpoint } from '../instance/eice/endpoints';
import { chooseInstance, hostOverrideFor, instanceLabel, type HostPort, type InstanceAccess, type ReachContext } from '../instance/reach';
import { t } from '../l10n';
import { VERIFY_RDS, type TlsPolicy, type VerifiedTls } from './tls';

export type { HostPort, SshKeySource, SshHostOverride } from '../instance/reach';

export interface DirectRoute {
  readonly kind: 'direct';
  /** The RDS endpoint. */
  readonly host: string;
  readonly port: number;
  readonly tls: VerifiedTls;
}

/** Through SSH to a linked instance (InstanceAccess: which instance, address, user, key), then on to the DB. */
export interface SshTunnelRoute extends InstanceAccess {
  readonly kind: 'sshTunnel';
  /** The RDS endpoint, as the instance resolves and reaches it. */
  readonly target: HostPort;
  /** Always verified; the name checked is the RDS endpoint's (target.host) unless set. */
  readonly tls: VerifiedTls;
}

export interface LocalPortRoute {
  readonly kind: 'localPort';
  readonly host: string;
  readonly port: number;
  /**
   * Verification of a forwarded RDS checks the RDS endpoint name (give it as servername); it
   * can be turned off here, and only here.
   */
  readonly tls: TlsPolicy;
}

export type Route = DirectRoute | SshTunnelRoute | LocalPortRoute;
export type RouteKind = Route['kind'];

/** One line for the log and the progress notification (no secrets in a route). */
export function describeRoute(route: Route): string {
  switch (route.kind) {
    case 'direct':
      return t('directly to {0}:{1}', route.host, route.port);
    case 'sshTunnel':
      if (route.eice) {
        return t('through EC2 Instance Connect Endpoint {0}, SSH to {1} ({2}@{3}:{4}), then to {5}:{6}', route.eice.endpoint.id, route.instance.name ?? route.instance.id, route.ssh.username, route.ssh.host, route.ssh.port, route.target.host, route.target.port);
      }
      return t('through SSH to {0} ({1}@{2}:{3}), then to {4}:{5}', route.instance.name ?? route.instance.id, route.ssh.username, route.ssh.host, route.ssh.port, route.target.host, route.target.port);
    case 'localPort':
      return t('through the local port {0}:{1}', route.host, route.port);
  }
}

/** The user's per-DB choice (a setting or a prompt); 'auto' lets chooseRoute decide. */
export type RoutePreference =
  | { readonly kind: 'auto' }
  | { readonly kind: 'direct' }
  | { readonly kind: 'sshTunnel'; readonly instanceId?: string }
  | { readonly kind: 'localPort'; readonly host: string; readonly port: number; readonly tls?: TlsPolicy };

/** ReachContext: how to SSH to the linked instances (inside the VPC, OS users, port, override). */
export interface RouteContext extends ReachContext {
  readonly db: Pick<RdsDatabase, 'id' | 'region' | 'endpoint'>;
  /** Instances linked to the DB (by the console-style security group pair). */
  readonly linkedInstances: readonly Ec2Instance[];
  readonly preference?: RoutePreference;
  /** Another CA than the RDS bundle (tests, a private CA); verification stays on. */
  readonly tls?: VerifiedTls;
  /**
   * Looks up the usable EC2 Instance Connect Endpoint for an instance's placement
   * (findInstanceConnectEndpoint on the region's EC2 client). decideRoute asks it for linked
   * instances without a public IP, or with one whose port 22 is silent; without it, no endpoint is used.
   */
  readonly findInstanceConnectEndpoint?: (placement: EndpointPlacement) => Promise<EndpointChoice | undefined>;
  /**
   * Whether an instance's public IP answers on the SSH port (default: a short TCP probe). Asked
   * only where an endpoint could be used instead, so a closed port 22 falls back to EICE.
   */
  readonly probeSsh?: (target: HostPort) => Promise<boolean>;
}

export type RouteDecision =
  | { readonly kind: 'route'; readonly route: Route; readonly message: string }
  /**
   * No automatic way: ask the user for a local host:port (message says why). `unreachable`: the
   * linked instance has no address to SSH to and its VPC no endpoint (one could be created).
   */
  | { readonly kind: 'askLocalPort'; readonly message: string; readonly unreachable?: Ec2Instance };

export function chooseRoute(ctx: RouteContext, endpointAnswers: boolean): RouteDecision {
  const endpoint = ctx.db.endpoint;
  if (!endpoint) return { kind: 'askLocalPort', message: t('{0} has no endpoint yet (is it still being created?).', ctx.db.id) };
  const pref = ctx.preference ?? { kind: 'auto' };
  const tls = ctx.tls ?? VERIFY_RDS;
  const where = `${endpoint.address}:${endpoint.port}`;

  if (pref.kind === 'localPort') {
    const route: LocalPortRoute = { kind: 'localPort', host: pref.host, port: pref.port, tls: pref.tls ?? { ...tls, servername: tls.servername ?? endpoint.address } };
    return { kind: 'route', route, message: t('Connecting through the local port {0}:{1} (your setting).', pref.host, pref.port) };
  }
  if (pref.kind === 'direct' || (pref.kind === 'auto' && endpointAnswers)) {
    const route: DirectRoute = { kind: 'direct', host: endpoint.address, port: endpoint.port, tls };
    const message = pref.kind === 'direct' ? t('Connecting directly to {0} (your setting).', where) : t('{0} answers: connecting directly.', where);
    return { kind: 'route', route, message };
  }

  const why = pref.kind === 'sshTunnel' ? t('You chose the SSH tunnel.') : t('{0} does not answer from here (a private DB).', where);
  const pool = pref.kind === 'sshTunnel' && pref.instanceId ? ctx.linkedInstances.filter((i) => i.id === pref.instanceId) : ctx.linkedInstances;
  if (pool.length === 0) {
    const none = pref.kind === 'sshTunnel' && pref.instanceId ? t('Instance {0} is not linked to {1}.', pref.instanceId, ctx.db.id) : t('No EC2 instance is linked to {0}.', ctx.db.id);
    return { kind: 'askLocalPort', message: `${why} ${none} ${t('Link an instance, or give a local port forwarded to the database.')}` };
  }
  const reach = chooseInstance(pool, ctx);
  if (reach.kind === 'noneRunning') {
    return { kind: 'askLocalPort', message: `${why} ${t('No linked Linux instance is running ({0}). Start one, or give a local port forwarded to the database.', reach.states)}` };
  }
  if (reach.kind === 'noAddress') {
    const message = reach.insideVpc
      ? t('The linked instance {0} has no private IP.', instanceLabel(reach.instance))
      : t(
          'The linked instance {0} has no public IP and its VPC has no EC2 Instance Connect Endpoint. Three ways on: create an EC2 Instance Connect Endpoint in its VPC; make the instance reachable (a public IP with port 22 open to you, or VS Code inside the VPC, then say so); or give a local port forwarded to the database some other way.',
          instanceLabel(reach.instance),
        );
    return { kind: 'askLocalPort', message: `${why} ${message}`, ...(reach.insideVpc ? {} : { unreachable: reach.instance }) };
  }
  const route: SshTunnelRoute = { kind: 'sshTunnel', target: { host: endpoint.address, port: endpoint.port }, ...reach.access, tls };
  return {
    kind: 'route',
    route,
    message: `${why} ${t('Tunnelling through {0} over SSH ({1}; {2}).', instanceLabel(reach.instance), reach.via, reach.osUser.reason)}`,
  };
}

/** True when host:port accepts a TCP connection within timeoutMs. Never throws. */
export function probeTcp(target: HostPort, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.host, port: target.port });
    const done = (answered: boolean) => {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** chooseRoute, after probing the endpoint when the choice depends on it. */
export async function decideRoute(ctx: RouteContext, probe: (target: Endpoint) => Promise<boolean> = (e) => probeTcp({ host: e.address, port: e.port })): Promise<RouteDecision> {
  const pref = ctx.preference?.kind ?? 'auto';
  const answers = pref === 'auto' && ctx.db.endpoint ? await probe(ctx.db.endpoint) : false;
  const wantsSsh = pref === 'sshTunnel' || (pref === 'auto' && !answers);
  if (!wantsSsh) return chooseRoute(ctx, answers);
  const silentPublicIps = await silentPublicIpsOf(ctx);
  const instanceConnectEndpoints = await endpointsFor(ctx, silentPublicIps);
  return chooseRoute({ ...ctx, ...(instanceConnectEndpoints ? { instanceConnectEndpoints } : {}), ...(silentPublicIps.size ? { silentPublicIps } : {}) }, answers);
}

/** Running linked instances SSH would reach by address (no override, not inside the VPC). */
const reachedByAddress = (ctx: RouteContext): Ec2Instance[] => (ctx.insideVpc ? [] : ctx.linkedInstances.filter((i) => i.state === 'running' && !hostOverrideFor(ctx, i.id)));

/** The linked instances whose public IP does not answer on the SSH port, probed in parallel; only when an endpoint could stand in. */
async function silentPublicIpsOf(ctx: RouteContext): Promise<ReadonlySet<string>> {
  if (!ctx.findInstanceConnectEndpoint) return new Set();
  const probe = ctx.probeSsh ?? ((target: HostPort) => probeTcp(target));
  const withPublic = reachedByAddress(ctx).filter((i) => i.publicIp && i.privateIp && i.vpcId);
  const answered = await Promise.all(withPublic.map((i) => probe({ host: i.publicIp as string, port: ctx.sshPort ?? 22 })));
  return new Set(withPublic.filter((_, n) => !answered[n]).map((i) => i.id));
}

/**
 * The endpoint for each running linked instance SSH cannot get to by address (no override, not
 * inside the VPC, no public IP or one whose port 22 is silent), one lookup per VPC and subnet.
 */
async function endpointsFor(ctx: RouteContext, silentPublicIps: ReadonlySet<string>): Promise<ReadonlyMap<string, InstanceConnectEndpoint> | undefined> {
  const find = ctx.findInstanceConnectEndpoint;
  if (!find || ctx.insideVpc) return undefined;
  const lookups = new Map<string, Promise<EndpointChoice | undefined>>();
  const found = new Map<string, InstanceConnectEndpoint>();
  await Promise.all(
    reachedByAddress(ctx)
      .filter((i) => (!i.publicIp || silentPublicIps.has(i.id)) && i.privateIp && i.vpcId)
      .map(async (i) => {
        const placement: EndpointPlacement = { vpcId: i.vpcId as string, subnetId: i.subnetId };
        const key = `${placement.vpcId}/${placement.subnetId ?? ''}`;
        let lookup = lookups.get(key);
        if (!lookup) lookups.set(key, (lookup = find(placement)));
        const choice = await lookup;
        if (choice) found.set(i.id, choice.endpoint);
      }),
  );
  return found;
}

/** What the user typed for a local port: "port", "host:port" or "[v6]:port". */
export function parseHostPort(text: string, defaultHost = '127.0.0.1'): HostPort | undefined {
  const s = text.trim();
  let host = defaultHost;
  let portText = s;
  const v6 = /^\[([0-9A-Fa-f:.]+)\]:(\d+)$/.exec(s);
  if (v6) {
    host = v6[1];
    portText = v6[2];
  } else if (s.includes(':')) {
    const at = s.lastIndexOf(':');
    host = s.slice(0, at);
    portText = s.slice(at + 1);
    if (!/^[A-Za-z0-9.-]+$/.test(host)) return undefined;
  }
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  return port >= 1 && port <= 65535 ? { host, port } : undefined;
}
