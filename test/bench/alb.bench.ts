/**
 * Deploys under a constant load of requests through a load balancer: the real sandbox app on real
 * test hosts (network namespaces, support/deployHosts.ts), moto's ELBv2 control plane and the ALB
 * data-plane stand-in (support/albStandIn.ts), with 8 clients sending GET /healthz back to back.
 *
 * - bigbang_failed_requests: requests that failed while a Big Bang replaced the release on all 4
 *   hosts at once. Printed as measured: it is why the other strategies exist.
 * - alb_idle_failed_requests: the same load for as long with no deploy (the control: 0).
 */
import * as net from 'node:net';
import { RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { releaseName } from '../../src/core/deploy/build';
import type { Strategy } from '../../src/core/deploy/deployFile';
import { planDeploy, runDeploy } from '../../src/core/deploy/strategy';
import { openSshSession } from '../../src/core/instance/sshSession';
import { accessTo, startAlbStandIn, startMoto } from '../integration/support';
import { startDeployHosts } from '../integration/support/deployHosts';
import { buildSandboxApp } from '../integration/support/goapp';
import { createMotoAlb } from '../integration/support/motoAlb';
import { benchExecutor } from './deployExecutor';
import { startLoad } from './load';

const HOSTS = 4;
const PASSWORD = 'bench-Alb_pw1';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(): Promise<Array<{ name: string; value: number; unit: string }>> {
  const binary = await buildSandboxApp('amd64', 'bench');
  const [hosts, moto] = await Promise.all([startDeployHosts(HOSTS, PASSWORD), startMoto()]);
  const alb = await createMotoAlb(moto.endpoint, { instances: HOSTS, groups: ['goapp'] }).catch(async (err: unknown) => {
    await Promise.all([hosts.stop(), moto.stop()]);
    throw err;
  });
  const ids = hosts.network.hosts.map((h) => `i-${h.name}`);
  /** moto's instance id → the test host standing for it. */
  const hostOf = new Map(alb.instanceIds.map((motoId, i) => [motoId, hosts.hostOf(ids[i])]));
  const stand = await startAlbStandIn({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    listenerArn: alb.listenerArn,
    connect: (t) => net.connect({ host: hostOf.get(t.id)?.address ?? '127.0.0.1', port: t.port }),
  });
  try {
    let n = 0;
    const t0 = Date.now();
    const deploy = async (strategy: Strategy) => {
      const release = releaseName('bench', new Date(t0 + n++ * 1000));
      const ex = await benchExecutor({ hosts, binary, password: PASSWORD, release, openSession: (id) => openSshSession(accessTo(hosts.hostOf(id))) });
      try {
        const outcome = await runDeploy(planDeploy(strategy, ids), ex, { release });
        if (outcome.result !== 'succeeded') throw new Error(`bench deploy failed: ${JSON.stringify(outcome)}`);
      } finally {
        await ex.close();
      }
    };
    const bigBang: Strategy = { kind: 'bigBang', onFailure: 'rollback' };
    await deploy(bigBang);
    await alb.elb.send(new RegisterTargetsCommand({ TargetGroupArn: alb.groups.get('goapp'), Targets: alb.instanceIds.map((Id) => ({ Id, Port: 8080 })) }));
    await stand.refresh();

    const underLoad = async (work: () => Promise<unknown>) => {
      const load = startLoad(`${stand.url}/healthz`);
      await sleep(500);
      const started = performance.now();
      await work();
      const took = performance.now() - started;
      await sleep(500);
      await load.stop();
      return { failed: load.failed, sent: load.sent, took };
    };
    const probe = await fetch(`${stand.url}/healthz`);
    if (probe.status !== 200) throw new Error(`the app does not answer through the ALB stand-in: ${probe.status} ${await probe.text()}`);
    const idle = await underLoad(() => sleep(3000));
    const big = await underLoad(() => deploy(bigBang));
    return [
      { name: 'bigbang_failed_requests', value: big.failed, unit: 'requests' },
      { name: 'bigbang_requests_sent', value: big.sent, unit: 'requests' },
      { name: 'alb_idle_failed_requests', value: idle.failed, unit: 'requests' },
    ];
  } finally {
    await stand.stop();
    alb.close();
    await Promise.all([hosts.stop(), moto.stop()]);
  }
}
