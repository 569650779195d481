/** The LinkApi over the real SDK clients: one SDK command per method, SDK shapes mapped here. */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSecurityGroups,
  type EC2Client,
  type Filter,
  type IpPermission,
  type NetworkInterface,
  type SecurityGroup as SdkSecurityGroup,
} from '@aws-sdk/client-ec2';
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { describeInstance } from '../ec2';
import { abortable } from '../session';
import { listDatabases, toDbCluster, toDbInstance } from '../rds';
import type { RdsDatabase, SecurityGroup, SecurityGroupRule } from '../types';
import { awsErrorCode } from '../awsErrors';
import type { DbTarget, InterfaceUse, LinkApi, RuleDirection, SecurityGroupFilter } from './types';

/** DescribeSecurityGroups / DescribeNetworkInterfaces accept up to 1000 per page. */
const PAGE_SIZE = 1000;

/** Pure: an SDK security group as our domain type, one rule per peer group and one for addresses. */
export function toSecurityGroup(g: SdkSecurityGroup): SecurityGroup {
  const tags: Record<string, string> = {};
  for (const tag of g.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
  return {
    id: g.GroupId ?? '',
    name: g.GroupName ?? '',
    description: g.Description ?? '',
    vpcId: g.VpcId || undefined,
    tags,
    ingress: (g.IpPermissions ?? []).flatMap(toRules),
    egress: (g.IpPermissionsEgress ?? []).flatMap(toRules),
  };
}

function toRules(p: IpPermission): SecurityGroupRule[] {
  const protocol = p.IpProtocol ?? '-1';
  const ports = protocol === '-1' ? {} : { fromPort: p.FromPort, toPort: p.ToPort };
  const rules: SecurityGroupRule[] = (p.UserIdGroupPairs ?? []).map((pair) => ({
    protocol,
    ...ports,
    peerGroupId: pair.GroupId,
    cidrs: [],
    ipv6Cidrs: [],
    prefixListIds: [],
    description: pair.Description,
  }));
  const cidrs = (p.IpRanges ?? []).map((r) => r.CidrIp ?? '').filter(Boolean);
  const ipv6Cidrs = (p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6 ?? '').filter(Boolean);
  const prefixListIds = (p.PrefixListIds ?? []).map((r) => r.PrefixListId ?? '').filter(Boolean);
  if (cidrs.length || ipv6Cidrs.length || prefixListIds.length) {
    const description = p.IpRanges?.[0]?.Description ?? p.Ipv6Ranges?.[0]?.Description ?? p.PrefixListIds?.[0]?.Description;
    rules.push({ protocol, ...ports, cidrs, ipv6Cidrs, prefixListIds, description });
  }
  return rules;
}

/** Pure: a domain rule as the SDK's IpPermission (descriptions kept: a revoke matches them in moto). */
export function toIpPermission(rule: SecurityGroupRule): IpPermission {
  const d = rule.description;
  const p: IpPermission = { IpProtocol: rule.protocol };
  if (rule.protocol !== '-1') {
    p.FromPort = rule.fromPort;
    p.ToPort = rule.toPort;
  }
  if (rule.peerGroupId) p.UserIdGroupPairs = [{ GroupId: rule.peerGroupId, Description: d }];
  if (rule.cidrs.length) p.IpRanges = rule.cidrs.map((c) => ({ CidrIp: c, Description: d }));
  if (rule.ipv6Cidrs.length) p.Ipv6Ranges = rule.ipv6Cidrs.map((c) => ({ CidrIpv6: c, Description: d }));
  if (rule.prefixListIds.length) p.PrefixListIds = rule.prefixListIds.map((id) => ({ PrefixListId: id, Description: d }));
  return p;
}

function toInterfaceUse(n: NetworkInterface): InterfaceUse {
  return {
    id: n.NetworkInterfaceId ?? '',
    groupIds: (n.Groups ?? []).map((g) => g.GroupId ?? '').filter(Boolean),
    instanceId: n.Attachment?.InstanceId,
    requesterManaged: n.RequesterManaged,
    requesterId: n.RequesterId,
    description: n.Description,
  };
}

function notFound(err: unknown): boolean {
  return /NotFound/.test(awsErrorCode(err));
}

/** One DB instance, or one cluster with its VPC taken from a member; undefined when there is none. */
async function describeDatabase(rds: RDSClient, r: string, target: DbTarget): Promise<RdsDatabase | undefined> {
  if (target.kind === 'instance') {
    const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: target.id }));
    const d = out.DBInstances?.[0];
    return d ? toDbInstance(d, r) : undefined;
  }
  const out = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: target.id }));
  const c = out.DBClusters?.[0];
  if (!c) return undefined;
  // A cluster names its subnet group only; a member knows the VPC.
  const member = c.DBClusterMembers?.[0]?.DBInstanceIdentifier;
  const vpcByMember = new Map<string, string>();
  if (member) {
    const m = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: member }))).DBInstances?.[0];
    const vpc = m?.DBSubnetGroup?.VpcId;
    if (vpc) vpcByMember.set(member, vpc);
  }
  return toDbCluster(c, r, vpcByMember);
}

