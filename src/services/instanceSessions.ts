/**
 * SSH sessions to EC2 instances for deploys, reached the way the DB tunnel reaches its linked
 * instance (core/instance): a host override (user settings only), the private IP from inside the
 * VPC, the public IP, or an EC2 Instance Connect Endpoint; a key pushed with EC2 Instance Connect
 * (or the user's own with an override); the remembered host keys and the console's fingerprints.
 * The settings' part of the way is services/reachContext.ts, shared with the DB route.
 */
import * as vscode from 'vscode';
import type { Ec2Instance } from '../core/aws/types';
import { describeError } from '../core/errors';
import type { Cancellation } from '../core/lifetime';
import type * as AwsModule from '../core/aws/index';
import type { AwsClients } from '../core/aws/session';
import type * as DbModule from '../core/db/index';
import type { InstanceConnectEndpoint, ReachContext, SshSession } from '../core/instance/index';
import { loadAws, loadDb } from '../lazy';
import type { ResourceStore } from '../state/resourceStore';
import { readEiceTunnelSettings, readSshSettings, type EiceTunnelSettings, type SshSettings } from '../state/settings';
import { sshAccessOptions } from './hostKeys';
import { reachContext } from './reachContext';

const l = vscode.l10n.t;

export interface SessionOptions {
  readonly signal?: Cancellation;
  readonly log?: (line: string) => void;
}

/** Opens an SSH session to one instance. */
export interface InstanceOpener {
  open(instance: Ec2Instance, options?: SessionOptions): Promise<SshSession>;
  /** Why SSH has no way to the instance (the reach decision, nothing opened); undefined when it has one. */
  sshProblem(instance: Ec2Instance): Promise<string | undefined>;
}

/** Opens SSH sessions to instances; one per window (deps.instanceSessions). */
export interface InstanceSessions extends InstanceOpener {
  /**
   * An opener for a set of instances (a deploy's): the AMI names of all of them in one
   * DescribeImages per region, and each VPC's EC2 Instance Connect Endpoints listed once.
   */
  forInstances(instances: readonly Ec2Instance[]): InstanceOpener;
}

interface Context {
  readonly log: vscode.LogOutputChannel;
  readonly store: ResourceStore;
  readonly globalState: vscode.Memento;
  /** The bundles (default: loaded on first use) and the SSH settings (default: read from settings); unit tests pass their own. */
  readonly modules?: { aws(): typeof AwsModule; db(): typeof DbModule };
  readonly sshSettings?: () => SshSettings;
  /** The EICE tunnel's length and dial URL (default: read from settings). */
  readonly eiceTunnel?: () => EiceTunnelSettings;
  /** Whether a public IP answers on port 22 (default: a short TCP probe); unit tests pass their own. */
  readonly probeSsh?: (target: { host: string; port: number }) => Promise<boolean>;
}

type Ec2Client = ReturnType<AwsClients['ec2']>;

/** The instance has no address SSH could use from here (no public IP, no endpoint, no override). */
class NoSshWayError extends Error {}

/**
 * What reaching a set of instances asks EC2, asked once: the AMI names (for the OS user) per
 * region, for all the set's images at once, and the endpoints of each VPC (a failed listing
 * fails every instance of that VPC with the same reason, without asking again).
 */
class ReachLookups {
  private readonly images = new Map<string, Promise<ReadonlyMap<string, string>>>();
  private readonly endpoints = new Map<string, Promise<readonly InstanceConnectEndpoint[]>>();
  /** Whether each public address answered on port 22: asked once per deploy (the transport decision, then the session). */
  private readonly answers = new Map<string, Promise<boolean>>();

  constructor(
    private readonly instances: readonly Ec2Instance[],
    private readonly c: Required<Pick<Context, 'modules'>> & Pick<Context, 'log' | 'probeSsh'>,
    private readonly ec2: (region: string) => Ec2Client,
  ) {}

  answersSsh(host: string): Promise<boolean> {
    let answer = this.answers.get(host);
    if (!answer) this.answers.set(host, (answer = (this.c.probeSsh ?? this.c.modules.db().probeTcp)({ host, port: 22 })));
    return answer;
  }

  imageNames(region: string): Promise<ReadonlyMap<string, string>> {
    let names = this.images.get(region);
    if (!names) {
      const inRegion = this.instances.filter((i) => i.region === region);
      names = this.c.modules
        .aws()
        .describeImageNames(this.ec2(region), inRegion.flatMap((i) => (i.imageId ? [i.imageId] : [])))
        .catch((err: unknown) => {
          this.c.log.warn(`Reading the AMI names of ${inRegion.map((i) => i.id).join(', ')} failed: ${describeError(err)}`);
          return new Map<string, string>();
        });
      this.images.set(region, names);
    }
    return names;
  }

