// An Application Load Balancer in moto for the ALB tests and benches: a VPC with two subnets,
// `instances` running instances, one target group per name (HTTP 8080, `/healthz`), and an HTTP
// listener on port 80 forwarding to the first group. moto serves the control plane only; the
// traffic goes through the ALB stand-in (albStandIn.ts).
import { CreateSubnetCommand, CreateVpcCommand, DescribeImagesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';

export interface MotoAlb {
  readonly elb: ElasticLoadBalancingV2Client;
  readonly vpcId: string;
  /** moto's ids of the instances made, in order. */
  readonly instanceIds: readonly string[];
  /** Target group ARN per name. */
  readonly groups: ReadonlyMap<string, string>;
  readonly listenerArn: string;
  /** ModifyListener to these weights, by group name (a one-call switch, as Blue/Green does). */
  setWeights(weights: Readonly<Record<string, number>>): Promise<void>;
  close(): void;
}

export async function createMotoAlb(endpoint: string, options: { readonly instances: number; readonly groups: readonly string[]; readonly region?: string }): Promise<MotoAlb> {
  const region = options.region ?? 'us-east-1';
  const config = { endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const ec2 = new EC2Client(config);
  const elb = new ElasticLoadBalancingV2Client(config);
  try {
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }))).Vpc?.VpcId ?? '';
    const subnets = await Promise.all(['a', 'b'].map(async (az, i) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.30.${i}.0/24`, AvailabilityZone: `${region}${az}` }))).Subnet?.SubnetId ?? ''));
    const image = (await ec2.send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId ?? '';
    const run = await ec2.send(new RunInstancesCommand({ ImageId: image, MinCount: options.instances, MaxCount: options.instances, SubnetId: subnets[0] }));
    const instanceIds = (run.Instances ?? []).map((i) => i.InstanceId ?? '');
    const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'goapp-alb', Subnets: subnets }))).LoadBalancers?.[0];
    const groups = new Map<string, string>();
    for (const name of options.groups) {
      const made = await elb.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 8080, VpcId: vpcId, HealthCheckPath: '/healthz' }));
      groups.set(name, made.TargetGroups?.[0]?.TargetGroupArn ?? '');
    }
    const listener = await elb.send(new CreateListenerCommand({
      LoadBalancerArn: lb?.LoadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: groups.get(options.groups[0]) }],
    }));
    const listenerArn = listener.Listeners?.[0]?.ListenerArn ?? '';
    return {
      elb,
      vpcId,
      instanceIds,
      groups,
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
