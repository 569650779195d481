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
import type { ReachContext, SshSession } from '../core/instance/index';
import { loadAws, loadDb } from '../lazy';
import type { ResourceStore } from '../state/resourceStore';
import { readSshSettings } from '../state/settings';
import { sshAccessOptions } from './hostKeys';
import { reachContext } from './reachContext';

const l = vscode.l10n.t;

export interface SessionOptions {
  readonly signal?: Cancellation;
  readonly log?: (line: string) => void;
}

/** Opens an SSH session to one instance; one per window (deps.instanceSessions). */
export interface InstanceSessions {
  open(instance: Ec2Instance, options?: SessionOptions): Promise<SshSession>;
}

interface Context {
  readonly log: vscode.LogOutputChannel;
  readonly store: ResourceStore;
  readonly globalState: vscode.Memento;
}

export class VscodeInstanceSessions implements InstanceSessions {
  constructor(private readonly c: Context) {}

  async open(instance: Ec2Instance, options: SessionOptions = {}): Promise<SshSession> {
    const db = loadDb();
    const base = reachContext(readSshSettings(), db.parseHostPort);
    const session = this.c.store.getSession();
    const ec2 = session.ec2(instance.region);
    const imageNames = await loadAws()
      .describeImageNames(ec2, instance.imageId ? [instance.imageId] : [])
      .catch((err: unknown) => {
        this.c.log.warn(`Reading the AMI name of ${instance.id} failed: ${describeError(err)}`);
        return new Map<string, string>();
      });
    const needsEndpoint = !db.hostOverrideFor(base, instance.id) && !base.insideVpc && !instance.publicIp && instance.vpcId;
    const endpoint = needsEndpoint && instance.vpcId ? await db.findInstanceConnectEndpoint(ec2, { vpcId: instance.vpcId, subnetId: instance.subnetId }) : undefined;
    const ctx: ReachContext = { ...base, imageNames, ...(endpoint ? { instanceConnectEndpoints: new Map([[instance.id, endpoint.endpoint]]) } : {}) };
    const reach = db.chooseInstance([instance], ctx);
    if (reach.kind === 'noneRunning') throw new Error(l('{0} is not running ({1}).', db.instanceLabel(instance), reach.states));
    if (reach.kind === 'noAddress') {
      throw new Error(
        reach.insideVpc
          ? l('{0} has no private IP.', db.instanceLabel(instance))
          : l('{0} has no public IP and its VPC has no EC2 Instance Connect Endpoint. Three ways on: create an EC2 Instance Connect Endpoint in its VPC; give it a public IP with port 22 open to you; or run VS Code inside the VPC and set rdsLink.ssh.insideVpc.', db.instanceLabel(instance)),
      );
    }
    options.log?.(`SSH to ${instance.id} through ${reach.via} as ${reach.access.ssh.username}`);
    // A deploy can outlive an endpoint tunnel's maxTunnelDuration: the next step logs in again.
    return db.openLongSshSession(reach.access, {
      ...sshAccessOptions(this.c.globalState, this.c.log, session, instance.region),
      readyTimeoutMs: 20_000,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
  }
}
