// An Application Load Balancer in moto for the ALB tests and benches: a VPC with two subnets in
// two zones, `instances` running instances (moto checks that a registered instance exists), one
// target group of instance targets per name (HTTP 8080, `/healthz`), and an HTTP listener on port
// 80: one group is forwarded plainly; two or more by ForwardConfig, 100 to the first and 0 to the
// others (the Blue/Green and weighted Canary shape). moto serves the control plane only (it
// answers every registered target "healthy"); the traffic goes through the ALB stand-in
// (albStandIn.ts).
import { CreateSubnetCommand, CreateVpcCommand, DescribeImagesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';

export interface MotoAlb {
  readonly elb: ElasticLoadBalancingV2Client;
  readonly region: string;
  readonly vpcId: string;
  readonly loadBalancerArn: string;
  /** moto's ids of the instances made, in order. */
  readonly instanceIds: readonly string[];
  /** Target group ARN per name. */
  readonly groups: ReadonlyMap<string, string>;
  /** The groups in the order given (blue, green). */
  readonly targetGroups: readonly { readonly arn: string; readonly name: string }[];
  readonly listenerArn: string;
  /** ModifyListener to these weights, by group name (a one-call switch, as Blue/Green does). */
  setWeights(weights: Readonly<Record<string, number>>): Promise<void>;
  close(): void;
}

export interface MotoAlbOptions {
  /** How many instances to run in a VPC of its own; or `existing`. */
  readonly instances: number;
  /** Instead: a VPC, two subnets in two zones and instances that exist already (the sandbox's). */
  readonly existing?: { readonly vpcId: string; readonly subnetIds: readonly [string, string]; readonly instanceIds: readonly string[] };
  readonly groups: readonly string[];
  /** Default us-east-1. */
  readonly region?: string;
  /** Default goapp-alb. */
  readonly name?: string;
}

function defaultAction(arns: readonly string[]): Action[] {
  if (arns.length === 1) return [{ Type: 'forward', TargetGroupArn: arns[0] }];
  return [{ Type: 'forward', ForwardConfig: { TargetGroups: arns.map((TargetGroupArn, i) => ({ TargetGroupArn, Weight: i === 0 ? 100 : 0 })) } }];
}

/** A VPC of its own with two subnets in two zones and `count` running instances in the first. */
async function network(ec2: EC2Client, region: string, count: number): Promise<{ vpcId: string; subnets: string[]; instanceIds: string[] }> {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }))).Vpc?.VpcId ?? '';
  const subnets = await Promise.all(['a', 'b'].map(async (az, i) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.30.${i}.0/24`, AvailabilityZone: `${region}${az}` }))).Subnet?.SubnetId ?? ''));
  const image = (await ec2.send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId ?? '';
  const run = await ec2.send(new RunInstancesCommand({ ImageId: image, MinCount: count, MaxCount: count, SubnetId: subnets[0] }));
  return { vpcId, subnets, instanceIds: (run.Instances ?? []).map((i) => i.InstanceId ?? '') };
}

export async function createMotoAlb(endpoint: string, options: MotoAlbOptions): Promise<MotoAlb> {
  const region = options.region ?? 'us-east-1';
  const config = { endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const ec2 = new EC2Client(config);
  const elb = new ElasticLoadBalancingV2Client(config);
  try {
    const { vpcId, subnets, instanceIds } = options.existing ? { ...options.existing, subnets: [...options.existing.subnetIds], instanceIds: [...options.existing.instanceIds] } : await network(ec2, region, options.instances);
    const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: options.name ?? 'goapp-alb', Subnets: subnets, Type: 'application', Scheme: 'internet-facing' }))).LoadBalancers?.[0];
    const targetGroups: { arn: string; name: string }[] = [];
    for (const name of options.groups) {
      const made = await elb.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 8080, VpcId: vpcId, TargetType: 'instance', HealthCheckPath: '/healthz' }));
      targetGroups.push({ arn: made.TargetGroups?.[0]?.TargetGroupArn ?? '', name });
    }
    const groups = new Map(targetGroups.map((g) => [g.name, g.arn]));
    const listener = await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb?.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: defaultAction(targetGroups.map((g) => g.arn)) }));
    const listenerArn = listener.Listeners?.[0]?.ListenerArn ?? '';
    return {
      elb,
      region,
      vpcId,
      loadBalancerArn: lb?.LoadBalancerArn ?? '',
      instanceIds,
      groups,
      targetGroups,
      listenerArn,
      setWeights: async (weights) => {
        await elb.send(new ModifyListenerCommand({
          ListenerArn: listenerArn,
          DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: Object.entries(weights).map(([name, Weight]) => ({ TargetGroupArn: groups.get(name), Weight })) } }],
        }));
      },
      close: () => elb.destroy(),
    };
  } catch (err) {
    elb.destroy();
    throw err;
  } finally {
    ec2.destroy();
  }
}
