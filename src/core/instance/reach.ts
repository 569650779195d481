/**
 * How an SSH login reaches an EC2 instance: which address (public IP, private IP from inside the
 * VPC, or a host override for sandboxes and tests), which OS user (guessed from the AMI), and
 * which key (a throw-away one pushed with EC2 Instance Connect, or one the caller holds).
 *
 * chooseInstance is pure. It picks one running Linux instance from a pool (stable order), or says
 * why none can be reached; the caller words that for its own purpose (a DB tunnel, a deploy).
 */
import type { Ec2Instance } from '../aws/types';
import { t } from '../l10n';
import type { InstanceConnectEndpoint } from './eice/endpoints';
import { guessOsUser, isWindows, type OsUserGuess } from './osUser';

export interface HostPort {
  readonly host: string;
  readonly port: number;
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

/** The instance as SendSSHPublicKey and the host-key policy name it. */
export interface InstanceRef {
  readonly id: string;
  readonly region: string;
  readonly name?: string;
  readonly availabilityZone?: string;
}

/** Everything an SSH session to one instance needs, no secret but a caller's own key. */
export interface InstanceAccess {
  readonly instance: InstanceRef;
  /** Where ssh2 connects: the instance's public or private IP, or a host override. */
  readonly ssh: HostPort & { readonly username: string };
  /** ssh goes to a host override: the instance's console cannot vouch for that host's key. */
  readonly viaHostOverride?: boolean;
  /**
   * SSH is carried by a tunnel through this EC2 Instance Connect Endpoint to the instance's
   * private IP (ssh.host), port 22: the instance has no public address.
   */
  readonly eice?: { readonly endpoint: Pick<InstanceConnectEndpoint, 'id' | 'dnsName' | 'securityGroupIds'> & Partial<Pick<InstanceConnectEndpoint, 'subnetId'>>; readonly privateIpAddress: string };
  readonly key: SshKeySource;
}

/** For sandboxes and tests: SSH goes here instead of the instance's IP. */
export interface SshHostOverride {
  readonly host: string;
  readonly port?: number;
  /** A key the host accepts; with it, SendSSHPublicKey is skipped unless pushKey is true. */
  readonly privateKey?: string;
  readonly pushKey?: boolean;
}

export interface ReachContext {
  /** The user says VS Code runs inside the instance's VPC: SSH to private IPs. */
  readonly insideVpc?: boolean;
  /** AMI names by image id, for the OS-user guess. */
  readonly imageNames?: ReadonlyMap<string, string>;
  /** OS user per instance id, as the user set it. */
  readonly osUserOverrides?: ReadonlyMap<string, string>;
  readonly sshPort?: number;
  /** For every instance without one of its own in sshHostOverrides. */
  readonly sshHostOverride?: SshHostOverride;
  /**
   * Per instance id (sandboxes and tests with several hosts); wins over sshHostOverride. null:
   * this instance is reached itself, whatever sshHostOverride says.
   */
  readonly sshHostOverrides?: ReadonlyMap<string, SshHostOverride | null>;
  /** The usable EC2 Instance Connect Endpoint of each instance's VPC, by instance id (looked up by the caller). */
  readonly instanceConnectEndpoints?: ReadonlyMap<string, InstanceConnectEndpoint>;
  /** Instances whose public IP did not answer on the SSH port (probed by the caller): an endpoint goes first. */
  readonly silentPublicIps?: ReadonlySet<string>;
}

export type ReachDecision =
  | {
      readonly kind: 'reach';
      readonly access: InstanceAccess;
      readonly instance: Ec2Instance;
      readonly osUser: OsUserGuess;
      /** "its public IP 203.0.113.10", for the sentence that says how. */
      readonly via: string;
    }
  /** None of the pool is a running Linux instance. */
  | { readonly kind: 'noneRunning'; readonly states: string }
  /** The best candidate has no address to SSH to from here, and its VPC no usable endpoint. */
  | { readonly kind: 'noAddress'; readonly instance: Ec2Instance; readonly insideVpc: boolean };

/** How SSH gets to one instance: the override, its private IP from inside the VPC, its public IP, or an endpoint. */
type Way =
  | { readonly kind: 'override'; readonly address: string }
  | { readonly kind: 'private'; readonly address: string }
  | { readonly kind: 'public'; readonly address: string }
  | { readonly kind: 'eice'; readonly address: string; readonly endpoint: InstanceConnectEndpoint };

/** Where SSH to this instance goes instead of its address: its own override, else the one for all. */
export function hostOverrideFor(ctx: Pick<ReachContext, 'sshHostOverride' | 'sshHostOverrides'>, instanceId: string): SshHostOverride | undefined {
  const own = ctx.sshHostOverrides?.get(instanceId);
  return own === null ? undefined : (own ?? ctx.sshHostOverride);
}

function wayTo(instance: Ec2Instance, ctx: ReachContext): Way | undefined {
  const override = hostOverrideFor(ctx, instance.id);
  if (override) return { kind: 'override', address: override.host };
  if (ctx.insideVpc) return instance.privateIp ? { kind: 'private', address: instance.privateIp } : undefined;
  const endpoint = ctx.instanceConnectEndpoints?.get(instance.id);
  const viaEndpoint: Way | undefined = endpoint && instance.privateIp ? { kind: 'eice', address: instance.privateIp, endpoint } : undefined;
  // A public IP whose SSH port did not answer gives way to the VPC's endpoint, when there is one.
  if (instance.publicIp && !(viaEndpoint && ctx.silentPublicIps?.has(instance.id))) return { kind: 'public', address: instance.publicIp };
  return viaEndpoint;
}

export function instanceLabel(i: Pick<Ec2Instance, 'id' | 'name'>): string {
  return i.name ? `${i.name} (${i.id})` : i.id;
}

/** The access to one instance, given the address to SSH to. */
export function accessFor(instance: Ec2Instance, address: string, ctx: ReachContext, endpoint?: InstanceConnectEndpoint): { access: InstanceAccess; osUser: OsUserGuess } {
  const override = hostOverrideFor(ctx, instance.id);
  const osUser = guessOsUser(instance, instance.imageId ? ctx.imageNames?.get(instance.imageId) : undefined, ctx.osUserOverrides?.get(instance.id));
  const access: InstanceAccess = {
    instance: { id: instance.id, region: instance.region, ...(instance.name ? { name: instance.name } : {}) },
    // Through an endpoint the port is 22: EICE opens no other for SSH.
    ssh: { host: address, port: override?.port ?? (endpoint ? 22 : (ctx.sshPort ?? 22)), username: osUser.user },
    ...(override ? { viaHostOverride: true } : {}),
    ...(endpoint && !override ? { eice: { endpoint: { id: endpoint.id, dnsName: endpoint.dnsName, securityGroupIds: endpoint.securityGroupIds, subnetId: endpoint.subnetId }, privateIpAddress: address } } : {}),
    key: override?.privateKey ? { kind: 'privateKey', privateKey: override.privateKey, push: override.pushKey ?? false } : { kind: 'instanceConnect' },
  };
  return { access, osUser };
}

/** Picks the instance to SSH to from `pool` (non-empty), or says why none will do. */
export function chooseInstance(pool: readonly Ec2Instance[], ctx: ReachContext): ReachDecision {
  const running = pool.filter((i) => !isWindows(i) && i.state === 'running');
  if (running.length === 0) {
    return { kind: 'noneRunning', states: pool.map((i) => `${instanceLabel(i)}: ${isWindows(i) ? 'Windows' : i.state}`).join(', ') };
  }
  const candidates = running
    .map((instance) => ({ instance, way: wayTo(instance, ctx) }))
    // Stable choice: instances SSH can get to first (an address before an endpoint), then by name, then id.
    .sort((a, b) => rank(a.way) - rank(b.way) || (a.instance.name ?? '').localeCompare(b.instance.name ?? '') || a.instance.id.localeCompare(b.instance.id));
  const { instance, way } = candidates[0];
  if (!way) return { kind: 'noAddress', instance, insideVpc: Boolean(ctx.insideVpc) };
  const { access, osUser } = accessFor(instance, way.address, ctx, way.kind === 'eice' ? way.endpoint : undefined);
  const via =
    way.kind === 'override'
      ? t('SSH host override {0}:{1}', access.ssh.host, access.ssh.port)
      : way.kind === 'private'
        ? t('its private IP {0}', way.address)
        : way.kind === 'public'
          ? t('its public IP {0}', way.address)
          : t('through EC2 Instance Connect Endpoint {0} to its private IP {1}', way.endpoint.id, way.address);
  return { kind: 'reach', access, instance, osUser, via };
}

function rank(way: Way | undefined): number {
  return !way ? 2 : way.kind === 'eice' ? 1 : 0;
}
