/**
 * Domain types for what the extension reads from AWS. The SDK shapes stay inside src/core/aws;
 * everything above it (trees, planner, commands) works with these.
 */

export type InstanceState = 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated' | 'unknown';

export interface NetworkInterface {
  readonly id: string;
  /** 0 is the primary interface: the one the console's link attaches its group to. */
  readonly deviceIndex: number;
  readonly securityGroupIds: readonly string[];
  readonly subnetId?: string;
  readonly vpcId?: string;
}

export interface Ec2Instance {
  readonly region: string;
  readonly id: string;
  /** The Name tag, when there is one. */
  readonly name?: string;
  readonly state: InstanceState;
  readonly type?: string;
  readonly privateIp?: string;
  readonly publicIp?: string;
  readonly vpcId?: string;
  readonly subnetId?: string;
  readonly imageId?: string;
  /** e.g. "Linux/UNIX", "Ubuntu Pro", "windows" (PlatformDetails or Platform). */
  readonly platform?: string;
  /** EC2's name of the CPU architecture: "x86_64", "arm64" (what a deploy builds for). */
  readonly architecture?: string;
  readonly launchTime?: Date;
  readonly tags: Readonly<Record<string, string>>;
  readonly networkInterfaces: readonly NetworkInterface[];
  /** Groups as the instance reports them (for the primary interface, usually the same set). */
  readonly securityGroupIds: readonly string[];
}

export type RdsKind = 'instance' | 'cluster';

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export interface RdsDatabase {
  readonly region: string;
  readonly kind: RdsKind;
  /** DBInstanceIdentifier or DBClusterIdentifier. */
  readonly id: string;
  readonly arn?: string;
  readonly engine: string;
  readonly engineVersion?: string;
  readonly status: string;
  readonly endpoint?: Endpoint;
  /** Aurora clusters only. */
  readonly readerEndpoint?: Endpoint;
  /** Undefined when AWS (or moto, for a DB without a subnet group) reports none. */
  readonly vpcId?: string;
  readonly publiclyAccessible: boolean;
  readonly securityGroupIds: readonly string[];
  readonly masterUsername?: string;
  /** Secrets Manager ARN of the RDS-managed master password, when it is managed. */
  readonly masterUserSecretArn?: string;
  readonly iamAuthEnabled: boolean;
  readonly instanceClass?: string;
  /** For a DB instance that belongs to an Aurora cluster. */
  readonly clusterId?: string;
  /** For a cluster: its member instance ids. */
  readonly memberIds?: readonly string[];
  readonly backupRetentionPeriod?: number;
  /** DB instances: their tags as DescribeDBInstances lists them (Delete… is offered on ours only). */
  readonly tags?: Readonly<Record<string, string>>;
  readonly deletionProtection?: boolean;
}

export interface SecurityGroupRule {
  /** e.g. "tcp", or "-1" for all. */
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  /** The peer security group, for a group-to-group rule. */
  readonly peerGroupId?: string;
  readonly cidrs: readonly string[];
  readonly ipv6Cidrs: readonly string[];
  readonly prefixListIds: readonly string[];
  readonly description?: string;
}

export interface SecurityGroup {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly vpcId?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly ingress: readonly SecurityGroupRule[];
  readonly egress: readonly SecurityGroupRule[];
}

/** Engines that speak the MySQL protocol: the ones we link and create schemas for. */
export function isMysqlFamily(engine: string): boolean {
  return engine === 'mysql' || engine === 'mariadb' || engine === 'aurora-mysql' || engine === 'aurora';
}

/** What every reader of a route table needs: which VPC, whether it is the main one, the subnets associated with it. */
export interface RouteTableHead {
  readonly id: string;
  readonly vpcId: string;
  readonly main: boolean;
  readonly subnetIds: readonly string[];
}

/** An ALB/NLB target group (ELBv2), as the deploy and the EC2 view need it. */
export interface TargetGroup {
  readonly arn: string;
  readonly name: string;
  /** "instance", "ip", "lambda", "alb": only instance groups hold EC2 instances by id. */
  readonly targetType?: string;
  readonly protocol?: string;
  readonly port?: number;
  readonly vpcId?: string;
  readonly loadBalancerArns: readonly string[];
}

/** ELBv2's target states: initial, healthy, unhealthy, unused, draining, unavailable, unhealthy.draining. */
export type TargetState = string;

/** One registration of an instance in a target group, with its health. */
export interface TargetHealth {
  readonly targetGroupArn: string;
  readonly targetGroupName: string;
  readonly instanceId: string;
  readonly port?: number;
  readonly state: TargetState;
  /** Elb.InitialHealthChecking, Target.FailedHealthChecks, …; absent when healthy. */
  readonly reason?: string;
  readonly description?: string;
  /** The group's weight in each listener that splits its traffic between groups (absent: none, or not read). */
  readonly shares?: readonly ForwardShare[];
}

/** A target group's weight in one listener's forward to two or more groups. */
export interface ForwardShare {
  readonly listenerArn: string;
  readonly listenerPort?: number;
  /** 0–999. */
  readonly weight: number;
  /** The forward's weights summed: the group's share of the traffic is weight / totalWeight. */
  readonly totalWeight: number;
}