async function describeSecurityGroups(ec2: EC2Client, filter: SecurityGroupFilter): Promise<SecurityGroup[]> {
  const Filters: Filter[] = [];
  if (filter.vpcId) Filters.push({ Name: 'vpc-id', Values: [filter.vpcId] });
  if (filter.groupNames?.length) Filters.push({ Name: 'group-name', Values: [...filter.groupNames] });
  if (filter.groupIds) {
    if (filter.groupIds.length === 0) return [];
    // MaxResults does not go with GroupIds; a list of ids is one page anyway.
    const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [...filter.groupIds], Filters: Filters.length ? Filters : undefined }));
    return (out.SecurityGroups ?? []).map(toSecurityGroup);
  }
  const groups: SecurityGroup[] = [];
  for await (const page of paginateDescribeSecurityGroups({ client: ec2, pageSize: PAGE_SIZE }, { Filters: Filters.length ? Filters : undefined })) {
    for (const g of page.SecurityGroups ?? []) groups.push(toSecurityGroup(g));
  }
  return groups;
}

async function describeInterfaces(ec2: EC2Client, filter: { readonly groupIds: readonly string[] }): Promise<InterfaceUse[]> {
  // One single-value group-id filter per group: AWS ORs the values of one filter, moto
  // answers nothing for two, and "is this group still used" must not depend on which.
  const byId = new Map<string, InterfaceUse>();
  const pages = await Promise.all(
    [...new Set(filter.groupIds)].map(async (groupId) => {
      const out: InterfaceUse[] = [];
      const input = { Filters: [{ Name: 'group-id', Values: [groupId] }] };
      for await (const page of paginateDescribeNetworkInterfaces({ client: ec2, pageSize: PAGE_SIZE }, input)) {
        for (const n of page.NetworkInterfaces ?? []) out.push(toInterfaceUse(n));
      }
      return out;
    }),
  );
  for (const n of pages.flat()) byId.set(n.id, n);
  return [...byId.values()];
}

/**
 * The LinkApi for one region: both clients must be for the same region (and endpoint).
 * EC2 mutations pass DryRun through, so a dry run throws DryRunOperation as AWS answers it.
 */
export function createSdkLinkApi(ec2: EC2Client, rds: RDSClient): LinkApi {
  const region = async (): Promise<string> => {
    const r = ec2.config.region;
    return typeof r === 'function' ? await r() : String(r ?? '');
  };

  return {
    async describeInstance(instanceId) {
      try {
        return await describeInstance(ec2, await region(), instanceId);
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
    },

    async describeDatabase(target) {
      try {
        return await describeDatabase(rds, await region(), target);
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
    },

    async describeDatabases() {
      return listDatabases(rds, await region());
    },

    describeSecurityGroups: (filter) => describeSecurityGroups(ec2, filter),
    describeInterfaces: (filter) => describeInterfaces(ec2, filter),

    async createSecurityGroup(input, dryRun) {
      const out = await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: input.name,
          Description: input.description,
          VpcId: input.vpcId,
          TagSpecifications: [{ ResourceType: 'security-group', Tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })) }],
          DryRun: dryRun || undefined,
        }),
      );
      return out.GroupId ?? '';
    },

    async deleteSecurityGroup(groupId, dryRun) {
      await ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId, DryRun: dryRun || undefined }));
    },

    async authorizeRules(direction: RuleDirection, groupId, rules, dryRun) {
      const input = { GroupId: groupId, IpPermissions: rules.map(toIpPermission), DryRun: dryRun || undefined };
      if (direction === 'egress') await ec2.send(new AuthorizeSecurityGroupEgressCommand(input));
      else await ec2.send(new AuthorizeSecurityGroupIngressCommand(input));
    },

    async revokeRules(direction: RuleDirection, groupId, rules, dryRun) {
      const input = { GroupId: groupId, IpPermissions: rules.map(toIpPermission), DryRun: dryRun || undefined };
      if (direction === 'egress') await ec2.send(new RevokeSecurityGroupEgressCommand(input));
      else await ec2.send(new RevokeSecurityGroupIngressCommand(input));
    },

    async setInterfaceGroups(interfaceId, groupIds, dryRun) {
      await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: interfaceId, Groups: [...groupIds], DryRun: dryRun || undefined }));
    },

    async setDatabaseGroups(target, groupIds) {
      // No ApplyImmediately: RDS applies a security-group change at once anyway, and the flag
      // would also push any modification pending for the maintenance window (maybe a reboot).
      if (target.kind === 'cluster') {
        await rds.send(new ModifyDBClusterCommand({ DBClusterIdentifier: target.id, VpcSecurityGroupIds: [...groupIds] }));
      } else {
        await rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: target.id, VpcSecurityGroupIds: [...groupIds] }));
      }
    },

    withSignal(signal) {
      return createSdkLinkApi(abortable(ec2, signal), abortable(rds, signal));
    },
  };
}
