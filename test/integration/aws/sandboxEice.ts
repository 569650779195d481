/**
 * The sandbox's instance without a public address, reached as production instances are: through
 * an EC2 Instance Connect Endpoint. Used by `npm start` and, behind an option, the e2e sandbox.
 *
 * - moto gets `goapp-private` (Amazon Linux, running) in the private subnet private-a, with no
 *   public IP, its own security group allowing TCP 22 from the endpoint's group (as AWS requires),
 *   and the endpoint's group;
 * - the EC2 shim (support/ec2Shim.ts) answers DescribeInstanceConnectEndpoints for one endpoint in
 *   that subnet and passes every other call to moto unchanged; the extension's rdsLink.endpointUrl
 *   points at the shim, so the tunnel's websocket goes there too;
 * - the EICE stand-in (support/eiceStandIn.ts) behind the shim checks the presigned URL with the
 *   sandbox's credentials and pipes the private IP's port 22 to the instances' SSH stand-in.
 *
 * With `withoutEndpoint` the shim starts with no endpoint at all: goapp-vpc has none, so the route
 * decision ends in the offer to create one (the e2e of the offer, test/e2e/eiceOffer.test.ts);
 * the endpoint the shim then creates is mounted on the stand-in, which routes the same private IP.
 *
 * The other instances keep rdsLink.ssh.hostOverride; goapp-private is listed in
 * rdsLink.ssh.hostOverrides with an empty value (no override: reached itself, so through the
 * endpoint).
 */
import {
  AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, DescribeImagesCommand, DescribeInstancesCommand, EC2Client, RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { startEc2Shim, startEiceStandIn, type Ec2Shim, type EiceStandIn, type ShimEndpoint } from '../support';
import { clientConfig, type SandboxIds } from './sandbox';

export const SANDBOX_PRIVATE_INSTANCE = 'goapp-private';
const REGION = 'us-east-1';
const ENDPOINT_ID = 'eice-0a5a4db0c1e2f3a4b';

export interface SandboxEice {
  readonly shim: Ec2Shim;
  readonly standIn: EiceStandIn;
  readonly instanceId: string;
  readonly privateIp: string;
  /** The instance's own security group (22 from the endpoint's group). */
  readonly instanceGroupId: string;
  /** The endpoint the sandbox seeds in private-a; absent with `withoutEndpoint`. */
  readonly endpoint?: ShimEndpoint;
  /** The endpoint's security group (goapp-eice; goapp-private allows 22 from it). */
  readonly endpointGroupId: string;
  /** The user settings that route the extension through the shim (on top of the sandbox's). */
  settings(base: Readonly<Record<string, unknown>>): Record<string, unknown>;
  stop(): Promise<void>;
}

export interface SandboxEiceOptions {
  readonly motoEndpoint: string;
  readonly ids: SandboxIds;
  /** The instances' SSH stand-in, where the endpoint's tunnel to port 22 goes. */
  readonly ssh: { readonly host: string; readonly port: number };
  /** The keys the sandbox profile signs with (moto takes any; the stand-in checks these). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Seed no endpoint: goapp-vpc has none until one is created through the shim. */
  readonly withoutEndpoint?: boolean;
}

/** goapp-private and the two groups, in moto. */
async function seedPrivateInstance(motoEndpoint: string, ids: SandboxIds): Promise<{ instanceId: string; privateIp: string; subnetId: string; instanceGroupId: string; endpointGroupId: string }> {
  const ec2 = new EC2Client(clientConfig(motoEndpoint, REGION));
  try {
    const group = async (name: string, description: string): Promise<string> =>
      (await ec2.send(new CreateSecurityGroupCommand({ VpcId: ids.vpcId, GroupName: name, Description: description }))).GroupId ?? '';
    const endpointGroupId = await group('goapp-eice', 'EC2 Instance Connect Endpoint of goapp-vpc');
    const instanceGroupId = await group('goapp-private', 'goapp-private: SSH from the EC2 Instance Connect Endpoint only');
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: instanceGroupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: endpointGroupId, Description: 'SSH from the EC2 Instance Connect Endpoint' }] }],
    }));
    const images = await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['amzn*'] }] }));
    const subnetId = ids.privateSubnetIds[0];
    const run = await ec2.send(new RunInstancesCommand({
      ImageId: images.Images?.[0]?.ImageId, MinCount: 1, MaxCount: 1, InstanceType: 't3.micro',
      NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetId, AssociatePublicIpAddress: false, Groups: [instanceGroupId] }],
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: SANDBOX_PRIVATE_INSTANCE }] }],
    }));
    const instanceId = run.Instances?.[0]?.InstanceId ?? '';
    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    const instance = described.Reservations?.[0]?.Instances?.[0];
    if (!instance?.PrivateIpAddress) throw new Error(`sandbox: ${SANDBOX_PRIVATE_INSTANCE} has no private IP`);
    if (instance.PublicIpAddress) throw new Error(`sandbox: moto gave ${SANDBOX_PRIVATE_INSTANCE} a public IP (${instance.PublicIpAddress})`);
    return { instanceId, privateIp: instance.PrivateIpAddress, subnetId, instanceGroupId, endpointGroupId };
  } finally {
    ec2.destroy();
  }
}

export async function startSandboxEice(options: SandboxEiceOptions): Promise<SandboxEice> {
  const seeded = await seedPrivateInstance(options.motoEndpoint, options.ids);
  const endpoint: ShimEndpoint = {
    id: ENDPOINT_ID,
    dnsName: `${ENDPOINT_ID}.5a4db0c1.ec2-instance-connect-endpoint.${REGION}.amazonaws.com`,
    vpcId: options.ids.vpcId,
    subnetId: seeded.subnetId,
    availabilityZone: `${REGION}a`,
    securityGroupIds: [seeded.endpointGroupId],
  };
  const seededEndpoints = options.withoutEndpoint ? [] : [endpoint];
  const standIn = await startEiceStandIn({
    endpoints: seededEndpoints,
    credentials: options.credentials,
    region: REGION,
    // The endpoint's view of the VPC: the private instance's port 22 is the SSH stand-in.
    route: (ip, port) => (ip === seeded.privateIp && port === 22 ? options.ssh : undefined),
  });
  let shim: Ec2Shim;
  try {
    shim = await startEc2Shim({ moto: options.motoEndpoint, endpoints: seededEndpoints, tunnel: standIn });
  } catch (err) {
    await standIn.stop();
    throw err;
  }
  const started = shim;
  return {
    shim: started,
    standIn,
    instanceId: seeded.instanceId,
    privateIp: seeded.privateIp,
    instanceGroupId: seeded.instanceGroupId,
    endpointGroupId: seeded.endpointGroupId,
    ...(options.withoutEndpoint ? {} : { endpoint }),
    settings: (base) => ({
      'rdsLink.endpointUrl': started.endpoint,
      'rdsLink.ssh.hostOverrides': { ...((base['rdsLink.ssh.hostOverrides'] as Record<string, string> | undefined) ?? {}), [seeded.instanceId]: '' },
    }),
    async stop() {
      await started.stop();
      await standIn.stop();
    },
  };
}
