/**
 * The AWS reads of a static diagnosis: one call per resource type, batched by ids, in parallel.
 *   round 1: the instance (its interfaces come with it) ‖ the DB (a cluster: its writer too)
 *   round 2: groups ‖ subnets ‖ network ACLs ‖ route tables ‖ the VPC's DNS resolution attribute
 *            (and its DNS hostnames attribute, which matters for a publicly accessible DB only)
 *   then, only when a rule names one, the entries of each prefix list;
 *   then, only when a route goes through a transit gateway, its attachments and route tables
 *   (transitGatewayReads.ts: 1 + one search per TGW route table and address).
 * The DB's own interface is not read: its name's DNS answer (a private RDS name resolves to its
 * private address from anywhere) placed in a subnet of its subnet group tells address and subnet.
 */
import { lookup } from 'node:dns/promises';
import {
  DescribeInstancesCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  GetManagedPrefixListEntriesCommand,
  type EC2Client,
  type Instance,
  type NetworkAcl as Ec2NetworkAcl,
  type RouteTable as Ec2RouteTable,
  type Subnet as Ec2Subnet,
} from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, type DBInstance, type RDSClient } from '@aws-sdk/client-rds';
import { isCancellation } from '../errors';
import { t } from '../l10n';
import { toSecurityGroup } from '../aws/link/sdkLinkApi';
import { routeTableHead } from '../aws/ec2';
import { toDbCluster, toDbInstance } from '../aws/rds';
import { coverage, parseRange } from './addresses';
import { transitGatewayLegs } from './routes';
import { readTransitGatewayRouting } from './transitGatewayReads';
import type { DiagnosedDatabase, DiagnosedInstance, DiagnosisState, NetworkAcl, RouteTable, Subnet, VpcDns } from './types';

export interface DiagnosisRequest {
  readonly instanceId: string;
  readonly db: { readonly kind: 'instance' | 'cluster'; readonly id: string };
}

/** A name's addresses; the default asks the system resolver and gives up after 2 s. */
export type Resolve = (hostname: string) => Promise<string[]>;

export const systemResolve: Resolve = async (hostname) => {
  const answer = lookup(hostname, { all: true }).then((a) => a.map((x) => x.address));
  const timeout = new Promise<string[]>((resolve) => setTimeout(() => resolve([]), 2000).unref());
  return Promise.race([answer.catch(() => []), timeout]);
};

export interface ReadOptions {
  readonly resolve?: Resolve;
  /** At most this many prefix lists are read (each is one call). */
  readonly maxPrefixLists?: number;
}

function toInstance(i: Instance): DiagnosedInstance {
  const primary = [...(i.NetworkInterfaces ?? [])].sort((a, b) => (a.Attachment?.DeviceIndex ?? 0) - (b.Attachment?.DeviceIndex ?? 0))[0];
  const name = i.Tags?.find((x) => x.Key === 'Name')?.Value;
  return {
    id: i.InstanceId ?? '',
    name: name || undefined,
    state: i.State?.Name ?? 'unknown',
    interfaceId: primary?.NetworkInterfaceId,
    vpcId: primary?.VpcId ?? i.VpcId,
    subnetId: primary?.SubnetId ?? i.SubnetId,
    ipv4: primary?.PrivateIpAddress ?? i.PrivateIpAddress,
    ipv6: (primary?.Ipv6Addresses ?? []).map((a) => a.Ipv6Address ?? '').filter(Boolean),
    groupIds: (primary?.Groups ?? i.SecurityGroups ?? []).map((g) => g.GroupId ?? '').filter(Boolean),
  };
}

interface DbRead {
  readonly db: Omit<DiagnosedDatabase, 'subnetId' | 'ipv4' | 'ipv6' | 'located'>;
  /** The subnet group's subnets, with their zones; and the zone the DB (its writer) is in. */
  readonly subnets: readonly { id: string; zone?: string }[];
  readonly zone?: string;
}

async function readDatabase(rds: RDSClient, region: string, target: DiagnosisRequest['db']): Promise<DbRead | undefined> {
  let placed: DBInstance | undefined;
  let base;
  if (target.kind === 'instance') {
    placed = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: target.id }))).DBInstances?.[0];
    base = placed && toDbInstance(placed, region);
  } else {
    const c = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: target.id }))).DBClusters?.[0];
    const writer = c?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier ?? c?.DBClusterMembers?.[0]?.DBInstanceIdentifier;
    placed = writer ? (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: writer }))).DBInstances?.[0] : undefined;
    const vpc = placed?.DBSubnetGroup?.VpcId;
    base = c && toDbCluster(c, region, new Map(writer && vpc ? [[writer, vpc]] : []));
  }
  if (!base) return undefined;
  return {
    db: {
      id: base.id,
      kind: base.kind,
      engine: base.engine,
      engineVersion: base.engineVersion,
      status: base.status,
      endpoint: base.endpoint,
      publiclyAccessible: base.publiclyAccessible,
      vpcId: base.vpcId ?? placed?.DBSubnetGroup?.VpcId,
      groupIds: base.securityGroupIds,
    },
    subnets: (placed?.DBSubnetGroup?.Subnets ?? []).map((s) => ({ id: s.SubnetIdentifier ?? '', zone: s.SubnetAvailabilityZone?.Name })).filter((s) => s.id),
    zone: placed?.AvailabilityZone,
  };
}

