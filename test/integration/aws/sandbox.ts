/**
 * Seeds a moto server with a small but realistic account: a VPC with public and private
 * subnets, instances in mixed states (Amazon Linux and Ubuntu) in two regions — goapp-web, goapp-2
 * and goapp-3 running with the tag app=goapp, the hosts a deploy goes to — MySQL DBs (one
 * private with an RDS-managed master secret), an Aurora MySQL cluster and a Postgres DB.
 * Used by the integration tests, the benchmarks and `npm start`.
 */
import {
  CreateSubnetCommand, CreateVpcCommand, DescribeImagesCommand, EC2Client, RunInstancesCommand,
  StopInstancesCommand, TerminateInstancesCommand, type _InstanceType,
} from '@aws-sdk/client-ec2';
import { CreateDBClusterCommand, CreateDBInstanceCommand, CreateDBSubnetGroupCommand, RDSClient } from '@aws-sdk/client-rds';

export interface SandboxIds {
  readonly vpcId: string;
  readonly publicSubnetId: string;
  readonly privateSubnetIds: readonly string[];
  readonly instances: Readonly<Record<string, string>>;
}

export const SANDBOX_REGIONS = ['us-east-1', 'eu-west-1'] as const;

/** The running instances of the app (tag app=goapp, us-east-1): the sandbox hosts a deploy goes to. */
export const SANDBOX_APP_INSTANCES = ['goapp-web', 'goapp-2', 'goapp-3'] as const;

export function clientConfig(endpoint: string, region: string): Record<string, unknown> {
  return { region, endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
}

async function findImage(ec2: EC2Client, pattern: string): Promise<string> {
  const out = await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: [pattern] }] }));
  const id = out.Images?.[0]?.ImageId;
  if (!id) throw new Error(`moto has no image matching ${pattern}`);
  return id;
}

async function run(ec2: EC2Client, name: string, imageId: string, subnetId: string | undefined, type: _InstanceType, extraTags: Record<string, string> = {}): Promise<string> {
  const out = await ec2.send(new RunInstancesCommand({
    ImageId: imageId, MinCount: 1, MaxCount: 1, InstanceType: type, SubnetId: subnetId,
    TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: name }, ...Object.entries(extraTags).map(([Key, Value]) => ({ Key, Value }))] }],
  }));
  return out.Instances?.[0]?.InstanceId ?? '';
}

export async function seedSandbox(endpoint: string): Promise<SandboxIds> {
  const ec2 = new EC2Client(clientConfig(endpoint, 'us-east-1'));
  const rds = new RDSClient(clientConfig(endpoint, 'us-east-1'));
  const eu = new EC2Client(clientConfig(endpoint, 'eu-west-1'));
  try {
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'goapp-vpc' }] }] }));
    const vpcId = vpc.Vpc?.VpcId ?? '';
    const subnet = async (cidr: string, az: string, name: string): Promise<string> =>
      (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az, TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'Name', Value: name }] }] }))).Subnet?.SubnetId ?? '';
    const publicSubnetId = await subnet('10.20.1.0/24', 'us-east-1a', 'public-a');
    const privateA = await subnet('10.20.11.0/24', 'us-east-1a', 'private-a');
    const privateB = await subnet('10.20.12.0/24', 'us-east-1b', 'private-b');

    const amazonLinux = await findImage(ec2, 'amzn*');
    const ubuntu = await findImage(ec2, 'ubuntu*');
    const instances: Record<string, string> = {
      'goapp-web': await run(ec2, 'goapp-web', amazonLinux, publicSubnetId, 't3.micro', { app: 'goapp' }),
      'goapp-worker': await run(ec2, 'goapp-worker', ubuntu, publicSubnetId, 't3.small', { app: 'goapp' }),
      // Two more running instances of the app (Amazon Linux, x86_64): with goapp-web, what a deploy goes to.
      'goapp-2': await run(ec2, 'goapp-2', amazonLinux, publicSubnetId, 't3.micro', { app: 'goapp' }),
      'goapp-3': await run(ec2, 'goapp-3', amazonLinux, publicSubnetId, 't3.micro', { app: 'goapp' }),
      'old-batch': await run(ec2, 'old-batch', amazonLinux, privateA, 't3.nano'),
    };
    await ec2.send(new StopInstancesCommand({ InstanceIds: [instances['goapp-worker']] }));
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instances['old-batch']] }));
    instances['eu-web'] = await run(eu, 'eu-web', await findImage(eu, 'amzn*'), undefined, 't3.micro');

    await rds.send(new CreateDBSubnetGroupCommand({ DBSubnetGroupName: 'goapp-private', DBSubnetGroupDescription: 'Private subnets for the Go app DBs', SubnetIds: [privateA, privateB] }));
    await rds.send(new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'goapp-db', Engine: 'mysql', EngineVersion: '8.0.39', DBInstanceClass: 'db.t3.micro', AllocatedStorage: 20,
      MasterUsername: 'admin', ManageMasterUserPassword: true, DBSubnetGroupName: 'goapp-private', PubliclyAccessible: false, BackupRetentionPeriod: 7,
    }));
    await rds.send(new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'legacy-mysql', Engine: 'mysql', EngineVersion: '8.0.39', DBInstanceClass: 'db.t3.micro', AllocatedStorage: 20,
      MasterUsername: 'admin', MasterUserPassword: 'legacy-password-1', DBSubnetGroupName: 'goapp-private', PubliclyAccessible: true,
    }));
    await rds.send(new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'billing-postgres', Engine: 'postgres', EngineVersion: '16.3', DBInstanceClass: 'db.t3.micro', AllocatedStorage: 20,
      MasterUsername: 'postgres', MasterUserPassword: 'postgres-password-1', DBSubnetGroupName: 'goapp-private',
    }));
    await rds.send(new CreateDBClusterCommand({
      DBClusterIdentifier: 'reports-aurora', Engine: 'aurora-mysql', EngineVersion: '8.0.mysql_aurora.3.05.2',
      MasterUsername: 'admin', MasterUserPassword: 'aurora-password-1', DBSubnetGroupName: 'goapp-private',
    }));
    await rds.send(new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'reports-aurora-1', Engine: 'aurora-mysql', DBInstanceClass: 'db.r6g.large', DBClusterIdentifier: 'reports-aurora', DBSubnetGroupName: 'goapp-private',
    }));
    return { vpcId, publicSubnetId, privateSubnetIds: [privateA, privateB], instances };
  } finally {
    ec2.destroy();
    rds.destroy();
    eu.destroy();
  }
}
