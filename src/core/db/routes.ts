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
import { t } from '../l10n';
import { guessOsUser, isWindows } from './osUser';
import { VERIFY_RDS, type TlsPolicy, type VerifiedTls } from './tls';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface DirectRoute {
  readonly kind: 'direct';
  /** The RDS endpoint. */
  readonly host: string;
  readonly port: number;
  readonly tls: VerifiedTls;
}

/** How the SSH login gets its key. */
export type SshKeySource =
  /** A fresh in-memory ed25519 key, pushed with SendSSHPublicKey (valid for 60 s). */
  | { readonly kind: 'instanceConnect' }
  /**
   * A key the caller has (a sandbox, a test server, the user's own key). With push, its public
   * half is still sent with SendSSHPublicKey; without, the instance must already accept it.
   */
  | { readonly kind: 'privateKey'; readonly privateKey: string; readonly push: boolean };

export interface SshTunnelRoute {
  readonly kind: 'sshTunnel';
  /** The RDS endpoint, as the instance resolves and reaches it. */
  readonly target: HostPort;
  readonly instance: { readonly id: string; readonly region: string; readonly name?: string; readonly availabilityZone?: string };
  /** Where ssh2 connects: the instance's public or private IP, or a host override. */
  readonly ssh: HostPort & { readonly username: string };
  /** ssh goes to rdsLink.ssh.hostOverride: the instance's console cannot vouch for that host's key. */
  readonly viaHostOverride?: boolean;
  readonly key: SshKeySource;
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

/** For sandboxes and tests: SSH goes here instead of the instance's IP. */
export interface SshHostOverride {
  readonly host: string;
  readonly port?: number;
  /** A key the host accepts; with it, SendSSHPublicKey is skipped unless pushKey is true. */
  readonly privateKey?: string;
  readonly pushKey?: boolean;
}

export interface RouteContext {
  readonly db: Pick<RdsDatabase, 'id' | 'region' | 'endpoint'>;
  /** Instances linked to the DB (by the console-style security group pair). */
  readonly linkedInstances: readonly Ec2Instance[];
  readonly preference?: RoutePreference;
  /** The user says VS Code runs inside the DB's VPC: SSH to private IPs. */
  readonly insideVpc?: boolean;
  /** AMI names by image id, for the OS-user guess. */
  readonly imageNames?: ReadonlyMap<string, string>;
  /** OS user per instance id, as the user set it. */
  readonly osUserOverrides?: ReadonlyMap<string, string>;
  readonly sshPort?: number;
  readonly sshHostOverride?: SshHostOverride;
  /** Another CA than the RDS bundle (tests, a private CA); verification stays on. */
  readonly tls?: VerifiedTls;
}

export type RouteDecision =
  | { readonly kind: 'route'; readonly route: Route; readonly message: string }
  /** No automatic way: ask the user for a local host:port (message says why). */
  | { readonly kind: 'askLocalPort'; readonly message: string };

interface Candidate {
  readonly instance: Ec2Instance;
  readonly address?: string;
}

function instanceLabel(i: Ec2Instance): string {
  return i.name ? `${i.name} (${i.id})` : i.id;
}

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
  const linux = pool.filter((i) => !isWindows(i));
  const running = linux.filter((i) => i.state === 'running');
  if (running.length === 0) {
    const names = pool.map((i) => `${instanceLabel(i)}: ${isWindows(i) ? 'Windows' : i.state}`).join(', ');
    return { kind: 'askLocalPort', message: `${why} ${t('No linked Linux instance is running ({0}). Start one, or give a local port forwarded to the database.', names)}` };
  }
  const override = ctx.sshHostOverride;
  const candidates: Candidate[] = running
    .map((instance) => ({ instance, address: override?.host ?? (ctx.insideVpc ? instance.privateIp : instance.publicIp) }))
    // Stable choice: instances with an address first, then by name, then id.
    .sort((a, b) => Number(!a.address) - Number(!b.address) || (a.instance.name ?? '').localeCompare(b.instance.name ?? '') || a.instance.id.localeCompare(b.instance.id));
  const chosen = candidates[0];
  if (!chosen.address) {
    const message = ctx.insideVpc
      ? t('The linked instance {0} has no private IP.', instanceLabel(chosen.instance))
      : t('The linked instance {0} has no public IP. If VS Code runs inside the VPC, say so to use its private IP; otherwise give a local port forwarded to the database.', instanceLabel(chosen.instance));
    return { kind: 'askLocalPort', message: `${why} ${message}` };
  }
  const instance = chosen.instance;
  const osUser = guessOsUser(instance, instance.imageId ? ctx.imageNames?.get(instance.imageId) : undefined, ctx.osUserOverrides?.get(instance.id));
  const route: SshTunnelRoute = {
    kind: 'sshTunnel',
    target: { host: endpoint.address, port: endpoint.port },
    instance: { id: instance.id, region: instance.region, ...(instance.name ? { name: instance.name } : {}) },
    ssh: { host: chosen.address, port: override?.port ?? ctx.sshPort ?? 22, username: osUser.user },
    ...(override ? { viaHostOverride: true } : {}),
    key: override?.privateKey ? { kind: 'privateKey', privateKey: override.privateKey, push: override.pushKey ?? false } : { kind: 'instanceConnect' },
    tls,
  };
  const via = override ? t('SSH host override {0}:{1}', route.ssh.host, route.ssh.port) : ctx.insideVpc ? t('its private IP {0}', chosen.address) : t('its public IP {0}', chosen.address);
  return {
    kind: 'route',
    route,
    message: `${why} ${t('Tunnelling through {0} over SSH ({1}; {2}).', instanceLabel(instance), via, osUser.reason)}`,
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
  return chooseRoute(ctx, answers);
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
