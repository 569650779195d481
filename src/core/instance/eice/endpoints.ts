/**
 * Which EC2 Instance Connect Endpoint reaches an instance: the VPC's usable endpoints, the one in
 * the instance's subnet first, then one in its AZ, then any in the VPC (an endpoint reaches the
 * whole VPC; the same subnet or AZ keeps the traffic out of other zones).
 */
import { DescribeInstanceConnectEndpointsCommand, type EC2Client, type Ec2InstanceConnectEndpoint, type Filter } from '@aws-sdk/client-ec2';
import { isAccessDenied } from '../../aws/awsErrors';
import { t } from '../../l10n';

/**
 * States in which an endpoint opens tunnels: `create-complete`, and the update states that the
 * AWS CLI also accepts (an endpoint being updated, or whose update failed, still serves).
 */
export const USABLE_ENDPOINT_STATES: readonly string[] = ['create-complete', 'update-in-progress', 'update-complete', 'update-failed'];

export interface InstanceConnectEndpoint {
  readonly id: string;
  readonly dnsName: string;
  readonly fipsDnsName?: string;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly availabilityZone?: string;
  readonly securityGroupIds: readonly string[];
  readonly state: string;
  /** The endpoint's tags (RDS Link's own say it made the endpoint, and which rule it added). */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Where the instance is, as DescribeInstances says. */
export interface EndpointPlacement {
  readonly vpcId: string;
  readonly subnetId?: string;
  readonly availabilityZone?: string;
}

export interface EndpointChoice {
  readonly endpoint: InstanceConnectEndpoint;
  /** Why this one: in the instance's subnet, its AZ, or only its VPC. */
  readonly match: 'subnet' | 'availabilityZone' | 'vpc';
}

/** The endpoint as the product takes it; undefined for an answer without its id, DNS name, VPC or subnet. */
export function toEndpoint(e: Ec2InstanceConnectEndpoint): InstanceConnectEndpoint | undefined {
  if (!e.InstanceConnectEndpointId || !e.DnsName || !e.VpcId || !e.SubnetId) return undefined;
  return {
    id: e.InstanceConnectEndpointId,
    dnsName: e.DnsName,
    ...(e.FipsDnsName ? { fipsDnsName: e.FipsDnsName } : {}),
    vpcId: e.VpcId,
    subnetId: e.SubnetId,
    ...(e.AvailabilityZone ? { availabilityZone: e.AvailabilityZone } : {}),
    securityGroupIds: e.SecurityGroupIds ?? [],
    state: e.State ?? '',
    tags: Object.fromEntries((e.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
  };
}

/** Every endpoint DescribeInstanceConnectEndpoints gives for `filters`, all pages. */
export async function describeInstanceConnectEndpoints(ec2: EC2Client, filters: readonly Filter[]): Promise<InstanceConnectEndpoint[]> {
  const out: InstanceConnectEndpoint[] = [];
  // Pages by hand: this module ships in dist/db.js, and an SDK paginator there checks that the
  // client is an instance of its own bundle's EC2Client, which dist/aws.js's client is not.
  let token: string | undefined;
  do {
    const page = await ec2.send(new DescribeInstanceConnectEndpointsCommand({ Filters: [...filters], ...(token ? { NextToken: token } : {}) }));
    for (const e of page.InstanceConnectEndpoints ?? []) {
      const endpoint = toEndpoint(e);
      if (endpoint) out.push(endpoint);
    }
    token = page.NextToken;
  } while (token);
  return out;
}

/** The VPC's endpoints that open tunnels now. */
export async function listInstanceConnectEndpoints(ec2: EC2Client, vpcId: string): Promise<InstanceConnectEndpoint[]> {
  try {
    const all = await describeInstanceConnectEndpoints(ec2, [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'state', Values: [...USABLE_ENDPOINT_STATES] }]);
    // The filter is the server's; a stand-in (or an old answer) may ignore it.
    return all.filter((e) => e.vpcId === vpcId && USABLE_ENDPOINT_STATES.includes(e.state));
  } catch (err) {
    const why = isAccessDenied(err) ? t('access denied: it needs ec2:DescribeInstanceConnectEndpoints') : (err as Error).message;
    throw new Error(t('Listing the EC2 Instance Connect Endpoints of {0} failed: {1}', vpcId, why), { cause: err });
  }
}

/** Pure: the best endpoint for the placement, or undefined when the list has none of its VPC. */
export function chooseInstanceConnectEndpoint(endpoints: readonly InstanceConnectEndpoint[], placement: EndpointPlacement): EndpointChoice | undefined {
  const inVpc = endpoints.filter((e) => e.vpcId === placement.vpcId && USABLE_ENDPOINT_STATES.includes(e.state));
  const bySubnet = placement.subnetId ? inVpc.find((e) => e.subnetId === placement.subnetId) : undefined;
  if (bySubnet) return { endpoint: bySubnet, match: 'subnet' };
  const byAz = placement.availabilityZone ? inVpc.find((e) => e.availabilityZone === placement.availabilityZone) : undefined;
  if (byAz) return { endpoint: byAz, match: 'availabilityZone' };
  return inVpc[0] ? { endpoint: inVpc[0], match: 'vpc' } : undefined;
}

/** DescribeInstanceConnectEndpoints, then the choice; undefined when the VPC has no usable endpoint. */
export async function findInstanceConnectEndpoint(ec2: EC2Client, placement: EndpointPlacement): Promise<EndpointChoice | undefined> {
  return chooseInstanceConnectEndpoint(await listInstanceConnectEndpoints(ec2, placement.vpcId), placement);
}