  async endpointFor(instance: Ec2Instance & { vpcId: string }): Promise<InstanceConnectEndpoint | undefined> {
    const db = this.c.modules.db();
    const key = `${instance.region}\n${instance.vpcId}`;
    let list = this.endpoints.get(key);
    if (!list) {
      list = db.listInstanceConnectEndpoints(this.ec2(instance.region), instance.vpcId);
      list.catch(() => undefined);
      this.endpoints.set(key, list);
    }
    return db.chooseInstanceConnectEndpoint(await list, { vpcId: instance.vpcId, subnetId: instance.subnetId })?.endpoint;
  }
}

export class VscodeInstanceSessions implements InstanceSessions {
  private readonly modules: NonNullable<Context['modules']>;

  constructor(private readonly c: Context) {
    this.modules = c.modules ?? { aws: loadAws, db: loadDb };
  }

  open(instance: Ec2Instance, options: SessionOptions = {}): Promise<SshSession> {
    return this.forInstances([instance]).open(instance, options);
  }

  sshProblem(instance: Ec2Instance): Promise<string | undefined> {
    return this.forInstances([instance]).sshProblem(instance);
  }

  forInstances(instances: readonly Ec2Instance[]): InstanceOpener {
    const lookupsOf = (set: readonly Ec2Instance[]) => new ReachLookups(set, { modules: this.modules, log: this.c.log, ...(this.c.probeSsh ? { probeSsh: this.c.probeSsh } : {}) }, (region) => this.c.store.getSession().ec2(region));
    const shared = lookupsOf(instances);
    // An instance outside the set gets lookups of its own (its image was not asked for).
    const lookupsFor = (instance: Ec2Instance) => (instances.some((i) => i.id === instance.id) ? shared : lookupsOf([instance]));
    return {
      open: (instance, options = {}) => this.openWith(lookupsFor(instance), instance, options),
      // Only "no way there" is a problem another transport solves; a failed read (EC2 throttled or
      // denied) or a bad setting stays an error, and the deploy stops on it.
      sshProblem: (instance) =>
        this.reachOf(lookupsFor(instance), instance).then(
          () => undefined,
          (err: unknown) => {
            if (err instanceof NoSshWayError) return err.message;
            throw err;
          },
        ),
    };
  }

  private async openWith(lookups: ReachLookups, instance: Ec2Instance, options: SessionOptions): Promise<SshSession> {
    const db = this.modules.db();
    const session = this.c.store.getSession();
    const reach = await this.reachOf(lookups, instance);
    options.log?.(`SSH to ${instance.id} through ${reach.via} as ${reach.access.ssh.username}`);
    // A deploy can outlive an endpoint tunnel's maxTunnelDuration: the next step logs in again.
    return db.openLongSshSession(reach.access, {
      ...sshAccessOptions(this.c.globalState, this.c.log, session, instance.region, (this.c.eiceTunnel ?? readEiceTunnelSettings)()),
      readyTimeoutMs: 20_000,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
  }

  /** The way SSH would take to the instance, from the settings and EC2's answers; nothing is opened. An error says why there is none. */
  private async reachOf(lookups: ReachLookups, instance: Ec2Instance) {
    const db = this.modules.db();
    const base = reachContext((this.c.sshSettings ?? readSshSettings)(), db.parseHostPort);
    const imageNames = await lookups.imageNames(instance.region);
    const vpcId = instance.vpcId;
    const byAddress = !db.hostOverrideFor(base, instance.id) && !base.insideVpc;
    // A public IP whose port 22 does not answer gives way to the VPC's endpoint, as for the DB route.
    const silent = byAddress && instance.publicIp && instance.privateIp ? !(await lookups.answersSsh(instance.publicIp)) : false;
    const endpoint = byAddress && (!instance.publicIp || silent) && vpcId ? await lookups.endpointFor({ ...instance, vpcId }) : undefined;
    const ctx: ReachContext = { ...base, imageNames, ...(endpoint ? { instanceConnectEndpoints: new Map([[instance.id, endpoint]]) } : {}), ...(silent ? { silentPublicIps: new Set([instance.id]) } : {}) };
    const reach = db.chooseInstance([instance], ctx);
    if (reach.kind === 'noneRunning') throw new Error(l('{0} is not running ({1}).', db.instanceLabel(instance), reach.states));
    if (reach.kind === 'noAddress') {
      throw new NoSshWayError(
        reach.insideVpc
          ? l('{0} has no private IP.', db.instanceLabel(instance))
          : l('{0} has no public IP and its VPC has no EC2 Instance Connect Endpoint. Three ways on: create an EC2 Instance Connect Endpoint in its VPC; give it a public IP with port 22 open to you; or run VS Code inside the VPC and set rdsLink.ssh.insideVpc.', db.instanceLabel(instance)),
      );
    }
    return reach;
  }
}