async function notFoundAsUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (/NotFound/.test((err as Error).name ?? '')) return undefined;
    throw err;
  }
}

/** The DB's address and subnet: its DNS answer inside one of its subnets, else the subnet of its zone. */
function placeDatabase(read: DbRead, subnets: readonly Subnet[], addresses: readonly string[]): DiagnosedDatabase {
  const own = subnets.filter((s) => read.subnets.some((r) => r.id === s.id));
  for (const a of addresses) {
    const range = parseRange(a);
    const subnet = range && own.find((s) => [s.cidr, ...s.ipv6Cidrs].some((c) => c && coverage(parseRange(c), range) === 'all'));
    if (subnet && range) {
      const ipv6 = addresses.filter((x) => x.includes(':'));
      return { ...read.db, subnetId: subnet.id, ipv4: range.family === 'ipv4' ? a : undefined, ipv6, located: 'dns' };
    }
  }
  const inZone = read.subnets.filter((s) => read.zone && s.zone === read.zone);
  return { ...read.db, subnetId: inZone.length === 1 ? inZone[0].id : undefined, ipv6: [], located: inZone.length === 1 ? 'zone' : undefined };
}

/** Reads everything the static checks look at. Calls that fail leave their checks unknown; a cancel stays a cancel. */
/** 7 calls for a DB instance, 8 for an Aurora cluster (its writer tells the subnet) or a publicly accessible DB; a TGW on the path adds 2–3. */
export async function readDiagnosisState(clients: { ec2: EC2Client; rds: RDSClient }, region: string, request: DiagnosisRequest, options: ReadOptions = {}): Promise<DiagnosisState> {
  const { ec2, rds } = clients;
  const resolve = options.resolve ?? systemResolve;
  let instance: DiagnosedInstance | undefined;
  let dbRead: DbRead | undefined;
  let addresses: string[] = [];
  try {
    [instance, [dbRead, addresses]] = await Promise.all([
      notFoundAsUndefined(ec2.send(new DescribeInstancesCommand({ InstanceIds: [request.instanceId] }))).then((o) => {
        const i = o?.Reservations?.[0]?.Instances?.[0];
        return i ? toInstance(i) : undefined;
      }),
      notFoundAsUndefined(readDatabase(rds, region, request.db)).then(async (d) => [d, d?.db.endpoint ? await resolve(d.db.endpoint.address) : []] as const),
    ]);
  } catch (err) {
    throw isCancellation(err) ? err : new Error(t('Reading the instance and the database failed'), { cause: err });
  }
  if (!instance) throw new Error(t('Instance {0} was not found.', request.instanceId));
  if (!dbRead) throw new Error(t('Database {0} was not found.', request.db.id));

  const groupIds = [...new Set([...instance.groupIds, ...dbRead.db.groupIds])];
  const subnetIds = [...new Set([instance.subnetId, ...dbRead.subnets.map((s) => s.id)].filter((x): x is string => !!x))];
  const vpcIds = [...new Set([instance.vpcId, dbRead.db.vpcId].filter((x): x is string => !!x))];
  const vpcId = instance.vpcId;
  // A read that fails leaves its checks unknown rather than failing the whole diagnosis.
  const soft = <T>(p: Promise<T>): Promise<T | undefined> =>
    p.catch((err: unknown) => {
      if (isCancellation(err)) throw err;
      return undefined;
    });
  const attribute = (Attribute: 'enableDnsSupport' | 'enableDnsHostnames') =>
    vpcId ? soft(ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute }))) : Promise.resolve(undefined);
  const [groupsOut, subnetsOut, aclsOut, tablesOut, dnsSupport, dnsHostnames] = await Promise.all([
    groupIds.length ? soft(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: groupIds }))) : Promise.resolve({ SecurityGroups: [] }),
    subnetIds.length ? soft(ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }))) : Promise.resolve({ Subnets: [] }),
    subnetIds.length ? soft(ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: subnetIds }] }))) : Promise.resolve({ NetworkAcls: [] }),
    vpcIds.length ? soft(ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: vpcIds }] }))) : Promise.resolve({ RouteTables: [] }),
    attribute('enableDnsSupport'),
    // Only a publicly accessible DB's name depends on DNS hostnames (inside the VPC it then resolves to the private address).
    dbRead.db.publiclyAccessible ? attribute('enableDnsHostnames') : Promise.resolve(undefined),
  ]);

  const groups = (groupsOut?.SecurityGroups ?? []).map(toSecurityGroup);
  const subnets: Subnet[] | undefined = subnetsOut?.Subnets?.map(toSubnet);
  const nacls: NetworkAcl[] | undefined = aclsOut?.NetworkAcls?.map(toNetworkAcl);
  const routeTables: RouteTable[] | undefined = tablesOut?.RouteTables?.map(toRouteTable);
  const vpcDns: VpcDns[] | undefined =
    vpcId && dnsSupport ? [{ vpcId, enableDnsSupport: dnsSupport.EnableDnsSupport?.Value, enableDnsHostnames: dnsHostnames?.EnableDnsHostnames?.Value }] : undefined;

  const db = placeDatabase(dbRead, subnets ?? [], addresses);
  const prefixLists = await readPrefixLists(ec2, groups, routeTables ?? [], options.maxPrefixLists ?? 5);
  const read: DiagnosisState = { instance, db, groups, subnets, nacls, routeTables, vpcDns, prefixLists };
  // Only when a route goes through a transit gateway: its attachments and route tables.
  const legs = transitGatewayLegs(read);
  return legs.length ? { ...read, transitGateways: await readTransitGatewayRouting(ec2, legs, vpcIds) } : read;
}

