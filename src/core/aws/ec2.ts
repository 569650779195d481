/** EC2 instances: listing with the SDK paginator at the largest page size, start and stop, release tags; the route-table head every reader shares. */
import {
  paginateDescribeInstances,
  StartInstancesCommand,
  StopInstancesCommand,
  DescribeInstancesCommand,
  DescribeImagesCommand,
  GetConsoleOutputCommand,
  CreateTagsCommand,
  type EC2Client,
  type Instance,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { t } from '../l10n';
import { MAX_TAG_VALUE_LENGTH, releaseTagValues, type ReleaseStamp } from './releaseTags';
import type { Ec2Instance, InstanceState, RouteTableHead } from './types';

/** DescribeInstances' largest page: N instances cost ceil(N / 1000) calls. */
export const EC2_PAGE_SIZE = 1000;

const knownStates: readonly InstanceState[] = ['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'];

/** Pure: an SDK Instance as our domain type. */
export function toEc2Instance(i: Instance, region: string): Ec2Instance {
  const tags: Record<string, string> = {};
  for (const tag of i.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
  const stateName = i.State?.Name as InstanceState | undefined;
  const networkInterfaces = (i.NetworkInterfaces ?? [])
    .map((n) => ({
      id: n.NetworkInterfaceId ?? '',
      deviceIndex: n.Attachment?.DeviceIndex ?? 0,
      securityGroupIds: (n.Groups ?? []).map((g) => g.GroupId ?? '').filter(Boolean),
      subnetId: n.SubnetId,
      vpcId: n.VpcId,
    }))
    .sort((a, b) => a.deviceIndex - b.deviceIndex);
  return {
    region,
    id: i.InstanceId ?? '',
    name: tags.Name || undefined,
    state: stateName && knownStates.includes(stateName) ? stateName : 'unknown',
    type: i.InstanceType,
    privateIp: i.PrivateIpAddress || undefined,
    publicIp: i.PublicIpAddress || undefined,
    vpcId: i.VpcId || undefined,
    subnetId: i.SubnetId || undefined,
    imageId: i.ImageId,
    platform: i.PlatformDetails ?? i.Platform,
    architecture: i.Architecture,
    launchTime: i.LaunchTime,
    tags,
    networkInterfaces,
    securityGroupIds: (i.SecurityGroups ?? []).map((g) => g.GroupId ?? '').filter(Boolean),
  };
}

export function isTransitional(state: InstanceState): boolean {
  return state === 'pending' || state === 'stopping' || state === 'shutting-down';
}

export async function listInstances(client: EC2Client, region: string, pageSize = EC2_PAGE_SIZE): Promise<Ec2Instance[]> {
  const out: Ec2Instance[] = [];
  for await (const page of paginateDescribeInstances({ client, pageSize }, {})) {
    for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) out.push(toEc2Instance(i, region));
  }
  return out.sort((a, b) => (a.name ?? a.id).localeCompare(b.name ?? b.id));
}

export async function describeInstance(client: EC2Client, region: string, id: string): Promise<Ec2Instance | undefined> {
  const out = await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  const i = out.Reservations?.[0]?.Instances?.[0];
  return i ? toEc2Instance(i, region) : undefined;
}

export async function startInstance(client: EC2Client, id: string): Promise<void> {
  await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
}

export async function stopInstance(client: EC2Client, id: string): Promise<void> {
  await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
}

/**
 * AMI names by image id (for guessing the OS user: "ubuntu/images/…", "al2023-ami-…"). Images
 * that are gone or not shared with the account are simply missing from the map.
 */
export async function describeImageNames(client: EC2Client, imageIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(imageIds.filter(Boolean))];
  const names = new Map<string, string>();
  if (ids.length === 0) return names;
  const out = await client.send(new DescribeImagesCommand({ ImageIds: ids }));
  for (const image of out.Images ?? []) if (image.ImageId && image.Name) names.set(image.ImageId, image.Name);
  return names;
}

/**
 * The instance's console output as text (GetConsoleOutput answers base64); '' when EC2 has none
 * yet, which is normal for a few minutes after boot. cloud-init prints the SSH host keys' fingerprints there.
 */
export async function readConsoleOutput(client: EC2Client, instanceId: string): Promise<string> {
  const out = await client.send(new GetConsoleOutputCommand({ InstanceId: instanceId }));
  return out.Output ? Buffer.from(out.Output, 'base64').toString('utf8') : '';
}

/** CreateTags takes at most 1000 resource ids per call. */
const CREATE_TAGS_MAX_RESOURCES = 1000;

/**
 * Tags each instance with the service, the release it now runs and when it got it (CreateTags
 * overwrites the previous release's values). Refuses, before any call, a value EC2 would refuse.
 */
export async function tagReleases(client: EC2Client, instanceIds: readonly string[], stamp: ReleaseStamp): Promise<void> {
  const ids = [...new Set(instanceIds.filter(Boolean))];
  if (ids.length === 0) return;
  const values = Object.entries(releaseTagValues(stamp));
  for (const [key, value] of values) {
    if (!value || value.length > MAX_TAG_VALUE_LENGTH) throw new Error(t('The tag {0} cannot be "{1}": EC2 takes 1 to {2} characters.', key, value, MAX_TAG_VALUE_LENGTH));
  }
  const Tags = values.map(([Key, Value]) => ({ Key, Value }));
  for (let start = 0; start < ids.length; start += CREATE_TAGS_MAX_RESOURCES) {
    const Resources = ids.slice(start, start + CREATE_TAGS_MAX_RESOURCES);
    try {
      await client.send(new CreateTagsCommand({ Resources, Tags }));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(t('Tagging {0} with release {1} failed: {2}', Resources.join(', '), stamp.release, reason), { cause: err });
    }
  }
}

/** A route table's id, VPC, main flag and associated subnets, as EC2 describes them. */
export function routeTableHead(r: RouteTable): RouteTableHead {
  return {
    id: r.RouteTableId ?? '',
    vpcId: r.VpcId ?? '',
    main: (r.Associations ?? []).some((a) => a.Main),
    subnetIds: (r.Associations ?? []).map((a) => a.SubnetId ?? '').filter(Boolean),
  };
}
