// Deploys behind a load balancer, as the Blue/Green and weighted Canary tests and the ALB bench
// set them up: `count` deploy test hosts (network namespaces with their own sshd and the sandbox
// app, deployHosts.ts), moto's ELBv2 with a listener over `groups` (motoAlb.ts), and the ALB
// data-plane stand-in (albStandIn.ts) that forwards to the hosts by moto's weights and
// registrations. moto's instance ids stand for the hosts (i-host1…): the product's deploy runs
// on moto's ids, and the SSH executor maps each to its host.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { DeployExecutor } from '../../../src/core/deploy/strategy';
import { openSshSession } from '../../../src/core/instance/sshSession';
import { benchExecutor } from '../../bench/deployExecutor';
import { startAlbStandIn, type AlbStandIn } from './albStandIn';
import { startDeployHosts, type DeployHosts } from './deployHosts';
import { accessTo } from './testHosts';
import { startMoto, type MotoServer } from './moto';
import { createMotoAlb, type MotoAlb } from './motoAlb';

export interface AlbDeployWorld {
  readonly hosts: DeployHosts;
  readonly moto: MotoServer;
  readonly alb: MotoAlb;
  readonly stand: AlbStandIn;
  /** moto's instance id → the test host's id (i-host1…). */
  hostOf(motoId: string): string;
  /** The release the host of a moto instance runs now. */
  releaseOf(motoId: string): string;
  /** The product's SSH executor over moto's instance ids. Close it after the run. */
  executor(release: string, binary: string): Promise<DeployExecutor & { close(): Promise<void> }>;
  /** Kills the app on the host of a moto instance (a canary that dies while it bakes). */
  killApp(motoId: string): void;
  stop(): Promise<void>;
}

export async function startAlbDeployWorld(count: number, password: string, groups: readonly string[], region = 'us-east-1'): Promise<AlbDeployWorld> {
  const [h, m] = await Promise.allSettled([startDeployHosts(count, password), startMoto()]);
  const hosts = h.status === 'fulfilled' ? h.value : undefined;
  const moto = m.status === 'fulfilled' ? m.value : undefined;
  let alb: MotoAlb | undefined;
  try {
    if (!hosts || !moto) throw h.status === 'rejected' ? h.reason : (m as PromiseRejectedResult).reason;
    alb = await createMotoAlb(moto.endpoint, { instances: count, groups, region });
    const ids = hosts.network.hosts.map((x) => `i-${x.name}`);
    const hostIds = new Map(alb.instanceIds.map((motoId, i) => [motoId, ids[i]]));
    const hostOf = (motoId: string) => hostIds.get(motoId) ?? motoId;
    const stand = await startAlbStandIn({
      endpoint: moto.endpoint,
      region,
      listenerArn: alb.listenerArn,
      refreshMs: 50,
      connect: (t) => net.connect({ host: hosts.hostOf(hostOf(t.id)).address, port: t.port }),
    });
    const world: AlbDeployWorld = {
      hosts,
      moto,
      alb,
      stand,
      hostOf,
      releaseOf: (motoId) => path.basename(fs.readlinkSync(hosts.layoutFor(hostOf(motoId)).current)),
      executor: async (release, binary) => {
        const ex = await benchExecutor({ hosts, binary, password, release, openSession: (id) => openSshSession(accessTo(hosts.hostOf(id))) });
        return {
          upload: (id) => ex.upload(hostOf(id)),
          activate: (id) => ex.activate(hostOf(id)),
          health: (id) => ex.health(hostOf(id)),
          rollback: (id, previous) => ex.rollback(hostOf(id), previous),
          sleep: (ms) => ex.sleep(ms),
          close: () => ex.close(),
        };
      },
      killApp: (motoId) => {
        const pid = Number(fs.readFileSync(path.join(hosts.roots.get(hostOf(motoId)) ?? '', 'app.pid'), 'utf8').trim());
        process.kill(pid, 'SIGKILL');
      },
      stop: async () => {
        await stand.stop();
        alb?.close();
        await Promise.all([hosts.stop(), moto.stop()]);
      },
    };
    return world;
  } catch (err) {
    alb?.close();
    await Promise.allSettled([hosts?.stop(), moto?.stop()]);
    throw err;
  }
}
