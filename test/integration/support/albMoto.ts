// An Application Load Balancer in moto (ELBv2 control plane only: moto answers every registered
// target "healthy" and forwards nothing): a VPC with two subnets in two zones, the load balancer,
// two target groups of instance targets, and an HTTP listener that forwards 100/0 to them.
import { CreateSubnetCommand, CreateVpcCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { clientConfig } from '../aws/sandbox';

export interface MotoAlb {
  readonly vpcId: string;
  readonly loadBalancerArn: string;
  readonly listenerArn: string;
  /** [blue, green]. */
  readonly targetGroups: readonly { readonly arn: string; readonly name: string }[];
  /** `count` running instances in the VPC (moto checks that a registered instance exists). */
  readonly instanceIds: readonly string[];
}

export async function createMotoAlb(endpoint: string, region: string, o: { readonly name: string; readonly instances: number }): Promise<MotoAlb> {
  const ec2 = new EC2Client(clientConfig(endpoint, region));
  const elb = new ElasticLoadBalancingV2Client(clientConfig(endpoint, region));
  try {
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc?.VpcId ?? '';
    const subnets = await Promise.all(
      ['a', 'b'].map(async (zone, i) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.20.${i}.0/24`, AvailabilityZone: `${region}${zone}` }))).Subnet?.SubnetId ?? ''),
    );
    const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: o.instances, MaxCount: o.instances, SubnetId: subnets[0] }));
    const instanceIds = (run.Instances ?? []).map((i) => i.InstanceId ?? '');
    const lb = await elb.send(new CreateLoadBalancerCommand({ Name: o.name, Subnets: subnets, Type: 'application', Scheme: 'internet-facing' }));
    const loadBalancerArn = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    const targetGroups = await Promise.all(
      ['blue', 'green'].map(async (side) => {
        const name = `${o.name}-${side}`;
        const g = await elb.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 8080, VpcId: vpcId, TargetType: 'instance', HealthCheckPath: '/healthz' }));
        return { arn: g.TargetGroups?.[0]?.TargetGroupArn ?? '', name };
      }),
    );
    const listener = await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: loadBalancerArn,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: targetGroups[0].arn, Weight: 100 }, { TargetGroupArn: targetGroups[1].arn, Weight: 0 }] } }],
      }),
    );
    return { vpcId, loadBalancerArn, listenerArn: listener.Listeners?.[0]?.ListenerArn ?? '', targetGroups, instanceIds };
  } finally {
    ec2.destroy();
    elb.destroy();
  }
}
