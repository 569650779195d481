/**
 * The sandbox's Application Load Balancer: moto's ELBv2 for the control plane and the ALB
 * stand-in (support/albStandIn.ts) on loopback for the data plane, in front of the sandbox's app
 * instances (sandboxInstances.ts). goapp-alb in goapp-vpc has two target groups behind its HTTP
 * listener on port 80: goapp-blue (weight 100) holds goapp-web and goapp-2, goapp-green (weight 0)
 * holds goapp-3. That is the shape of Blue/Green (green is idle) and of the weighted Canary, and
 * Rolling drains from whichever group holds an instance. Both groups drain for
 * SANDBOX_DRAIN_SECONDS, so a batch does not wait the 300 s default.
 * The stand-in reaches each app through its host's app socket (SandboxHost.appSocket). Used by
 * `npm start` and the e2e tests that deploy behind the load balancer.
 */
import * as net from 'node:net';
import { ElasticLoadBalancingV2Client, ModifyTargetGroupAttributesCommand, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { startAlbStandIn, type AlbStandIn, type SandboxHosts } from '../support';
import { createMotoAlb, type MotoAlb } from '../support/motoAlb';
import { clientConfig, type SandboxIds } from './sandbox';

export const SANDBOX_ALB_NAME = 'goapp-alb';
export const SANDBOX_BLUE = 'goapp-blue';
export const SANDBOX_GREEN = 'goapp-green';
/** The groups' deregistration delay in the sandbox. */
export const SANDBOX_DRAIN_SECONDS = 5;
const REGION = 'us-east-1';
const MEMBERS: Readonly<Record<string, readonly string[]>> = { [SANDBOX_BLUE]: ['goapp-web', 'goapp-2'], [SANDBOX_GREEN]: ['goapp-3'] };

export interface SandboxAlb {
  readonly alb: MotoAlb;
  readonly stand: AlbStandIn;
  /** http://127.0.0.1:PORT: the load balancer's address. */
  readonly url: string;
  /** The deploy file's `loadBalancer` section for this listener (YAML lines). */
  readonly deployFileSection: string;
  stop(): Promise<void>;
}

export async function startSandboxAlb(motoEndpoint: string, ids: SandboxIds, hosts: SandboxHosts, o: { readonly port?: number } = {}): Promise<SandboxAlb> {
  const alb = await createMotoAlb(motoEndpoint, {
    instances: 0,
    region: REGION,
    name: SANDBOX_ALB_NAME,
    groups: [SANDBOX_BLUE, SANDBOX_GREEN],
    existing: { vpcId: ids.vpcId, subnetIds: [ids.publicSubnetId, ids.privateSubnetIds[1] ?? ids.privateSubnetIds[0]], instanceIds: [] },
  });
  const elb = new ElasticLoadBalancingV2Client(clientConfig(motoEndpoint, REGION));
  try {
    for (const g of alb.targetGroups) {
      await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: g.arn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(SANDBOX_DRAIN_SECONDS) }] }));
      await elb.send(new RegisterTargetsCommand({ TargetGroupArn: g.arn, Targets: (MEMBERS[g.name] ?? []).map((name) => ({ Id: ids.instances[name], Port: 8080 })) }));
    }
  } finally {
    elb.destroy();
  }
  const socketOf = new Map(hosts.hosts.map((h) => [h.instanceId, h.appSocket]));
  const stand = await startAlbStandIn({
    endpoint: motoEndpoint,
    region: REGION,
    listenerArn: alb.listenerArn,
    ...(o.port ? { port: o.port } : {}),
    connect: (t) => {
      const socket = socketOf.get(t.id);
      if (socket) return net.connect(socket);
      // A target that is no sandbox host: refused, which the stand-in answers 502 as ALB does.
      return net.connect({ host: '127.0.0.1', port: 9 });
    },
  });
  const deployFileSection = ['loadBalancer:', `  listener: ${alb.listenerArn}`, `  targetGroups: [${SANDBOX_BLUE}, ${SANDBOX_GREEN}]`].join('\n');
  return {
    alb,
    stand,
    url: stand.url,
    deployFileSection,
    stop: async () => {
      await stand.stop();
      alb.close();
    },
  };
}