function toSubnet(s: Ec2Subnet): Subnet {
  return {
    id: s.SubnetId ?? '',
    vpcId: s.VpcId ?? '',
    cidr: s.CidrBlock,
    ipv6Cidrs: (s.Ipv6CidrBlockAssociationSet ?? []).map((a) => a.Ipv6CidrBlock ?? '').filter(Boolean),
    availabilityZone: s.AvailabilityZone,
  };
}

function toNetworkAcl(a: Ec2NetworkAcl): NetworkAcl {
  return {
    id: a.NetworkAclId ?? '',
    vpcId: a.VpcId ?? '',
    isDefault: a.IsDefault ?? false,
    subnetIds: (a.Associations ?? []).map((x) => x.SubnetId ?? '').filter(Boolean),
    entries: (a.Entries ?? []).map((e) => ({
      ruleNumber: e.RuleNumber ?? 32767,
      protocol: e.Protocol ?? '-1',
      action: e.RuleAction === 'allow' ? 'allow' : 'deny',
      egress: e.Egress ?? false,
      cidr: e.CidrBlock,
      ipv6Cidr: e.Ipv6CidrBlock,
      fromPort: e.PortRange?.From,
      toPort: e.PortRange?.To,
    })),
  };
}

/** The table's id, VPC, main flag and subnets as creating a DB reads them; its routes with their targets. */
function toRouteTable(r: Ec2RouteTable): RouteTable {
  return {
    ...routeTableHead(r),
    routes: (r.Routes ?? []).map((x) => ({
      destination: x.DestinationCidrBlock ?? x.DestinationIpv6CidrBlock,
      destinationPrefixListId: x.DestinationPrefixListId,
      target: x.GatewayId ?? x.VpcPeeringConnectionId ?? x.TransitGatewayId ?? x.NatGatewayId ?? x.NetworkInterfaceId ?? x.InstanceId ?? x.LocalGatewayId ?? x.CarrierGatewayId ?? x.CoreNetworkArn,
      state: x.State,
    })),
  };
}

/** The entries of the prefix lists that the rules and routes name; a list that cannot be read stays unknown. */
async function readPrefixLists(ec2: EC2Client, groups: DiagnosisState['groups'], tables: readonly RouteTable[], max: number): Promise<Map<string, string[]>> {
  const ids = new Set<string>();
  for (const g of groups) for (const r of [...g.ingress, ...g.egress]) for (const p of r.prefixListIds) ids.add(p);
  for (const tb of tables) for (const r of tb.routes) if (r.destinationPrefixListId) ids.add(r.destinationPrefixListId);
  const out = new Map<string, string[]>();
  await Promise.all(
    [...ids].slice(0, max).map(async (id) => {
      try {
        const entries = (await ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: id }))).Entries ?? [];
        out.set(id, entries.map((e) => e.Cidr ?? '').filter(Boolean));
      } catch (err) {
        if (isCancellation(err)) throw err;
      }
    }),
  );
  return out;
}
